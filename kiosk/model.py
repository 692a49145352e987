"""``KioskModel``: the kiosk's state and its one connection, as a QObject (DESIGN.md §8).

Widgets render this object and call its intent slots (``open_entry``, ``take_ticket``,
``go_home``, ...); nothing else touches the connection.  The connection is a :class:`Link`
(``kiosk.link``: the adapter over ``queue_protocol.qt_bridge``), so the model sees only
office views, issue replies and print notices.

Screens::

    HOME --category--> CATEGORY --service--> SERVICE --take_ticket--> TICKET --timeout/done--> HOME
      \\--priority--> PRIORITY --choose--> HOME (the next ticket is a priority one)

On a service's page a kiosk with a printer also prints the page (``print_info``): one
``service.print_info`` at a time, retried with its id after a reconnect; leaving the page
forgets it (``kiosk.info_print``).  A ticket or a page whose job was still printing when the
connection dropped is asked for again, same id, once back online: its end may have been
missed (``kiosk.asked``).

The overlay (offline, not connected) sits above any screen and clears itself on reconnect.
Idle for ``idle_s`` seconds anywhere but the home screen (or with a choice made on it):
back to a fresh home screen, Russian, default look.  The ticket screen goes home after
``ticket_s`` seconds, or ``failed_s`` when the visitor must remember or photograph the number.
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from queue_protocol.replies import PrintNotice
from queue_protocol.views import OfficeView

from . import asked, i18n
from .catalog import Catalog, Entry
from .flow import IssueFlow, IssueState
from .info_print import InfoPrint, InfoPrintState
from .info_print import apply_notice as apply_info_notice
from .info_print import from_reply as info_from_reply
from .info_print import refused as info_refused
from .info_print import timed_out as info_timed_out
from .listmodels import EntryListModel, PriorityListModel, reason_text
from .states import (
    ONLINE_STATES,
    REFUSED_STATES,
    SERVER_ONLY_REASONS,
    UNAVAILABLE_CODES,
    Overlay,
    Screen,
    Timing,
)
from .ticket import IssuedTicket, NoticeBuffer, PrintState, apply_notice, from_reply, timed_out

MAX_ATTEMPTS = 3
"""Automatic tries of one ticket.issue (same id) before the kiosk gives up and says so."""


class KioskModel(QObject):
    screen_changed = Signal(str)
    catalog_changed = Signal()          # services, priorities or the office changed (live updates)
    overlay_changed = Signal(str)
    ticket_changed = Signal()
    settings_changed = Signal()         # language, contrast, text size
    busy_changed = Signal(bool)         # a ticket request is in flight
    message_changed = Signal(str)       # a refusal to show on the service page ("" clears it)
    countdown_changed = Signal(int)     # seconds until the ticket screen goes home
    info_print_changed = Signal()       # the service page's printout: printing, printed, failed, or none

    def __init__(self, link: Any, timing: Timing | None = None, default_lang: str = i18n.DEFAULT_LANG,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timing = timing or Timing()
        self.default_lang = default_lang if default_lang in i18n.LANGS else i18n.DEFAULT_LANG
        self._link = link
        self.view: OfficeView | None = None
        self.catalog = Catalog(None)
        self.entries = EntryListModel(self)
        self.priorities = PriorityListModel(self)
        self.screen = Screen.HOME
        self.category: str | None = None
        self.service: str | None = None
        self.priority: str | None = None
        self.lang = self.default_lang
        self.high_contrast = False
        self.large_text = False
        self.overlay = Overlay.LOADING
        self.ticket: IssuedTicket | None = None
        self._message_code = ""          # "" nothing, "error" the generic text, else an unavailable code
        self.connection = "offline"
        self.issued_count = 0
        self._refusals: dict[str, tuple[str, float]] = {}
        self._flow = IssueFlow(link.new_request_id)
        self._info_flow = IssueFlow(link.new_request_id)   # service.print_info: the same one-at-a-time rule
        self.info_print: InfoPrint | None = None
        self._notices = NoticeBuffer()
        self._ever_online = False
        self._seconds_left = 0
        self._idle = self._timer(self.timing.idle_s, self._on_idle)
        self._ticket_timer = QTimer(self, interval=1000)
        self._ticket_timer.timeout.connect(self._tick)
        self._watchdog = self._timer(self.timing.print_watchdog_s, self._on_print_watchdog)
        self._grace = self._timer(self.timing.offline_grace_s, self._on_offline_grace)
        self._info_watchdog = self._timer(self.timing.print_watchdog_s, self._on_info_watchdog)
        link.state_changed.connect(self._on_state)
        link.office_changed.connect(self._on_office)
        link.snapshot_arrived.connect(self._on_snapshot)
        link.issue_ok.connect(self._on_issue_ok)
        link.issue_failed.connect(self._on_issue_failed)
        link.issue_timeout.connect(self._on_issue_timeout)
        link.info_ok.connect(self._on_info_ok)
        link.info_failed.connect(self._on_info_failed)
        link.info_timeout.connect(self._on_info_timeout)
        link.print_notice.connect(self._on_print_notice)

    def _timer(self, seconds: float, slot: Any) -> QTimer:
        timer = QTimer(self, singleShot=True, interval=max(1, int(seconds * 1000)))
        timer.timeout.connect(slot)
        return timer

    # -- lifecycle ---------------------------------------------------------------------

    def start(self) -> None:
        self._link.start()
        self._grace.start()

    def close(self) -> None:
        for timer in (self._idle, self._ticket_timer, self._watchdog, self._grace, self._info_watchdog):
            timer.stop()
        self._link.close()

    # -- what widgets read -------------------------------------------------------------

    @property
    def busy(self) -> bool:
        return self._flow.busy

    @property
    def seconds_left(self) -> int:
        return self._seconds_left

    @property
    def can_print_info(self) -> bool:
        """This kiosk has a printer: its service pages offer to print themselves."""
        return bool(self._link.has_printer)

    def text(self, key: str, **values: object) -> str:
        """The text of catalogue ``key`` in the visitor's language (not ``QObject.tr``: Qt's own)."""
        return i18n.tr(key, self.lang, **values)

    def current_entry(self) -> Entry | None:
        target = self.service if self.screen is Screen.SERVICE else self.category
        return self.catalog.entry(target) if target is not None and target in self.catalog else None

    def priority_name(self) -> str:
        return self.catalog.priority_name(self.priority, self.lang)

    def service_name(self, service_id: str) -> str:
        return self.catalog.entry(service_id).name(self.lang) if service_id in self.catalog else service_id

    def reason(self, code: str | None) -> str:
        return reason_text(code, self.lang)

    # -- intents -----------------------------------------------------------------------

    @Slot()
    def user_activity(self) -> None:
        """Any touch: the visitor is still here."""
        if self.screen is not Screen.TICKET:
            self._idle.start()

    @Slot(str)
    def open_entry(self, entry_id: str) -> None:
        if entry_id not in self.catalog or self.busy:
            return
        self.user_activity()
        if self.catalog.is_service(entry_id):
            self.service = entry_id
            self._set_message("")
            self._go(Screen.SERVICE)
        else:
            self.category = entry_id
            self._go(Screen.CATEGORY)

    @Slot()
    def take_ticket(self) -> None:
        """The big button: ignored while a request is in flight (a double tap gives one ticket)."""
        if self.screen is not Screen.SERVICE or self.service is None or self.overlay is not Overlay.NONE:
            return
        entry = self.catalog.entry(self.service)
        if not entry.available:
            return
        request = self._flow.begin(self.service, self.priority)
        if request is None:
            return
        self._set_message("")
        self._send(request.request_id, request.service, request.priority)

    @Slot()
    def print_info(self) -> None:
        """"Print this page": ignored while its request is in flight or once it printed (one page a visit)."""
        if (self.screen is not Screen.SERVICE or self.service is None or self.overlay is not Overlay.NONE
                or not self.can_print_info):
            return
        self.user_activity()
        if self.info_print is not None and self.info_print.service == self.service and (
                self.info_print.state is InfoPrintState.PRINTED or self._info_flow.busy):
            return
        request = self._info_flow.begin(self.service, None)
        if request is None:
            return
        info = InfoPrint(self.service, asked=asked.print_info(request.request_id, request.service, self.lang))
        self._set_info(info)
        self._send_info(info)

    @Slot()
    def go_back(self) -> None:
        if self.busy:
            return
        self.user_activity()
        if self.screen is Screen.SERVICE and self.catalog.parent_of(self.service or "") is not None:
            self.category = self.catalog.parent_of(self.service or "")
            self._go(Screen.CATEGORY)
        else:
            self._go(Screen.HOME)

    @Slot()
    def go_home(self) -> None:
        if self.busy:
            return
        self._flow.abandon()
        self._go(Screen.HOME)

    @Slot()
    def open_priority(self) -> None:
        self.user_activity()
        self._go(Screen.PRIORITY)

    @Slot(str)
    def choose_priority(self, priority_id: str) -> None:
        if priority_id not in {p.id for p in self.catalog.priorities}:
            return
        self.priority = priority_id
        self.user_activity()
        self._go(Screen.HOME)

    @Slot()
    def clear_priority(self) -> None:
        self.priority = None
        self.user_activity()
        self._refresh()

    @Slot()
    def toggle_lang(self) -> None:
        self.set_lang("en" if self.lang == "ru" else "ru")

    def set_lang(self, lang: str) -> None:
        self.lang = lang if lang in i18n.LANGS else self.default_lang
        self.user_activity()
        self._refresh()
        self.settings_changed.emit()

    @Slot(bool)
    def set_high_contrast(self, on: bool) -> None:
        self.high_contrast = bool(on)
        self.user_activity()
        self.settings_changed.emit()

    @Slot(bool)
    def set_large_text(self, on: bool) -> None:
        self.large_text = bool(on)
        self.user_activity()
        self.settings_changed.emit()

    @Slot()
    def ticket_done(self) -> None:
        self._reset()

    # -- the connection ----------------------------------------------------------------

    def _send(self, request_id: str, service: str, priority: str | None) -> None:
        self.busy_changed.emit(True)
        self._link.send(asked.ticket_issue(request_id, service, priority))

    def _send_info(self, info: InfoPrint) -> None:
        if info.asked is not None:
            self._link.send(info.asked)

    def _on_state(self, state: str) -> None:
        self.connection = state
        if state in ONLINE_STATES:
            self._grace.stop()
            if self.view is not None:
                self._ever_online = True
                self._set_overlay(Overlay.NONE)
            if state == "online":
                self._follow_printing_jobs()
                self._retry_unknown()
        elif state in REFUSED_STATES:
            self._set_overlay(Overlay.NOT_CONNECTED)
        elif state != "closed" and self.overlay is Overlay.NONE and not self._grace.isActive():
            self._grace.start()

    def _on_offline_grace(self) -> None:
        if self.connection not in ONLINE_STATES and self.overlay is not Overlay.NOT_CONNECTED:
            self._set_overlay(Overlay.OFFLINE)

    def _follow_printing_jobs(self) -> None:
        """Back online: a job still on its way (the ticket's, the info page's) may have ended while the kiosk
        was away, its notice lost with the connection.  Ask again with the same id: the server answers from
        the stored reply (no second ticket or page; nobody waits for that reply any more) and follows it with
        how the job ended."""
        for item in (self.ticket, self.info_print):
            request = item.awaiting_end if item is not None else None
            if request is not None:
                self._link.send(request)

    def _retry_unknown(self) -> None:
        """Back online with a request nobody answered: ask again, same id (never a second ticket or page)."""
        self._retry_info()
        if self._flow.state is IssueState.UNKNOWN and self.screen is Screen.SERVICE:
            if self._flow.request is not None and self._flow.request.attempt >= MAX_ATTEMPTS:
                self._flow.abandon()   # the server keeps silent: let a person look, never loop
                self._set_message("error")
                return
            request = self._flow.retry()
            if request is not None:
                self._send(request.request_id, request.service, request.priority)

    def _retry_info(self) -> None:
        info = self.info_print
        if self._info_flow.state is not IssueState.UNKNOWN or info is None:
            return
        if self._info_flow.request is not None and self._info_flow.request.attempt >= MAX_ATTEMPTS:
            self._info_flow.abandon()
            self._set_info(info_refused(info))
            return
        if self._info_flow.retry() is not None:
            self._send_info(info)

    def _on_info_ok(self, request_id: str, result: dict[str, Any]) -> None:
        if self.info_print is not None and self._info_flow.answered(request_id):
            self._set_info(self._notices.replay(info_from_reply(self.info_print, result), apply_info_notice))

    def _on_info_failed(self, request_id: str, _code: str, _message: str) -> None:
        if self.info_print is not None and self._info_flow.answered(request_id):
            self._set_info(info_refused(self.info_print))

    def _on_info_timeout(self, request_id: str) -> None:
        if self._info_flow.timed_out(request_id) and self.connection == "online":
            self._retry_info()

    def _on_info_watchdog(self) -> None:
        if self.info_print is not None and self.info_print.state is InfoPrintState.PRINTING:
            self._info_flow.abandon()
            self._set_info(info_timed_out(self.info_print))

    def _set_info(self, info: InfoPrint | None) -> None:
        """The page's printout changed: the watchdog runs while it is on its way."""
        if info == self.info_print:
            return
        self.info_print = info
        if info is not None and info.state is InfoPrintState.PRINTING:
            if not self._info_watchdog.isActive():
                self._info_watchdog.start()
        else:
            self._info_watchdog.stop()
        self.info_print_changed.emit()

    def preview_info_print(self, info: InfoPrint | None) -> None:
        """Show a printout state on the service page without printing (screenshots only)."""
        self._set_info(info)

    def _on_office(self, view: OfficeView) -> None:
        self.view = view
        if self.connection in ONLINE_STATES:
            self._ever_online = True
            self._grace.stop()
            self._set_overlay(Overlay.NONE)
        self._refresh()

    def _on_snapshot(self) -> None:
        self._refusals.clear()   # a fresh snapshot is the server's own word on availability

    def _on_issue_ok(self, request_id: str, result: dict[str, Any]) -> None:
        request = self._flow.request
        if request is None or not self._flow.answered(request_id):
            return   # the visitor left before the answer came (or a follow-up's reply): nobody waits for it
        self.busy_changed.emit(False)
        self.issued_count += 1
        sent = asked.ticket_issue(request.request_id, request.service, request.priority)
        self.show_ticket(self._notices.replay(from_reply(result, sent), apply_notice))

    def show_ticket(self, ticket: IssuedTicket) -> None:
        """The ticket screen for ``ticket`` (the reply's path; screenshots pass a sample)."""
        self.priority = None
        self.ticket = ticket
        self._go(Screen.TICKET)
        self._ticket_changed()

    def preview_overlay(self, overlay: Overlay) -> None:
        """Show an overlay whatever the connection says (screenshots only)."""
        self._set_overlay(overlay)

    def _on_issue_failed(self, request_id: str, code: str, message: str) -> None:
        request = self._flow.request
        if request is None or not self._flow.answered(request_id):
            return
        self.busy_changed.emit(False)
        if code in SERVER_ONLY_REASONS:   # the mirror cannot know these between snapshots
            self._refusals[request.service] = (code, time.monotonic())
            self._refresh()
        self._set_message(code if code in UNAVAILABLE_CODES else "error")

    def _on_issue_timeout(self, request_id: str) -> None:
        if self._flow.timed_out(request_id):
            self.busy_changed.emit(False)
            if self.connection == "online":   # online and still no answer: try again now, same id
                self._retry_unknown()

    def _on_print_notice(self, notice: PrintNotice) -> None:
        self._notices.add(notice)
        if self.info_print is not None:
            self._set_info(apply_info_notice(self.info_print, notice))
        if self.ticket is not None:
            updated = apply_notice(self.ticket, notice)
            if updated != self.ticket:
                self.ticket = updated
                self._ticket_changed()

    # -- screens and timers ------------------------------------------------------------

    def _go(self, screen: Screen) -> None:
        if screen is not Screen.SERVICE or (self.info_print is not None and self.info_print.service != self.service):
            self._info_flow.abandon()   # a page left behind: its printout is nobody's business now
            self._set_info(None)
        self.screen = screen
        if screen is Screen.HOME:
            self.category = self.service = None
        if screen is not Screen.TICKET:
            self._ticket_timer.stop()
            self._watchdog.stop()
        self._refresh()
        self.screen_changed.emit(screen.value)
        if screen is not Screen.TICKET:
            self.user_activity()

    def _ticket_changed(self) -> None:
        ticket = self.ticket
        if ticket is None:
            return
        if ticket.print_state is PrintState.PRINTING:
            self._watchdog.start()
        else:
            self._watchdog.stop()
        self._idle.stop()
        self._seconds_left = int(self.timing.failed_s if ticket.failed else self.timing.ticket_s)
        self._ticket_timer.start()
        self.ticket_changed.emit()
        self.countdown_changed.emit(self._seconds_left)

    def _tick(self) -> None:
        self._seconds_left -= 1
        self.countdown_changed.emit(max(0, self._seconds_left))
        if self._seconds_left <= 0:
            self._reset()

    def _on_print_watchdog(self) -> None:
        if self.ticket is not None and self.ticket.print_state is PrintState.PRINTING:
            self.ticket = timed_out(self.ticket)
            self._ticket_changed()

    def _on_idle(self) -> None:
        if self.busy:
            self._idle.start()   # the answer is on its way; its own timeout ends the wait
            return
        if not self.pristine():
            self._reset()

    def pristine(self) -> bool:
        """A fresh home screen, as the next visitor should find it."""
        return (self.screen is Screen.HOME and self.priority is None and self.lang == self.default_lang
                and not self.high_contrast and not self.large_text)

    def _reset(self) -> None:
        """Back to a fresh home screen: the next visitor starts from scratch."""
        self._flow.abandon()
        self.busy_changed.emit(False)
        self.ticket = None
        self.priority = None
        self._set_message("")
        changed = self.lang != self.default_lang or self.high_contrast or self.large_text
        self.lang, self.high_contrast, self.large_text = self.default_lang, False, False
        self._go(Screen.HOME)
        if changed:
            self.settings_changed.emit()
        self._idle.stop()

    def _set_overlay(self, overlay: Overlay) -> None:
        if overlay is not self.overlay:
            self.overlay = overlay
            self.overlay_changed.emit(overlay.value)

    def _set_message(self, code: str) -> None:
        if code != self._message_code:
            self._message_code = code
            self.message_changed.emit(self.message)

    @property
    def message(self) -> str:
        """Why the last tap gave no ticket, in the current language ("" when nothing to say)."""
        code = self._message_code
        if not code:
            return ""
        if code == "error":
            return self.text("error.generic")
        return self.text("refused", why=self.reason(code))

    def _refresh(self) -> None:
        """Rebuild the lists from the mirror (live: a service switched off greys out at once)."""
        now = time.monotonic()
        self._refusals = {k: v for k, v in self._refusals.items() if now - v[1] < self.timing.refusal_ttl_s}
        self.catalog = Catalog(self.view, {k: code for k, (code, _) in self._refusals.items()})
        parent = self.category if self.screen is Screen.CATEGORY else None
        if parent is not None and parent not in self.catalog:
            parent = self.category = None
            if self.screen is Screen.CATEGORY:
                self.screen = Screen.HOME
                self.screen_changed.emit(self.screen.value)
        if self.screen is Screen.SERVICE and self.service not in self.catalog:
            self.service = None
            self._info_flow.abandon()
            self._set_info(None)
            self.screen = Screen.HOME
            self.screen_changed.emit(self.screen.value)
        self.entries.set_entries(self.catalog.children_of(parent), self.lang)
        self.priorities.set_priorities(
            [(p.id, p.name_en if self.lang == "en" and p.name_en else p.name_ru) for p in self.catalog.priorities])
        if self.priority is not None and self.priority not in {p.id for p in self.catalog.priorities}:
            self.priority = None
        self.catalog_changed.emit()
