"""Database engines: SQLite (WAL, foreign keys, one writer at a time) or PostgreSQL.

SQLite: every write transaction starts with ``BEGIN IMMEDIATE``, so a writer holds the write
lock from its first statement and two writers never both read a stale state and then collide
at commit; readers use a second engine with ordinary deferred transactions, which WAL lets run
beside the writer.  ``synchronous=NORMAL`` in WAL mode survives a killed process (the
committed log is on disk); only a power cut can lose the last transactions.
PostgreSQL: READ COMMITTED; commands lock their office row (``SELECT ... FOR UPDATE``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

DEFAULT_DATA_DIR = Path(os.environ.get("TALON_DATA_DIR", "var"))


def default_url() -> str:
    return f"sqlite:///{DEFAULT_DATA_DIR / 'talon.sqlite3'}"


def normalize_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs and pick the psycopg 3 driver for them."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


@dataclass(frozen=True)
class Engines:
    write: Engine
    read: Engine

    @property
    def is_sqlite(self) -> bool:
        return self.write.dialect.name == "sqlite"

    def dispose(self) -> None:
        self.write.dispose()
        if self.read is not self.write:
            self.read.dispose()


def _sqlite_engine(url: str, *, immediate: bool) -> Engine:
    path = make_url(url).database
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def create_engines(url: str | None = None) -> Engines:
    url = normalize_url(url or default_url())
    if make_url(url).get_backend_name() == "sqlite":
        return Engines(write=_sqlite_engine(url, immediate=True), read=_sqlite_engine(url, immediate=False))
    engine = create_engine(url, pool_size=5, max_overflow=10, pool_pre_ping=True)
    return Engines(write=engine, read=engine)
