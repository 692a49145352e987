from __future__ import annotations

from collections.abc import Iterator

import pytest
from support.offices import small_office

from queue_server.store import Store


@pytest.fixture
def store(db_url: str) -> Iterator[Store]:
    store = Store.open(db_url)
    store.ensure_office(small_office())
    yield store
    store.close()
