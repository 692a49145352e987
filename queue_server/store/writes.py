"""The rows a flush writes, gathered over every office of a transaction: one statement a kind.

Group commit puts the commands of many offices in one transaction; writing each office's
events, tickets, windows and office row with statements of their own would cost a round of
SQLAlchemy per office and per row.  ``Writes`` collects the rows of all of them and sends each
kind as one executemany of a statement built once here (Core tables: no ORM bookkeeping per
row).  Compare-and-set updates still check every row: an executemany's row count is the sum,
so one row that did not match makes the total fall short (both drivers report sane sums).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Insert, Table, Update, bindparam, insert, select, update

from .schema import Base, CounterRow, EventRow, OfficeRow, PrintJobRow, ReplyRow, TicketRow, WindowRow

Row = dict[str, Any]
KEY = "w_"   # where-clause parameters; the other keys of a row are the columns to set


def _table(model: type[Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def _update(model: type, *columns: str) -> Update:
    table = _table(model)
    return update(table).where(*(table.c[name] == bindparam(KEY + name) for name in columns))


EVENTS, TICKETS, WINDOWS, COUNTERS, OFFICES, REPLIES, PRINT_JOBS = (
    _table(m) for m in (EventRow, TicketRow, WindowRow, CounterRow, OfficeRow, ReplyRow, PrintJobRow))
INSERT: dict[str, Insert] = {t.name: insert(t) for t in (EVENTS, TICKETS, WINDOWS, COUNTERS, REPLIES, PRINT_JOBS)}
TICKET_CAS = _update(TicketRow, "id", "version")
WINDOW_UPDATE = _update(WindowRow, "office_id", "number")
COUNTER_UPDATE = _update(CounterRow, "office_id", "grp", "day")
OFFICE_CAS = _update(OfficeRow, "id", "last_seq")
REPLY_LOOKUP = select(REPLIES.c.key, REPLIES.c.reply).where(REPLIES.c.key.in_(bindparam("keys", expanding=True)))


class ConcurrencyConflict(Exception):
    """A row changed under a transaction that held the office lock: retry the command."""


@dataclass
class Writes:
    events: list[Row] = field(default_factory=list)
    new_tickets: list[Row] = field(default_factory=list)
    tickets: list[Row] = field(default_factory=list)     # compare-and-set on the version
    windows: list[Row] = field(default_factory=list)     # update, or insert when missing
    counters: list[Row] = field(default_factory=list)    # update, or insert when missing
    offices: list[Row] = field(default_factory=list)     # compare-and-set on last_seq
    print_jobs: list[Row] = field(default_factory=list)  # after the tickets they refer to
    replies: list[Row] = field(default_factory=list)

    def execute(self, conn: Connection) -> None:
        if self.events:
            conn.execute(INSERT["events"], self.events)
        if self.new_tickets:
            conn.execute(INSERT["tickets"], self.new_tickets)
        _expect(conn, TICKET_CAS, self.tickets, "a ticket changed under the office lock")
        _upsert(conn, WINDOW_UPDATE, INSERT["windows"], self.windows)
        _upsert(conn, COUNTER_UPDATE, INSERT["counters"], self.counters)
        _expect(conn, OFFICE_CAS, self.offices, "an office moved past the seq its lock read")
        if self.print_jobs:
            conn.execute(INSERT["print_jobs"], self.print_jobs)
        if self.replies:
            conn.execute(INSERT["replies"], self.replies)


def where(row: Row, **keys: Any) -> Row:
    """``row`` with the values its update is matched on."""
    return {**row, **{KEY + name: value for name, value in keys.items()}}


def stored_replies(conn: Connection, keys: list[str]) -> dict[str, dict[str, Any]]:
    """The stored replies among ``keys``, in one query."""
    if not keys:
        return {}
    return {row.key: dict(row.reply) for row in conn.execute(REPLY_LOOKUP, {"keys": keys})}


def _expect(conn: Connection, statement: Update, rows: list[Row], conflict: str) -> None:
    if rows and conn.execute(statement, rows).rowcount != len(rows):
        raise ConcurrencyConflict(conflict)


def _upsert(conn: Connection, statement: Update, insert_missing: Insert, rows: list[Row]) -> None:
    if not rows or conn.execute(statement, rows).rowcount == len(rows):
        return
    for row in rows:  # rare: a window or a day's counter that has no row yet
        if conn.execute(statement, row).rowcount == 0:
            conn.execute(insert_missing, {k: v for k, v in row.items() if not k.startswith(KEY)})
