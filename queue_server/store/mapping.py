"""Rows <-> domain objects.  The only place that knows both shapes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row

from queue_server.core.events import Event, EventType
from queue_server.core.model import Channel
from queue_server.core.office_state import Ticket, WindowState
from queue_server.core.states import TicketState, WindowStatus

from .schema import EventRow, TicketRow, WindowRow

TICKET_FIELDS = (
    "id", "label", "number", "service_id", "local_day", "issued_at", "priority_id", "queued_at", "front",
    "window", "operator", "target_window", "target_operator", "return_operator", "return_service", "recalls",
    "called_at", "first_called_at", "started_at", "finished_at", "result", "postponed_until", "reason",
    "comment", "version",
)


def ticket_values(ticket: Ticket, office_id: str) -> dict[str, Any]:
    values = {name: getattr(ticket, name) for name in TICKET_FIELDS}
    values.update(office_id=office_id, state=ticket.state.value, channel=ticket.channel.value, issue_order=ticket.order)
    return values


def ticket_changes(ticket: Ticket) -> dict[str, Any]:
    """The columns an update of a ticket sets: not its keys, which never change.  Naming ``id`` in an
    UPDATE makes SQLite check every row that refers to the ticket (print jobs: a scan of the table)."""
    values = ticket_values(ticket, "")
    del values["id"], values["office_id"]
    return values


def ticket_from_row(row: TicketRow) -> Ticket:
    values = {name: getattr(row, name) for name in TICKET_FIELDS}
    return Ticket(**values, state=TicketState(row.state), channel=Channel(row.channel), order=row.issue_order)


def window_values(window: WindowState, office_id: str) -> dict[str, Any]:
    return {
        "office_id": office_id, "number": window.number, "status": window.status.value,
        "operator": window.operator, "reason": window.reason, "current": window.current,
        "cycle_pos": window.cycle_pos, "since": window.since, "services": dict(window.services),
    }


def window_from_row(row: WindowRow) -> WindowState:
    return WindowState(
        number=row.number, services={k: float(v) for k, v in row.services.items()},
        status=WindowStatus(row.status), operator=row.operator, reason=row.reason, current=row.current,
        cycle_pos=row.cycle_pos, since=row.since,
    )


def event_values(event: Event, office_id: str) -> dict[str, Any]:
    return {
        "office_id": office_id, "seq": event.seq, "type": event.type.value, "at": event.at,
        "ticket_id": event.ticket_id, "label": event.label,
        "from_state": event.from_state.value if event.from_state else None,
        "to_state": event.to_state.value if event.to_state else None,
        "service_id": event.service_id, "window": event.window, "operator": event.operator, "data": event.data,
    }


def event_from_row(row: EventRow | Row[Any]) -> Event:
    """An ORM row or a Core row of ``select(EventRow)``: the same columns."""
    return Event(
        type=EventType(row.type), at=row.at, ticket_id=row.ticket_id, label=row.label,
        from_state=TicketState(row.from_state) if row.from_state else None,
        to_state=TicketState(row.to_state) if row.to_state else None,
        service_id=row.service_id, window=row.window, operator=row.operator, data=dict(row.data or {}),
        seq=row.seq,
    )
