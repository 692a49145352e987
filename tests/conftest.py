"""Fixtures shared by every test tier.

``db_url`` runs a test once on SQLite (a file in tmp_path) and once on PostgreSQL when
``TALON_TEST_POSTGRES_URL`` names a database (CI makes a throwaway one); the PostgreSQL
database is emptied before each test.  Without the variable the PostgreSQL half is skipped.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest
from sqlalchemy import create_engine, text

POSTGRES_URL = os.environ.get("TALON_TEST_POSTGRES_URL", "")


def reset_postgres(url: str) -> None:
    from queue_server.store.database import normalize_url

    engine = create_engine(normalize_url(url), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


def database_url(kind: str, folder: Callable[[], os.PathLike[str]]) -> str:
    """A fresh SQLite file in ``folder()``, or the emptied PostgreSQL test database (skip if none)."""
    if kind == "sqlite":
        return f"sqlite:///{folder()}/talon.sqlite3"
    if not POSTGRES_URL:
        pytest.skip("TALON_TEST_POSTGRES_URL is not set: no PostgreSQL to test against")
    reset_postgres(POSTGRES_URL)
    return POSTGRES_URL


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: os.PathLike[str]) -> str:
    return database_url(request.param, lambda: tmp_path)


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def module_db_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """``db_url`` for a module's one server (a subprocess shared by the module's tests)."""
    return database_url(request.param, lambda: tmp_path_factory.mktemp("store"))
