"""The day simulator: a small office built right here from core.model, run through the real engine."""

from __future__ import annotations

import dataclasses
import random
from collections import Counter
from datetime import date, time, timedelta
from statistics import mean, median

import pytest

from queue_server.core.events import EventType
from queue_server.core.model import (
    Office,
    OpeningHours,
    Operator,
    OrderingPolicy,
    PriorityCategory,
    Role,
    Service,
    VisitPurpose,
    WindowConfig,
)
from queue_server.core.office_state import OfficeState, WindowState, apply_event
from queue_server.core.states import TERMINAL_STATES, TicketState, WindowStatus
from queue_server.simulator import SimParams, compute_metrics, percentile, scale_office, simulate, staff
from queue_server.simulator.arrivals import arrival_times, day_hours
from queue_server.simulator.office import assign_services, demand_mix, leaf_services

THURSDAY = date(2026, 3, 5)
SUNDAY = date(2026, 3, 8)


def catalogue() -> tuple[Service, ...]:
    hand_in = VisitPurpose.HAND_IN
    return (
        Service("docs", "Документы", "Documents", is_category=True),
        Service("passport", "Паспорт РФ", "Passport", parent_id="docs", prefix="А", expected_service_min=15),
        Service("foreign", "Заграничный паспорт", "Foreign passport", parent_id="docs", prefix="Б",
                expected_service_min=20),
        Service("registration", "Регистрация по месту жительства", "Registration", prefix="В",
                expected_service_min=15, purpose=hand_in),
        Service("realty", "Недвижимость: Росреестр", "Real estate", prefix="Г", expected_service_min=20),
        Service("collect", "Выдача готовых документов", "Collect documents", prefix="Д",
                purpose=VisitPurpose.COLLECT_RESULT, expected_service_min=7, norm_walk_in_min=10),
        Service("social", "Социальные выплаты, СНИЛС", "Social benefits", prefix="Е", expected_service_min=12),
        Service("consult", "Консультация", "Consultation", prefix="Ж", purpose=VisitPurpose.CONSULT,
                expected_service_min=10),
        Service("business", "Бизнес: ИП и юрлица", "Business", prefix="И", expected_service_min=25),
    )


def small_office(**changes: object) -> Office:
    weekly = {d: ((time(8, 0), time(20, 0)),) for d in range(6)}  # Sunday closed
    office = Office(
        id="test-mfc", name="МФЦ тест", timezone="Asia/Yekaterinburg",
        hours=OpeningHours(weekly=weekly), services=catalogue(),
        operators=(Operator("boss", "Начальник", role=Role.MANAGER),),
        priority_categories=(PriorityCategory("disabled", "Инвалиды I–II групп", "Disabled"),
                             PriorityCategory("veteran", "Ветераны ВОВ", "Veterans", weight=2.0)),
    )
    return dataclasses.replace(office, **changes)  # type: ignore[arg-type]


def replay(office: Office, events: list) -> OfficeState:
    state = OfficeState()
    for window in office.windows:
        state.windows[window.number] = WindowState(window.number, dict(window.services))
    for event in events:
        apply_event(state, event)
    return state


@pytest.fixture(scope="module")
def day() -> tuple[Office, object]:
    office = scale_office(small_office(), 14)
    return office, simulate(office, seed=11, visitors=900, day=THURSDAY)


# -- the office ------------------------------------------------------------------------------

@pytest.mark.parametrize("windows", [1, 3, 8, 20, 55])
def test_scaled_windows_serve_one_to_three_services_and_cover_all(windows: int) -> None:
    office = scale_office(small_office(), windows)
    leaves = {s.id for s in leaf_services(office)}
    assert [w.number for w in office.windows] == list(range(1, windows + 1))
    assert {o.login for o in office.operators if o.role is Role.OPERATOR} == {f"sim{i}" for i in range(1, windows + 1)}
    assert any(o.login == "boss" for o in office.operators)  # managers are kept
    covered = set()
    for window in office.windows:
        assert 1 <= len(window.services) <= max(3, -(-len(leaves) // windows))
        assert all(0 < w <= 1 for w in window.services.values())
        assert set(window.services) <= leaves
        covered |= set(window.services)
    assert covered == leaves


def test_window_capacity_follows_the_share_of_work() -> None:
    services = leaf_services(small_office())
    mix = demand_mix(services)
    assert max(mix, key=mix.__getitem__) == "collect"
    assert mix["passport"] > mix["foreign"] and mix["passport"] > mix["business"]
    windows = 40
    assignment = assign_services(services, mix, windows)
    work = {s.id: mix[s.id] * s.expected_service_min for s in services}
    total = sum(work.values())
    for service in services:
        capacity = sum(ws[service.id] / sum(ws.values()) for ws in assignment if service.id in ws)
        assert capacity == pytest.approx(work[service.id] / total * windows, abs=1.0), service.id


# -- arrivals --------------------------------------------------------------------------------

def test_arrival_profile_has_its_peaks() -> None:
    office = small_office()
    hours = day_hours(office, THURSDAY)
    times = arrival_times(hours, 6000, random.Random(5))
    assert len(times) == 6000 and times == sorted(times)
    assert hours.opening <= times[0] and times[-1] < hours.closing
    per_hour = Counter(t.astimezone(office.tz).hour for t in times)
    assert set(per_hour) == set(range(8, 20))
    quiet = (per_hour[10] + per_hour[15] + per_hour[16]) / 3
    assert per_hour[8] > 1.6 * quiet                          # the opening rush
    lunch = (per_hour[12] + per_hour[13]) / 2
    assert lunch > 1.3 * quiet                                # the lunch crowd
    evening = (per_hour[17] + per_hour[18]) / 2
    assert quiet * 1.1 < evening < lunch                      # a smaller evening bump
    assert per_hour[19] < evening


def test_hours_of_the_day() -> None:
    with pytest.raises(ValueError, match="closed"):
        day_hours(small_office(), SUNDAY)
    always = day_hours(small_office(hours=OpeningHours(always_open=True)), SUNDAY)
    local = always.opening.astimezone(small_office().tz)
    assert (local.hour, local.minute) == (8, 0)
    assert always.closing - always.opening == timedelta(hours=12)
    split = OpeningHours(weekly={3: ((time(9), time(13)), (time(14), time(18)))})
    hours = day_hours(small_office(hours=split), THURSDAY)
    times = arrival_times(hours, 2000, random.Random(1))
    tz = small_office().tz
    assert not any(13 <= t.astimezone(tz).hour < 14 for t in times)  # closed for lunch: nobody comes


# -- the day ---------------------------------------------------------------------------------

def test_same_seed_same_day_other_seed_another_day() -> None:
    office = scale_office(small_office(), 10)
    a = simulate(office, seed=3, visitors=500, day=THURSDAY)
    b = simulate(office, seed=3, visitors=500, day=THURSDAY)
    c = simulate(office, seed=4, visitors=500, day=THURSDAY)
    assert a.metrics == b.metrics
    assert a.events == b.events
    assert c.metrics != a.metrics
    assert [e.ticket_id for e in c.events] != [e.ticket_id for e in a.events]


def test_every_ticket_ends_final_and_every_window_closed(day: tuple[Office, object]) -> None:
    office, result = day
    state = replay(office, result.events)
    assert len(state.tickets) == result.metrics["tickets"] > 800
    assert all(t.state in TERMINAL_STATES for t in state.tickets.values())
    assert not state.waiting and not state.postponed
    assert all(w.status is WindowStatus.CLOSED and w.current is None for w in state.windows.values())
    cancelled = [e for e in result.events if e.type is EventType.TICKET_CANCELLED]
    assert all(e.data["reason"] == "day_closed" for e in cancelled)
    times = [e.at for e in result.events]
    assert times == sorted(times)


def test_the_day_has_every_kind_of_happening(day: tuple[Office, object]) -> None:
    office, result = day
    kinds = Counter(e.type for e in result.events)
    for kind in (EventType.TICKET_RECALLED, EventType.TICKET_NO_SHOW, EventType.TICKET_POSTPONED,
                 EventType.TICKET_RETURNED, EventType.TICKET_TRANSFERRED, EventType.WINDOW_PAUSED,
                 EventType.WINDOW_RESUMED, EventType.WINDOW_OPENED, EventType.WINDOW_CLOSED):
        assert kinds[kind] > 0, kind
    assert kinds[EventType.WINDOW_OPENED] == kinds[EventType.WINDOW_CLOSED] == 14
    assert kinds[EventType.TICKET_POSTPONED] == kinds[EventType.TICKET_RETURNED]  # Ticks bring them all back
    # lunch (30 min) for everyone, a short break for some: 1-2 breaks per operator
    pauses = Counter(e.window for e in result.events if e.type is EventType.WINDOW_PAUSED)
    assert set(pauses) == set(range(1, 15)) and set(pauses.values()) <= {1, 2}
    lunches = [e for e in result.events if e.type is EventType.WINDOW_PAUSED and e.data["reason"] == "lunch"]
    assert len(lunches) == 14 and len({e.at for e in lunches}) == 14
    results = Counter(e.data["result"] for e in result.events if e.type is EventType.TICKET_FINISHED)
    assert results["done"] > results["another_visit"] > 0 and results["consulted"] > 0
    issued = [e for e in result.events if e.type is EventType.TICKET_ISSUED]
    share = sum(e.data["priority"] is not None for e in issued) / len(issued)
    assert 0.03 < share < 0.10
    no_shows = [e for e in result.events if e.type is EventType.TICKET_NO_SHOW]
    assert 0.01 < len(no_shows) / len(issued) < 0.06
    assert {e.data["reason"] for e in no_shows} == {"recall_limit", "operator"}
    tz = office.tz
    first_open = min(e.at for e in result.events if e.type is EventType.WINDOW_OPENED).astimezone(tz)
    assert time(7, 55) <= first_open.time() < time(8, 5)


def test_service_times_follow_the_catalogue(day: tuple[Office, object]) -> None:
    office, result = day
    started: dict[str, object] = {}
    by_service: dict[str, list[float]] = {}
    for e in result.events:
        if e.type is EventType.TICKET_STARTED:
            started[e.ticket_id] = e
        elif e.type is EventType.TICKET_FINISHED and e.ticket_id in started:
            s = started.pop(e.ticket_id)
            by_service.setdefault(s.service_id, []).append((e.at - s.at).total_seconds() / 60)
    expected = {s.id: s.expected_service_min for s in leaf_services(office)}
    for service_id, minutes in by_service.items():
        assert all(3 - 1e-6 <= m <= 45 + 1e-6 for m in minutes)
        if len(minutes) >= 40:
            assert mean(minutes) == pytest.approx(expected[service_id], rel=0.25), service_id


def test_metrics_match_an_independent_count(day: tuple[Office, object]) -> None:
    """Rebuild the day with apply_event and count from the tickets, not from the metrics code."""
    office, result = day
    state = replay(office, result.events)
    tickets = list(state.tickets.values())
    issued_service = {e.ticket_id: e.service_id for e in result.events if e.type is EventType.TICKET_ISSUED}
    norms = {s.id: s.norm_walk_in_min * 60 for s in office.services}
    waits = [(t.first_called_at - t.issued_at).total_seconds() for t in tickets if t.first_called_at]
    within = sum(1 for t in tickets if t.first_called_at
                 and (t.first_called_at - t.issued_at).total_seconds() <= norms[issued_service[t.id]])
    m = result.metrics
    assert m["tickets"] == len(tickets)
    assert m["served"] == sum(t.state is TicketState.FINISHED for t in tickets)
    assert m["no_shows"] == sum(t.state is TicketState.NO_SHOW for t in tickets)
    assert m["cancelled"] == sum(t.state is TicketState.CANCELLED for t in tickets)
    assert m["served"] + m["no_shows"] + m["cancelled"] == m["tickets"]
    assert m["transfers"] == sum(e.type is EventType.TICKET_TRANSFERRED for e in result.events)
    assert m["postponed"] == sum(e.type is EventType.TICKET_POSTPONED for e in result.events)
    assert m["called"] == len(waits)
    assert m["wait_mean_s"] == pytest.approx(mean(waits), abs=0.06)
    assert m["wait_median_s"] == pytest.approx(median(waits), abs=0.06)
    assert m["wait_max_s"] == pytest.approx(max(waits), abs=0.06)
    ordered = sorted(waits)
    rank = 0.9 * (len(ordered) - 1)
    p90 = ordered[int(rank)] + (ordered[int(rank) + 1] - ordered[int(rank)]) * (rank - int(rank))
    assert m["wait_p90_s"] == pytest.approx(p90, abs=0.06)
    assert m["within_norm_pct"] == pytest.approx(100 * within / len(waits), abs=0.06)
    assert m["events"] == len(result.events)
    assert m["windows"] == 14 and m["visitors"] == 900 and m["seed"] == 11 and m["day"] == "2026-03-05"


def test_percentile() -> None:
    assert percentile([], 90) == 0.0
    assert percentile([5.0], 90) == 5.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert percentile([10.0, 0.0, 20.0], 100) == 20.0
    assert percentile(list(map(float, range(11))), 90) == pytest.approx(9.0)


def test_metrics_of_an_empty_day() -> None:
    m = compute_metrics([], small_office())
    assert m["tickets"] == 0 and m["wait_mean_s"] == 0.0 and m["within_norm_pct"] == 0.0


def test_idle_operators_poll_without_busy_looping() -> None:
    """A quiet day: 40 visitors for 10 windows.  Failed calls happen at most every 30 s per window."""
    office = scale_office(small_office(), 10)
    result = simulate(office, seed=2, visitors=40, day=THURSDAY)
    assert result.metrics["tickets"] == 40
    assert result.metrics["within_norm_pct"] > 90
    # every refused call is an idle operator looking again: at a visitor's arrival or after 30 s
    empty = result.refused["queue_empty"]
    day_s = 12 * 3600 + 600
    assert 0 < empty <= 10 * (day_s // 30 + 1) + 40 * 10
    assert set(result.refused) == {"queue_empty"}


def test_an_office_as_configured_is_staffed_with_its_operators() -> None:
    windows = (WindowConfig(1, "1", {"passport": 1.0, "collect": 1.0}),
               WindowConfig(2, "2", {"collect": 1.0}), WindowConfig(3, "3", {"consult": 1.0}))
    office = small_office(windows=windows, operators=(Operator("opa", "Оператор А"), Operator("boss", "Б", Role.MANAGER)),
                          policy=OrderingPolicy(max_recalls=1))
    staffed, pairs = staff(office)
    assert pairs == [(1, "opa"), (2, "sim1"), (3, "sim2")]
    assert {o.login for o in staffed.operators} == {"opa", "boss", "sim1", "sim2"}
    assert staff(office, 1)[1] == [(1, "opa")]
    result = simulate(office, seed=5, visitors=300, day=THURSDAY)
    issued = {e.service_id for e in result.events if e.type is EventType.TICKET_ISSUED}
    assert issued == {"passport", "collect", "consult"}  # only services a staffed window serves
    state = replay(result.office, result.events)
    assert all(t.is_terminal for t in state.tickets.values())
    no_shows = [e for e in result.events if e.type is EventType.TICKET_NO_SHOW and e.data["reason"] == "recall_limit"]
    assert all(e.data["recalls"] == 1 for e in no_shows)


def test_no_priority_categories_and_no_recall_limit() -> None:
    office = scale_office(small_office(priority_categories=(), policy=OrderingPolicy(max_recalls=0)), 6)
    result = simulate(office, seed=8, visitors=300, day=THURSDAY,
                      params=SimParams(no_show_rate=0.2, transfer_rate=0.1, postpone_rate=0.1))
    assert all(e.data["priority"] is None for e in result.events if e.type is EventType.TICKET_ISSUED)
    no_shows = [e for e in result.events if e.type is EventType.TICKET_NO_SHOW]
    assert no_shows and {e.data["reason"] for e in no_shows} == {"operator"}
    assert all(t.is_terminal for t in replay(office, result.events).tickets.values())
