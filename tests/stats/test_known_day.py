"""A short day written minute by minute, with every figure worked out by hand.

09:00 (Moscow) op1 opens window 1; six tickets A–F; a priority visitor, a no-show after a
recall, a break, a transfer, a postponement, a ticket withdrawn within the norm and one
that waited past it and was never called.  The expected numbers below are arithmetic on
this timeline, nothing else.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from queue_server.core import commands as c
from queue_server.core.engine import QueueEngine
from queue_server.core.events import Event
from queue_server.core.model import Office, Operator, PriorityCategory, Role, Service, WindowConfig
from queue_server.stats.aggregate import build_office_report
from queue_server.stats.build import make_report, reading
from queue_server.stats.catalogue import catalogue_from_office, demo_office
from queue_server.stats.definitions import EventRecord, Facts, HourGrid, compute, records_from_events, to_us
from queue_server.stats.export import export_records
from queue_server.stats.model import OfficeReport
from queue_server.store import Store

DAY = date(2026, 3, 5)
T0 = datetime(2026, 3, 5, 6, 0, tzinfo=UTC)            # 09:00 in Moscow
LATER = datetime(2026, 3, 9, tzinfo=UTC)                # when the reports are made


def known_office() -> Office:
    services = (
        Service("passport", "Паспорт РФ", "Passport", prefix="А", norm_walk_in_min=15),
        Service("results", "Выдача готовых документов", "Results", prefix="Д", norm_walk_in_min=10),
    )
    return Office(
        id="known", name="Офис с известным ответом", timezone="Europe/Moscow", services=services,
        windows=tuple(WindowConfig(n, services={"passport": 1.0, "results": 1.0}) for n in (1, 2)),
        operators=(Operator("op1", "Иванова А. А."), Operator("op2", "Петров Б. Б."),
                   Operator("boss", "Руководитель", role=Role.MANAGER)),
        priority_categories=(PriorityCategory("veteran", "Ветераны", "Veterans"),),
    )


def m(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def known_events() -> list[Event]:
    office = known_office()
    engine = QueueEngine(office)
    script: list[tuple[float, object]] = [
        (0, c.OpenWindow(1, "op1")),
        (0, c.IssueTicket("A", "passport")),
        (1, c.IssueTicket("B", "results", priority_id="veteran")),
        (2, c.IssueTicket("C", "passport")),
        (3, c.CallTicket(1, "op1", "B")),
        (4, c.StartService(1, "op1", "B")),
        (10, c.FinishService(1, "op1", "B", "done")),
        (10, c.CallTicket(1, "op1", "A")),
        (10.5, c.Recall(1, "op1", "A")),
        (12, c.MarkNoShow(1, "op1", "A")),
        (12, c.PauseWindow(1, "op1", "обед")),
        (20, c.OpenWindow(2, "op2")),
        (20, c.CallTicket(2, "op2", "C")),
        (21, c.StartService(2, "op2", "C")),
        (25, c.Transfer(2, "op2", "C", to_service="results", comment="нужна справка")),
        (26, c.CallTicket(2, "op2", "C")),
        (27, c.StartService(2, "op2", "C")),
        (27, c.ResumeWindow(1, "op1")),
        (28, c.IssueTicket("D", "passport")),
        (29, c.IssueTicket("E", "results")),
        (30, c.FinishService(2, "op2", "C", "another_visit")),
        (31, c.CallTicket(2, "op2", "E")),
        (32, c.Postpone(2, "op2", "E", reason="оплатить пошлину", minutes=10)),
        (40, c.CancelTicket("D", reason="ушёл")),
        (42, c.Tick()),
        (45, c.CallTicket(1, "op1", "E")),
        (46, c.StartService(1, "op1", "E")),
        (50, c.FinishService(1, "op1", "E", "done")),
        (50, c.IssueTicket("F", "passport")),
        (55, c.CloseWindow(2, "op2")),
        (60, c.CloseWindow(1, "op1")),
        (90, c.CancelTicket("F", reason="day_closed")),
    ]
    events: list[Event] = []
    for minute, command in script:
        events.extend(engine.handle(command, m(minute)))   # type: ignore[arg-type]
    return events


def facts_of(events: list[Event], until: datetime | None = None) -> Facts:
    office = known_office()
    grid = HourGrid(DAY, DAY, office.timezone)
    return compute(records_from_events(events), {s.id: s for s in office.services}, grid,
                   None if until is None else to_us(until))


def report_of(events: list[Event], until: datetime | None = None) -> OfficeReport:
    office = known_office()
    catalogue = catalogue_from_office(office, office_id=office.id, office_name=office.name,
                                      timezone=office.timezone, source="test", from_demo=False)
    return build_office_report(facts_of(events, until), catalogue)


@pytest.fixture(scope="module")
def events() -> list[Event]:
    return known_events()


def test_the_headline_figures(events: list[Event]) -> None:
    report = report_of(events)
    f = report.figure
    assert (f("tickets"), f("served"), f("no_shows"), f("cancelled"), f("open")) == (6, 3, 1, 2, 0)
    # waits of the called tickets A 10 min, B 2, C 18, E 2 (E's second call does not count)
    assert f("called") == 4
    assert f("wait_mean") == 480.0                 # (120 + 120 + 600 + 1080) / 4
    assert f("wait_median") == 360.0               # (120 + 600) / 2
    assert f("wait_p90") == pytest.approx(936.0)   # 600 + 0.7 * (1080 - 600)
    assert f("wait_max") == 1080.0
    # counted for the norm: A, B, C, E (called) and F (never called, waited 40 min > 15);
    # D left after 12 min (< 15) without a call and does not count.  Within: A, B, E.
    assert f("within_norm_pct") == 60.0
    assert f("over_norm") == 2
    assert f("called_within_pct") == 75.0
    # walks: B, C (twice), E's second call — 60 s each; A never came to the window
    assert (f("walk_mean"), f("walk_max")) == (60.0, 60.0)
    # completed services: C 3 min (the part before the transfer is not a completed service), E 4, B 6
    assert (f("completed"), f("service_mean"), f("service_median"), f("service_max")) == (3, 260.0, 240.0, 360.0)
    assert f("service_p90") == pytest.approx(336.0)
    assert (f("recalls"), f("transfers"), f("postponements")) == (1, 1, 1)
    assert (f("priority"), f("priority_wait_mean"), f("priority_within_norm_pct")) == (1, 120.0, 100.0)
    assert (f("windows"), f("operators")) == (2, 2)
    # window 1: open 0-12 and 27-60 (45 min), break 12-27; window 2: open 20-55 (35 min)
    assert f("at_work") == 80 * 60
    assert f("on_break") == 15 * 60
    # calling: B 1 + A 2 + E 1 (window 1), C 1 + C 1 + E 1 (window 2) = 7 min
    assert f("calling") == 7 * 60
    # serving: B 6 + E 4 (window 1), C 4 (then transferred) + C 3 (window 2) = 17 min
    assert f("serving") == 17 * 60
    assert f("idle") == (80 - 7 - 17) * 60
    assert f("busy_pct") == pytest.approx(100 * 24 / 80)
    assert f("working_days") == 1 and f("tickets_per_day") == 6.0


def test_the_tables(events: list[Event]) -> None:
    report = report_of(events)
    services = report.tables["services"]
    passport, results = services.row("service", "passport"), services.row("service", "results")
    assert (passport["tickets"], passport["called"], passport["wait_mean"]) == (4, 2, 840.0)   # A 600, C 1080
    assert passport["within_norm_pct"] == pytest.approx(100 / 3)                               # A of A, C, F
    assert (passport["norm"], results["norm"]) == ("15 / 5 по записи", "10 / 5 по записи")
    assert (results["tickets"], results["wait_mean"], results["within_norm_pct"]) == (2, 120.0, 100.0)
    # visits by the service called for: A, C (passport); B, C again, E twice (results)
    assert (passport["visits"], results["visits"]) == (2, 4)
    assert (passport["completed"], results["completed"]) == (0, 3)
    assert passport["visit_transfers"] == 1 and results["visit_postponed"] == 1

    operators = report.tables["operators"]
    op1, op2 = operators.row("operator", "op1"), operators.row("operator", "op2")
    assert op1["name"] == "Иванова А. А." and op1["windows"] == "1"
    assert (op1["visits"], op1["completed"], op1["visit_no_shows"]) == (3, 2, 1)
    assert (op1["at_work"], op1["on_break"], op1["calling"], op1["serving"]) == (2700, 900, 240, 600)
    assert op1["idle"] == 2700 - 840
    assert (op2["visits"], op2["completed"], op2["visit_transfers"], op2["visit_postponed"]) == (3, 1, 1, 1)
    assert (op2["at_work"], op2["on_break"], op2["calling"], op2["serving"], op2["idle"]) == (2100, 0, 180, 420, 1500)
    assert report.tables["windows"].row("window", 2)["operators"] == "op2"

    hours = report.tables["hours"]
    assert [r["hour"] for r in hours.rows] == ["09:00–10:00"]            # local time: 09, not 06 UTC
    assert hours.rows[0]["tickets"] == 6
    assert hours.rows[0]["windows_open"] == pytest.approx((2700 + 2100) / 3600)
    days = report.tables["days"]
    assert [(r["date"], r["weekday"], r["tickets"], r["windows"]) for r in days.rows] == [("2026-03-05", "чт", 6, 2)]

    groups = {r["key"]: r for r in report.tables["groups"].rows}
    assert (groups["priority"]["tickets"], groups["normal"]["tickets"], groups["appointment"]["tickets"]) == (1, 5, 0)
    assert groups["normal"]["wait_mean"] == pytest.approx((600 + 1080 + 120) / 3)
    assert groups["appointment"]["wait_mean"] is None
    assert [(r["category"], r["name"], r["tickets"]) for r in report.tables["categories"].rows] == [
        ("veteran", "Ветераны", 1)]


def test_a_day_that_has_not_ended_counts_up_to_now(events: list[Event]) -> None:
    now = m(35)
    report = report_of([e for e in events if e.at <= now], until=now)
    f = report.figure
    # D (waiting 7 min) and E (postponed) are still open; F is not issued yet
    assert (f("tickets"), f("open"), f("served")) == (5, 2, 2)
    assert (f("within_norm_pct"), f("over_norm")) == (75.0, 1)           # A, B, E within; C over
    # window 1: open 0-12 and 27-35, break 12-27; window 2: open 20-35
    assert (f("at_work"), f("on_break")) == ((12 + 8 + 15) * 60, 15 * 60)
    assert any("период ещё не закончился" in note for note in report.notes)


def test_a_window_open_across_midnight_is_cut_at_the_local_day() -> None:
    """A 24-hour office: the window opens at 23:00 and closes at 01:00; a visitor called at
    23:50 is served until 00:10.  The second day sees one hour open and ten minutes serving."""
    office = known_office()
    engine = QueueEngine(office)
    evening = datetime(2026, 3, 5, 20, 0, tzinfo=UTC)          # 23:00 in Moscow
    events: list[Event] = []
    for minutes, command in [(0, c.OpenWindow(1, "op1")), (45, c.IssueTicket("N", "passport")),
                             (50, c.CallTicket(1, "op1", "N")), (52, c.StartService(1, "op1", "N")),
                             (70, c.FinishService(1, "op1", "N")), (120, c.CloseWindow(1, "op1"))]:
        events.extend(engine.handle(command, evening + timedelta(minutes=minutes)))  # type: ignore[arg-type]
    services = {s.id: s for s in office.services}
    records = records_from_events(events)
    second = compute([r for r in records if r.at >= datetime(2026, 3, 5, 21, 0, tzinfo=UTC)], services,
                     HourGrid(date(2026, 3, 6), date(2026, 3, 6), office.timezone))
    assert second.tickets == {}                                  # issued the day before
    (counters,) = second.time.values()
    assert counters == [3600 * 10**6, 0, 0, 600 * 10**6]         # at work 1 h, serving 00:00-00:10
    first = compute(records, services, HourGrid(DAY, DAY, office.timezone))
    totals = [sum(v[i] for v in first.time.values()) for i in range(4)]
    assert totals == [3600 * 10**6, 0, 120 * 10**6, 480 * 10**6]  # 23:00-24:00; called 23:50, serving from 23:52
    assert first.tickets["N"].wait_us == 300 * 10**6


def test_the_export_of_the_known_day(events: list[Event], db_url: str) -> None:
    office = known_office()
    store = Store.open(db_url)
    try:
        store.ensure_office(office)
        store.import_events(office, events)
    finally:
        store.close()
    catalogues = ({office.id: office}, demo_office(), "test")
    report = make_report(db_url, DAY, DAY, catalogues=catalogues, now=LATER)
    assert report.offices[0].figure("within_norm_pct") == 60.0 and report.offices[0].notes == []
    with reading(db_url) as conn:
        described, records = export_records(conn, DAY, DAY, catalogues=catalogues, now=LATER)
        rows = {r["ticket_id"]: r for r in records}
    assert described == [{"id": "known", "name": office.name, "timezone": "Europe/Moscow"}]
    assert list(rows) == ["A", "B", "C", "D", "E", "F"]
    c_row, e_row = rows["C"], rows["E"]
    assert c_row["issued_at_utc"] == "2026-03-05T06:02:00.000000Z"
    assert c_row["issued_at_local"] == "2026-03-05T09:02:00.000000+03:00"
    assert (c_row["wait_s"], c_row["walk_s"], c_row["service_s"]) == (1080.0, 60.0, 420.0)
    assert (c_row["service_id"], c_row["final_service_id"], c_row["transfers"]) == ("passport", "results", 1)
    assert (c_row["outcome"], c_row["result"], c_row["window"], c_row["operator"]) == ("served", "another_visit", 2,
                                                                                      "op2")
    assert c_row["within_norm"] is False and c_row["norm_min"] == 15
    assert (e_row["postponements"], e_row["window"], e_row["walk_s"], e_row["within_norm"]) == (1, 1, 60.0, True)
    assert e_row["started_at_local"] == "2026-03-05T09:46:00.000000+03:00"
    assert rows["A"]["outcome"] == "no_show" and rows["A"]["recalls"] == 1 and rows["A"]["started_at_utc"] is None
    assert rows["B"]["priority"] is True and rows["C"]["priority"] is False
    assert rows["D"]["within_norm"] is None and rows["F"]["within_norm"] is False
    assert rows["F"]["ended_at_local"] == "2026-03-05T10:30:00.000000+03:00" and rows["F"]["wait_s"] is None



def test_an_appointment_waits_from_its_slot_against_its_own_norm() -> None:
    """Appointments are not issued yet; the rule is ready: the wait starts at the later of the
    check-in and the booked slot, and the appointment norm (5 min) applies."""
    office = known_office()
    services = {s.id: s for s in office.services}
    grid = HourGrid(DAY, DAY, office.timezone)

    def issued(tid: str, minute: float, slot: str | None) -> EventRecord:
        data = {"channel": "appointment", "priority": None, **({"slot_at": slot} if slot else {})}
        return EventRecord(0, "ticket.issued", m(minute), tid, "А1", None, "waiting", "passport", None, None, data)

    def called(tid: str, minute: float) -> EventRecord:
        return EventRecord(0, "ticket.called", m(minute), tid, None, "waiting", "called", "passport", 1, "op1", None)

    records = [
        issued("early", 0, "2026-03-05T06:10:00.000000Z"),   # came 10 min before the slot
        issued("late", 1, "2026-03-05T06:00:00.000000Z"),    # came 1 min after it
        issued("plain", 2, None),                             # an appointment without a slot: from check-in
        called("early", 14), called("late", 7), called("plain", 10),
    ]
    facts = compute(records, services, grid)
    early, late, plain = (facts.tickets[t] for t in ("early", "late", "plain"))
    assert early.wait_us == 4 * 60 * 10**6 and early.within                 # 10:14 - slot 10:10, norm 5
    assert late.wait_us == 6 * 60 * 10**6 and not late.within               # 10:07 - check-in 10:01
    assert plain.wait_us == 8 * 60 * 10**6 and not plain.within
    assert {t.norm_us for t in (early, late, plain)} == {5 * 60 * 10**6}
    report = build_office_report(facts, catalogue_from_office(office, office_id="known", office_name="",
                                 timezone=office.timezone, source="", from_demo=False))
    groups = {r["key"]: r for r in report.tables["groups"].rows}
    assert groups["appointment"]["tickets"] == 3 and groups["walk_in"]["tickets"] == 0
    assert groups["appointment"]["within_norm_pct"] == pytest.approx(100 / 3)
