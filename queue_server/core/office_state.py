"""The live state of one office, and the one function that changes it: :func:`apply_event`.

The engine decides (reads state, returns events); ``apply_event`` applies.  Replaying an
office's events through ``apply_event`` from an empty state rebuilds the same tickets and
windows, which is how the store checks itself and how an auditor replays a day.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from .events import Event, EventType
from .model import Channel, Placement
from .states import TERMINAL_STATES, TicketState, WindowStatus

RECENT_SERVICE_TIMES = 20


@dataclass(slots=True)
class Ticket:
    id: str
    label: str
    number: int
    service_id: str
    local_day: date
    issued_at: datetime
    channel: Channel = Channel.WALK_IN
    priority_id: str | None = None
    state: TicketState = TicketState.WAITING
    queued_at: datetime | None = None      # the moment that orders it within its queue
    front: bool = False                    # placed ahead of its class (a return)
    window: int | None = None              # called to / served at
    operator: str | None = None
    target_window: int | None = None       # while waiting: addressed to one window only
    target_operator: str | None = None     # while waiting: addressed to one operator only
    return_operator: str | None = None     # after this service, back to this operator
    return_service: str | None = None
    recalls: int = 0
    called_at: datetime | None = None      # the latest call or recall
    first_called_at: datetime | None = None
    started_at: datetime | None = None
    finished_at: datetime | None = None
    result: str | None = None
    postponed_until: datetime | None = None
    reason: str = ""
    comment: str = ""
    order: int = 0                         # the office-wide issue order: the last tie-break
    version: int = 0                       # how many events made this ticket what it is

    @property
    def is_terminal(self) -> bool:
        return self.state in TERMINAL_STATES


@dataclass(slots=True)
class WindowState:
    number: int
    services: dict[str, float]
    status: WindowStatus = WindowStatus.CLOSED
    operator: str | None = None
    reason: str = ""
    current: str | None = None             # the ticket called to or served at this window
    cycle_pos: int = 0                     # position in the interleave cycle
    since: datetime | None = None          # when the status last changed


@dataclass(slots=True)
class OfficeState:
    tickets: dict[str, Ticket] = field(default_factory=dict)
    waiting: dict[str, Ticket] = field(default_factory=dict)
    postponed: dict[str, Ticket] = field(default_factory=dict)
    windows: dict[int, WindowState] = field(default_factory=dict)
    counters: dict[tuple[str, date], int] = field(default_factory=dict)
    issued: dict[tuple[str, date], int] = field(default_factory=dict)
    service_times: dict[str, deque[float]] = field(default_factory=dict)
    service_active: dict[str, bool] = field(default_factory=dict)
    running_text: str = ""
    issued_total: int = 0                  # tickets ever issued by the office: the next issue order
    last_seq: int = 0

    def prune(self, before: date) -> None:
        """Forget final tickets of days before ``before``: the store keeps them, memory need not."""
        for ticket_id in [t.id for t in self.tickets.values() if t.is_terminal and t.local_day < before]:
            del self.tickets[ticket_id]


def _set_state(state: OfficeState, ticket: Ticket, new: TicketState) -> None:
    old = ticket.state
    if old is TicketState.WAITING:
        state.waiting.pop(ticket.id, None)
    elif old is TicketState.POSTPONED:
        state.postponed.pop(ticket.id, None)
    ticket.state = new
    if new is TicketState.WAITING:
        state.waiting[ticket.id] = ticket
    elif new is TicketState.POSTPONED:
        state.postponed[ticket.id] = ticket


def _leave_window(state: OfficeState, ticket: Ticket) -> None:
    if ticket.window is not None:
        window = state.windows.get(ticket.window)
        if window is not None and window.current == ticket.id:
            window.current = None
    ticket.window = None
    ticket.operator = None


def _requeue(ticket: Ticket, placement: str, at: datetime) -> None:
    ticket.front = placement == Placement.FRONT
    ticket.queued_at = ticket.issued_at if placement == Placement.ISSUE_TIME else at
    ticket.recalls = 0


def _record_service_time(state: OfficeState, ticket: Ticket, at: datetime) -> None:
    if ticket.started_at is not None:
        times = state.service_times.setdefault(ticket.service_id, deque(maxlen=RECENT_SERVICE_TIMES))
        times.append((at - ticket.started_at).total_seconds())


def apply_event(state: OfficeState, event: Event) -> None:
    """Apply one event to ``state``.  Events come from the engine, so they are legal."""
    if event.seq:
        state.last_seq = event.seq
    kind = event.type
    data = event.data
    if not kind.is_ticket_event:
        _apply_office_event(state, event)
        return
    if kind is EventType.TICKET_ISSUED:
        assert event.ticket_id is not None and event.label is not None and event.service_id is not None
        day = date.fromisoformat(data["local_day"])
        ticket = Ticket(
            id=event.ticket_id, label=event.label, number=data["number"], service_id=event.service_id,
            local_day=day, issued_at=event.at, channel=Channel(data.get("channel", "walk_in")),
            priority_id=data.get("priority"), queued_at=event.at, order=data.get("order", 0), version=1,
        )
        state.issued_total = max(state.issued_total, ticket.order)
        state.tickets[ticket.id] = ticket
        state.waiting[ticket.id] = ticket
        state.counters[(data["group"], day)] = ticket.number
        key = (ticket.service_id, day)
        state.issued[key] = state.issued.get(key, 0) + 1
        return
    assert event.ticket_id is not None
    ticket = state.tickets[event.ticket_id]
    ticket.version += 1
    assert event.to_state is not None
    if kind is EventType.TICKET_CALLED:
        _set_state(state, ticket, TicketState.CALLED)
        ticket.window, ticket.operator = event.window, event.operator
        ticket.target_window = ticket.target_operator = None
        ticket.called_at = event.at
        ticket.first_called_at = ticket.first_called_at or event.at
        ticket.recalls = 0
        ticket.postponed_until = None
        assert event.window is not None
        window = state.windows[event.window]
        window.current = ticket.id
        window.cycle_pos = data.get("cycle_pos", window.cycle_pos)
    elif kind is EventType.TICKET_RECALLED:
        ticket.recalls += 1
        ticket.called_at = event.at
    elif kind is EventType.TICKET_STARTED:
        _set_state(state, ticket, TicketState.SERVING)
        ticket.started_at = event.at
    elif kind is EventType.TICKET_FINISHED:
        _set_state(state, ticket, TicketState.FINISHED)
        _record_service_time(state, ticket, event.at)
        _leave_window(state, ticket)
        ticket.finished_at = event.at
        ticket.result = data.get("result")
    elif kind is EventType.TICKET_SENT_BACK:
        _record_service_time(state, ticket, event.at)
        _leave_window(state, ticket)
        _set_state(state, ticket, TicketState.WAITING)
        ticket.service_id = event.service_id or ticket.service_id
        ticket.target_operator, ticket.target_window = ticket.return_operator, None
        ticket.return_operator = ticket.return_service = None
        ticket.started_at = None
        _requeue(ticket, data["placement"], event.at)
    elif kind is EventType.TICKET_NO_SHOW:
        _leave_window(state, ticket)
        _set_state(state, ticket, TicketState.NO_SHOW)
        ticket.finished_at = event.at
    elif kind is EventType.TICKET_POSTPONED:
        _leave_window(state, ticket)
        _set_state(state, ticket, TicketState.POSTPONED)
        ticket.postponed_until = event.at + timedelta(minutes=data["minutes"])
        ticket.reason = data.get("reason", "")
        ticket.started_at = None
    elif kind is EventType.TICKET_RETURNED:
        _set_state(state, ticket, TicketState.WAITING)
        ticket.postponed_until = None
        _requeue(ticket, data["placement"], event.at)
    elif kind is EventType.TICKET_TRANSFERRED:
        from_operator = ticket.operator
        _leave_window(state, ticket)
        _set_state(state, ticket, TicketState.WAITING)
        previous_service = ticket.service_id
        ticket.service_id = event.service_id or ticket.service_id
        ticket.target_window = data.get("to_window")
        ticket.target_operator = data.get("to_operator")
        if data.get("return_to_me"):
            ticket.return_operator, ticket.return_service = from_operator, previous_service
        ticket.comment = data.get("comment", "")
        ticket.started_at = None
        _requeue(ticket, data["placement"], event.at)
    elif kind is EventType.TICKET_CANCELLED:
        _leave_window(state, ticket)
        _set_state(state, ticket, TicketState.CANCELLED)
        ticket.finished_at = event.at
        ticket.reason = data.get("reason", "")
    elif kind is EventType.TICKET_REACTIVATED:
        _set_state(state, ticket, TicketState.WAITING)
        ticket.finished_at = None
        _requeue(ticket, data["placement"], event.at)
    elif kind is EventType.TICKET_PRIORITY_CHANGED:
        ticket.priority_id = data.get("priority")
    assert ticket.state is event.to_state, (kind, ticket.state, event.to_state)


def _apply_office_event(state: OfficeState, event: Event) -> None:
    data = event.data
    kind = event.type
    if kind is EventType.SERVICE_ACTIVE_CHANGED:
        assert event.service_id is not None
        state.service_active[event.service_id] = bool(data["active"])
        return
    if kind is EventType.RUNNING_TEXT_CHANGED:
        state.running_text = data["text"]
        return
    assert event.window is not None
    window = state.windows[event.window]
    if kind is EventType.WINDOW_SERVICES_CHANGED:
        window.services = {str(k): float(v) for k, v in data["services"].items()}
        return
    window.since = event.at
    if kind is EventType.WINDOW_OPENED:
        window.status, window.operator, window.reason = WindowStatus.OPEN, event.operator, ""
    elif kind is EventType.WINDOW_PAUSED:
        window.status, window.reason = WindowStatus.BREAK, data.get("reason", "")
    elif kind is EventType.WINDOW_RESUMED:
        window.status, window.reason = WindowStatus.OPEN, ""
    elif kind is EventType.WINDOW_CLOSED:
        window.status, window.operator, window.reason = WindowStatus.CLOSED, None, ""
