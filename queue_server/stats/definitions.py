"""Wait statistics, defined once and computed from the event log alone (DESIGN.md §2).

Pure: event records (rows of the ``events`` table, in ``seq`` order), the office's service
catalogue (for the norms) and the period in; per-ticket facts, visits to windows and window
time out.  No database, no file, no clock: the caller says which local days it looks at and
up to which instant the log is known (``until``).  docs/statistics.md says every definition in
words; this module is the same words in code.  The simulator's day figures
(``queue_server/simulator/metrics.py``) use :func:`percentile` and :func:`wait_seconds` from
here.

Times are kept as integer microseconds since the Unix epoch (UTC), so durations and their sums
are exact; the figures divide once at the end.

The pieces
----------
* :class:`TicketFacts` — one per ticket **issued** in the period (its ``ticket.issued`` falls on
  one of the period's local days): the service and channel it was issued for, its priority,
  wait, walk, service time, outcome and counts.
* :class:`Visit` — one per ``ticket.called``: the ticket at a window from the call until it
  leaves the window (finished, sent back, transferred, postponed, no-show, cancelled).  A
  visit belongs to the period of its call.
* the time book — per (window, operator, local hour): microseconds at work (window open, not on
  a break), on a break, calling (a visitor called, not yet at the window) and serving (from
  ``ticket.started`` to the visit's end), clipped to the period.  Idle = at work - calling -
  serving.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple, cast
from zoneinfo import ZoneInfo

from queue_server.core.events import Event
from queue_server.core.model import Channel, Service

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    SortedUs = Sequence[int] | NDArray[np.integer[Any]]   # microseconds, ascending

US = 1_000_000
ONE_US = timedelta(microseconds=1)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
NAIVE_EPOCH = datetime(1970, 1, 1)
DEFAULT_SERVICE = Service("?", "?", "?")          # norms 15 min walk-in, 5 min appointment

ISSUED = "ticket.issued"
CALLED = "ticket.called"
RECALLED = "ticket.recalled"
STARTED = "ticket.started"
FINISHED = "ticket.finished"
SENT_BACK = "ticket.sent_back"
NO_SHOW = "ticket.no_show"
POSTPONED = "ticket.postponed"
RETURNED = "ticket.returned"
TRANSFERRED = "ticket.transferred"
CANCELLED = "ticket.cancelled"
REACTIVATED = "ticket.reactivated"
PRIORITY_CHANGED = "ticket.priority_changed"
WINDOW_OPENED = "window.opened"
WINDOW_PAUSED = "window.paused"
WINDOW_RESUMED = "window.resumed"
WINDOW_CLOSED = "window.closed"

LEAVES_WINDOW = frozenset({FINISHED, SENT_BACK, TRANSFERRED, POSTPONED, NO_SHOW, CANCELLED})
COMPLETED = frozenset({FINISHED, SENT_BACK})       # a service that ended with a result
FINAL_STATES = frozenset({"finished", "no_show", "cancelled"})
OUTCOME_OF_STATE = {"finished": "served", "no_show": "no_show", "cancelled": "cancelled"}

# Most tickets are walk-ins without priority.  Their ``ticket.issued`` data, as the store
# writes it, contains these texts and not the third; inside a JSON string every quote is
# escaped, so the texts can only be the keys themselves.  Such a ticket needs no JSON parsing.
PLAIN_WALK_IN = ('"channel": "walk_in"', '"priority": null', '"slot_at"')
WALK_IN_NO_PRIORITY: Mapping[str, Any] = {"channel": "walk_in", "priority": None}

# the time book's four counters
AT_WORK, ON_BREAK, CALLING, SERVING = 0, 1, 2, 3


def to_us(moment: datetime) -> int:
    """Microseconds since the epoch of an aware datetime."""
    return (moment - EPOCH) // ONE_US


def from_us(us: int) -> datetime:
    return EPOCH + timedelta(microseconds=us)


# -- the statistics of a set of durations ---------------------------------------------------

def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0..100) of ``values`` by linear interpolation between order
    statistics (numpy's default); 0.0 if empty.  p50 of [1, 2, 3, 4] is 2.5."""
    if not values:
        return 0.0
    return _interpolate(sorted(values), q)


def _interpolate(ordered: Sequence[float], q: float) -> float:
    position = (len(ordered) - 1) * q / 100
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


@dataclass(frozen=True, slots=True)
class Figures:
    """Count, mean, median, p90 and max of durations, in seconds (None when there are none)."""

    count: int = 0
    mean_s: float | None = None
    median_s: float | None = None
    p90_s: float | None = None
    max_s: float | None = None

    @classmethod
    def of_us(cls, values: Iterable[int]) -> Figures:
        return cls.of_sorted(sorted(values))

    @classmethod
    def of_sorted(cls, ordered: SortedUs) -> Figures:
        """From microseconds already sorted (a list, or a numpy array of int64)."""
        count = len(ordered)
        if not count:
            return cls()
        total = int(ordered.sum()) if hasattr(ordered, "sum") else sum(ordered)
        return cls(
            count=count,
            mean_s=total / (count * US),
            median_s=_interpolate_int(ordered, 50) / US,
            p90_s=_interpolate_int(ordered, 90) / US,
            max_s=int(ordered[-1]) / US,
        )


def _interpolate_int(ordered: SortedUs, q: float) -> float:
    """:func:`_interpolate` on integers (Python ints, whatever the sequence holds)."""
    position = (len(ordered) - 1) * q / 100
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    low, high = int(ordered[lower]), int(ordered[upper])
    return low + (high - low) * (position - lower)


# -- the input ------------------------------------------------------------------------------

class EventRecord(NamedTuple):
    """One row of the ``events`` table as the statistics read it.

    ``at`` may be an aware datetime, integer microseconds since the epoch, or the store's
    SQLite text (naive UTC, ``YYYY-MM-DD HH:MM:SS.ffffff``); ``data`` a mapping or its JSON
    text, and None for the kinds whose ``data`` the statistics do not use (the store does not
    read it for them)."""

    seq: int
    type: str
    at: datetime | int | str
    ticket_id: str | None
    label: str | None
    from_state: str | None
    to_state: str | None
    service_id: str | None
    window: int | None
    operator: str | None
    data: Mapping[str, Any] | str | None


# the kinds whose data the statistics read: issued (channel, priority, slot_at), finished
# (result), priority_changed (priority), window.closed (was)
DATA_KINDS = (ISSUED, FINISHED, PRIORITY_CHANGED, WINDOW_CLOSED)


def records_from_events(events: Iterable[Event]) -> list[EventRecord]:
    """Core events (the simulator's, say) as records; numbered 1.. when they have no seq."""
    return [
        EventRecord(e.seq or i, e.type.value, e.at, e.ticket_id, e.label,
                    e.from_state.value if e.from_state else None, e.to_state.value if e.to_state else None,
                    e.service_id, e.window, e.operator, e.data)
        for i, e in enumerate(events, start=1)
    ]


def _micros(at: datetime | int | str) -> int:
    if type(at) is int:
        return at
    if type(at) is str:
        return (datetime.fromisoformat(at) - NAIVE_EPOCH) // ONE_US
    return (cast(datetime, at) - EPOCH) // ONE_US   # `type() is` (fast, exact) does not narrow the union


def _data(data: Mapping[str, Any] | str | None) -> Mapping[str, Any]:
    if data is None:
        return {}
    if type(data) is str:
        loaded: Mapping[str, Any] = json.loads(data)
        return loaded
    return cast("Mapping[str, Any]", data)   # `type() is` (fast, exact) does not narrow the union


def wait_start_us(issued_us: int, slot_at: str | None = None) -> int:
    """When the wait of a ticket starts: its issue (the check-in), or for an appointment the
    later of the check-in and the booked slot (``data["slot_at"]`` of ``ticket.issued``, ISO
    8601 UTC).

    Appointments do not exist yet: no ``ticket.issued`` carries ``slot_at`` today, so every wait
    starts at issue.  The rule is here so that the day they come, nothing else changes.
    """
    if not slot_at:
        return issued_us
    return max(issued_us, to_us(datetime.fromisoformat(str(slot_at).replace("Z", "+00:00"))))


def wait_seconds(events: Iterable[Event]) -> Mapping[str, float]:
    """Ticket id -> seconds from the start of its wait (:func:`wait_start_us`) to its first
    ``ticket.called``, for the tickets that were called."""
    started: dict[str, int] = {}
    waits: dict[str, float] = {}
    for event in events:
        ticket = event.ticket_id
        if ticket is None:
            continue
        if event.type.value == ISSUED:
            started[ticket] = wait_start_us(to_us(event.at), (event.data or {}).get("slot_at"))
        elif event.type.value == CALLED and ticket not in waits and ticket in started:
            waits[ticket] = (to_us(event.at) - started[ticket]) / US
    return waits


# -- the period: local days cut into local hours --------------------------------------------

class HourGrid:
    """The period's local days cut at every local hour: bucket ``i`` is ``[bounds[i],
    bounds[i+1])`` in UTC microseconds and ``labels[i]`` its (local date, local hour)."""

    def __init__(self, first: date, last: date, timezone: str) -> None:
        if last < first:
            raise ValueError(f"the period ends ({last}) before it starts ({first})")
        self.first, self.last, self.timezone = first, last, timezone
        tz = ZoneInfo(timezone)
        bounds: list[int] = []
        labels: list[tuple[date, int]] = []
        day = first
        while day <= last:
            for hour in range(24):
                moment = to_us(datetime(day.year, day.month, day.day, hour, tzinfo=tz))
                if bounds and moment <= bounds[-1]:
                    continue                          # a skipped hour of a clock change
                bounds.append(moment)
                labels.append((day, hour))
            day += timedelta(days=1)
        bounds.append(to_us(datetime(day.year, day.month, day.day, tzinfo=tz)))
        self.bounds = bounds
        self.labels = labels
        self.start_us = bounds[0]
        self.end_us = bounds[-1]

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=i) for i in range((self.last - self.first).days + 1)]

    def index(self, us: int) -> int:
        """The bucket of an instant inside the period."""
        return bisect_right(self.bounds, us) - 1

    def split(self, start: int, end: int) -> Iterator[tuple[int, int]]:
        """(bucket, microseconds) pieces of ``[start, end)`` clipped to the period."""
        start, end = max(start, self.start_us), min(end, self.end_us)
        if start >= end:
            return
        bounds = self.bounds
        i = bisect_right(bounds, start) - 1
        while start < end:
            stop = min(end, bounds[i + 1])
            yield i, stop - start
            start = stop
            i += 1


# -- the output -----------------------------------------------------------------------------

@dataclass(slots=True)
class TicketFacts:
    """A ticket issued in the period: what the statistics and the export know of it."""

    id: str
    label: str
    service_id: str              # the service it was issued for
    channel: str                 # walk_in / appointment, from ticket.issued
    issued_us: int
    wait_from_us: int            # issue, or for an appointment max(check-in, slot)
    bucket: int                  # the local hour (HourGrid bucket) of issue
    norm_us: int                 # the norm of its service for its channel
    category: str | None         # priority category now
    priority: str | None = None  # the category at its first call (never called: at its end)
    first_called_us: int | None = None
    wait_us: int | None = None           # wait_from -> first call
    started_us: int | None = None        # the first ticket.started
    walk_us: int | None = None           # the call before the first start -> that start
    finished_us: int | None = None       # the last ticket.finished
    result: str | None = None
    ended_us: int | None = None          # the event that left it final (finished, no-show, cancelled)
    state: str = "waiting"               # the to_state of its last event
    service_now: str = ""                # the service it is (or was last) queued for
    window: int | None = None            # the last window it was called to
    operator: str | None = None          # ... and who called it there
    last_call_us: int | None = None
    recalls: int = 0
    transfers: int = 0
    postponements: int = 0
    returns: int = 0
    sent_back: int = 0
    reactivations: int = 0
    service_us: int = 0                  # the sum of its visits' started -> end
    counted: bool = False                # counts for the norm (see norm_check)
    within: bool = False                 # ... and was called within it

    @property
    def is_priority(self) -> bool:
        return self.priority is not None

    @property
    def outcome(self) -> str:
        """served / no_show / cancelled, or open (still waiting, postponed, called or serving)."""
        return OUTCOME_OF_STATE.get(self.state, "open")

    def norm_check(self, until_us: int) -> tuple[bool, bool]:
        """(counts for the norm, called within it).  A called ticket counts; so does one never
        called that waited longer than its norm (until it ended, or until ``until_us``); one
        withdrawn within its norm without a call does not."""
        wait = self.wait_us
        if wait is not None:
            return True, wait <= self.norm_us
        waited = (self.ended_us if self.ended_us is not None else until_us) - self.wait_from_us
        return waited > self.norm_us, False


@dataclass(slots=True)
class Visit:
    """A ticket at a window: from ``ticket.called`` until it leaves the window."""

    ticket_id: str
    service_id: str              # the service it was called for
    window: int
    operator: str | None         # the operator at the window (who opened it)
    called_us: int | None        # None: called before the records begin
    bucket: int = -1             # the local hour of the call
    started_us: int | None = None
    ended_us: int | None = None
    end: str | None = None       # the event type that ended it; None while at the window
    walk_us: int | None = None   # called -> started
    service_us: int | None = None  # started -> end, if it ended with a result (finished, sent back)


TimeKey = tuple[int, str | None, int]          # (window, operator, hour bucket)


@dataclass(slots=True)
class Facts:
    """Everything the reports aggregate, for one office and one period."""

    grid: HourGrid
    until_us: int
    tickets: dict[str, TicketFacts] = field(default_factory=dict)
    visits: list[Visit] = field(default_factory=list)
    time: dict[TimeKey, list[int]] = field(default_factory=dict)
    unknown_services: set[str] = field(default_factory=set)


class _Book:
    """Window status and the visitor at each window, turned into time in the period."""

    def __init__(self, facts: Facts) -> None:
        self.facts = facts
        self.grid = facts.grid
        self.lo = facts.grid.start_us
        self.hi = min(facts.grid.end_us, facts.until_us)
        self.status: dict[int, str] = {}         # window -> open / break / closed (absent: not seen yet)
        self.since: dict[int, int] = {}
        self.operator: dict[int, str | None] = {}
        self.current: dict[str, tuple[Visit, int]] = {}   # ticket -> (visit, since)

    def add(self, counter: int, window: int, operator: str | None, start: int, end: int) -> None:
        lo, hi = self.lo, self.hi
        if start < lo:
            start = lo
        if end > hi:
            end = hi
        if end <= start:
            return
        time = self.facts.time
        bounds = self.grid.bounds
        i = bisect_right(bounds, start) - 1
        while start < end:
            stop = bounds[i + 1]
            if stop > end:
                stop = end
            key = (window, operator, i)
            row = time.get(key)
            if row is None:
                row = time[key] = [0, 0, 0, 0]
            row[counter] += stop - start
            start = stop
            i += 1

    def window_event(self, kind: str, at: int, window: int, operator: str | None, was: str | None) -> None:
        status = self.status.get(window)
        if status is None:                        # first seen: what was it before?
            status = {WINDOW_OPENED: "closed", WINDOW_PAUSED: "open", WINDOW_RESUMED: "break",
                      WINDOW_CLOSED: "open"}[kind]
            self.status[window], self.since[window] = status, self.lo
            self.operator[window] = was if kind == WINDOW_CLOSED else operator
        if status != "closed":
            self.add(AT_WORK if status == "open" else ON_BREAK, window, self.operator[window],
                     self.since[window], at)
        if kind == WINDOW_OPENED:
            self.status[window], self.operator[window] = "open", operator
        elif kind == WINDOW_PAUSED:
            self.status[window] = "break"
        elif kind == WINDOW_RESUMED:
            self.status[window] = "open"
        else:
            self.status[window], self.operator[window] = "closed", None
        self.since[window] = at

    def at_window(self, window: int, operator: str | None) -> str | None:
        """The operator at ``window``; a window never seen open was open since the start."""
        if window not in self.status:
            self.status[window], self.since[window], self.operator[window] = "open", self.lo, operator
        return self.operator.get(window) or operator

    def earlier(self, ticket: str, window: int | None, operator: str | None, service: str | None,
                 from_state: str | None) -> tuple[Visit, int] | None:
        """The visit of a ticket called before the records begin, seen at a later event."""
        if window is None or from_state not in ("called", "serving"):
            return None
        who = self.at_window(window, operator)
        visit = Visit(ticket, service or "", window, who, None,
                      started_us=self.lo if from_state == "serving" else None)
        return visit, self.lo

    def close(self) -> None:
        """The period ends (or the log does): whatever is still going on counts up to then."""
        for visit, since in self.current.values():
            self.add(SERVING if visit.started_us is not None else CALLING, visit.window, visit.operator, since, self.hi)
        for window, status in self.status.items():
            if status != "closed":
                self.add(AT_WORK if status == "open" else ON_BREAK, window, self.operator[window],
                         self.since[window], self.hi)


def compute(records: Iterable[Sequence[Any]], services: Mapping[str, Service], grid: HourGrid,
            until_us: int | None = None) -> Facts:
    """The facts of one office over ``grid``'s local days.

    ``records`` are the office's event rows in ``seq`` order (:class:`EventRecord`, or any
    tuple in its column order), covering the period and after it as far as the tickets issued
    in it may still change (the store reads one day past its end).  ``until_us`` is how far the
    log is known (default: the end of the period): time still running at that instant (a
    window still open, a visitor still at a window, a ticket still waiting) counts up to it.
    """
    until = grid.end_us if until_us is None else until_us
    facts = Facts(grid=grid, until_us=until)
    book = _Book(facts)
    tickets = facts.tickets
    visits = facts.visits
    start, end = grid.start_us, grid.end_us
    window_kinds = (WINDOW_OPENED, WINDOW_PAUSED, WINDOW_RESUMED, WINDOW_CLOSED)
    current, add, bounds = book.current, book.add, grid.bounds
    book_status, book_operator = book.status, book.operator
    parse_time = datetime.fromisoformat
    parsed: dict[str, Mapping[str, Any]] = {}     # the same data text is parsed once ({"result": "done"})

    def details(data: Mapping[str, Any] | str | None) -> Mapping[str, Any]:
        if type(data) is not str:
            return _data(data)
        found = parsed.get(data)
        if found is None:
            found = json.loads(data)
            if len(data) < 64:
                parsed[data] = found
        return found

    for _seq, kind, at, tid, label, from_state, to_state, service, window, operator, data in records:
        if type(at) is str:
            t = (parse_time(at) - NAIVE_EPOCH) // ONE_US
        elif type(at) is int:
            t = at
        else:
            t = _micros(at)
        if tid is None:
            if window is not None and kind in window_kinds:
                book.window_event(kind, t, window, operator,
                                  details(data).get("was") if kind == WINDOW_CLOSED else None)
            continue
        # -- visits: every ticket, whichever day it was issued (the book's call/start/leave, inlined)
        visit: Visit | None = None
        if kind == CALLED:
            visit = Visit(tid, service or "", window, book_operator.get(window) or operator, t)
            if window not in book_status:
                book.at_window(window, operator)
                visit.operator = book_operator.get(window) or operator
            current[tid] = (visit, t)
            if start <= t < end:
                visit.bucket = bisect_right(bounds, t) - 1
                visits.append(visit)
        elif kind == STARTED:
            entry = current.get(tid) or book.earlier(tid, window, operator, service, "called")
            if entry is not None:
                visit, since = entry
                add(CALLING, visit.window, visit.operator, since, t)
                visit.started_us = t
                if visit.called_us is not None:
                    visit.walk_us = t - visit.called_us
                current[tid] = (visit, t)
                visit = None
        elif kind in LEAVES_WINDOW:
            entry = current.pop(tid, None) or book.earlier(tid, window, operator, service, from_state)
            if entry is not None:
                visit, since = entry
                began = visit.started_us
                add(CALLING if began is None else SERVING, visit.window, visit.operator, since, t)
                visit.ended_us, visit.end = t, kind
                if began is not None and kind in COMPLETED:
                    visit.service_us = t - began
        # -- tickets: the ones issued in the period
        if kind == ISSUED:
            if start <= t < end:
                if type(data) is str and PLAIN_WALK_IN[0] in data and PLAIN_WALK_IN[1] in data \
                        and PLAIN_WALK_IN[2] not in data:
                    facts_of_issue: Mapping[str, Any] = WALK_IN_NO_PRIORITY
                else:
                    facts_of_issue = details(data)
                tickets[tid] = _issued(tid, label or "", service or "", t, facts_of_issue, grid, services, facts)
            continue
        ticket = tickets.get(tid)
        if ticket is None:
            continue
        if to_state is not None:
            ticket.state = to_state
            ticket.ended_us = t if to_state in FINAL_STATES else None
        if kind == CALLED:
            ticket.window, ticket.operator, ticket.last_call_us = window, operator, t
            if ticket.first_called_us is None:
                ticket.first_called_us = t
                ticket.wait_us = t - ticket.wait_from_us
                ticket.priority = ticket.category
        elif kind == STARTED:
            if ticket.started_us is None:
                ticket.started_us = t
                if ticket.last_call_us is not None:
                    ticket.walk_us = t - ticket.last_call_us
        elif kind == RECALLED:
            ticket.recalls += 1
        elif kind == FINISHED:
            ticket.finished_us, ticket.result = t, details(data).get("result")
        elif kind == TRANSFERRED:
            ticket.transfers += 1
        elif kind == POSTPONED:
            ticket.postponements += 1
        elif kind == RETURNED:
            ticket.returns += 1
        elif kind == SENT_BACK:
            ticket.sent_back += 1
        elif kind == REACTIVATED:
            ticket.reactivations += 1
        elif kind == PRIORITY_CHANGED:
            ticket.category = details(data).get("priority")
        if service and kind in (TRANSFERRED, SENT_BACK):
            ticket.service_now = service
        if visit is not None and kind != CALLED and visit.started_us is not None:
            ticket.service_us += t - visit.started_us
    book.close()
    for ticket in tickets.values():
        if ticket.first_called_us is None:
            ticket.priority = ticket.category
        ticket.counted, ticket.within = ticket.norm_check(until)
    return facts


def _issued(tid: str, label: str, service_id: str, at: int, data: Mapping[str, Any], grid: HourGrid,
            services: Mapping[str, Service], facts: Facts) -> TicketFacts:
    channel = str(data.get("channel") or Channel.WALK_IN.value)
    service = services.get(service_id)
    if service is None:
        facts.unknown_services.add(service_id)
        service = DEFAULT_SERVICE
    norm = service.norm_seconds(Channel.APPOINTMENT if channel == Channel.APPOINTMENT.value else Channel.WALK_IN)
    return TicketFacts(
        id=tid, label=label, service_id=service_id, channel=channel, issued_us=at,
        wait_from_us=wait_start_us(at, data.get("slot_at")), bucket=bisect_right(grid.bounds, at) - 1,
        norm_us=norm * US, category=data.get("priority"), service_now=service_id,
    )
