"""Rebuilding an office's engine from the tables, and catching a cached one up from events."""

from __future__ import annotations

from collections import deque
from datetime import timedelta

from sqlalchemy import ColumnElement, Connection, func, select
from sqlalchemy.orm import Session

from queue_server.core.engine import QueueEngine
from queue_server.core.model import Office
from queue_server.core.office_state import RECENT_SERVICE_TIMES, OfficeState, apply_event
from queue_server.core.states import TERMINAL_STATES, TicketState

from .mapping import event_from_row, ticket_from_row, window_from_row
from .schema import CounterRow, EventRow, OfficeRow, TicketRow, WindowRow

TERMINAL = [s.value for s in TERMINAL_STATES]


def load_engine(conn: Connection, office: Office) -> QueueEngine:
    """The office's engine as the tables say: open tickets of any day, and every ticket of the
    latest day that issued any (for daily limits and service-time estimates)."""
    orm = Session(bind=conn)
    office_row = orm.scalars(select(OfficeRow).where(OfficeRow.id == office.id)).one()
    state = OfficeState(
        running_text=office_row.running_text, last_seq=office_row.last_seq, issued_total=office_row.issued_total,
        service_active={k: bool(v) for k, v in (office_row.service_active or {}).items()},
    )
    engine = QueueEngine(office, state)
    for window_row in orm.scalars(select(WindowRow).where(WindowRow.office_id == office.id)):
        state.windows[window_row.number] = window_from_row(window_row)
    latest_day = conn.execute(select(func.max(CounterRow.day)).where(CounterRow.office_id == office.id)).scalar()
    if latest_day is not None:
        for counter in orm.scalars(select(CounterRow).where(
                CounterRow.office_id == office.id, CounterRow.day >= latest_day - timedelta(days=1))):
            state.counters[(counter.grp, counter.day)] = counter.last_number
    open_or_latest: ColumnElement[bool] = TicketRow.state.not_in(TERMINAL)
    if latest_day is not None:
        open_or_latest = open_or_latest | (TicketRow.local_day >= latest_day)
    rows = orm.scalars(select(TicketRow).where(TicketRow.office_id == office.id, open_or_latest))
    finished = []
    for row in rows:
        ticket = ticket_from_row(row)
        state.tickets[ticket.id] = ticket
        if ticket.state is TicketState.WAITING:
            state.waiting[ticket.id] = ticket
        elif ticket.state is TicketState.POSTPONED:
            state.postponed[ticket.id] = ticket
        elif ticket.state is TicketState.FINISHED and ticket.started_at and ticket.finished_at:
            finished.append(ticket)
        key = (ticket.service_id, ticket.local_day)
        state.issued[key] = state.issued.get(key, 0) + 1
    for ticket in sorted(finished, key=lambda t: (t.finished_at, t.id)):
        assert ticket.finished_at is not None and ticket.started_at is not None
        times = state.service_times.setdefault(ticket.service_id, deque(maxlen=RECENT_SERVICE_TIMES))
        times.append((ticket.finished_at - ticket.started_at).total_seconds())
    return engine


def catch_up(conn: Connection, engine: QueueEngine, office_id: str, head: int) -> None:
    """Apply the events after the engine's ``last_seq`` up to ``head``."""
    rows = Session(bind=conn).scalars(select(EventRow).where(
        EventRow.office_id == office_id, EventRow.seq > engine.state.last_seq, EventRow.seq <= head,
    ).order_by(EventRow.seq))
    for row in rows:
        if row.seq != engine.state.last_seq + 1:
            raise LookupError(f"event log of {office_id} has a gap before seq {row.seq}")
        apply_event(engine.state, event_from_row(row))
    if engine.state.last_seq != head:
        raise LookupError(f"event log of {office_id} ends at {engine.state.last_seq}, office row says {head}")
