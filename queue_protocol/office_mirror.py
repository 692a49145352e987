"""The office as a client knows it: a snapshot with the events after it applied.  Pure.

Two classes, no I/O, no asyncio, no clock (docs/protocol.md, "Snapshot", "Events", "Resync"):

* :class:`OfficeMirror` holds one office's :class:`~queue_protocol.views.OfficeView` and
  applies each :class:`~queue_protocol.replies.WireEvent` to it, the way the server's
  ``apply_event`` changes its own state, so that the mirror stays what a fresh snapshot would
  show.  Apps render from :meth:`OfficeMirror.view` (a frozen ``OfficeView``, rebuilt lazily).
* :class:`OfficeFeed` adds the sequence rules on top: a snapshot replaces the mirror; an event
  is applied only when ``seq == last + 1``; ``seq <= last`` is a duplicate, dropped; a gap
  asks for ``resync`` (:attr:`FeedVerdict.GAP`) and events are dropped until the snapshot or
  the missing events arrive.

Rules of the mirror (what it does with each event kind)
-------------------------------------------------------
* Waiting counts (``services[].waiting``, every role): an event ``from: "waiting"`` takes one
  from the event's service, ``to: "waiting"`` adds one to the event's service (for
  ``ticket.transferred`` and ``ticket.sent_back`` that is the service the ticket goes to).
* Windows: ``window.opened`` / ``paused`` / ``resumed`` / ``closed`` set ``status``, ``reason``
  and ``since``; ``window.services_changed`` sets ``services``.  ``ticket.called`` puts the
  ticket (``ticket``, ``label``) at its window; every event that moves it away (finished,
  sent back, no-show, postponed, transferred, cancelled) clears the window.
* Calls (displays and staff; kiosks get none): ``ticket.called`` and ``ticket.recalled`` push
  a call at the front, at most :data:`MAX_CALLS`.
* Tickets (staff only; ``tickets`` is ``null`` for kiosks and boards): every ticket event
  updates the ticket's :class:`~queue_protocol.views.TicketView` as the core does.  An
  operator's view lists live tickets only (waiting, postponed, called, serving); the mirror
  keeps the ones that ended hidden, so a reactivated no-show comes back whole.
* Services: ``service.active_changed`` sets ``active``; ``unavailable`` is recomputed from what
  the mirror knows (inactive, no open window for the service); a reason only the server can
  know (``office_closed``, ``daily_limit_reached``) stays as the last snapshot said.
  ``estimated_wait_s`` is "as of the snapshot" (the contract says so): the mirror keeps it.
* ``office.running_text_changed`` sets ``office.running_text``.
* A new local day (an event whose time falls on a later date in the office's time zone):
  ``office.local_day`` moves on; tickets of earlier days that ended and calls of earlier days
  are forgotten (the server's snapshot lists live tickets and today's ended ones, today's calls).
* Tickets are listed in the server's order, by ``(issued_at, id)``.

When the mirror cannot represent an event exactly it applies its best approximation and
:meth:`OfficeMirror.apply` returns ``False``; the feed then asks for a fresh snapshot
(:attr:`FeedVerdict.NEED_SNAPSHOT`).  Two cases: an event for a ticket it never saw that makes
the ticket live again (a no-show from before the snapshot, reactivated, as an operator sees
it: its ``issued_at`` is unknown), and ``window.opened`` by an operator whose display name it
has not seen (a board's events carry no operator, and the event no name).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec

from .enums import Channel, EventType, Role, TicketState, WindowStatus
from .messages import MAX_SEQ
from .replies import EventMessage, Snapshot, WireEvent
from .views import CallView, OfficeInfo, OfficeView, ServiceView, TicketView, WindowView
from .wire_time import format_utc, parse_utc

MAX_CALLS: Final = 20
"""``OfficeView.calls`` holds at most this many calls, newest first."""

FORCE_SNAPSHOT_AFTER: Final = MAX_SEQ
"""``resync.after_seq`` that always gets a fresh snapshot: the contract answers an ``after_seq``
greater than the office's current ``seq`` with one (docs/protocol.md, "Resync")."""

LIVE_STATES: Final = frozenset({TicketState.WAITING, TicketState.POSTPONED, TicketState.CALLED, TicketState.SERVING})
FINAL_STATES: Final = frozenset({TicketState.FINISHED, TicketState.NO_SHOW, TicketState.CANCELLED})
_LEAVES_WINDOW: Final = frozenset({
    EventType.TICKET_FINISHED, EventType.TICKET_SENT_BACK, EventType.TICKET_NO_SHOW, EventType.TICKET_POSTPONED,
    EventType.TICKET_TRANSFERRED, EventType.TICKET_CANCELLED,
})
_WINDOW_STATUS: Final = {
    EventType.WINDOW_OPENED: WindowStatus.OPEN,
    EventType.WINDOW_PAUSED: WindowStatus.BREAK,
    EventType.WINDOW_RESUMED: WindowStatus.OPEN,
    EventType.WINDOW_CLOSED: WindowStatus.CLOSED,
}
_SERVER_ONLY_REASONS: Final = frozenset({"office_closed", "daily_limit_reached"})

_replace = msgspec.structs.replace


class OfficeMirror:
    """One office's state as this client knows it.  Load a snapshot, then :meth:`apply` events.

    ``role`` decides what the server shows this connection (docs/protocol.md, the table under
    "Snapshot"): kiosks get no calls, operators see live tickets only, kiosks and boards no
    tickets at all (the snapshot's ``tickets`` is ``null`` then).
    """

    def __init__(self, snapshot: OfficeView, role: Role | str) -> None:
        self.role = Role(role)
        self._names: dict[str, str] = {}   # login -> display name, as learned from snapshots
        self.load(snapshot)

    # -- loading and reading -----------------------------------------------------------

    def load(self, snapshot: OfficeView) -> None:
        """Replace everything with ``snapshot`` (a snapshot's ``state``)."""
        self._office: OfficeInfo = snapshot.office
        self._services: dict[str, ServiceView] = {s.id: s for s in snapshot.services}
        self._priorities = list(snapshot.priorities)
        self._windows: dict[int, WindowView] = {w.number: w for w in snapshot.windows}
        self._tracks_tickets = snapshot.tickets is not None
        self._tickets: dict[str, TicketView] = {t.id: t for t in snapshot.tickets or ()}
        self._calls: list[CallView] = list(snapshot.calls[:MAX_CALLS])
        self._names.update({w.operator: w.operator_name for w in snapshot.windows
                            if w.operator is not None and w.operator_name is not None})
        self._server_reasons = {s.id: s.unavailable for s in snapshot.services if s.unavailable in _SERVER_ONLY_REASONS}
        try:
            self._zone: ZoneInfo | None = ZoneInfo(self._office.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            self._zone = None
        self._view: OfficeView | None = snapshot

    def view(self) -> OfficeView:
        """The office as a frozen ``OfficeView``, in the snapshot's shape for this role."""
        if self._view is None:
            tickets: list[TicketView] | None = None
            if self._tracks_tickets:
                shown: Iterable[TicketView] = self._tickets.values()
                if self.role is Role.OPERATOR:
                    shown = (t for t in shown if t.state in LIVE_STATES)
                tickets = sorted(shown, key=lambda t: (t.issued_at, t.id))   # the server's order
            self._view = OfficeView(
                office=self._office, services=list(self._services.values()), priorities=list(self._priorities),
                windows=list(self._windows.values()), tickets=tickets, calls=list(self._calls),
            )
        return self._view

    @property
    def office_id(self) -> str:
        return self._office.id

    def ticket(self, ticket_id: str) -> TicketView | None:
        """A ticket the mirror knows, including an operator's hidden ended ones."""
        return self._tickets.get(ticket_id)

    def window(self, number: int) -> WindowView | None:
        return self._windows.get(number)

    def service(self, service_id: str) -> ServiceView | None:
        return self._services.get(service_id)

    # -- applying events ---------------------------------------------------------------

    def apply(self, event: WireEvent) -> bool:
        """Apply one event.  ``False``: applied as well as the mirror could, but a fresh
        snapshot is needed to be exact (the feed asks for one)."""
        self._view = None
        self._roll_day(event.at)
        kind = event.type
        if kind is EventType.RUNNING_TEXT_CHANGED:
            self._office = _replace(self._office, running_text=str(event.data.get("text", "")))
            return True
        if kind is EventType.SERVICE_ACTIVE_CHANGED:
            service = self._services.get(event.service or "")
            if service is not None:
                self._services[service.id] = _replace(service, active=bool(event.data.get("active", True)))
                self._refresh_unavailable()
            return True
        if kind in _WINDOW_STATUS or kind is EventType.WINDOW_SERVICES_CHANGED:
            return self._apply_window_event(event)
        return self._apply_ticket_event(event)

    def _apply_window_event(self, event: WireEvent) -> bool:
        if event.window is None:
            return True
        window = self._windows.get(event.window) or WindowView(number=event.window, status=WindowStatus.CLOSED)
        kind = event.type
        exact = True
        if kind is EventType.WINDOW_SERVICES_CHANGED:
            services = {str(k): float(v) for k, v in dict(event.data.get("services", {})).items()}
            window = _replace(window, services=services)
        elif kind is EventType.WINDOW_OPENED:
            name = self._operator_name(event)
            exact = name is not None or self.role is Role.KIOSK
            window = _replace(window, status=WindowStatus.OPEN, operator=event.operator, operator_name=name,
                              reason="", since=event.at)
        elif kind is EventType.WINDOW_PAUSED:
            window = _replace(window, status=WindowStatus.BREAK, reason=str(event.data.get("reason", "")), since=event.at)
        elif kind is EventType.WINDOW_RESUMED:
            window = _replace(window, status=WindowStatus.OPEN, reason="", since=event.at)
        else:  # closed
            window = _replace(window, status=WindowStatus.CLOSED, operator=None, operator_name=None, reason="",
                              ticket=None, label=None, since=event.at)
        self._windows[window.number] = window
        self._refresh_unavailable()
        return exact

    def _operator_name(self, event: WireEvent) -> str | None:
        """The display name for ``window.opened``: kiosks never see one; others learn it from
        the event's ``data.operator_name`` when the server sends it, else from earlier snapshots.
        ``None`` for a board or console that has not seen this operator: a snapshot will tell."""
        if self.role is Role.KIOSK:
            return None
        name = event.data.get("operator_name")
        if isinstance(name, str):
            if event.operator is not None:
                self._names[event.operator] = name
            return name
        return self._names.get(event.operator) if event.operator is not None else None

    def _apply_ticket_event(self, event: WireEvent) -> bool:
        kind = event.type
        self._count_waiting(event)
        if kind is EventType.TICKET_CALLED and event.window is not None:
            window = self._windows.get(event.window) or WindowView(number=event.window, status=WindowStatus.OPEN)
            self._windows[event.window] = _replace(window, ticket=event.ticket, label=event.label)
        elif kind in _LEAVES_WINDOW:
            self._clear_window_of(event.ticket)
        if kind in (EventType.TICKET_CALLED, EventType.TICKET_RECALLED) and self.role is not Role.KIOSK:
            self._push_call(event, recall=kind is EventType.TICKET_RECALLED)
        if not self._tracks_tickets or event.ticket is None:
            return True
        return self._update_ticket(event)

    def _count_waiting(self, event: WireEvent) -> None:
        if event.from_state is TicketState.WAITING:
            self._add_waiting(event.service, -1, event.ticket)
        if event.to_state is TicketState.WAITING:
            self._add_waiting(event.service, +1, None)

    def _add_waiting(self, service_id: str | None, delta: int, ticket_id: str | None) -> None:
        if delta < 0 and ticket_id is not None:
            known = self._tickets.get(ticket_id)   # leaving waiting: the ticket's own service
            if known is not None:
                service_id = known.service
        service = self._services.get(service_id or "")
        if service is not None:
            self._services[service.id] = _replace(service, waiting=max(0, service.waiting + delta))

    def _clear_window_of(self, ticket_id: str | None) -> None:
        for number, window in self._windows.items():
            if ticket_id is not None and window.ticket == ticket_id:
                self._windows[number] = _replace(window, ticket=None, label=None)

    def _push_call(self, event: WireEvent, *, recall: bool) -> None:
        if event.ticket is None or event.window is None:
            return
        call = CallView(ticket=event.ticket, label=event.label or "", window=event.window, at=event.at, recall=recall)
        self._calls.insert(0, call)
        del self._calls[MAX_CALLS:]

    def _update_ticket(self, event: WireEvent) -> bool:
        assert event.ticket is not None
        kind, data, at = event.type, event.data, event.at
        ticket = self._tickets.get(event.ticket)
        exact = True
        if kind is EventType.TICKET_ISSUED:
            ticket = TicketView(
                id=event.ticket, label=event.label or "", service=event.service or "", state=TicketState.WAITING,
                channel=_channel(data.get("channel")), priority=data.get("priority"), issued_at=at,
            )
            self._tickets[ticket.id] = ticket
            return True
        to = event.to_state
        if ticket is None:
            if to is None or to in FINAL_STATES:
                return True   # a ticket of an earlier day, or one this role no longer lists: nothing to show
            ticket = TicketView(id=event.ticket, label=event.label or "", service=event.service or "",
                                state=to, issued_at=at)   # issued_at unknown: approximate, ask for a snapshot
            exact = False
        changes: dict[str, Any] = {"state": to} if to is not None else {}
        if kind is EventType.TICKET_CALLED:
            changes.update(window=event.window, target_window=None, target_operator=None, recalls=0, called_at=at,
                           postponed_until=None, first_called_at=ticket.first_called_at or at)
        elif kind is EventType.TICKET_STARTED:
            changes.update(started_at=at)
        elif kind is EventType.TICKET_RECALLED:
            changes.update(recalls=int(data.get("recalls", ticket.recalls + 1)), called_at=at)
        elif kind is EventType.TICKET_POSTPONED:
            until = parse_utc(at) + timedelta(minutes=int(data.get("minutes", 0)))
            changes.update(window=None, postponed_until=format_utc(until), started_at=None)
        elif kind is EventType.TICKET_TRANSFERRED:
            changes.update(window=None, service=event.service or ticket.service, target_window=data.get("to_window"),
                           target_operator=data.get("to_operator"), comment=str(data.get("comment", "")), recalls=0,
                           started_at=None)
        elif kind is EventType.TICKET_SENT_BACK:
            changes.update(window=None, service=event.service or ticket.service, target_window=None,
                           target_operator=data.get("to_operator"), recalls=0, started_at=None)
        elif kind in (EventType.TICKET_RETURNED, EventType.TICKET_REACTIVATED):
            changes.update(postponed_until=None, recalls=0)
        elif kind is EventType.TICKET_PRIORITY_CHANGED:
            changes.update(priority=data.get("priority"))
        elif kind in (EventType.TICKET_FINISHED, EventType.TICKET_NO_SHOW, EventType.TICKET_CANCELLED):
            changes.update(window=None)
        self._tickets[ticket.id] = _replace(ticket, **changes)
        return exact

    # -- derived facts -----------------------------------------------------------------

    def _refresh_unavailable(self) -> None:
        """Recompute ``unavailable`` from what the mirror knows, in the core's order of reasons."""
        served = {s for w in self._windows.values() if w.status is not WindowStatus.CLOSED for s in w.services}
        for service in list(self._services.values()):
            if service.is_category:
                continue
            reason: str | None
            if not service.active:
                reason = "service_inactive"
            elif self._server_reasons.get(service.id) is not None:
                reason = self._server_reasons[service.id]
            elif service.id not in served:
                reason = "no_open_window"
            else:
                reason = None
            if reason != service.unavailable:
                self._services[service.id] = _replace(service, unavailable=reason)

    def _roll_day(self, at: str) -> None:
        if self._zone is None:
            return
        day = parse_utc(at).astimezone(self._zone).date()
        if day.isoformat() <= self._office.local_day:
            return
        self._office = _replace(self._office, local_day=day.isoformat())
        self._tickets = {t.id: t for t in self._tickets.values()
                         if t.state not in FINAL_STATES or self._local_day(t.issued_at) >= day}
        self._calls = [c for c in self._calls if self._local_day(c.at) >= day]   # the board shows today's calls

    def _local_day(self, timestamp: str) -> date:
        assert self._zone is not None
        return parse_utc(timestamp).astimezone(self._zone).date()


def _channel(value: object) -> Channel:
    try:
        return Channel(str(value))
    except ValueError:
        return Channel.WALK_IN


class FeedVerdict(enum.Enum):
    """What :class:`OfficeFeed` made of a push."""

    APPLIED = "applied"              # the mirror changed: render it
    DUPLICATE = "duplicate"          # seq <= last: seen already, dropped
    GAP = "gap"                      # seq > last + 1: send resync(after_seq=feed.resync_after()), event dropped
    DROPPED = "dropped"              # a resync is under way: dropped until the catch-up arrives
    NEED_SNAPSHOT = "need_snapshot"  # applied approximately: send resync(after_seq=FORCE_SNAPSHOT_AFTER)


class OfficeFeed:
    """The sequence rules of one office over an :class:`OfficeMirror` (docs/protocol.md, "Events").

    ``last_seq`` is the seq the mirror is as of (``None`` before the first snapshot); it goes
    into ``hello.last_seq`` on a reconnect.  ``resyncing`` is true from a gap until the
    snapshot or the missing event arrives; ``awaiting_snapshot`` from a NEED_SNAPSHOT until a
    snapshot arrives (in-order events are still applied meanwhile).  :meth:`connection_lost`
    clears both: the next hello's ``last_seq`` does the catch-up then.
    """

    def __init__(self, office: str, role: Role | str) -> None:
        self.office = office
        self.role = Role(role)
        self.mirror: OfficeMirror | None = None
        self.last_seq: int | None = None
        self.resyncing = False
        self.awaiting_snapshot = False

    @property
    def current(self) -> bool:
        """Has a snapshot, and no catch-up is under way."""
        return self.mirror is not None and not self.resyncing and not self.awaiting_snapshot

    def on_snapshot(self, snapshot: Snapshot) -> FeedVerdict:
        if self.mirror is None or self.mirror.role is not self.role:
            self.mirror = OfficeMirror(snapshot.state, self.role)
        else:
            self.mirror.load(snapshot.state)
        self.last_seq = snapshot.seq
        self.resyncing = self.awaiting_snapshot = False
        return FeedVerdict.APPLIED

    def on_event(self, message: EventMessage) -> FeedVerdict:
        if self.mirror is None or self.last_seq is None:
            return self._gap()
        if message.seq <= self.last_seq:
            return FeedVerdict.DUPLICATE
        if message.seq > self.last_seq + 1:
            return self._gap()
        exact = self.mirror.apply(message.event)
        self.last_seq = message.seq
        self.resyncing = False
        if not exact and not self.awaiting_snapshot:
            self.awaiting_snapshot = True
            return FeedVerdict.NEED_SNAPSHOT
        return FeedVerdict.APPLIED

    def _gap(self) -> FeedVerdict:
        if self.resyncing:
            return FeedVerdict.DROPPED
        self.resyncing = True
        return FeedVerdict.GAP

    def resync_after(self) -> int:
        """``after_seq`` for the resync a GAP asks for: the last applied seq, or a snapshot if none."""
        return self.last_seq if self.mirror is not None and self.last_seq is not None else FORCE_SNAPSHOT_AFTER

    def on_resync_result(self, mode: str, to_seq: int) -> None:
        """The resync reply: when the events mode has nothing past what we have, we are current."""
        if mode == "events" and self.last_seq is not None and to_seq <= self.last_seq:
            self.resyncing = False

    def resync_failed(self) -> None:
        """The resync was refused or lost: the next gap asks again."""
        self.resyncing = self.awaiting_snapshot = False

    def connection_lost(self) -> None:
        self.resyncing = self.awaiting_snapshot = False
