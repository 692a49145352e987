"""The store: the one object the server, the CLI and the simulator use for persistence.

    store = Store.open(url)            # engines + migrations
    store.ensure_office(office)        # office and window rows exist
    with store.office(office.id) as tx:
        tx.handle(command, now)        # as often as the command needs
    tx.committed                       # the events as numbered and committed

The transaction rules are in ``unit_of_work.py``.  The store holds one cached engine per
office; it is only ever used under that office's database lock.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, text, update
from sqlalchemy.orm import Session

from queue_server.core.engine import QueueEngine
from queue_server.core.events import Event
from queue_server.core.model import Office
from queue_server.core.office_state import apply_event

from . import migrate
from .database import Engines, create_engines
from .loading import catch_up, load_engine
from .mapping import event_from_row, window_values
from .schema import EventRow, OfficeRow, WindowRow
from .unit_of_work import ConcurrencyConflict, OfficeTransaction
from .writes import Writes

CATCH_UP_LIMIT = 5000
LOCK = (select(OfficeRow.id, OfficeRow.last_seq).where(OfficeRow.id.in_(bindparam("ids", expanding=True)))
        .order_by(OfficeRow.id))


def sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Store:
    def __init__(self, engines: Engines) -> None:
        self.engines = engines
        self.offices: dict[str, Office] = {}
        self._engines: dict[str, QueueEngine] = {}
        self._lock_query = LOCK if engines.is_sqlite else LOCK.with_for_update()

    @classmethod
    def open(cls, url: str | None = None, *, upgrade: bool = True) -> Store:
        store = cls(create_engines(url))
        if upgrade:
            store.upgrade()
        return store

    def upgrade(self) -> None:
        migrate.upgrade(self.engines.write)

    def close(self) -> None:
        self.engines.dispose()

    @property
    def dialect(self) -> str:
        return self.engines.write.dialect.name

    def ping(self) -> bool:
        try:
            with self.engines.read.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except Exception:
            return False

    # -- offices ------------------------------------------------------------------------

    def ensure_office(self, office: Office, config: dict[str, Any] | None = None) -> None:
        """Create or update the office row and its window rows; existing state is kept."""
        with self.engines.write.begin() as conn:
            row = conn.execute(select(OfficeRow.id).where(OfficeRow.id == office.id)).scalar_one_or_none()
            values = {"name": office.name, "timezone": office.timezone, "config": config or {}}
            if row is None:
                conn.execute(insert(OfficeRow).values(id=office.id, last_seq=0, issued_total=0, running_text="",
                                                      service_active={}, **values))
            else:
                conn.execute(update(OfficeRow).where(OfficeRow.id == office.id).values(**values))
            known = set(conn.execute(select(WindowRow.number).where(WindowRow.office_id == office.id)).scalars())
            fresh = QueueEngine(office).state.windows
            new = [window_values(w, office.id) for n, w in fresh.items() if n not in known]
            if new:
                conn.execute(insert(WindowRow), new)
        self.offices[office.id] = office
        self._engines.pop(office.id, None)

    # -- the unit of work ---------------------------------------------------------------

    @contextmanager
    def office(self, office_id: str) -> Iterator[OfficeTransaction]:
        with self.transaction([office_id]) as txs:
            yield txs[office_id]

    @contextmanager
    def transaction(self, office_ids: Iterable[str]) -> Iterator[dict[str, OfficeTransaction]]:
        """One transaction over several offices (group commit), each locked once, in sorted order
        so that two processes locking overlapping sets wait for each other instead of deadlocking."""
        with self.engines.write.connect() as conn:
            transaction = conn.begin()
            txs: dict[str, OfficeTransaction] = {}
            try:
                for office_id, head in self._lock(conn, sorted(set(office_ids))).items():
                    txs[office_id] = OfficeTransaction(conn, self._engine_at(conn, self.offices[office_id], head),
                                                       office_id, head)
                yield txs
                writes = Writes()
                for tx in txs.values():
                    tx.collect(writes)
                writes.execute(conn)
                transaction.commit()
            except BaseException:
                for office_id, tx in txs.items():
                    if tx.changed:  # memory must not run ahead of the database
                        self._engines.pop(office_id, None)
                transaction.rollback()
                raise

    def _lock(self, conn: Connection, office_ids: list[str]) -> dict[str, int]:
        """The heads of ``office_ids`` (sorted), their rows locked by one statement: PostgreSQL locks
        the rows of ``ORDER BY ... FOR UPDATE`` in the sorted order, SQLite's ``BEGIN IMMEDIATE``
        already holds the database's write lock."""
        heads = {row.id: int(row.last_seq) for row in conn.execute(self._lock_query, {"ids": office_ids})}
        missing = [office_id for office_id in office_ids if office_id not in heads]
        if missing:
            raise LookupError(f"no office row for {missing}")
        return {office_id: heads[office_id] for office_id in office_ids}

    def _engine_at(self, conn: Connection, office: Office, head: int) -> QueueEngine:
        engine = self._engines.get(office.id)
        if engine is not None and engine.state.last_seq == head:
            return engine  # the common case: nobody else wrote since our last command
        if engine is not None and 0 <= head - engine.state.last_seq <= CATCH_UP_LIMIT:
            try:
                catch_up(conn, engine, office.id, head)
                return engine
            except LookupError:
                pass
        engine = load_engine(conn, office)
        self._engines[office.id] = engine
        return engine

    def import_events(self, office: Office, events: Sequence[Event]) -> list[Event]:
        """Append events made elsewhere (the simulator) as one transaction."""
        with self.office(office.id) as tx:
            for event in events:
                apply_event(tx.engine.state, event)
            tx.events.extend(events)
        return tx.committed

    # -- reading ------------------------------------------------------------------------

    def events_since(self, office_id: str, after: int, limit: int = 10_000) -> list[Event]:
        with Session(self.engines.read) as orm:
            rows = orm.scalars(select(EventRow).where(EventRow.office_id == office_id, EventRow.seq > after)
                               .order_by(EventRow.seq).limit(limit))
            return [event_from_row(row) for row in rows]

    def head(self, office_id: str) -> int:
        with self.engines.read.connect() as conn:
            return int(conn.execute(select(OfficeRow.last_seq).where(OfficeRow.id == office_id)).scalar_one())


__all__ = ["ConcurrencyConflict", "OfficeTransaction", "Store", "sha256"]
