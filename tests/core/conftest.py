"""Builders for the pure core tests: small offices made straight from ``core.model`` and a
:class:`Desk` that drives one :class:`QueueEngine` with a fake clock.

No asyncio, no database, no Qt.  Every time is an aware UTC datetime that the test passes in
(through the desk's clock).  The helpers are handed to tests as fixtures (``desk``,
``make_desk``, ``make_office``) so nothing imports this module by name.
"""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from queue_server.core import commands as c
from queue_server.core.engine import QueueEngine
from queue_server.core.errors import DomainError
from queue_server.core.events import Event
from queue_server.core.model import (
    Office,
    OpeningHours,
    Operator,
    OrderingPolicy,
    PriorityCategory,
    Role,
    Service,
    WindowConfig,
)
from queue_server.core.office_state import OfficeState, Ticket, WindowState

# Monday 4 March 2024, 10:00 in Moscow (UTC+3), 17:00 in Vladivostok (UTC+10).
MONDAY_10_MSK = datetime(2024, 3, 4, 7, 0, tzinfo=UTC)

# A, B, C are the service ids; the prefixes are Cyrillic as in a real МФЦ.
SERVICES = (
    Service(id="A", name_ru="Паспорт РФ", name_en="Passport", prefix="А", expected_service_min=15.0),
    Service(id="B", name_ru="Недвижимость", name_en="Real estate", prefix="Г", expected_service_min=20.0),
    Service(id="C", name_ru="Консультация", name_en="Consultation", prefix="Ж", expected_service_min=10.0),
)
WINDOWS = (
    WindowConfig(number=1, services={"A": 1.0}),
    WindowConfig(number=2, services={"A": 1.0}),
    WindowConfig(number=3, services={"B": 1.0}),
    WindowConfig(number=4, services={"A": 1.0, "B": 1.0, "C": 1.0}),
)
OPERATORS = (
    Operator(login="opa", display_name="Оператор А"),
    Operator(login="opb", display_name="Оператор Б"),
    Operator(login="opc", display_name="Оператор В"),
    Operator(login="opd", display_name="Оператор Г", may_call_specific=False),
    Operator(login="boss", display_name="Начальник зала", role=Role.MANAGER),
)
CATEGORIES = (
    PriorityCategory(id="disabled", name_ru="Инвалиды I–II групп", name_en="Disabled I–II"),
    PriorityCategory(id="veteran", name_ru="Ветераны ВОВ", name_en="WWII veterans", weight=2.0),
)


def make_office_(
    *,
    services: tuple[Service, ...] = SERVICES,
    windows: tuple[WindowConfig, ...] = WINDOWS,
    operators: tuple[Operator, ...] = OPERATORS,
    categories: tuple[PriorityCategory, ...] = CATEGORIES,
    hours: OpeningHours | None = None,
    timezone: str = "Europe/Moscow",
    **policy: Any,
) -> Office:
    """A small office; keyword arguments beyond the named ones go to :class:`OrderingPolicy`."""
    return Office(
        id="mfc-test", name="МФЦ тестовый", timezone=timezone,
        hours=hours or OpeningHours(always_open=True), services=services, windows=windows,
        operators=operators, priority_categories=categories, policy=OrderingPolicy(**policy),
    )


def fresh_state(office: Office) -> OfficeState:
    """An empty state with the office's windows, as the engine makes one."""
    return OfficeState(windows={w.number: WindowState(w.number, dict(w.services)) for w in office.windows})


class Desk:
    """One engine, a fake clock and the log of every event it emitted.

    ``staff`` remembers who opened each window, so the shortcuts need only the window number.
    """

    def __init__(self, office: Office, start: datetime = MONDAY_10_MSK) -> None:
        self.office = office
        self.engine = QueueEngine(office)
        self.now = start
        self.log: list[Event] = []
        self.history: list[tuple[datetime, c.Command, list[Event]]] = []  # each accepted command
        self.staff: dict[int, str] = {}

    # -- time and the raw entry point -----------------------------------------------------

    def later(self, *, minutes: float = 0, seconds: float = 0) -> datetime:
        self.now += timedelta(minutes=minutes, seconds=seconds)
        return self.now

    def at(self, moment: datetime) -> datetime:
        assert moment >= self.now, "the fake clock never goes back"
        self.now = moment
        return moment

    def do(self, command: c.Command) -> list[Event]:
        events = self.engine.handle(command, self.now)
        self.log.extend(events)
        self.history.append((self.now, command, events))
        return events

    def refused(self, command: c.Command) -> DomainError:
        """Run a command that must be refused; check that it changed nothing; return the error."""
        before = copy.deepcopy(self.engine.state)
        with pytest.raises(DomainError) as info:
            self.do(command)
        assert self.engine.state == before, "a refused command changed the state"
        return info.value

    @property
    def state(self) -> OfficeState:
        return self.engine.state

    def ticket(self, ticket_id: str) -> Ticket:
        return self.engine.state.tickets[ticket_id]

    def window(self, number: int) -> WindowState:
        return self.engine.state.windows[number]

    # -- shortcuts ------------------------------------------------------------------------

    def issue(self, ticket_id: str, service: str = "A", priority: str | None = None) -> Ticket:
        self.do(c.IssueTicket(ticket_id=ticket_id, service_id=service, priority_id=priority))
        return self.ticket(ticket_id)

    def open(self, window: int, operator: str) -> None:
        self.do(c.OpenWindow(window, operator))
        self.staff[window] = operator

    def call_next(self, window: int) -> str:
        (event,) = self.do(c.CallNext(window, self.staff[window]))
        assert event.ticket_id is not None
        return event.ticket_id

    def call(self, window: int, ticket_id: str) -> None:
        self.do(c.CallTicket(window, self.staff[window], ticket_id))

    def recall(self, window: int, ticket_id: str) -> list[Event]:
        return self.do(c.Recall(window, self.staff[window], ticket_id))

    def start(self, window: int, ticket_id: str) -> None:
        self.do(c.StartService(window, self.staff[window], ticket_id))

    def finish(self, window: int, ticket_id: str, result: str = "done") -> list[Event]:
        return self.do(c.FinishService(window, self.staff[window], ticket_id, result))

    def postpone(self, window: int, ticket_id: str, minutes: int | None = None) -> None:
        self.do(c.Postpone(window, self.staff[window], ticket_id, reason="госпошлина", minutes=minutes))

    def transfer(self, window: int, ticket_id: str, **target: Any) -> None:
        self.do(c.Transfer(window, self.staff[window], ticket_id, **target))

    def serve_next(self, window: int, minutes: float = 0) -> str:
        """Call the next visitor, serve them for ``minutes`` and finish; the ticket id."""
        ticket_id = self.call_next(window)
        self.start(window, ticket_id)
        self.later(minutes=minutes)
        self.finish(window, ticket_id)
        return ticket_id

    def drain(self, window: int) -> list[str]:
        """Serve everyone the window may call, in the order it calls them."""
        order: list[str] = []
        while True:
            try:
                order.append(self.serve_next(window))
            except DomainError as error:
                assert error.code == "queue_empty", error.code
                return order


def make_desk_(start: datetime = MONDAY_10_MSK, *, office: Office | None = None, **office_kw: Any) -> Desk:
    return Desk(office or make_office_(**office_kw), start)


@pytest.fixture(scope="session")
def make_office() -> Any:
    """``make_office(**kw) -> Office``: the small office, with overrides."""
    return make_office_


@pytest.fixture(scope="session")
def make_desk() -> Any:
    """``make_desk(start=..., office=..., **office_kw) -> Desk``."""
    return make_desk_


@pytest.fixture(scope="session")
def new_state() -> Any:
    """``new_state(office) -> OfficeState``: empty, with the office's windows."""
    return fresh_state


@pytest.fixture
def desk() -> Desk:
    """The small office at Monday 10:00 Moscow, windows closed, nobody waiting."""
    return make_desk_()
