"""Property tests: random office days driven through the engine, and what must hold for all.

A day is a random sequence of commands (issue with a random service and priority, open /
pause / resume / close windows, call next, call specific, recall, start, finish with random
results, no-show, postpone, transfer with return-to-me, cancel, reactivate, change priority,
change a window's services, switch a service off and on, tick) over a small office: 3
services, 4 windows, 5 operators (one may not call out of turn, one is the hall manager), 2
priority categories, both ordering modes, ageing on or off, max_recalls 0..3, every
placement.  The clock only moves forward, by 0 s to 30 min a step, from an evening start so
that local midnight is often crossed (and the tick expires yesterday's tickets).  Domain errors
are expected and skipped; any other exception fails the test.  At the end the day is closed:
windows with a visitor refuse to close, then everything left is finished, marked no-show or
cancelled.  (Property c, no starvation under ageing, has a generator of its own and lives in
test_core_ordering.py.)
"""

from __future__ import annotations

import copy
import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from queue_server.core import commands as c
from queue_server.core.engine import QueueEngine
from queue_server.core.errors import DomainError
from queue_server.core.events import Event, EventType
from queue_server.core.model import RESULTS, Office, OrderingMode, Placement, WindowConfig
from queue_server.core.office_state import OfficeState, Ticket, WindowState, apply_event
from queue_server.core.states import (
    ACTIVE_STATES,
    TERMINAL_STATES,
    TICKET_TRANSITIONS,
    Action,
    TicketState,
    WindowStatus,
)

# Bounded so the whole module runs in well under a minute on two cores.  No example database:
# these tests write nothing outside their folder; a failure prints its reproduction blob.
PROPERTY = settings(
    max_examples=60, deadline=None, database=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

SERVICE_IDS = ("A", "B", "C")
WINDOWS = (
    WindowConfig(number=1, services={"A": 1.0}),
    WindowConfig(number=2, services={"A": 1.0, "B": 1.0}),
    WindowConfig(number=3, services={"B": 1.0, "C": 2.0}),
    WindowConfig(number=4, services={"C": 1.0, "A": 1.0}),
)
WINDOW_NUMBERS = tuple(w.number for w in WINDOWS)
LOGINS = ("opa", "opb", "opc", "opd", "boss")  # conftest.OPERATORS
PRIORITIES = (None, None, None, "disabled", "veteran")

policies = st.fixed_dictionaries({
    "mode": st.sampled_from(OrderingMode),
    "interleave_priority": st.integers(1, 2),
    "interleave_normal": st.integers(1, 3),
    "ageing_min": st.sampled_from([0, 20, 60]),
    "return_placement": st.sampled_from(Placement),
    "transfer_placement": st.sampled_from(Placement),
    "max_recalls": st.integers(0, 3),
    "postpone_default_min": st.sampled_from([1, 10]),
})
zones = st.sampled_from(["Europe/Moscow", "Asia/Vladivostok"])
# Weighted by repetition; "advance" is a window's natural next step (call the next visitor,
# start a called one, finish a served one), so that days get somewhere.
KINDS = (
    *["issue"] * 8, *["call_next"] * 2, *["advance"] * 10, *["call_specific"] * 3, "start", "finish", "open", "open",
    "recall", "recall", "tick", "tick", "no_show", "postpone", "postpone", "transfer", "transfer", "cancel", "reactivate",
    "change_priority", "pause", "resume", "close", "set_services", "set_active",
)


@dataclass
class Step:
    """One command as it happened: the time, the ticket states before and after, and either
    the events or the refusal.  ``waiting``/``windows`` are copies taken before a call-next."""

    command: c.Command
    now: datetime
    before: dict[str, TicketState]
    after: dict[str, TicketState] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    error: DomainError | None = None
    waiting: list[Ticket] = field(default_factory=list)
    windows: dict[int, WindowState] = field(default_factory=dict)


@dataclass
class Day:
    office: Office
    engine: QueueEngine
    now: datetime
    steps: list[Step] = field(default_factory=list)
    issued: int = 0

    @property
    def state(self) -> OfficeState:
        return self.engine.state

    @property
    def log(self) -> list[Event]:
        return [event for step in self.steps for event in step.events]

    def do(self, command: c.Command, *, check_refusal: bool = False, on_step=None) -> Step:
        state = self.engine.state
        step = Step(command, self.now, {t.id: t.state for t in state.tickets.values()})
        if isinstance(command, c.CallNext) and command.window in state.windows:
            step.waiting = [copy.copy(t) for t in state.waiting.values()]
            step.windows = copy.deepcopy(state.windows)
        snapshot = copy.deepcopy(state) if check_refusal else None
        try:
            step.events = self.engine.handle(command, self.now)
        except DomainError as error:
            step.error = error
            if snapshot is not None:
                assert self.engine.state == snapshot, f"refused {command} changed the state"
        step.after = {t.id: t.state for t in state.tickets.values()}
        self.steps.append(step)
        if on_step is not None:
            on_step(self, step)
        return step


def _rarely(data, one_in: int, label: str) -> bool:
    """True about once in ``one_in`` draws; the simplest draw (0, what shrinking seeks) is False."""
    return data.draw(st.integers(0, one_in - 1), label=label) == one_in // 2


def _pick(data, items, label):
    return data.draw(st.sampled_from(sorted(items)), label=label)


def _draw_command(data, day: Day) -> c.Command:
    state = day.state
    kind = data.draw(st.sampled_from(KINDS), label="kind")
    tickets = list(state.tickets)

    def staffed():
        open_windows = [w for w in WINDOW_NUMBERS if state.windows[w].status is not WindowStatus.CLOSED]
        if open_windows and not _rarely(data, 10, "any window"):
            number = data.draw(st.sampled_from(open_windows), label="staffed window")
        else:
            number = data.draw(st.sampled_from(WINDOW_NUMBERS), label="window")
        operator = state.windows[number].operator
        if operator is not None and not _rarely(data, 10, "another operator"):
            return number, operator
        return number, data.draw(st.sampled_from(LOGINS), label="operator")

    def any_ticket():
        if not tickets or _rarely(data, 25, "unknown id"):
            return "no-such-ticket"
        return _pick(data, tickets, "ticket")

    def at_window():
        busy = [w for w in WINDOW_NUMBERS if state.windows[w].current is not None]
        if busy and not _rarely(data, 5, "any window"):
            number = data.draw(st.sampled_from(busy), label="busy window")
            window = state.windows[number]
            assert window.operator is not None and window.current is not None
            login = "boss" if _rarely(data, 4, "the manager acts") else window.operator
            return number, login, window.current
        number, login = staffed()
        return number, login, any_ticket()

    if kind == "issue":
        reuse = tickets and _rarely(data, 30, "reuse an id")
        ticket_id = _pick(data, tickets, "reused id") if reuse else f"T{day.issued:03d}"
        day.issued += 0 if reuse else 1
        served = sorted({s for w in state.windows.values() if w.status is not WindowStatus.CLOSED for s in w.services})
        if served and not _rarely(data, 6, "any service"):
            service = data.draw(st.sampled_from(served), label="served service")
        else:
            service = data.draw(st.sampled_from(SERVICE_IDS), label="service")
        return c.IssueTicket(ticket_id, service, data.draw(st.sampled_from(PRIORITIES), label="priority"))
    if kind == "open":
        return c.OpenWindow(data.draw(st.sampled_from(WINDOW_NUMBERS), label="window"),
                            data.draw(st.sampled_from(LOGINS), label="operator"))
    if kind in ("pause", "resume", "close", "call_next"):
        number, login = staffed()
        return {"pause": c.PauseWindow(number, login, "обед"), "resume": c.ResumeWindow(number, login),
                "close": c.CloseWindow(number, login), "call_next": c.CallNext(number, login)}[kind]
    if kind == "call_specific":
        number, login = staffed()
        pool = list(state.postponed) + list(state.waiting)
        ticket_id = _pick(data, pool, "ticket") if pool and not _rarely(data, 5, "any ticket") else any_ticket()
        return c.CallTicket(number, login, ticket_id)
    if kind == "advance":
        number, login = staffed()
        ticket_id = state.windows[number].current
        if ticket_id is None:
            return c.CallNext(number, login)
        if state.tickets[ticket_id].state is TicketState.SERVING:
            return c.FinishService(number, login, ticket_id, data.draw(st.sampled_from(RESULTS), label="result"))
        return c.StartService(number, login, ticket_id)
    if kind in ("recall", "start", "finish", "no_show", "postpone", "transfer"):
        number, login, ticket_id = at_window()
        if kind == "recall":
            return c.Recall(number, login, ticket_id)
        if kind == "start":
            return c.StartService(number, login, ticket_id)
        if kind == "finish":
            result = data.draw(st.sampled_from((*RESULTS, "lunch")), label="result")
            return c.FinishService(number, login, ticket_id, result)
        if kind == "no_show":
            return c.MarkNoShow(number, login, ticket_id)
        if kind == "postpone":
            minutes = data.draw(st.sampled_from([None, 1, 5, 30, 0]), label="minutes")
            return c.Postpone(number, login, ticket_id, reason="копии", minutes=minutes)
        return c.Transfer(
            number, login, ticket_id,
            to_service=data.draw(st.sampled_from((None, *SERVICE_IDS)), label="to service"),
            to_window=data.draw(st.sampled_from((None, None, *WINDOW_NUMBERS)), label="to window"),
            to_operator=data.draw(st.sampled_from((None, None, None, *LOGINS)), label="to operator"),
            return_to_me=data.draw(st.booleans(), label="return to me"), comment="см. комментарий",
        )
    def ticket_in(*states: TicketState) -> str:
        fitting = [t.id for t in state.tickets.values() if t.state in states]
        return _pick(data, fitting, "ticket") if fitting and not _rarely(data, 5, "any ticket") else any_ticket()

    if kind == "cancel":
        return c.CancelTicket(ticket_in(TicketState.WAITING, TicketState.POSTPONED, TicketState.CALLED,
                                        TicketState.NO_SHOW), by="boss", reason="ушёл")
    if kind == "reactivate":
        return c.ReactivateTicket(ticket_in(TicketState.NO_SHOW), by="boss")
    if kind == "change_priority":
        return c.ChangePriority(ticket_in(TicketState.WAITING, TicketState.POSTPONED),
                                data.draw(st.sampled_from(PRIORITIES), label="priority"), by="boss")
    if kind == "set_services":
        chosen = data.draw(st.lists(st.sampled_from(SERVICE_IDS), min_size=1, max_size=3, unique=True))
        weights = {s: data.draw(st.sampled_from([1.0, 1.0, 2.0]), label="weight") for s in chosen}
        return c.SetWindowServices(data.draw(st.sampled_from(WINDOW_NUMBERS), label="window"), weights, by="boss")
    if kind == "set_active":
        return c.SetServiceActive(data.draw(st.sampled_from(SERVICE_IDS)), data.draw(st.booleans()), by="boss")
    assert kind == "tick"
    return c.Tick()


def _close_the_day(day: Day, on_step=None) -> None:
    """Closing a window with a visitor is refused; then finish, no-show or cancel everything."""
    for number in WINDOW_NUMBERS:
        window = day.state.windows[number]
        if window.status is WindowStatus.CLOSED:
            continue
        had_visitor = window.current is not None
        step = day.do(c.CloseWindow(number, "boss"), on_step=on_step)
        assert (step.error is not None) == had_visitor, (number, step.error)
        if had_visitor:
            assert step.error is not None and step.error.code == "window_busy"
    for _ in range(5):
        left = sorted((t for t in day.state.tickets.values() if not t.is_terminal), key=lambda t: t.id)
        if not left:
            break
        for ticket in left:
            if ticket.state is TicketState.CALLED:
                assert ticket.window is not None
                command: c.Command = c.MarkNoShow(ticket.window, "boss", ticket.id)
            elif ticket.state is TicketState.SERVING:
                assert ticket.window is not None
                command = c.FinishService(ticket.window, "boss", ticket.id, "done")
            else:
                command = c.CancelTicket(ticket.id, by="boss", reason="день окончен")
            step = day.do(command, on_step=on_step)
            assert step.error is None, (command, step.error)
    for number in WINDOW_NUMBERS:
        if day.state.windows[number].status is not WindowStatus.CLOSED:
            assert day.do(c.CloseWindow(number, "boss"), on_step=on_step).error is None


def _simulate(data, make_office, *, check_refusal: bool = False, on_step=None) -> Day:
    """A random day at the small office (conftest's services, operators and categories)."""
    zone = data.draw(zones, label="zone")
    office = make_office(windows=WINDOWS, timezone=zone, **data.draw(policies, label="policy"))
    start_local = datetime(2024, 3, 4, 21, 0, tzinfo=ZoneInfo(zone))
    start_local += timedelta(minutes=data.draw(st.integers(0, 4 * 60), label="start"))
    day = Day(office, QueueEngine(office), start_local.astimezone(UTC))
    for number, login in zip(WINDOW_NUMBERS, LOGINS, strict=False):  # the morning: some windows open
        if not _rarely(data, 3, f"window {number} stays closed"):
            day.do(c.OpenWindow(number, login), on_step=on_step)
    for _ in range(data.draw(st.integers(5, 70), label="length")):
        step_seconds = data.draw(st.one_of(st.integers(0, 120), st.integers(0, 30 * 60)), label="clock step")
        day.now += timedelta(seconds=step_seconds)
        day.do(_draw_command(data, day), check_refusal=check_refusal, on_step=on_step)
    day.now += timedelta(minutes=1)
    _close_the_day(day, on_step=on_step)
    return day


# -- (a) holding and calling ------------------------------------------------------------------


def _check_holdings(day: Day, step: Step) -> None:
    state = day.state
    held = [w.current for w in state.windows.values() if w.current is not None]
    assert len(held) == len(set(held)), f"a ticket at two windows: {held}"
    for window in state.windows.values():
        if window.current is not None:
            ticket = state.tickets[window.current]
            assert ticket.state in ACTIVE_STATES and ticket.window == window.number, (window, ticket)
            assert window.status is WindowStatus.OPEN, window
    for ticket in state.tickets.values():
        if ticket.state in ACTIVE_STATES:
            assert ticket.window is not None and state.windows[ticket.window].current == ticket.id, ticket
        else:
            assert ticket.window is None, ticket
    assert set(state.waiting) == {t.id for t in state.tickets.values() if t.state is TicketState.WAITING}
    assert set(state.postponed) == {t.id for t in state.tickets.values() if t.state is TicketState.POSTPONED}
    for event in step.events:
        if event.type is EventType.TICKET_CALLED:
            assert event.ticket_id is not None
            allowed = {TicketState.WAITING} if isinstance(step.command, c.CallNext) else {
                TicketState.WAITING, TicketState.POSTPONED}
            assert step.before[event.ticket_id] in allowed, (step.command, step.before[event.ticket_id])


@PROPERTY
@given(data=st.data())
def test_no_ticket_is_held_by_two_windows_and_calls_take_only_waiting_tickets(make_office, data):
    day = _simulate(data, make_office, on_step=_check_holdings)
    assert all(w.current is None and w.status is WindowStatus.CLOSED for w in day.state.windows.values())


# -- (b) class order and FIFO within a class ------------------------------------------------


def _may_take(window: WindowState, ticket: Ticket, windows: dict[int, WindowState]) -> bool:
    """ordering.py's rule, written out again: an addressed ticket is for its window or
    operator while that one is staffed, else for any window serving its service."""
    staffed = {w.number: w.operator for w in windows.values() if w.status is not WindowStatus.CLOSED}
    if ticket.target_operator is not None:
        if ticket.target_operator == window.operator:
            return True
        if ticket.target_operator in staffed.values():
            return False
    elif ticket.target_window is not None:
        if ticket.target_window == window.number:
            return True
        if ticket.target_window in staffed:
            return False
    return ticket.service_id in window.services


def _class(day: Day, ticket: Ticket, now: datetime) -> int:
    """ordering.py's classes, computed again: 3 front, 2 aged (ageing_min in its queue),
    1 priority, 0 normal."""
    ageing = day.office.policy.ageing_min
    if ticket.front:
        return 3
    if ageing and now - _queued(ticket) >= timedelta(minutes=ageing):
        return 2
    return 1 if ticket.priority_id is not None else 0


def _queued(ticket: Ticket) -> datetime:
    return ticket.queued_at or ticket.issued_at


@PROPERTY
@given(data=st.data())
def test_call_next_respects_the_classes_and_is_fifo_within_an_equal_class(make_office, data):
    """When call-next picks a ticket, no eligible ticket of a higher class waited (front, then
    aged, then - in strict mode - priority; interleave may pick a normal ticket over a priority
    one), and no eligible ticket of the same class was queued earlier: front and aged tickets
    are first-in first-out, priority and normal ones when their weights (the window's weight
    for the service x the category's weight) are equal."""
    day = _simulate(data, make_office)
    categories = {p.id: p.weight for p in day.office.priority_categories}
    strict = day.office.policy.mode is OrderingMode.STRICT

    def weight(window: WindowState, ticket: Ticket) -> float:
        return window.services.get(ticket.service_id, 1.0) * categories.get(ticket.priority_id or "", 1.0)

    for step in day.steps:
        if not isinstance(step.command, c.CallNext) or step.error is not None:
            continue
        window = step.windows[step.command.window]
        (event,) = step.events
        eligible = [t for t in step.waiting if _may_take(window, t, step.windows)]
        chosen = next(t for t in eligible if t.id == event.ticket_id)
        mine = _class(day, chosen, step.now)
        for other in eligible:
            if other.id == chosen.id:
                continue
            theirs = _class(day, other, step.now)
            assert theirs <= mine or (not strict and (mine, theirs) == (0, 1)), ("class skipped", chosen, other)
            if theirs == mine and (mine >= 2 or weight(window, other) == weight(window, chosen)):
                assert not _queued(other) < _queued(chosen), ("FIFO broken", chosen, other)


# -- (d) every ticket ends in one terminal state ---------------------------------------------


def _by_ticket(events: list[Event]) -> dict[str, list[Event]]:
    grouped: dict[str, list[Event]] = defaultdict(list)
    for event in events:
        if event.ticket_id is not None:
            grouped[event.ticket_id].append(event)
    return grouped


@PROPERTY
@given(data=st.data())
def test_the_day_ends_with_every_ticket_in_one_terminal_state(make_office, data):
    """After the day is closed every ticket is finished, no-show or cancelled, and its last
    event is its one terminal event: an earlier terminal event is allowed only for a no-show
    that a manager then reactivated or withdrew by cancelling (states.py)."""
    day = _simulate(data, make_office)
    tickets = day.state.tickets
    assert all(t.state in TERMINAL_STATES for t in tickets.values())
    assert not day.state.waiting and not day.state.postponed
    grouped = _by_ticket(day.log)
    assert set(grouped) == set(tickets)
    for ticket_id, events in grouped.items():
        assert events[-1].to_state is tickets[ticket_id].state
        for earlier, later in itertools.pairwise(events):
            if earlier.to_state not in TERMINAL_STATES:
                continue
            superseded = earlier.to_state is TicketState.NO_SHOW and later.type in (
                EventType.TICKET_REACTIVATED, EventType.TICKET_CANCELLED)
            assert superseded, (ticket_id, [e.type.value for e in events])


# -- (e) replay ------------------------------------------------------------------------------


@PROPERTY
@given(data=st.data())
def test_replaying_every_event_rebuilds_the_engine_state(make_office, new_state, data):
    day = _simulate(data, make_office)
    replayed = new_state(day.office)
    for event in day.log:
        apply_event(replayed, event)

    assert set(replayed.tickets) == set(day.state.tickets)
    for ticket_id, ticket in day.state.tickets.items():
        assert replayed.tickets[ticket_id] == ticket
    assert replayed == day.state


# -- (f) events chain states, time never goes back -----------------------------------------

ACTION_OF_EVENT = {
    EventType.TICKET_CALLED: Action.CALL, EventType.TICKET_RECALLED: Action.RECALL,
    EventType.TICKET_STARTED: Action.START, EventType.TICKET_FINISHED: Action.FINISH,
    EventType.TICKET_SENT_BACK: Action.SEND_BACK, EventType.TICKET_NO_SHOW: Action.NO_SHOW,
    EventType.TICKET_POSTPONED: Action.POSTPONE, EventType.TICKET_RETURNED: Action.RETURN,
    EventType.TICKET_TRANSFERRED: Action.TRANSFER, EventType.TICKET_CANCELLED: Action.CANCEL,
    EventType.TICKET_REACTIVATED: Action.REACTIVATE, EventType.TICKET_PRIORITY_CHANGED: Action.REPRIORITIZE,
}


@PROPERTY
@given(data=st.data())
def test_events_chain_from_and_to_states_and_time_never_goes_back(make_office, data):
    day = _simulate(data, make_office)
    last = None
    for step in day.steps:
        if step.error is not None:
            assert step.events == [] and step.after == step.before
            continue
        touched = [e.ticket_id for e in step.events if e.ticket_id is not None]
        assert len(touched) == len(set(touched)), "one command moved a ticket twice"
        for event in step.events:
            assert event.at == step.now
            assert last is None or event.at >= last
            last = event.at
            if not event.type.is_ticket_event:
                continue
            assert event.ticket_id is not None
            assert event.from_state == step.before.get(event.ticket_id), (step.command, event)
            assert event.to_state == step.after[event.ticket_id], (step.command, event)
            if event.type is not EventType.TICKET_ISSUED:
                assert event.from_state is not None
                legal = TICKET_TRANSITIONS[(event.from_state, ACTION_OF_EVENT[event.type])]
                assert event.to_state is legal, (step.command, event)
        untouched = set(step.before) - set(touched)
        assert all(step.after[t] is step.before[t] for t in untouched)


# -- numbering ---------------------------------------------------------------------------


@settings(PROPERTY, max_examples=30)
@given(data=st.data())
def test_numbers_count_up_per_group_from_each_local_midnight(make_office, data):
    """Each numbering group counts 1, 2, 3, ... within the office's local day, and starts at 1
    again after local midnight (the small office never reaches the end of its range)."""
    day = _simulate(data, make_office)
    services = {s.id: s for s in day.office.services}
    last: dict[tuple[str, object], int] = {}
    for event in day.log:
        if event.type is not EventType.TICKET_ISSUED:
            continue
        assert event.service_id is not None
        local_day = event.at.astimezone(ZoneInfo(day.office.timezone)).date()
        key = (services[event.service_id].counter_group, local_day)
        assert event.data["local_day"] == local_day.isoformat()
        assert event.data["number"] == last.get(key, 0) + 1, (key, event.label)
        last[key] = event.data["number"]
        assert event.label == f"{services[event.service_id].prefix}{event.data['number']:03d}"


# -- refusals and determinism ------------------------------------------------------------


@settings(PROPERTY, max_examples=25)
@given(data=st.data())
def test_refused_commands_change_nothing(make_office, data):
    """Every refusal on the way is checked against a deep copy of the whole state."""
    day = _simulate(data, make_office, check_refusal=True)
    assert day.steps


@PROPERTY
@given(data=st.data())
def test_the_same_commands_at_the_same_times_give_the_same_events(make_office, data):
    day = _simulate(data, make_office)
    again = QueueEngine(day.office)
    for step in day.steps:
        try:
            events = again.handle(step.command, step.now)
        except DomainError as error:
            assert step.error is not None and error.code == step.error.code
        else:
            assert step.error is None and events == step.events
    assert again.state == day.state
