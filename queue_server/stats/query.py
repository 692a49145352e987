"""Reading the event log for the statistics: the offices, and one office's events of a period.

One range scan of ``events`` on (office_id, at) — the index ``ix_events_office_at`` — from the
period's first local midnight to one day past its last, so that the tickets issued on the last
day are seen to their end (the server cancels leftovers at the next local day's first tick).
The rows come back as plain tuples in :class:`~.definitions.EventRecord` order, sorted by
``seq``; ``data`` (and ``label``) only for the event kinds whose facts the statistics use.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Engine,
    String,
    Text,
    case,
    cast,
    extract,
    func,
    select,
    type_coerce,
)
from sqlalchemy.engine import make_url

from queue_server.store.database import create_engines, normalize_url
from queue_server.store.schema import EventRow, OfficeRow

from .definitions import DATA_KINDS, ISSUED

TAIL = timedelta(days=1)        # read this far past the period for the fate of its last tickets


class NoDatabase(ValueError):
    """The URL names no database to read."""


def open_read_engine(url: str) -> tuple[Engine, Any]:
    """A read engine on ``url`` (no migrations: a report only reads); returns (engine, engines)."""
    parsed = make_url(normalize_url(url))
    if parsed.get_backend_name() == "sqlite":
        path = parsed.database
        if not path or path == ":memory:" or not Path(path).is_file():
            raise NoDatabase(f"no SQLite database at {path!r}")
    engines = create_engines(url)
    return engines.read, engines


def offices(conn: Connection) -> list[tuple[str, str, str]]:
    """(id, name, time zone) of every office in the store."""
    rows = conn.execute(select(OfficeRow.id, OfficeRow.name, OfficeRow.timezone).order_by(OfficeRow.id))
    return [(r[0], r[1], r[2]) for r in rows]


def epoch_us(column: Any) -> ColumnElement[int]:
    """``column`` as integer microseconds since the epoch, computed by PostgreSQL (exact)."""
    return cast(func.round(extract("epoch", column) * 1_000_000), BigInteger)


def fetch_records(conn: Connection, office_id: str, start: datetime, end: datetime,
                  tail: timedelta = TAIL) -> list[Sequence[Any]]:
    """The office's events with ``start <= at < end + tail``, in ``seq`` order, as tuples in
    :class:`~.definitions.EventRecord` order.

    What is cheapest where: SQLite hands over its stored text for ``at`` (Python parses it
    faster than SQLite's own date functions), PostgreSQL computes the microseconds itself;
    ``data`` comes as JSON text from both (parsed in :func:`~.definitions.compute`, which
    parses a repeated text once — psycopg's own JSON loading is four times slower), and with
    ``label`` only for the kinds that use them.
    """
    sqlite = conn.dialect.name == "sqlite"
    at = type_coerce(EventRow.at, String) if sqlite else epoch_us(EventRow.at)
    query = (
        select(EventRow.seq, EventRow.type, at, EventRow.ticket_id,
               case((EventRow.type == ISSUED, EventRow.label), else_=None), EventRow.from_state,
               EventRow.to_state, EventRow.service_id, EventRow.window, EventRow.operator,
               case((EventRow.type.in_(DATA_KINDS), cast(EventRow.data, Text)), else_=None))
        .where(EventRow.office_id == office_id, EventRow.at >= start.astimezone(UTC),
               EventRow.at < (end + tail).astimezone(UTC))
    )
    # Every column is a plain int or str already: take the driver's tuples as they are
    # rather than a Row object each (a quarter of a million of them for a month).
    result = conn.execute(query)
    try:
        rows: Sequence[Sequence[Any]] = result.cursor.fetchall()
    finally:
        result.close()
    return sorted(rows, key=_seq)


def _seq(row: Sequence[Any]) -> int:
    return int(row[0])
