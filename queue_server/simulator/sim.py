"""A whole МФЦ day through the real :class:`~queue_server.core.engine.QueueEngine`.

Discrete-event: a heap of timed happenings (a visitor arrives, an operator opens a window, calls,
recalls, starts, finishes, goes on a break, closes; a postponed ticket's time is up).  Each one
sends the engine real commands at a fake clock and records the events it returns.  Nothing
reads the wall clock except to measure how long the run took, and every random choice comes
from ``random.Random`` streams seeded from the one seed, so a seed gives the same day.

Who does what
-------------
* Visitors arrive over the opening hours (see :mod:`.arrivals`), take a ticket for a service
  drawn from the demand mix, some with a priority category.  A kiosk that refuses because no
  window for the service is open yet is tried again a minute later (a few times).
* Operators open their windows around opening time, call the next visitor when free, recall
  after 75 s if the visitor walking over (20–90 s) is not there yet, start, and serve for a lognormal time
  around the service's expected time.  Some visitors never come (recalled up to the limit,
  or marked no-show by hand), some are sent to pay a fee (postponed; Tick commands bring them
  back), some are transferred to another service (some to come back to the first operator).
* An operator whose call finds nobody waits for the next visitor for one of the window's
  services or 30 s, whichever comes first.
* Each operator takes a staggered lunch and maybe a short break, when free.  At closing time
  a free window closes; a busy one closes after its visitor.  Tickets still open at the end
  are cancelled with reason ``day_closed``, so every ticket ends final.
"""

from __future__ import annotations

import heapq
import math
import random
import time as wallclock
import uuid
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from queue_server.core import commands as c
from queue_server.core.engine import QueueEngine
from queue_server.core.errors import DomainError, Unavailable
from queue_server.core.events import Event, EventType
from queue_server.core.model import Office, Service, VisitPurpose
from queue_server.core.states import TERMINAL_STATES, TicketState

from .arrivals import DayHours, arrival_times, day_hours
from .metrics import compute_metrics
from .office import demand_mix, leaf_services, staff

MS = 1000
MINUTE = 60 * MS

# heap order among things happening in the same millisecond
_TICK, _ARRIVAL, _WINDOW = 0, 1, 2


@dataclass(frozen=True, slots=True)
class SimParams:
    """How visitors and operators behave.  Rates are per visitor; times as named."""

    priority_rate: float = 0.065
    no_show_rate: float = 0.03
    transfer_rate: float = 0.02
    return_to_me_rate: float = 0.4
    postpone_rate: float = 0.02
    postpone_min: tuple[int, int] = (10, 20)
    another_visit_rate: float = 0.06
    refused_rate: float = 0.01
    walk_s: tuple[float, float] = (20.0, 90.0)
    recall_every_s: float = 75.0
    mark_no_show_rate: float = 0.35     # no-shows marked by hand after 1–2 recalls
    service_sigma: float = 0.45         # of the lognormal; its mean is expected_service_min
    service_clip_min: tuple[float, float] = (3.0, 45.0)
    send_back_service_min: tuple[float, float] = (3.0, 8.0)
    gap_s: tuple[float, float] = (5.0, 25.0)        # paperwork between two visitors
    open_stagger_min: tuple[float, float] = (-2.0, 3.0)
    idle_poll_s: float = 30.0
    lunch_min: float = 30.0
    lunch_span: tuple[time, time] = (time(11, 30), time(15, 0))
    short_break_rate: float = 0.6
    short_break_min: tuple[float, float] = (10.0, 15.0)
    issue_retry_s: float = 60.0
    issue_retries: int = 10
    demand: Mapping[str, float] | None = None  # service id -> relative visitors; None: heuristic


@dataclass(slots=True)
class SimulationResult:
    office: Office
    events: list[Event]
    metrics: dict[str, Any]
    seed: int
    day: date
    visitors: int
    windows: int
    elapsed_s: float = 0.0
    commands: int = 0                                         # sent, refused ones included
    refused: dict[str, int] = field(default_factory=dict)     # error code -> commands refused
    turned_away: dict[str, int] = field(default_factory=dict)  # visitors the kiosk refused, by code

    def summary(self) -> dict[str, Any]:
        """Everything for the JSON line: the metrics plus the run's own figures."""
        out = dict(self.metrics)
        out["elapsed_s"] = round(self.elapsed_s, 3)
        out["tickets_per_s"] = round(self.metrics["tickets"] / self.elapsed_s, 1) if self.elapsed_s > 0 else 0.0
        out["commands"] = self.commands
        out["empty_calls"] = self.refused.get("queue_empty", 0)
        return out


@dataclass(slots=True)
class _Visit:
    ticket_id: str
    service_id: str                 # the service it is queued for now (changes on transfer)
    arrival_ms: int
    priority: str | None
    no_show: bool
    plan: str | None                # "postpone", "transfer" or None
    kiosk: str
    tries: int = 0
    calls: int = 0
    postponed: bool = False
    transferred: bool = False
    sent_back: bool = False


@dataclass(slots=True)
class _Window:
    number: int
    login: str
    services: tuple[str, ...]
    state: str = "closed"           # closed, idle, busy, break, gone
    token: int = 0
    visit: _Visit | None = None
    close_pending: bool = False
    breaks_pending: list[tuple[float, str]] = field(default_factory=list)
    recalls_planned: int = 0        # for a hand-marked no-show
    recalls_done: int = 0


class _Simulation:
    def __init__(self, office: Office, staffing: Sequence[tuple[int, str]], seed: int, visitors: int,
                 day: date, params: SimParams) -> None:
        self.office = office
        self.params = params
        self.day = day
        self.hours: DayHours = day_hours(office, day)
        self.base = self.hours.opening
        self.open_ms = 0
        self.close_ms = self._ms(self.hours.closing)
        self.engine = QueueEngine(office)
        self.events: list[Event] = []
        self.commands = 0                       # sent to the engine, refused ones included
        self.refused: dict[str, int] = {}       # domain error code -> how many commands got it
        self.turned_away: dict[str, int] = {}
        master = random.Random(seed)
        self.rng_arrivals = random.Random(master.getrandbits(64))
        self.rng_visitors = random.Random(master.getrandbits(64))
        self.rng_ops = random.Random(master.getrandbits(64))
        self.rng_staff = random.Random(master.getrandbits(64))
        # ticket ids are unique per (office, day, seed), as the store wants them unique everywhere
        self.rng_ids = random.Random(f"talon-sim|{office.id}|{day.isoformat()}|{seed}")
        self.heap: list[tuple[int, int, int, Callable[..., None], tuple[Any, ...]]] = []
        self.seq = 0
        self.services = {s.id: s for s in office.services}
        configs = {w.number: w for w in office.windows}
        self.windows = [_Window(n, login, tuple(configs[n].services)) for n, login in staffing]
        staffed = {sid for w in self.windows for sid in w.services}
        self.offered = [s for s in leaf_services(office) if s.id in staffed]
        if not self.offered:
            raise ValueError("no staffed window serves any service")
        self.mix = demand_mix(self.offered, params.demand)
        self.visits: dict[str, _Visit] = {}
        self.arrivals_by_service: dict[str, list[int]] = {}
        self.visitors = visitors

    # -- time -----------------------------------------------------------------------------

    def _ms(self, moment: datetime) -> int:
        return (moment - self.base) // timedelta(milliseconds=1)

    def _at(self, ms: int) -> datetime:
        return self.base + timedelta(milliseconds=ms)

    def _local_ms(self, minute: float) -> int:
        local = datetime.combine(self.day, time(0), tzinfo=ZoneInfo(self.office.timezone))
        return self._ms((local + timedelta(minutes=minute)).astimezone(UTC))

    def _push(self, ms: int, order: int, fn: Callable[..., None], *args: Any) -> None:
        self.seq += 1
        heapq.heappush(self.heap, (ms, order, self.seq, fn, args))

    def _push_window(self, ms: int, window: _Window, fn: Callable[..., None], *args: Any) -> None:
        """A window's own next step; it is dropped if the window's token moved on meanwhile."""
        self._push(ms, _WINDOW, self._window_step, window, window.token, fn, args)

    def _window_step(self, ms: int, window: _Window, token: int, fn: Callable[..., None], args: tuple[Any, ...]) -> None:
        if window.token == token:
            fn(ms, window, *args)

    def _do(self, command: Any, ms: int) -> list[Event]:
        self.commands += 1
        try:
            events = self.engine.handle(command, self._at(ms))
        except DomainError as error:
            self.refused[error.code] = self.refused.get(error.code, 0) + 1
            raise
        self.events.extend(events)
        return events

    # -- set-up ---------------------------------------------------------------------------

    def _plan_visitors(self) -> None:
        rng = self.rng_visitors
        ids = self.rng_ids
        service_ids = [s.id for s in self.offered]
        weights = [self.mix[sid] for sid in service_ids]
        categories = [p.id for p in self.office.priority_categories]
        p = self.params
        for i, moment in enumerate(arrival_times(self.hours, self.visitors, self.rng_arrivals)):
            service_id = rng.choices(service_ids, weights)[0]
            priority = rng.choice(categories) if categories and rng.random() < p.priority_rate else None
            no_show = rng.random() < p.no_show_rate
            roll = rng.random()
            plan = ("postpone" if roll < p.postpone_rate
                    else "transfer" if roll < p.postpone_rate + p.transfer_rate else None)
            ticket_id = str(uuid.UUID(int=ids.getrandbits(128), version=4))
            visit = _Visit(ticket_id, service_id, self._ms(moment), priority, no_show, plan, f"sim-kiosk-{1 + i % 4}")
            self.visits[ticket_id] = visit
            self.arrivals_by_service.setdefault(service_id, []).append(visit.arrival_ms)
            self._push(visit.arrival_ms, _ARRIVAL, self._arrive, visit)

    def _plan_staff(self) -> None:
        rng = self.rng_staff
        p = self.params
        opening, closing = self.hours.intervals_min[0][0], self.hours.intervals_min[-1][1]
        span = closing - opening
        lunch_lo = max(p.lunch_span[0].hour * 60 + p.lunch_span[0].minute, opening + 120)
        lunch_hi = min(p.lunch_span[1].hour * 60 + p.lunch_span[1].minute, closing - 120) - p.lunch_min
        has_lunch = span >= 7 * 60 and lunch_hi > lunch_lo
        order = list(range(len(self.windows)))
        rng.shuffle(order)
        for k, window in enumerate(self.windows):
            stagger = rng.uniform(*p.open_stagger_min)
            self._push(round(stagger * MINUTE), _WINDOW, self._open, window)
            self._push(self.close_ms, _WINDOW, self._close_due, window)
            if span < 3 * 60:
                continue
            lunch_at: float | None = None
            if has_lunch:
                lunch_at = lunch_lo + (order[k] + rng.random()) * (lunch_hi - lunch_lo) / len(self.windows)
                self._push(self._local_ms(lunch_at), _WINDOW, self._break_due, window, p.lunch_min, "lunch")
            if lunch_at is None or rng.random() < p.short_break_rate:
                for _attempt in range(10):
                    at = rng.uniform(opening + 60, closing - 90)
                    if lunch_at is None or abs(at - lunch_at) > 60:
                        minutes = rng.uniform(*p.short_break_min)
                        self._push(self._local_ms(at), _WINDOW, self._break_due, window, minutes, "break")
                        break

    # -- visitors -------------------------------------------------------------------------

    def _arrive(self, ms: int, visit: _Visit) -> None:
        command = c.IssueTicket(ticket_id=visit.ticket_id, service_id=visit.service_id,
                                priority_id=visit.priority, issued_by=visit.kiosk)
        try:
            self._do(command, ms)
        except Unavailable as error:
            if error.code == "no_open_window" and visit.tries < self.params.issue_retries:
                visit.tries += 1
                self._push(ms + round(self.params.issue_retry_s * MS), _ARRIVAL, self._arrive, visit)
            else:
                self.turned_away[error.code] = self.turned_away.get(error.code, 0) + 1
                del self.visits[visit.ticket_id]

    def _tick(self, ms: int) -> None:
        self._do(c.Tick(), ms)

    def _next_arrival(self, window: _Window, ms: int) -> int | None:
        best: int | None = None
        for service_id in window.services:
            times = self.arrivals_by_service.get(service_id)
            if times:
                i = bisect_right(times, ms)
                if i < len(times) and (best is None or times[i] < best):
                    best = times[i]
        return best

    # -- windows --------------------------------------------------------------------------

    def _open(self, ms: int, window: _Window) -> None:
        self._do(c.OpenWindow(window.number, window.login), ms)
        window.state = "idle"
        window.token += 1
        self._call_next(ms, window)

    def _call_next(self, ms: int, window: _Window) -> None:
        try:
            events = self._do(c.CallNext(window.number, window.login), ms)
        except DomainError as error:
            if error.code != "queue_empty":
                raise
            window.state = "idle"
            retry = ms + round(self.params.idle_poll_s * MS)
            arrival = self._next_arrival(window, ms)
            self._push_window(min(retry, arrival) if arrival is not None else retry, window, self._call_next)
            return
        visit = self.visits[events[0].ticket_id or ""]
        window.state, window.visit = "busy", visit
        self._begin(ms, window, visit)

    def _free(self, ms: int, window: _Window) -> None:
        """The visitor left the window: close, take a due break, or call the next one."""
        window.visit = None
        window.token += 1
        if window.close_pending:
            self._close(ms, window)
        elif window.breaks_pending:
            minutes, reason = window.breaks_pending.pop(0)
            window.breaks_pending.clear()
            self._pause(ms, window, minutes, reason)
        else:
            window.state = "idle"
            gap = round(self.rng_ops.uniform(*self.params.gap_s) * MS)
            self._push_window(ms + gap, window, self._call_next)

    def _pause(self, ms: int, window: _Window, minutes: float, reason: str) -> None:
        window.token += 1
        self._do(c.PauseWindow(window.number, window.login, reason), ms)
        window.state = "break"
        self._push_window(ms + round(minutes * MINUTE), window, self._resume)

    def _resume(self, ms: int, window: _Window) -> None:
        self._do(c.ResumeWindow(window.number, window.login), ms)
        window.state = "idle"
        window.token += 1
        self._call_next(ms, window)

    def _close(self, ms: int, window: _Window) -> None:
        window.token += 1
        self._do(c.CloseWindow(window.number, window.login), ms)
        window.state = "gone"
        window.close_pending = False

    def _break_due(self, ms: int, window: _Window, minutes: float, reason: str) -> None:
        if window.state == "idle" and not window.close_pending:
            self._pause(ms, window, minutes, reason)
        elif window.state == "busy" and not window.close_pending:
            window.breaks_pending.append((minutes, reason))
        # on a break already, closed or closing: the break is skipped

    def _close_due(self, ms: int, window: _Window) -> None:
        if window.state in ("idle", "break"):
            self._close(ms, window)
        elif window.state == "busy":
            window.close_pending = True

    # -- one visitor at a window ----------------------------------------------------------

    def _begin(self, ms: int, window: _Window, visit: _Visit) -> None:
        p = self.params
        rng = self.rng_ops
        visit.calls += 1
        every = round(p.recall_every_s * MS)
        if visit.calls == 1 and visit.no_show:
            limit = self.office.policy.max_recalls
            window.recalls_done = 0
            by_hand = limit == 0 or rng.random() < p.mark_no_show_rate
            window.recalls_planned = min(rng.randint(1, 2), limit) if by_hand and limit else (
                rng.randint(1, 2) if by_hand else -1)
            self._push_window(ms + every, window, self._no_show_step, visit)
            return
        walk = round(rng.uniform(*p.walk_s) * MS)
        if walk > every:
            self._push_window(ms + every, window, self._recall, visit)
        self._push_window(ms + walk, window, self._start, visit)

    def _recall(self, ms: int, window: _Window, visit: _Visit) -> None:
        self._do(c.Recall(window.number, window.login, visit.ticket_id), ms)

    def _no_show_step(self, ms: int, window: _Window, visit: _Visit) -> None:
        if window.recalls_planned >= 0 and window.recalls_done >= window.recalls_planned:
            self._do(c.MarkNoShow(window.number, window.login, visit.ticket_id), ms)
            self._free(ms, window)
            return
        events = self._do(c.Recall(window.number, window.login, visit.ticket_id), ms)
        window.recalls_done += 1
        if events[0].type is EventType.TICKET_NO_SHOW:
            self._free(ms, window)
            return
        self._push_window(ms + round(self.params.recall_every_s * MS), window, self._no_show_step, visit)

    def _start(self, ms: int, window: _Window, visit: _Visit) -> None:
        p = self.params
        rng = self.rng_ops
        self._do(c.StartService(window.number, window.login, visit.ticket_id), ms)
        if visit.sent_back:
            minutes = rng.uniform(*p.send_back_service_min)
            self._push_window(ms + round(minutes * MINUTE), window, self._finish, visit)
        elif visit.plan == "postpone" and not visit.postponed:
            self._push_window(ms + round(rng.uniform(1, 4) * MINUTE), window, self._postpone, visit)
        elif visit.plan == "transfer" and not visit.transferred and self._transfer_target(visit) is not None:
            self._push_window(ms + round(rng.uniform(2, 6) * MINUTE), window, self._transfer, visit)
        else:
            minutes = self._service_minutes(self.services[visit.service_id])
            self._push_window(ms + round(minutes * MINUTE), window, self._finish, visit)

    def _service_minutes(self, service: Service) -> float:
        p = self.params
        mean = max(service.expected_service_min, 0.5)
        sigma = p.service_sigma
        minutes = self.rng_ops.lognormvariate(math.log(mean) - sigma * sigma / 2, sigma)
        return min(max(minutes, p.service_clip_min[0]), p.service_clip_min[1])

    def _result(self, service: Service) -> str:
        if service.purpose is VisitPurpose.CONSULT:
            return "consulted"
        roll = self.rng_ops.random()
        if roll < self.params.another_visit_rate:
            return "another_visit"
        if roll < self.params.another_visit_rate + self.params.refused_rate:
            return "refused"
        return "done"

    def _finish(self, ms: int, window: _Window, visit: _Visit) -> None:
        result = "done" if visit.sent_back else self._result(self.services[visit.service_id])
        events = self._do(c.FinishService(window.number, window.login, visit.ticket_id, result), ms)
        if events[0].type is EventType.TICKET_SENT_BACK:
            visit.sent_back = True
            visit.service_id = events[0].service_id or visit.service_id
        self._free(ms, window)

    def _postpone(self, ms: int, window: _Window, visit: _Visit) -> None:
        minutes = self.rng_ops.randint(*self.params.postpone_min)
        self._do(c.Postpone(window.number, window.login, visit.ticket_id, reason="pay_fee", minutes=minutes), ms)
        visit.postponed = True
        self._push(ms + minutes * MINUTE, _TICK, self._tick)
        self._free(ms, window)

    def _transfer_target(self, visit: _Visit) -> str | None:
        others = [s.id for s in self.offered if s.id != visit.service_id]
        return others[0] if others else None

    def _transfer(self, ms: int, window: _Window, visit: _Visit) -> None:
        rng = self.rng_ops
        others = [s.id for s in self.offered if s.id != visit.service_id]
        target = rng.choices(others, [self.mix[sid] for sid in others])[0]
        back = rng.random() < self.params.return_to_me_rate
        self._do(c.Transfer(window.number, window.login, visit.ticket_id, to_service=target,
                            comment="перенаправлен (симуляция)", return_to_me=back), ms)
        visit.transferred = True
        visit.service_id = target
        self._free(ms, window)

    # -- the day --------------------------------------------------------------------------

    def run(self) -> None:
        self._plan_staff()
        self._plan_visitors()
        limit = 50 * (self.visitors + len(self.windows)) + 4 * len(self.windows) * (
            self.close_ms // round(self.params.idle_poll_s * MS) + 10) + 10_000
        steps = 0
        now = 0
        while self.heap:
            steps += 1
            if steps > limit:
                raise RuntimeError(f"the simulation did not settle after {limit} steps")
            ms, _order, _seq, fn, args = heapq.heappop(self.heap)
            now = ms
            fn(ms, *args)
        end = max(now, self.close_ms)
        for ticket in list(self.engine.state.tickets.values()):
            if ticket.state in TERMINAL_STATES:
                continue
            if ticket.state not in (TicketState.WAITING, TicketState.POSTPONED):
                raise RuntimeError(f"ticket {ticket.label} is still {ticket.state.value} after every window closed")
            self._do(c.CancelTicket(ticket.id, reason="day_closed"), end)


def simulate(
    office: Office, *, seed: int, visitors: int, day: date,
    staffing: Sequence[tuple[int, str]] | None = None, params: SimParams | None = None,
) -> SimulationResult:
    """Run one day of ``office``: ``visitors`` arrivals on local ``day``.

    ``staffing`` pairs window numbers with operator logins (default: the office's windows with
    its operators in order, generating simN operators where there are too few).
    """
    started = wallclock.perf_counter()
    if staffing is None:
        office, staffing = staff(office)
    sim = _Simulation(office, staffing, seed, visitors, day, params or SimParams())
    sim.run()
    metrics = compute_metrics(sim.events, office)
    metrics.update({
        "visitors": visitors, "windows": len(staffing), "seed": seed, "day": day.isoformat(),
        "office": office.id, "turned_away": sum(sim.turned_away.values()),
    })
    elapsed = wallclock.perf_counter() - started
    return SimulationResult(
        office=office, events=sim.events, metrics=metrics, seed=seed, day=day, visitors=visitors,
        windows=len(staffing), elapsed_s=elapsed, commands=sim.commands, refused=dict(sim.refused),
        turned_away=dict(sim.turned_away),
    )
