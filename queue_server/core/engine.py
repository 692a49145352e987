"""The queue engine of one office: a command and the time in, events out.

Call order: ``engine.handle(command, now)`` first *decides* — reads the state and either raises
a :class:`~.errors.DomainError` or returns the events the command causes — and only then
*applies* those events with :func:`~.office_state.apply_event`.  A refused command therefore
changes nothing.  The engine reads no clock, touches no file, socket or database, and is
deterministic: the same commands at the same times give the same events.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from . import commands as c
from .errors import DomainError, IllegalTransition, NotAllowed, NotFound, Unavailable
from .estimates import estimated_wait_seconds, people_ahead
from .events import EVENT_OF_ACTION, Event, EventType
from .model import RESULTS, Office, Operator, Role, Service
from .numbering import format_label, local_day, next_number
from .office_state import OfficeState, Ticket, WindowState, apply_event
from .ordering import choose_next, may_take
from .states import (
    ACTIVE_STATES,
    Action,
    TicketState,
    WindowAction,
    WindowStatus,
    next_ticket_state,
    next_window_status,
)

MAX_POSTPONE_MIN = 8 * 60
MAX_TEXT = 500


class QueueEngine:
    """The rules of one office.  ``state`` may come from the store (rebuilt or cached)."""

    def __init__(self, office: Office, state: OfficeState | None = None) -> None:
        self.office = office
        self.services: dict[str, Service] = {s.id: s for s in office.services}
        self.operators: dict[str, Operator] = {o.login: o for o in office.operators}
        self.categories = {p.id: p for p in office.priority_categories}
        self.state = state if state is not None else OfficeState()
        self._expired_through: date | None = None  # a cache: earlier days' leftovers are expired up to here
        for window in office.windows:
            self.state.windows.setdefault(window.number, WindowState(window.number, dict(window.services)))
        self._deciders: dict[type, Callable[[Any, datetime], list[Event]]] = {
            c.IssueTicket: self._issue, c.CallNext: self._call_next, c.CallTicket: self._call_ticket,
            c.Recall: self._recall, c.StartService: self._start, c.FinishService: self._finish,
            c.MarkNoShow: self._no_show, c.Postpone: self._postpone, c.Transfer: self._transfer,
            c.CancelTicket: self._cancel, c.ReactivateTicket: self._reactivate,
            c.ChangePriority: self._change_priority, c.OpenWindow: self._open_window,
            c.PauseWindow: self._pause_window, c.ResumeWindow: self._resume_window,
            c.CloseWindow: self._close_window, c.SetWindowServices: self._set_window_services,
            c.SetServiceActive: self._set_service_active, c.SetRunningText: self._set_running_text,
            c.Tick: self._tick,
        }

    # -- the one entry point -------------------------------------------------------------

    def handle(self, command: c.Command, now: datetime) -> list[Event]:
        if now.tzinfo is None or now.utcoffset() != timedelta(0):
            raise ValueError("the engine takes aware UTC times only")
        events = self._deciders[type(command)](command, now)
        for event in events:
            apply_event(self.state, event)
        return events

    # -- questions the server and the kiosk ask -----------------------------------------

    def service(self, service_id: str) -> Service:
        service = self.services.get(service_id)
        if service is None:
            raise NotFound(f"no service {service_id!r} in this office", code="unknown_service")
        return service

    def is_active(self, service: Service) -> bool:
        return self.state.service_active.get(service.id, service.active)

    def unavailable_reason(self, service_id: str, now: datetime) -> str | None:
        """Why a visitor cannot take a ticket for this service now (a stable code), or None."""
        service = self.service(service_id)
        if service.is_category:
            return "not_a_service"
        if not self.is_active(service):
            return "service_inactive"
        if not self.office.hours.is_open(self.office.local(now)):
            return "office_closed"
        issued = self.state.issued.get((service.id, local_day(self.office, now)), 0)
        if service.daily_limit is not None and issued >= service.daily_limit:
            return "daily_limit_reached"
        if not any(w.status is not WindowStatus.CLOSED and service.id in w.services for w in self.state.windows.values()):
            return "no_open_window"
        return None

    def ticket(self, ticket_id: str) -> Ticket:
        ticket = self.state.tickets.get(ticket_id)
        if ticket is None:
            raise NotFound(f"no ticket {ticket_id!r}", code="unknown_ticket")
        return ticket

    def people_ahead(self, ticket: Ticket, now: datetime) -> int:
        return people_ahead(self.state, self.office.policy, ticket, now, self.categories)

    def estimated_wait_seconds(self, ticket: Ticket, now: datetime) -> float | None:
        return estimated_wait_seconds(self.state, self.office, ticket.service_id, self.people_ahead(ticket, now))

    # -- helpers ------------------------------------------------------------------------

    def _window(self, number: int) -> WindowState:
        window = self.state.windows.get(number)
        if window is None:
            raise NotFound(f"no window {number} in this office", code="unknown_window")
        return window

    def _operator(self, login: str) -> Operator:
        operator = self.operators.get(login)
        if operator is None:
            raise NotFound(f"no operator {login!r} in this office", code="unknown_operator")
        return operator

    def _staffed_by(self, number: int, login: str) -> WindowState:
        """The window, checked to be staffed by ``login`` (a manager may act for anyone)."""
        window = self._window(number)
        operator = self._operator(login)
        if window.operator != login and operator.role is Role.OPERATOR:
            raise NotAllowed(f"{login} is not at window {number}", code="not_at_window")
        if window.status is WindowStatus.CLOSED:
            raise IllegalTransition(f"window {number} is closed", code="window_closed")
        return window

    def _at_window(self, number: int, login: str, ticket_id: str, action: Action) -> tuple[WindowState, Ticket, TicketState]:
        window = self._staffed_by(number, login)
        ticket = self.ticket(ticket_id)
        if ticket.state in ACTIVE_STATES and ticket.window != number:
            raise NotAllowed(f"ticket {ticket.label} is at window {ticket.window}", code="ticket_elsewhere")
        return window, ticket, next_ticket_state(ticket.state, action, ticket.label)

    def _ticket_event(
        self, action: Action, ticket: Ticket, to: TicketState, now: datetime, *,
        window: int | None = None, operator: str | None = None, service_id: str | None = None,
        **data: Any,
    ) -> Event:
        return Event(
            type=EVENT_OF_ACTION[action], at=now, ticket_id=ticket.id, label=ticket.label,
            from_state=ticket.state, to_state=to, service_id=service_id or ticket.service_id,
            window=window if window is not None else ticket.window,
            operator=operator if operator is not None else ticket.operator, data=data,
        )

    def _staffed(self) -> dict[int, str | None]:
        return {n: w.operator for n, w in self.state.windows.items() if w.status is not WindowStatus.CLOSED}

    def _require_free(self, window: WindowState) -> None:
        if window.current is not None:
            label = self.state.tickets[window.current].label
            raise IllegalTransition(f"window {window.number} still has ticket {label}", code="window_busy")

    def _require_open(self, window: WindowState) -> None:
        if window.status is not WindowStatus.OPEN:
            raise IllegalTransition(f"window {window.number} is {window.status.value}", code=f"window_{window.status.value}")

    def _leaf_service(self, service_id: str) -> Service:
        service = self.service(service_id)
        if service.is_category:
            raise DomainError(f"{service_id!r} is a category, not a service", code="not_a_service")
        return service

    # -- tickets ------------------------------------------------------------------------

    def _issue(self, cmd: c.IssueTicket, now: datetime) -> list[Event]:
        if cmd.ticket_id in self.state.tickets:
            raise DomainError(f"ticket id {cmd.ticket_id!r} is already used", code="duplicate_ticket_id")
        service = self.service(cmd.service_id)
        reason = self.unavailable_reason(service.id, now)
        if reason is not None:
            raise Unavailable(f"service {service.id!r} cannot take tickets now: {reason}", code=reason)
        if cmd.priority_id is not None and cmd.priority_id not in self.categories:
            raise NotFound(f"no priority category {cmd.priority_id!r}", code="unknown_priority")
        day = local_day(self.office, now)
        number = next_number(self.state.counters.get((service.counter_group, day)), service)
        return [Event(
            type=EventType.TICKET_ISSUED, at=now, ticket_id=cmd.ticket_id, label=format_label(service, number),
            to_state=TicketState.WAITING, service_id=service.id,
            data={"number": number, "group": service.counter_group, "local_day": day.isoformat(),
                  "channel": cmd.channel.value, "priority": cmd.priority_id, "issued_by": cmd.issued_by,
                  "order": self.state.issued_total + 1},
        )]

    def _call(
        self, window: WindowState, ticket: Ticket, login: str, now: datetime, cycle_pos: int, specific: bool,
    ) -> list[Event]:
        to = next_ticket_state(ticket.state, Action.CALL, ticket.label)
        return [self._ticket_event(Action.CALL, ticket, to, now, window=window.number, operator=login,
                                   cycle_pos=cycle_pos, specific=specific)]

    def _call_next(self, cmd: c.CallNext, now: datetime) -> list[Event]:
        window = self._staffed_by(cmd.window, cmd.operator)
        self._require_open(window)
        self._require_free(window)
        ticket, cycle_pos = choose_next(window, self.state.waiting.values(), self.office.policy, self.categories, now,
                                        self._staffed())
        if ticket is None:
            raise DomainError(f"nobody is waiting for window {window.number}", code="queue_empty")
        return self._call(window, ticket, cmd.operator, now, cycle_pos, specific=False)

    def _call_ticket(self, cmd: c.CallTicket, now: datetime) -> list[Event]:
        window = self._staffed_by(cmd.window, cmd.operator)
        if not self._operator(cmd.operator).may_call_specific:
            raise NotAllowed(f"{cmd.operator} may not call a ticket out of turn", code="call_specific_forbidden")
        self._require_open(window)
        self._require_free(window)
        ticket = self.ticket(cmd.ticket_id)
        if ticket.state is TicketState.WAITING and not may_take(window, ticket, self._staffed()):
            raise NotAllowed(f"ticket {ticket.label} is not for window {window.number}", code="not_your_queue")
        return self._call(window, ticket, cmd.operator, now, window.cycle_pos, specific=True)

    def _recall(self, cmd: c.Recall, now: datetime) -> list[Event]:
        _, ticket, to = self._at_window(cmd.window, cmd.operator, cmd.ticket_id, Action.RECALL)
        limit = self.office.policy.max_recalls
        if limit > 0 and ticket.recalls >= limit:
            return [self._ticket_event(Action.NO_SHOW, ticket, TicketState.NO_SHOW, now, operator=cmd.operator,
                                       reason="recall_limit", recalls=ticket.recalls)]
        return [self._ticket_event(Action.RECALL, ticket, to, now, operator=cmd.operator, recalls=ticket.recalls + 1)]

    def _start(self, cmd: c.StartService, now: datetime) -> list[Event]:
        _, ticket, to = self._at_window(cmd.window, cmd.operator, cmd.ticket_id, Action.START)
        return [self._ticket_event(Action.START, ticket, to, now, operator=cmd.operator)]

    def _finish(self, cmd: c.FinishService, now: datetime) -> list[Event]:
        _, ticket, to = self._at_window(cmd.window, cmd.operator, cmd.ticket_id, Action.FINISH)
        if cmd.result not in RESULTS:
            raise DomainError(f"unknown result {cmd.result!r}; one of {', '.join(RESULTS)}", code="unknown_result")
        if ticket.return_operator is not None:
            back = next_ticket_state(ticket.state, Action.SEND_BACK, ticket.label)
            return [self._ticket_event(Action.SEND_BACK, ticket, back, now, operator=cmd.operator,
                                       service_id=ticket.return_service,
                                       result=cmd.result, to_operator=ticket.return_operator,
                                       placement=self.office.policy.return_placement.value)]
        return [self._ticket_event(Action.FINISH, ticket, to, now, operator=cmd.operator, result=cmd.result)]

    def _no_show(self, cmd: c.MarkNoShow, now: datetime) -> list[Event]:
        _, ticket, to = self._at_window(cmd.window, cmd.operator, cmd.ticket_id, Action.NO_SHOW)
        return [self._ticket_event(Action.NO_SHOW, ticket, to, now, operator=cmd.operator, reason="operator",
                                   recalls=ticket.recalls)]

    def _postpone(self, cmd: c.Postpone, now: datetime) -> list[Event]:
        _, ticket, to = self._at_window(cmd.window, cmd.operator, cmd.ticket_id, Action.POSTPONE)
        minutes = cmd.minutes if cmd.minutes is not None else self.office.policy.postpone_default_min
        if not 1 <= minutes <= MAX_POSTPONE_MIN:
            raise DomainError(f"postpone for 1 to {MAX_POSTPONE_MIN} minutes, not {minutes}", code="bad_minutes")
        return [self._ticket_event(Action.POSTPONE, ticket, to, now, operator=cmd.operator, minutes=minutes,
                                   reason=cmd.reason)]

    def _transfer(self, cmd: c.Transfer, now: datetime) -> list[Event]:
        _, ticket, to = self._at_window(cmd.window, cmd.operator, cmd.ticket_id, Action.TRANSFER)
        if cmd.to_service is None and cmd.to_window is None and cmd.to_operator is None:
            raise DomainError("transfer needs a service, a window or an operator", code="no_target")
        if cmd.to_service is not None:
            self._leaf_service(cmd.to_service)
        if cmd.to_window is not None:
            self._window(cmd.to_window)
        if cmd.to_operator is not None:
            self._operator(cmd.to_operator)
        if cmd.return_to_me and ticket.return_operator is not None:
            raise DomainError(f"ticket {ticket.label} already returns to {ticket.return_operator}; "
                              "transfer it without asking for it back", code="already_returning")
        return [self._ticket_event(
            Action.TRANSFER, ticket, to, now, operator=cmd.operator, service_id=cmd.to_service, to_window=cmd.to_window,
            to_operator=cmd.to_operator, comment=cmd.comment, return_to_me=cmd.return_to_me,
            from_service=ticket.service_id, placement=self.office.policy.transfer_placement.value,
        )]

    def _cancel(self, cmd: c.CancelTicket, now: datetime) -> list[Event]:
        ticket = self.ticket(cmd.ticket_id)
        to = next_ticket_state(ticket.state, Action.CANCEL, ticket.label)
        return [self._ticket_event(Action.CANCEL, ticket, to, now, operator=cmd.by or None, reason=cmd.reason)]

    def _reactivate(self, cmd: c.ReactivateTicket, now: datetime) -> list[Event]:
        ticket = self.ticket(cmd.ticket_id)
        to = next_ticket_state(ticket.state, Action.REACTIVATE, ticket.label)
        if ticket.local_day < local_day(self.office, now):
            raise IllegalTransition(f"ticket {ticket.label} is from an earlier day", code="ticket_expired")
        return [self._ticket_event(Action.REACTIVATE, ticket, to, now, operator=cmd.by or None,
                                   placement=self.office.policy.return_placement.value)]

    def _change_priority(self, cmd: c.ChangePriority, now: datetime) -> list[Event]:
        ticket = self.ticket(cmd.ticket_id)
        if cmd.priority_id is not None and cmd.priority_id not in self.categories:
            raise NotFound(f"no priority category {cmd.priority_id!r}", code="unknown_priority")
        to = next_ticket_state(ticket.state, Action.REPRIORITIZE, ticket.label)
        return [self._ticket_event(Action.REPRIORITIZE, ticket, to, now, operator=cmd.by or None,
                                   priority=cmd.priority_id, previous=ticket.priority_id)]

    # -- windows and the office ---------------------------------------------------------

    def _window_event(self, kind: EventType, window: WindowState, login: str | None, now: datetime, **data: Any) -> list[Event]:
        return [Event(type=kind, at=now, window=window.number, operator=login, data=data)]

    def _open_window(self, cmd: c.OpenWindow, now: datetime) -> list[Event]:
        window = self._window(cmd.window)
        self._operator(cmd.operator)
        for other in self.state.windows.values():
            if other.operator == cmd.operator and other.status is not WindowStatus.CLOSED:
                raise NotAllowed(f"{cmd.operator} is already at window {other.number}", code="operator_busy")
        if window.status is not WindowStatus.CLOSED:
            raise IllegalTransition(f"window {window.number} is {window.status.value}, staffed by {window.operator}",
                                    code=f"window_{window.status.value}")
        next_window_status(window.status, WindowAction.OPEN, window.number)
        return self._window_event(EventType.WINDOW_OPENED, window, cmd.operator, now,
                                  operator_name=self._operator(cmd.operator).display_name)

    def _pause_window(self, cmd: c.PauseWindow, now: datetime) -> list[Event]:
        window = self._staffed_by(cmd.window, cmd.operator)
        next_window_status(window.status, WindowAction.PAUSE, window.number)
        self._require_free(window)
        return self._window_event(EventType.WINDOW_PAUSED, window, cmd.operator, now, reason=cmd.reason)

    def _resume_window(self, cmd: c.ResumeWindow, now: datetime) -> list[Event]:
        window = self._staffed_by(cmd.window, cmd.operator)
        next_window_status(window.status, WindowAction.RESUME, window.number)
        return self._window_event(EventType.WINDOW_RESUMED, window, cmd.operator, now)

    def _close_window(self, cmd: c.CloseWindow, now: datetime) -> list[Event]:
        window = self._staffed_by(cmd.window, cmd.operator)
        next_window_status(window.status, WindowAction.CLOSE, window.number)
        self._require_free(window)
        return self._window_event(EventType.WINDOW_CLOSED, window, cmd.operator, now, was=window.operator)

    def _set_window_services(self, cmd: c.SetWindowServices, now: datetime) -> list[Event]:
        window = self._window(cmd.window)
        services: dict[str, float] = {}
        for service_id, weight in cmd.services.items():
            self._leaf_service(service_id)
            if not 0 < weight <= 100:
                raise DomainError(f"weight of {service_id!r} must be in (0, 100]", code="bad_weight")
            services[service_id] = float(weight)
        return self._window_event(EventType.WINDOW_SERVICES_CHANGED, window, cmd.by or None, now, services=services)

    def _set_service_active(self, cmd: c.SetServiceActive, now: datetime) -> list[Event]:
        service = self._leaf_service(cmd.service_id)
        return [Event(type=EventType.SERVICE_ACTIVE_CHANGED, at=now, service_id=service.id,
                      operator=cmd.by or None, data={"active": cmd.active})]

    def _set_running_text(self, cmd: c.SetRunningText, now: datetime) -> list[Event]:
        if len(cmd.text) > MAX_TEXT:
            raise DomainError(f"the running text is limited to {MAX_TEXT} characters", code="text_too_long")
        return [Event(type=EventType.RUNNING_TEXT_CHANGED, at=now, operator=cmd.by or None, data={"text": cmd.text})]

    def _tick(self, cmd: c.Tick, now: datetime) -> list[Event]:
        today = local_day(self.office, now)
        events: list[Event] = []
        stale: list[Ticket] = []
        if self._expired_through != today:  # the whole scan only once a local day (it runs before every command)
            stale = sorted(
                (t for t in self.state.tickets.values()
                 if t.local_day < today and t.state in (TicketState.WAITING, TicketState.POSTPONED)),
                key=lambda t: (t.issued_at, t.id),
            )
            self._expired_through = today
        for ticket in stale:
            events.append(self._ticket_event(Action.CANCEL, ticket, TicketState.CANCELLED, now, reason="expired"))
        expired = {t.id for t in stale}
        due = sorted(
            (t for t in self.state.postponed.values()
             if t.id not in expired and t.postponed_until is not None and t.postponed_until <= now),
            key=lambda t: (t.postponed_until or now, t.id),
        )
        placement = self.office.policy.return_placement.value
        for ticket in due:
            events.append(self._ticket_event(Action.RETURN, ticket, TicketState.WAITING, now, placement=placement))
        return events
