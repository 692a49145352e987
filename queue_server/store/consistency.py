"""The store's self-check: the tables must say what the event log says.

For one office: the sequence is gapless 1..last_seq; replaying every event from an empty
state rebuilds each stored ticket field for field, each window and each counter.  Used by the
crash tests after every SIGKILL, and by ``talon-server db check`` for an auditor.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from queue_server.core.engine import QueueEngine
from queue_server.core.model import Office
from queue_server.core.office_state import apply_event

from .mapping import event_from_row, ticket_from_row, window_from_row
from .schema import CounterRow, EventRow, OfficeRow, TicketRow, WindowRow
from .store import Store


def check_office(store: Store, office: Office) -> list[str]:
    """Every disagreement found, in words; an empty list means consistent."""
    problems: list[str] = []
    replayed = QueueEngine(office).state
    engine = store.engines.read
    if not store.engines.is_sqlite:  # one snapshot for all the reads (SQLite's read transaction is one)
        engine = engine.execution_options(isolation_level="REPEATABLE READ")
    with Session(engine) as orm, orm.begin():
        head = orm.scalars(select(OfficeRow.last_seq).where(OfficeRow.id == office.id)).one()
        expected = 1
        for row in orm.scalars(select(EventRow).where(EventRow.office_id == office.id).order_by(EventRow.seq)):
            if row.seq != expected:
                problems.append(f"seq {expected} missing: next stored is {row.seq}")
                expected = row.seq
            apply_event(replayed, event_from_row(row))
            expected += 1
        if expected - 1 != head:
            problems.append(f"office row says last_seq {head}, the log ends at {expected - 1}")
        stored = {r.id: ticket_from_row(r) for r in orm.scalars(select(TicketRow).where(TicketRow.office_id == office.id))}
        for ticket_id in sorted(set(stored) | set(replayed.tickets)):
            mine, theirs = stored.get(ticket_id), replayed.tickets.get(ticket_id)
            if mine != theirs:
                problems.append(f"ticket {ticket_id}: stored {mine} != replayed {theirs}")
        for window_row in orm.scalars(select(WindowRow).where(WindowRow.office_id == office.id)):
            window, number = window_from_row(window_row), window_row.number
            if window != replayed.windows.get(number):
                problems.append(f"window {number}: stored {window} != replayed {replayed.windows.get(number)}")
        for counter in orm.scalars(select(CounterRow).where(CounterRow.office_id == office.id)):
            if replayed.counters.get((counter.grp, counter.day)) != counter.last_number:
                problems.append(f"counter {counter.grp} {counter.day}: stored {counter.last_number}, "
                                f"replayed {replayed.counters.get((counter.grp, counter.day))}")
    return problems
