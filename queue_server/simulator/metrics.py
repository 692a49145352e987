"""Day metrics computed from the event log alone (DESIGN.md §2: statistics come from events).

Pure: a list of :class:`~queue_server.core.events.Event` and the office's service catalogue
in, a flat JSON-compatible dict out.  Usable on a simulated day or on a real day read back
from the store.

Definitions
-----------
* wait: ``ticket.issued`` -> the ticket's first ``ticket.called`` (tickets never called have
  no wait); ``within_norm_pct`` is the share of called tickets whose wait is at most their
  service's norm for their channel (walk-in 15 min by default).
* a ticket's outcome is the ``to_state`` of its last event: finished (served), no_show,
  cancelled, or still open (waiting, postponed, called, serving).
* service time: ``ticket.started`` -> the ``ticket.finished`` or ``ticket.sent_back`` that
  ends that service, per service episode.
* transfers / postponed / recalls count events, so one ticket may count more than once.
* percentiles interpolate linearly between order statistics (numpy's default).

The definitions of wait and percentile are the statistics' own (``queue_server.stats.definitions``,
docs/statistics.md): the simulator's figures and the managers' reports count the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from statistics import fmean, median
from typing import Any

from queue_server.core.events import Event, EventType
from queue_server.core.model import Channel, Office, Service
from queue_server.core.states import TicketState
from queue_server.stats.definitions import percentile, wait_seconds

__all__ = ["compute_metrics", "percentile", "wait_seconds"]

_CLOSED_EPISODE = (EventType.TICKET_FINISHED, EventType.TICKET_SENT_BACK)
_OPEN_EPISODE_END = (EventType.TICKET_TRANSFERRED, EventType.TICKET_POSTPONED, EventType.TICKET_CANCELLED)


def _r(value: float) -> float:
    return round(value, 1)


def _norms(services: Iterable[Service]) -> dict[str, Service]:
    return {s.id: s for s in services}


def compute_metrics(events: Iterable[Event], office: Office | Iterable[Service]) -> dict[str, Any]:
    """Metrics of a day from its events; ``office`` (or its services) gives the wait norms."""
    services = _norms(office.services if isinstance(office, Office) else office)
    events = list(events)
    waits_by_ticket = wait_seconds(events)
    issued: dict[str, tuple[datetime, str, Channel, bool]] = {}
    last_state: dict[str, TicketState] = {}
    started: dict[str, datetime] = {}
    service_times: list[float] = []
    counts = {EventType.TICKET_TRANSFERRED: 0, EventType.TICKET_POSTPONED: 0, EventType.TICKET_RECALLED: 0,
              EventType.TICKET_RETURNED: 0, EventType.TICKET_SENT_BACK: 0}
    results: dict[str, int] = {}
    windows: set[int] = set()
    events_total = 0
    first_at: datetime | None = None
    last_at: datetime | None = None
    for event in events:
        events_total += 1
        first_at = event.at if first_at is None else first_at
        last_at = event.at
        kind = event.type
        if kind is EventType.WINDOW_OPENED and event.window is not None:
            windows.add(event.window)
        if event.ticket_id is None:
            continue
        tid = event.ticket_id
        if kind is EventType.TICKET_ISSUED:
            channel = Channel(event.data.get("channel", Channel.WALK_IN.value))
            issued[tid] = (event.at, event.service_id or "", channel, event.data.get("priority") is not None)
        elif kind is EventType.TICKET_STARTED:
            started[tid] = event.at
        elif kind in _CLOSED_EPISODE:
            began = started.pop(tid, None)
            if began is not None:
                service_times.append((event.at - began).total_seconds())
            if kind is EventType.TICKET_FINISHED:
                result = str(event.data.get("result", ""))
                results[result] = results.get(result, 0) + 1
        elif kind in _OPEN_EPISODE_END:
            started.pop(tid, None)
        if kind in counts:
            counts[kind] += 1
        if event.to_state is not None:
            last_state[tid] = event.to_state

    waits: list[float] = []
    within = 0
    priority_waits: list[float] = []
    per_service: dict[str, dict[str, Any]] = {}
    for tid, (_at, service_id, channel, is_priority) in issued.items():
        row = per_service.setdefault(service_id, {"tickets": 0, "called": 0, "_waits": [], "_within": 0})
        row["tickets"] += 1
        wait = waits_by_ticket.get(tid)
        if wait is None:
            continue
        waits.append(wait)
        service = services.get(service_id)
        norm = service.norm_seconds(channel) if service is not None else 15 * 60
        ok = wait <= norm
        within += ok
        row["called"] += 1
        row["_waits"].append(wait)
        row["_within"] += ok
        if is_priority:
            priority_waits.append(wait)

    outcome = {state: 0 for state in TicketState}
    for tid in issued:
        state = last_state.get(tid, TicketState.WAITING)
        outcome[state] += 1
    services_out: dict[str, Any] = {}
    for service_id in sorted(per_service):
        row = per_service[service_id]
        w = row["_waits"]
        services_out[service_id] = {
            "tickets": row["tickets"],
            "called": row["called"],
            "wait_mean_s": _r(fmean(w)) if w else 0.0,
            "wait_p90_s": _r(percentile(w, 90)),
            "within_norm_pct": _r(100 * row["_within"] / len(w)) if w else 0.0,
        }
    return {
        "tickets": len(issued),
        "served": outcome[TicketState.FINISHED],
        "no_shows": outcome[TicketState.NO_SHOW],
        "cancelled": outcome[TicketState.CANCELLED],
        "open": sum(n for state, n in outcome.items()
                    if state not in (TicketState.FINISHED, TicketState.NO_SHOW, TicketState.CANCELLED)),
        "called": len(waits),
        "transfers": counts[EventType.TICKET_TRANSFERRED],
        "postponed": counts[EventType.TICKET_POSTPONED],
        "returned": counts[EventType.TICKET_RETURNED],
        "sent_back": counts[EventType.TICKET_SENT_BACK],
        "recalls": counts[EventType.TICKET_RECALLED],
        "results": dict(sorted(results.items())),
        "priority_tickets": sum(1 for v in issued.values() if v[3]),
        "priority_wait_mean_s": _r(fmean(priority_waits)) if priority_waits else 0.0,
        "wait_mean_s": _r(fmean(waits)) if waits else 0.0,
        "wait_median_s": _r(median(waits)) if waits else 0.0,
        "wait_p90_s": _r(percentile(waits, 90)),
        "wait_max_s": _r(max(waits)) if waits else 0.0,
        "within_norm_pct": _r(100 * within / len(waits)) if waits else 0.0,
        "service_mean_s": _r(fmean(service_times)) if service_times else 0.0,
        "service_episodes": len(service_times),
        "windows_opened": len(windows),
        "events": events_total,
        "first_event_at": first_at.isoformat() if first_at else None,
        "last_event_at": last_at.isoformat() if last_at else None,
        "per_service": services_out,
    }
