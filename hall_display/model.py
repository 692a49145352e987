"""``BoardModel``: everything a hall board shows, kept current from the office's mirror.

One QObject owns the connection (through :class:`~hall_display.link.Link`, a thin adapter
over ``queue_protocol.qt_bridge.QtQueueClient``) and turns the office view into what the
screens render (DESIGN.md §8): the office name and time zone, the running text, the recent
calls (:class:`~hall_display.lists.CallsModel`), the waiting counts
(:class:`~hall_display.lists.WaitingModel`), the state of one window for a window board, and
a quiet note when the board is not connected.  Widgets render it; they never see the socket.

Theory of operation
-------------------
* The calls come from the mirror's ``calls`` (newest first; a recall is a call of its own):
  one row per ticket at its latest call, so a recall moves the ticket to the top again.
* A ``ticket.called`` or ``ticket.recalled`` event makes its ticket blink for
  ``blink_seconds`` and is emitted as :attr:`BoardModel.call_made` for the voice -- but only
  when it is live: the connection is ONLINE (an event pushed as it happens), or it happened at
  most ``LIVE_AGE_S`` ago (a call missed during a short outage, replayed by the resync).  A
  snapshot never blinks and never speaks: those calls are history.
* The note for visitors appears only after the board has been disconnected for
  ``NOTE_DELAY_MS`` (a reconnect of a second must not flash anything); the calls stay.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PySide6.QtCore import QObject, QTimer, Signal

from queue_protocol.client import ConnectionState
from queue_protocol.enums import EventType, WindowStatus
from queue_protocol.replies import WireEvent
from queue_protocol.views import HelloResult, OfficeView, WindowView
from queue_protocol.wire_time import parse_utc

from .link import Link
from .lists import CallRow, CallsModel, WaitingModel, WaitingRow
from .settings import BoardSettings

LIVE_AGE_S: Final = 60.0
NOTE_DELAY_MS: Final = 3000
_CALL_EVENTS: Final = frozenset({EventType.TICKET_CALLED, EventType.TICKET_RECALLED})


class BoardModel(QObject):
    """The board's single source of truth.  Feed it with :meth:`attach` (a Link) or the slots."""

    connection_changed = Signal(str)      # ConnectionState value
    note_changed = Signal()               # the visitor-facing status note (``note_key``) changed
    office_changed = Signal()             # office name or time zone
    running_text_changed = Signal(str)
    layout_changed = Signal(str)          # "main" or "window", once the hello reply says which
    window_changed = Signal()             # the window board's ticket, status or blink
    call_made = Signal(str, int, bool)    # (label, window, recall): a live call, for the voice

    def __init__(self, settings: BoardSettings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.language = settings.language
        self.calls = CallsModel(settings.language)
        self.waiting = WaitingModel()
        self.state = ConnectionState.OFFLINE
        self.detail = ""
        self.layout: str | None = settings.layout
        self.window: int | None = settings.window
        self.office_name = ""
        self.running_text = ""
        self.zone: tzinfo | None = None
        self.view: OfficeView | None = None
        self.window_view: WindowView | None = None
        self.window_blinking = False
        self._started: set[str] = set()   # tickets seen starting service (by event): no longer "come"
        self.note_key: str | None = "state.connecting"
        self._note_timer = QTimer(self, singleShot=True, interval=NOTE_DELAY_MS)
        self._note_timer.timeout.connect(self._refresh_note)
        self._blink_timer = QTimer(self, singleShot=True)
        self._blink_timer.timeout.connect(self._stop_blinking)
        self.link: Link | None = None

    # -- wiring ------------------------------------------------------------------------------

    def attach(self, link: Link) -> None:
        """Follow ``link``: its state, hello and views (including what it already reported)."""
        self.link = link
        link.state.connect(self.on_state)
        link.hello.connect(self.on_hello)
        link.view.connect(self.on_view)
        if link.current_hello is not None:
            self.on_hello(link.current_hello)
        current = link.current_view()
        if current is not None:
            self.on_view(*current)
        self.on_state(*link.current_state)

    # -- what the widgets read ---------------------------------------------------------------

    def local_now(self) -> datetime:
        """Now in the office's time zone (the machine's own until the first snapshot)."""
        return datetime.now(self.zone) if self.zone is not None else datetime.now().astimezone()

    @property
    def has_data(self) -> bool:
        return self.view is not None

    # -- slots -------------------------------------------------------------------------------

    def on_state(self, state: str, detail: str = "") -> None:
        self.state, self.detail = ConnectionState(state), detail
        self.connection_changed.emit(self.state.value)
        if self.state is ConnectionState.ONLINE or not self.has_data or self.state is ConnectionState.AUTH_FAILED:
            self._note_timer.stop()
            self._refresh_note()
        elif not self._note_timer.isActive() and self.note_key is None:
            self._note_timer.start()

    def on_hello(self, hello: HelloResult) -> None:
        """The hello reply says which window a window board's token is for."""
        if self.settings.window is None and hello.window is not None:
            self.window = hello.window
        layout = self.settings.layout or ("window" if hello.window is not None else "main")
        if layout != self.layout:
            self.layout = layout
            self.layout_changed.emit(layout)
        self._refresh_window()

    def on_view(self, office: str, view: OfficeView, event: WireEvent | None = None) -> None:
        """A snapshot (``event`` is ``None``) or an event, after the mirror applied it."""
        first = self.view is None
        self.view = view
        self._refresh_office(view)
        self._refresh_calls(view)
        self._refresh_waiting(view)
        self._refresh_window()
        if first:
            self._refresh_note()
        if event is not None and event.ticket:
            if event.type is EventType.TICKET_STARTED:
                self._started.add(event.ticket)
                self.window_changed.emit()
            elif event.type in _CALL_EVENTS:
                self._started.discard(event.ticket)
        self._started &= {w.ticket for w in view.windows if w.ticket}
        if (event is not None and event.type in _CALL_EVENTS and event.ticket and event.window is not None
                and self._is_live(event)):
            self._blink(event.ticket, event.window)
            self.call_made.emit(event.label or "", event.window, event.type is EventType.TICKET_RECALLED)

    # -- derived state -----------------------------------------------------------------------

    def _is_live(self, event: WireEvent) -> bool:
        if self.state is ConnectionState.ONLINE:
            return True
        age = (datetime.now(UTC) - parse_utc(event.at)).total_seconds()
        return age <= LIVE_AGE_S

    def _refresh_office(self, view: OfficeView) -> None:
        info = view.office
        name = info.name_en if self.language == "en" and info.name_en else info.name
        zone: tzinfo | None
        try:
            zone = ZoneInfo(info.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            zone = None
        if name != self.office_name or zone != self.zone:
            self.office_name, self.zone = name, zone
            self.office_changed.emit()
        if info.running_text != self.running_text:
            self.running_text = info.running_text
            self.running_text_changed.emit(self.running_text)

    def _refresh_calls(self, view: OfficeView) -> None:
        rows: list[CallRow] = []
        seen: set[str] = set()
        at_window = {w.number: w.ticket for w in view.windows}
        for call in view.calls:   # newest first
            if call.ticket in seen:
                continue
            seen.add(call.ticket)
            current = at_window.get(call.window) == call.ticket
            rows.append(CallRow(call.ticket, call.label, call.window, call.at, call.recall, current))
        self.calls.set_rows(rows)
        if self.calls.blinking is not None and self.calls.blinking not in seen:
            self.calls.set_blinking(None)

    def _refresh_waiting(self, view: OfficeView) -> None:
        english = self.language == "en"
        rows = [WaitingRow(s.id, s.prefix, s.name_en if english and s.name_en else s.name_ru, s.waiting)
                for s in view.services
                if not s.is_category and s.active and (s.waiting > 0 or s.unavailable is None)]
        self.waiting.set_rows(rows)

    def _refresh_window(self) -> None:
        if self.window is None or self.view is None:
            return
        found = next((w for w in self.view.windows if w.number == self.window), None)
        if found != self.window_view:
            if self.window_view is not None and found is not None and found.ticket != self.window_view.ticket:
                self.window_blinking = False
            self.window_view = found
            self.window_changed.emit()

    def _blink(self, ticket: str, window: int) -> None:
        seconds = self.settings.blink_seconds
        if seconds <= 0:
            return
        self.calls.set_blinking(ticket)
        if window == self.window:
            self.window_blinking = True
            self.window_changed.emit()
        self._blink_timer.start(int(seconds * 1000))

    def _stop_blinking(self) -> None:
        self.calls.set_blinking(None)
        if self.window_blinking:
            self.window_blinking = False
            self.window_changed.emit()

    def _refresh_note(self) -> None:
        if self.state is ConnectionState.AUTH_FAILED:
            key: str | None = "state.auth_failed"
        elif self.state is ConnectionState.ONLINE or (self.has_data and self.state is ConnectionState.RESYNCING):
            key = None
        elif not self.has_data:
            key = "state.connecting"
        else:
            key = "state.offline"
        if key != self.note_key:
            self.note_key = key
            self.note_changed.emit()

    # -- the window board --------------------------------------------------------------------

    @property
    def window_label(self) -> str | None:
        """The ticket called to or served at this board's window."""
        return self.window_view.label if self.window_view is not None else None

    @property
    def window_serving(self) -> bool:
        """The visitor has reached the window (service started): stop asking them to come."""
        return self.window_view is not None and self.window_view.ticket in self._started

    @property
    def window_status(self) -> WindowStatus | None:
        return self.window_view.status if self.window_view is not None else None
