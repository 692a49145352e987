"""``ConsoleModel``: the operator console's state and intents (DESIGN.md §8 "UI follows the model").

One QObject owns the connection (a ``queue_protocol.qt_bridge.QtQueueClient``) and
everything the screens show:
who is signed in, the office as the mirror knows it, which window is this operator's and
who is at it, the legal actions, "my day" and the printers.  Widgets render it and call its
intent methods; they never see the socket.

Theory of operation
-------------------
* ``login()`` starts a link with a username + password.  When the link is first ONLINE the
  hello reply says who we are; if the server still has this operator at a window (a restarted
  console) that window is taken up again with its visitor, else the requested window is
  opened with ``window.open``.
* The operator's window is read from the mirror (the window whose ``operator`` is us), the
  visitor at it from the window's ``ticket`` and the ticket's state: the server is the truth.
* An operator action is sent with a tag; until its reply *and* the events it caused (the
  reply's ``seq``) have reached the mirror, ``busy`` is true and no action is legal, so a
  double press can never act on a stale screen.
* ``changed`` fires whenever the mirror or the window changes; ``ticked`` once a second for
  the timers and the wait colours.
* ``my_day_feed`` (:class:`~operator_console.my_day_feed.MyDayFeed`) keeps the operator's own
  ``stats.my_day`` figures fresh once their window is open; ``my_day`` adds the session's events.
* For managers, ``today`` (:class:`~operator_console.today_feed.TodayFeed`) keeps the
  server's ``stats.today`` figures fresh; ``download_report()`` asks for a report file.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import msgspec
from PySide6.QtCore import QObject, QTimer, Signal

from queue_protocol.client import ClientClosed, ConnectionState, PasswordLogin, RequestError, RequestTimeout
from queue_protocol.enums import Role, TicketState, WindowStatus
from queue_protocol.qt_bridge import QtQueueClient
from queue_protocol.replies import EventMessage, PrinterNotice, PrintNotice
from queue_protocol.views import (
    OfficeView,
    PrinterStatusResult,
    PrinterView,
    ReportFileResult,
    ServiceView,
    TicketView,
    WindowView,
)
from queue_protocol.wire_time import parse_utc

from .figures import ENDS, MyDay
from .i18n import error_text, tr
from .info_pages import InfoPages
from .my_day_feed import MyDayFeed
from .rules import TICKET_ACTIONS, Action, legal_actions
from .tables import name_of
from .today_feed import TodayFeed

MANAGER_ROLES = frozenset({Role.MANAGER, Role.ADMIN})
CLIENT_NAME = "talon-console 0.1.0"
SEQ_WAIT_S = 5.0   # a reply's events that never arrive (a lost connection) stop blocking after this
REPORT_TIMEOUT_S = 180.0   # stats.report: a year's PDF of a big office takes a while
BridgeFactory = Callable[[str, str, str], QtQueueClient]


def make_bridge(url: str, user: str, password: str) -> QtQueueClient:
    return QtQueueClient(url, PasswordLogin(user, password), client_name=CLIENT_NAME)


@dataclass(frozen=True)
class Outcome:
    """A finished request, for the screens and tests: the verb, ok or the error code."""

    verb: str
    ok: bool
    code: str = ""
    result: Any = None


class ConsoleModel(QObject):
    """The console's single source of truth; see the module docstring for the call order."""

    connection_changed = Signal(str)      # ConnectionState value
    logged_in = Signal()
    login_failed = Signal(str)            # a message for the login screen
    changed = Signal()                    # office, window or visitor changed: re-render
    ticked = Signal()                     # once a second
    message = Signal(str, bool)           # (text, is_error) for the status line
    finished = Signal(object)             # an Outcome, after every request
    printers_changed = Signal()

    def __init__(self, bridge_factory: BridgeFactory = make_bridge, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._bridge_factory = bridge_factory
        self.bridge: QtQueueClient | None = None
        self.state = ConnectionState.OFFLINE
        self.role: Role | None = None
        self.user = ""
        self.user_name = ""
        self.office_id = ""
        self.view: OfficeView | None = None
        self.seq = 0
        self.zone: Any = None
        self.requested_window: int | None = None
        self.my_day: MyDay | None = None
        self.printers: dict[str, PrinterView] = {}
        self.call_specific_forbidden = False
        self._clock_offset = timedelta(0)
        self._signed_in = False
        self._tags = itertools.count(1)
        self._requests: dict[str, tuple[str, Callable[[Outcome], None] | None]] = {}
        self._operator_tags: set[str] = set()
        self._await_seq = 0
        self._await_until = 0.0
        self._indexed: OfficeView | None = None
        self._by_id: tuple[dict[str, TicketView], dict[str, ServiceView]] = ({}, {})
        self.today = TodayFeed(self)          # stats.today for the manager's dashboard
        self.my_day_feed = MyDayFeed(self)    # stats.my_day for the operator's own day
        self.info_pages = InfoPages()         # service.print_info jobs until their print notices
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self.ticked)
        self._timer.start()

    # -- reading ---------------------------------------------------------------------------------

    @property
    def is_manager(self) -> bool:
        return self.role in MANAGER_ROLES

    @property
    def online(self) -> bool:
        return self.state is ConnectionState.ONLINE

    @property
    def busy(self) -> bool:
        """An operator action is in flight, or its events have not reached the mirror yet."""
        if self._operator_tags:
            return True
        return self.seq < self._await_seq and time.monotonic() < self._await_until

    def now(self) -> datetime:
        """The server's time (the local clock corrected by the hello's ``server_time``)."""
        return datetime.now(UTC) + self._clock_offset

    @property
    def window(self) -> WindowView | None:
        """This operator's window: the one the server shows us at."""
        if self.view is None or not self.user:
            return None
        return next((w for w in self.view.windows if w.operator == self.user), None)

    @property
    def window_number(self) -> int | None:
        window = self.window
        return window.number if window is not None else None

    @property
    def current(self) -> TicketView | None:
        """The visitor called to or served at our window."""
        window = self.window
        if window is None or window.ticket is None:
            return None
        return self.ticket(window.ticket)

    def ticket(self, ticket_id: str) -> TicketView | None:
        return self._index()[0].get(ticket_id)

    @property
    def services(self) -> dict[str, ServiceView]:
        return self._index()[1]

    def _index(self) -> tuple[dict[str, TicketView], dict[str, ServiceView]]:
        """Tickets and services by id, rebuilt once per new view (a big office has thousands)."""
        if self._indexed is not self.view:
            view = self.view
            self._by_id = ({t.id: t for t in view.tickets or ()} if view else {},
                           {s.id: s for s in view.services} if view else {})
            self._indexed = view
        return self._by_id

    @property
    def legal(self) -> frozenset[Action]:
        window = self.window
        status = window.status if window is not None else None
        if status is WindowStatus.CLOSED:
            status = None
        ticket = self.current
        state = ticket.state if ticket is not None else None
        if window is not None and window.ticket is not None and ticket is None:
            state = TicketState.CALLED   # the mirror has the window's ticket but not its view yet
        actions = legal_actions(status, state, online=self.online, busy=self.busy)
        if self.call_specific_forbidden:
            actions -= {Action.CALL_TICKET}
        return actions

    def first_called(self, ticket: TicketView) -> str | None:
        """When this visitor was first called here (``called_at`` moves with every recall)."""
        seen = self.my_day.first_called.get(ticket.id) if self.my_day is not None else None
        return seen or ticket.called_at

    def started_at(self, ticket: TicketView) -> str | None:
        """When service started, if this session saw it (``None``: only the call time is known)."""
        return self.my_day.started.get(ticket.id) if self.my_day is not None else None

    # -- signing in and out ----------------------------------------------------------------------

    def login(self, url: str, user: str, password: str, window: int | None) -> None:
        """Sign in; ``logged_in`` or ``login_failed`` follows."""
        self.logout()
        self.requested_window = window
        self._signed_in = False
        self.user = user
        try:
            bridge = self._bridge_factory(url, user, password)
        except ValueError:
            self.login_failed.emit(tr("login.bad_url"))
            return
        self.bridge = bridge
        bridge.setParent(self)
        bridge.state_changed.connect(self._on_state)
        bridge.snapshot_received.connect(self._on_snapshot)
        bridge.event_received.connect(self._on_event)
        bridge.notice_received.connect(self._on_notice)
        bridge.request_finished.connect(self._on_finished)
        bridge.start()

    def logout(self) -> None:
        """Leave the console (the window stays the operator's on the server: they may come back)."""
        bridge, self.bridge = self.bridge, None
        if bridge is not None:
            bridge.state_changed.disconnect(self._on_state)
            bridge.request_finished.disconnect(self._on_finished)
            bridge.stop()
            bridge.deleteLater()
        self.view, self.role, self.seq, self._await_seq = None, None, 0, 0
        self._signed_in = False
        self._requests.clear()
        self._operator_tags.clear()
        self.printers.clear()
        self.today.stop()
        self.my_day_feed.stop()
        self.call_specific_forbidden = False
        self.state = ConnectionState.OFFLINE

    def _on_state(self, state: str) -> None:
        assert self.bridge is not None
        self.state = ConnectionState(state)
        detail = self.bridge.detail
        if self.state is ConnectionState.ONLINE and not self._signed_in:
            self._accept_hello()
        elif self.state is ConnectionState.ONLINE:
            if self.is_manager:
                self.today.refresh()   # back online: the figures may have moved meanwhile
            self.my_day_feed.refresh()
        elif self.state is ConnectionState.OFFLINE and not self._signed_in:
            # a first sign-in that fails: say why and let the person fix the address or wait
            text = tr("err.rate_limited") if "rate_limited" in detail else tr("login.unreachable", detail=detail)
            self.logout()
            self.login_failed.emit(text)
            return
        elif self.state in (ConnectionState.AUTH_FAILED, ConnectionState.AUTH_REQUIRED):
            text = tr("conn.auth_required") if self._signed_in else tr("err.auth_failed")
            self.logout()
            self.login_failed.emit(text)
            return
        self.connection_changed.emit(self.state.value)
        self.changed.emit()

    def _accept_hello(self) -> None:
        assert self.bridge is not None
        hello = self.bridge.hello
        if hello is None:
            return
        self._signed_in = True
        self.role, self.user, self.user_name, self.office_id = Role(hello.role), hello.user, hello.name, hello.office
        self.call_specific_forbidden = "call.ticket" not in hello.verbs
        self._clock_offset = parse_utc(hello.server_time) - datetime.now(UTC)
        self.my_day = MyDay(self.user, self.now())
        view = self.bridge.view(self.office_id)
        if view is not None:
            self._load(view)
        if hello.window is None and self.requested_window is not None and self.window is None:
            self.act(Action.OPEN, window=self.requested_window)
        if self.is_manager:
            self.refresh_printers()
            self.today.start()
        self._follow_my_day()
        self.logged_in.emit()

    # -- the office feed -------------------------------------------------------------------------

    def _load(self, view: OfficeView) -> None:
        self.view = view
        try:
            self.zone = ZoneInfo(view.office.timezone)
        except (KeyError, ValueError):
            self.zone = None

    def _on_snapshot(self, office: str, view: OfficeView) -> None:
        if office != (self.office_id or office):
            return
        self._load(view)
        self._await_seq = 0   # a snapshot pushed after a reply includes what the command did
        self._follow_my_day()
        self.changed.emit()

    def _on_event(self, office: str, message: EventMessage) -> None:
        if self.bridge is None or (self.office_id and office != self.office_id):
            return
        view = self.bridge.view(office)
        if view is not None:
            self.view = view
        self.seq = message.seq
        if self.my_day is not None:
            self.my_day.feed(message.event, message.seq)
        if self.is_manager:
            self.today.event_seen()
        if message.event.operator == self.user and message.event.type in ENDS:
            self.my_day_feed.event_seen()
        self._follow_my_day()
        self.changed.emit()

    def _follow_my_day(self) -> None:
        """Start asking for the operator's own day once their window is open (after sign-in)."""
        if self._signed_in and not self.my_day_feed.active and self.window is not None:
            self.my_day_feed.start()

    def _on_notice(self, office: str, notice: object) -> None:
        if isinstance(notice, PrintNotice):
            words = self.info_pages.notice(notice)
            if words is not None:
                self.message.emit(*words)
        if isinstance(notice, PrinterNotice):
            self.printers[notice.printer] = PrinterView(printer=notice.printer, office=office, status=notice.status,
                                                        checked_at=notice.checked_at, queued_jobs=notice.queued_jobs)
            self.printers_changed.emit()
        elif isinstance(notice, PrintNotice) and notice.printer_status is not None:
            old = self.printers.get(notice.printer)
            self.printers[notice.printer] = PrinterView(
                printer=notice.printer, office=office, status=notice.printer_status,
                checked_at=old.checked_at if old else None, queued_jobs=old.queued_jobs if old else 0)
            self.printers_changed.emit()

    # -- requests --------------------------------------------------------------------------------

    def send(self, verb: str, fields: dict[str, Any], then: Callable[[Outcome], None] | None = None, *,
             operator: bool = False, timeout: float | None = None) -> str | None:
        """Send one request through the bridge; ``then(outcome)`` and ``finished`` follow."""
        if self.bridge is None:
            return None
        tag = f"{verb}#{next(self._tags)}"
        self._requests[tag] = (verb, then)
        if operator:
            self._operator_tags.add(tag)
        self.bridge.send(verb, fields, tag, timeout=timeout)
        self.changed.emit()
        return tag

    def _on_finished(self, tag: str, ok: bool, result: object) -> None:
        if tag not in self._requests:
            return
        verb, then = self._requests.pop(tag)
        self._operator_tags.discard(tag)
        if ok and isinstance(result, dict) and isinstance(result.get("seq"), int) and result["seq"] > self.seq:
            self._await_seq = max(self._await_seq, result["seq"])
            self._await_until = time.monotonic() + SEQ_WAIT_S
        if ok:
            outcome = Outcome(verb, True, "", result)
        elif isinstance(result, RequestError):
            outcome = Outcome(verb, False, result.code, result.message)
        elif isinstance(result, RequestTimeout):
            outcome = Outcome(verb, False, "timeout", str(result))
        else:
            outcome = Outcome(verb, False, "closed" if isinstance(result, ClientClosed) else "error", str(result))
        if not ok:
            if outcome.code == "call_specific_forbidden":
                self.call_specific_forbidden = True
            if outcome.code == "timeout":
                self.message.emit(tr("err.timeout"), True)
            elif outcome.code != "closed":
                self.message.emit(error_text(outcome.code, str(outcome.result)), True)
        if then is not None:
            then(outcome)
        self.finished.emit(outcome)
        self.changed.emit()

    # -- operator intents ------------------------------------------------------------------------

    def act(self, action: Action, **fields: Any) -> str | None:
        """Send one operator action if it is legal now; ``None`` (and nothing sent) if not."""
        if action not in self.legal:
            return None
        if action in TICKET_ACTIONS:
            current = self.current
            if current is None:
                return None
            fields = {"ticket": current.id, **fields}
        if action is Action.TRANSFER:
            fields = {"to_service": None, "to_window": None, "to_operator": None, "comment": "", "return_to_me": False,
                      **fields}

        def done(outcome: Outcome) -> None:
            if outcome.ok and action in (Action.CALL_NEXT, Action.CALL_TICKET):
                self.message.emit(tr("ok.called", label=outcome.result.get("label", "")), False)

        return self.send(action.value, fields, done, operator=True)

    # -- manager intents -------------------------------------------------------------------------

    def set_window_services(self, window: int, services: dict[str, float]) -> str | None:
        return self.send("window.set_services", {"window": window, "services": services})

    def set_priority(self, ticket: str, priority: str | None) -> str | None:
        return self.send("ticket.set_priority", {"ticket": ticket, "priority": priority})

    def reactivate(self, ticket: str) -> str | None:
        return self.send("ticket.reactivate", {"ticket": ticket})

    def cancel(self, ticket: str, reason: str = "") -> str | None:
        return self.send("ticket.cancel", {"ticket": ticket, "reason": reason})

    def issue(self, service: str, priority: str | None = None, channel: str = "walk_in") -> str | None:
        def done(outcome: Outcome) -> None:
            if outcome.ok:
                self.message.emit(tr("issue.done", label=outcome.result.get("label", ""),
                                     ahead=outcome.result.get("people_ahead", 0)), False)

        return self.send("ticket.issue", {"service": service, "priority": priority, "channel": channel}, done)

    def set_board_text(self, text: str) -> str | None:
        def done(outcome: Outcome) -> None:
            if outcome.ok:
                self.message.emit(tr("ok.text_set"), False)

        return self.send("board.set_text", {"text": text}, done)

    def refresh_printers(self) -> str | None:
        def done(outcome: Outcome) -> None:
            if outcome.ok:
                for item in msgspec.convert(outcome.result, PrinterStatusResult).printers:
                    self.printers[item.printer] = item
                self.printers_changed.emit()

        return self.send("printer.status", {"printer": None}, done)

    def print_info(self, service: str, printer: str, lang: str = "ru") -> str | None:
        """A service's info page on an office printer; the status line says when it is sent, then how it ended."""
        name = name_of(self.services.get(service), service)

        def done(outcome: Outcome) -> None:
            if not outcome.ok:
                return
            job = str(outcome.result.get("print_job") or "")
            words = self.info_pages.asked(job, name, printer)
            self.message.emit(*(words or (tr("info.sent", service=name, printer=printer), False)))

        return self.send("service.print_info", {"service": service, "printer": printer, "lang": lang}, done)

    def download_report(self, first: date, last: date, fmt: str, then: Callable[[ReportFileResult], None]) -> str | None:
        """Ask the server for the report of local days ``first``..``last``; ``then(file)`` once it came."""
        def done(outcome: Outcome) -> None:
            if outcome.ok:
                then(msgspec.convert(outcome.result, ReportFileResult))

        self.message.emit(tr("report.making"), False)
        fields = {"from": first.isoformat(), "to": last.isoformat(), "format": fmt, "office": self.office_id or None}
        return self.send("stats.report", fields, done, timeout=REPORT_TIMEOUT_S)
