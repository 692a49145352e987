"""The numbers the console shows, computed from the mirror and the events.  Pure.

* wait levels against a service's norm (DOMAIN.md "Norms"): a warning from two thirds of the
  norm, red past it; the norm is per channel (walk-in / appointment) from the snapshot;
* which tickets belong in a window's waiting list (its services, not addressed elsewhere);
* "my day": the server's figures (``stats.my_day``) plus the session's own later events;
* durations as the operator reads them (``12:05``, ``1:02:05``).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from queue_protocol.enums import Channel, EventType, TicketState
from queue_protocol.replies import WireEvent
from queue_protocol.views import ServiceView, StatsMyDayResult, TicketView, WindowView
from queue_protocol.wire_time import parse_utc

from .i18n import tr

WARNING_FRACTION = 2 / 3


class WaitLevel(enum.StrEnum):
    """A wait against its norm."""

    OK = "ok"            # under two thirds of the norm
    WARNING = "warning"  # two thirds of the norm or more: act before the breach
    BREACH = "breach"    # past the norm (the law's 15 minutes for walk-ins)


def norm_seconds(service: ServiceView | None, channel: Channel = Channel.WALK_IN) -> float:
    if service is None:
        return 15 * 60.0
    minutes = service.norm_appointment_min if channel is Channel.APPOINTMENT else service.norm_walk_in_min
    return max(1, minutes) * 60.0


def wait_level(waited_s: float, norm_s: float) -> WaitLevel:
    if waited_s > norm_s:
        return WaitLevel.BREACH
    if waited_s >= norm_s * WARNING_FRACTION:
        return WaitLevel.WARNING
    return WaitLevel.OK


def seconds_since(timestamp: str | None, now: datetime) -> float | None:
    if timestamp is None:
        return None
    return max(0.0, (now - parse_utc(timestamp)).total_seconds())


def duration(seconds: float | None) -> str:
    """``m:ss`` under an hour, ``h:mm:ss`` above; an em dash for nothing."""
    if seconds is None:
        return tr("dur.none")
    total = int(seconds)
    h, rest = divmod(total, 3600)
    m, s = divmod(rest, 60)
    return tr("dur.hms", h=h, m=m, s=s) if h else tr("dur.ms", m=m, s=s)


def for_window(ticket: TicketView, window: WindowView, operator: str | None) -> bool:
    """Does ``ticket`` (waiting or postponed) belong in this window's list?"""
    if ticket.state not in (TicketState.WAITING, TicketState.POSTPONED):
        return False
    if ticket.service not in window.services:
        return False
    if ticket.target_window is not None and ticket.target_window != window.number:
        return False
    return ticket.target_operator is None or ticket.target_operator == operator


def window_queue(tickets: Iterable[TicketView], window: WindowView | None, operator: str | None) -> list[TicketView]:
    """The window's tickets: waiting first (priority first, then by issue), postponed last."""
    if window is None:
        return []
    mine = [t for t in tickets if for_window(t, window, operator)]
    return sorted(mine, key=lambda t: (t.state is TicketState.POSTPONED, t.priority is None, t.issued_at, t.id))


@dataclass
class ServiceLoad:
    """A service's queue now: how many wait, the longest wait, and the wait nearest its norm."""

    service: str
    waiting: int = 0
    longest_s: float | None = None
    level: WaitLevel = WaitLevel.OK
    worst_s: float = 0.0           # the wait that is the largest share of its norm ...
    worst_norm_s: float = 0.0      # ... and that norm (walk-in or appointment)


def service_loads(tickets: Iterable[TicketView], services: dict[str, ServiceView], now: datetime,
                  only: Iterable[str] | None = None) -> dict[str, ServiceLoad]:
    """Waiting count and longest wait per service (of ``only``, or every leaf service)."""
    wanted = list(only) if only is not None else [s.id for s in services.values() if not s.is_category]
    loads = {sid: ServiceLoad(sid) for sid in wanted}
    for ticket in tickets:
        load = loads.get(ticket.service)
        if load is None or ticket.state is not TicketState.WAITING:
            continue
        load.waiting += 1
        waited = seconds_since(ticket.issued_at, now) or 0.0
        if load.longest_s is None or waited > load.longest_s:
            load.longest_s = waited
        norm = norm_seconds(services.get(ticket.service), ticket.channel)
        if not load.worst_norm_s or waited / norm > load.worst_s / load.worst_norm_s:
            load.worst_s, load.worst_norm_s = waited, norm
            load.level = wait_level(waited, norm)
    return loads


def queue_alerts(loads: Iterable[ServiceLoad]) -> list[ServiceLoad]:
    """The queues whose wait passed two thirds of its norm: past the norm first, nearest to it first."""
    found = [load for load in loads if load.level is not WaitLevel.OK]
    return sorted(found, key=lambda x: (x.level is not WaitLevel.BREACH, -x.worst_s / x.worst_norm_s, x.service))


ENDS = {EventType.TICKET_FINISHED: "served", EventType.TICKET_SENT_BACK: "served",
        EventType.TICKET_NO_SHOW: "no_shows", EventType.TICKET_TRANSFERRED: "transfers"}


@dataclass(frozen=True, slots=True)
class VisitEnd:
    """One of this operator's visits ended, as this session saw it."""

    seq: int                       # the office's event number
    kind: str                      # served / no_shows / transfers
    service_s: float | None        # start -> end of a served visit whose start the session saw


@dataclass
class MyDay:
    """This operator's events as this session sees them: fed every applied event, in order.

    The day's figures are the server's (``stats.my_day``); the session's own visit ends are
    added on top of its last answer, until the next answer covers them (:func:`my_day_shown`).
    It also remembers when each ticket was first called and started by this operator, which
    the snapshot does not carry (``TicketView.called_at`` moves on with every recall).
    """

    operator: str
    since: datetime
    ends: list[VisitEnd] = field(default_factory=list)
    first_called: dict[str, str] = field(default_factory=dict)
    started: dict[str, str] = field(default_factory=dict)

    def feed(self, event: WireEvent, seq: int = 0) -> None:
        if event.ticket is None or event.operator != self.operator:
            return
        kind = event.type
        if kind is EventType.TICKET_CALLED:
            self.first_called[event.ticket] = event.at
            self.started.pop(event.ticket, None)
        elif kind is EventType.TICKET_STARTED:
            self.started[event.ticket] = event.at
        elif kind in ENDS:
            began = self.started.pop(event.ticket, None)
            service_s = None
            if began is not None and ENDS[kind] == "served":
                service_s = (parse_utc(event.at) - parse_utc(began)).total_seconds()
            self.ends.append(VisitEnd(seq, ENDS[kind], service_s))

    def after(self, seq: int) -> list[VisitEnd]:
        """The visit ends this session saw after the office's event ``seq``."""
        return [end for end in self.ends if end.seq > seq]

    @property
    def served(self) -> int:
        return sum(end.kind == "served" for end in self.ends)

    @property
    def no_shows(self) -> int:
        return sum(end.kind == "no_shows" for end in self.ends)

    @property
    def average_s(self) -> float | None:
        times = [end.service_s for end in self.ends if end.service_s is not None]
        return sum(times) / len(times) if times else None


@dataclass(frozen=True, slots=True)
class DayShown:
    """What the "my day" panel shows: the server's answer plus the session's later visit ends."""

    served: int
    no_shows: int
    transfers: int
    service_mean_s: float | None
    added: int                     # visit ends the answer does not cover yet, added by the session


def my_day_shown(answer: StatsMyDayResult, session: MyDay | None) -> DayShown:
    """The server's figures, with what this session saw after ``answer.head_seq`` added."""
    later = session.after(answer.head_seq) if session is not None else []
    times = [end.service_s for end in later if end.service_s is not None]
    timed = answer.served if answer.service_mean_s is not None else 0
    total = (answer.service_mean_s or 0.0) * timed + sum(times)
    return DayShown(
        served=answer.served + sum(end.kind == "served" for end in later),
        no_shows=answer.no_shows + sum(end.kind == "no_shows" for end in later),
        transfers=answer.transfers + sum(end.kind == "transfers" for end in later),
        service_mean_s=total / (timed + len(times)) if timed + len(times) else None,
        added=len(later),
    )
