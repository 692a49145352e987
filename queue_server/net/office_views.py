"""The core's state as each role may see it: snapshots, wire events, verb results.

Public screens (kiosks, boards) never receive a visitor's data, free text or staff logins:
their snapshot has no ticket list and their events carry ``operator: null`` and only the
public part of ``data`` (docs/protocol.md, "Snapshot" and "Events").  Everything here is a
pure function of the engine's state, run on the database thread under the office's lock.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from queue_protocol import enums as wire
from queue_protocol.enums import Role
from queue_protocol.replies import EventMessage, WireEvent
from queue_protocol.views import (
    CallView,
    IssueResult,
    OfficeInfo,
    OfficeView,
    PriorityView,
    ServiceView,
    TicketResult,
    TicketView,
    WindowView,
)
from queue_protocol.wire_time import format_utc
from queue_server.core.engine import QueueEngine
from queue_server.core.estimates import estimated_wait_seconds
from queue_server.core.events import Event, EventType
from queue_server.core.model import text_lines
from queue_server.core.numbering import local_day
from queue_server.core.office_state import Ticket
from queue_server.core.states import TicketState

PUBLIC_DATA: dict[EventType, tuple[str, ...]] = {
    EventType.TICKET_ISSUED: ("number", "local_day"),
    EventType.TICKET_RECALLED: ("recalls",),
    EventType.TICKET_POSTPONED: ("minutes",),
    EventType.TICKET_TRANSFERRED: ("to_window",),
    EventType.WINDOW_OPENED: ("operator_name",),   # boards show who works at a window, never the login
    EventType.WINDOW_SERVICES_CHANGED: ("services",),
    EventType.SERVICE_ACTIVE_CHANGED: ("active",),
    EventType.RUNNING_TEXT_CHANGED: ("text",),
}
CALL_TYPES = (EventType.TICKET_CALLED, EventType.TICKET_RECALLED)
MAX_CALLS = 20


def _utc(moment: datetime | None) -> str | None:
    return format_utc(moment) if moment is not None else None


def wire_event(office_id: str, event: Event, *, public: bool) -> EventMessage:
    data = event.data
    if public:
        data = {key: data[key] for key in PUBLIC_DATA.get(event.type, ()) if key in data}
    return EventMessage(office=office_id, seq=event.seq, event=WireEvent(
        type=wire.EventType(event.type.value), at=format_utc(event.at), ticket=event.ticket_id, label=event.label,
        from_state=wire.TicketState(event.from_state.value) if event.from_state else None,
        to_state=wire.TicketState(event.to_state.value) if event.to_state else None,
        service=event.service_id, window=event.window, operator=None if public else event.operator, data=data,
    ))


def call_view(event: Event) -> CallView:
    assert event.ticket_id is not None and event.label is not None and event.window is not None
    return CallView(ticket=event.ticket_id, label=event.label, window=event.window, at=format_utc(event.at),
                    recall=event.type is EventType.TICKET_RECALLED)


def ticket_view(ticket: Ticket) -> TicketView:
    return TicketView(
        id=ticket.id, label=ticket.label, service=ticket.service_id, state=wire.TicketState(ticket.state.value),
        channel=wire.Channel(ticket.channel.value), priority=ticket.priority_id, issued_at=format_utc(ticket.issued_at),
        window=ticket.window, target_window=ticket.target_window, target_operator=ticket.target_operator,
        recalls=ticket.recalls, called_at=_utc(ticket.called_at), first_called_at=_utc(ticket.first_called_at),
        started_at=_utc(ticket.started_at), postponed_until=_utc(ticket.postponed_until),
        comment=ticket.comment,
    )


def office_view(engine: QueueEngine, role: Role, calls: list[CallView], now: datetime) -> OfficeView:
    office, state = engine.office, engine.state
    public = role in (Role.KIOSK, Role.DISPLAY)
    waiting: dict[str, int] = {}
    for ticket in state.waiting.values():
        waiting[ticket.service_id] = waiting.get(ticket.service_id, 0) + 1
    services = []
    for service in office.services:
        count = waiting.get(service.id, 0)
        services.append(ServiceView(
            id=service.id, name_ru=service.name_ru, name_en=service.name_en, parent=service.parent_id,
            is_category=service.is_category, prefix=service.prefix, active=engine.is_active(service),
            unavailable=None if service.is_category else engine.unavailable_reason(service.id, now),
            waiting=count,
            estimated_wait_s=None if service.is_category else estimated_wait_seconds(state, office, service.id, count),
            norm_walk_in_min=service.norm_walk_in_min, norm_appointment_min=service.norm_appointment_min,
            description_ru=service.description_ru, description_en=service.description_en,
            documents_ru=text_lines(service.documents_ru), documents_en=text_lines(service.documents_en),
        ))
    names = {o.login: o.display_name for o in office.operators}
    window_names = {w.number: w.name for w in office.windows}
    windows = []
    for number in sorted(state.windows):
        window = state.windows[number]
        current = state.tickets.get(window.current) if window.current else None
        windows.append(WindowView(
            number=number, name=window_names.get(number, ""), status=wire.WindowStatus(window.status.value),
            operator=None if public else window.operator,
            operator_name=None if role is Role.KIOSK else names.get(window.operator or ""),
            reason="" if public else window.reason, ticket=current.id if current else None,
            label=current.label if current else None, services=dict(window.services), since=_utc(window.since),
        ))
    tickets = None
    if not public:
        today = local_day(office, now)
        shown = [t for t in state.tickets.values()
                 if is_live(t) or (role is not Role.OPERATOR and t.local_day >= today)]
        tickets = [ticket_view(t) for t in sorted(shown, key=lambda t: (t.issued_at, t.id))]
    return OfficeView(
        office=OfficeInfo(id=office.id, name=office.name, name_en=office.name_en, timezone=office.timezone,
                          local_day=local_day(office, now).isoformat(), running_text=state.running_text),
        services=services,
        priorities=[PriorityView(id=p.id, name_ru=p.name_ru, name_en=p.name_en) for p in office.priority_categories],
        windows=windows, tickets=tickets, calls=[] if role is Role.KIOSK else calls,
    )


def issue_result(engine: QueueEngine, office_id: str, ticket: Ticket, now: datetime, seq: int,
                 extra: dict[str, Any] | None = None) -> IssueResult:
    ahead = engine.people_ahead(ticket, now)
    wait = estimated_wait_seconds(engine.state, engine.office, ticket.service_id, ahead)
    return IssueResult(
        ticket=ticket.id, office=office_id, label=ticket.label, number=ticket.number, service=ticket.service_id,
        priority=ticket.priority_id, channel=wire.Channel(ticket.channel.value), issued_at=format_utc(ticket.issued_at),
        local_day=ticket.local_day.isoformat(), people_ahead=ahead,
        estimated_wait_s=round(wait, 1) if wait is not None else None, seq=seq, **(extra or {}),
    )


def ticket_result(office_id: str, ticket: Ticket, seq: int) -> TicketResult:
    return TicketResult(ticket=ticket.id, office=office_id, label=ticket.label, state=wire.TicketState(ticket.state.value),
                        service=ticket.service_id, window=ticket.window, recalls=ticket.recalls, seq=seq)


def is_live(ticket: Ticket) -> bool:
    return ticket.state in (TicketState.WAITING, TicketState.CALLED, TicketState.SERVING, TicketState.POSTPONED)
