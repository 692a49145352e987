"""A simulated day in the store, reported, and every figure recomputed here independently.

The second implementation below is deliberately plain: the events grouped per ticket and per
window, durations as ``timedelta``, percentiles by the textbook formula.  Two offices — one
in Moscow, one in Vladivostok (UTC+10) — share the store, so the office grouping and the local
hours and days are checked too.  The CSV is read back and compared as text.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import math
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from queue_server.core.events import Event, EventType
from queue_server.core.model import Office
from queue_server.simulator import simulate
from queue_server.simulator.cli import build_office
from queue_server.simulator.db import write_to_db
from queue_server.stats.build import make_report
from queue_server.stats.catalogue import demo_office
from queue_server.stats.csv_report import write_csv
from queue_server.stats.model import Report

DAY = date(2026, 3, 5)
LATER = datetime(2026, 3, 10, tzinfo=UTC)
ET = EventType
LEAVES = {ET.TICKET_FINISHED, ET.TICKET_SENT_BACK, ET.TICKET_TRANSFERRED, ET.TICKET_POSTPONED, ET.TICKET_NO_SHOW,
          ET.TICKET_CANCELLED}
OFFICES = (("demo", "Europe/Moscow", 7, 700), ("vlad", "Asia/Vladivostok", 8, 400))


# -- the independent implementation ---------------------------------------------------------

def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def stats(values: list[float], prefix: str) -> dict[str, float | None]:
    return {f"{prefix}_mean": sum(values) / len(values) if values else None, f"{prefix}_median": pct(values, 50),
            f"{prefix}_p90": pct(values, 90), f"{prefix}_max": max(values) if values else None}


def share(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None


def seconds(a: datetime, b: datetime) -> float:
    return (b - a) / timedelta(seconds=1)


def independent(events: list[Event], office: Office) -> dict[str, Any]:
    tz = ZoneInfo(office.timezone)
    norms = {s.id: s.norm_walk_in_min * 60 for s in office.services}
    per_ticket: dict[str, list[Event]] = defaultdict(list)
    per_window: dict[int, list[Event]] = defaultdict(list)
    for e in events:
        if e.ticket_id is not None:
            per_ticket[e.ticket_id].append(e)
        elif e.window is not None and e.type in (ET.WINDOW_OPENED, ET.WINDOW_PAUSED, ET.WINDOW_RESUMED,
                                                  ET.WINDOW_CLOSED):
            per_window[e.window].append(e)

    tickets = []
    visits = []
    for evs in per_ticket.values():
        issued = evs[0]
        calls = [e for e in evs if e.type is ET.TICKET_CALLED]
        first_call = calls[0].at if calls else None
        priority = issued.data.get("priority")
        wait = seconds(issued.at, first_call) if first_call else None
        last = evs[-1]
        final = last.to_state.value in ("finished", "no_show", "cancelled")
        norm = norms[issued.service_id or ""]
        if wait is not None:
            counted, within = True, wait <= norm
        else:
            counted, within = seconds(issued.at, last.at if final else LATER) > norm, False
        local = issued.at.astimezone(tz)
        tickets.append({
            "service": issued.service_id, "hour": local.hour, "day": local.date(), "wait": wait,
            "priority": priority, "state": last.to_state.value, "counted": counted, "within": within,
            "recalls": sum(e.type is ET.TICKET_RECALLED for e in evs),
            "transfers": sum(e.type is ET.TICKET_TRANSFERRED for e in evs),
            "postponements": sum(e.type is ET.TICKET_POSTPONED for e in evs),
        })
        visit: dict[str, Any] | None = None
        for e in evs:
            if e.type is ET.TICKET_CALLED:
                visit = {"service": e.service_id, "window": e.window, "operator": e.operator, "called": e.at,
                         "started": None, "end": None, "ended": None}
                visits.append(visit)
            elif e.type is ET.TICKET_STARTED and visit is not None:
                visit["started"] = e.at
            elif e.type in LEAVES and visit is not None:
                visit["end"], visit["ended"] = e.type, e.at
                visit = None

    def ticket_figures(group: list[dict[str, Any]]) -> dict[str, Any]:
        waits = [t["wait"] for t in group if t["wait"] is not None]
        counted = sum(t["counted"] for t in group)
        within = sum(t["within"] for t in group)
        served = sum(t["state"] == "finished" for t in group)
        no_shows = sum(t["state"] == "no_show" for t in group)
        cancelled = sum(t["state"] == "cancelled" for t in group)
        return {"tickets": len(group), "served": served, "no_shows": no_shows, "cancelled": cancelled,
                "open": len(group) - served - no_shows - cancelled, "called": len(waits), **stats(waits, "wait"),
                "within_norm_pct": share(within, counted), "over_norm": counted - within,
                "called_within_pct": share(within, len(waits)),
                "recalls": sum(t["recalls"] for t in group), "transfers": sum(t["transfers"] for t in group),
                "postponements": sum(t["postponements"] for t in group)}

    def visit_figures(group: list[dict[str, Any]]) -> dict[str, Any]:
        walks = [seconds(v["called"], v["started"]) for v in group if v["started"]]
        services = [seconds(v["started"], v["ended"]) for v in group
                    if v["started"] and v["end"] in (ET.TICKET_FINISHED, ET.TICKET_SENT_BACK)]
        return {"visits": len(group), "came": len(walks), "completed": len(services),
                "visit_no_shows": sum(v["end"] is ET.TICKET_NO_SHOW for v in group),
                "visit_transfers": sum(v["end"] is ET.TICKET_TRANSFERRED for v in group),
                "visit_postponed": sum(v["end"] is ET.TICKET_POSTPONED for v in group),
                **stats(walks, "walk"), **stats(services, "service")}

    # window time: open and break intervals from each window's own events; busy from its visits
    intervals: list[tuple[int, str, str, datetime, datetime]] = []     # window, operator, kind, from, to
    for window, evs in per_window.items():
        operator, since, status = None, None, "closed"
        for e in sorted(evs, key=lambda e: e.at):
            if status in ("open", "break"):
                intervals.append((window, operator, status, since, e.at))
            if e.type is ET.WINDOW_OPENED:
                operator, status = e.operator, "open"
            elif e.type is ET.WINDOW_PAUSED:
                status = "break"
            elif e.type is ET.WINDOW_RESUMED:
                status = "open"
            else:
                status = "closed"
            since = e.at
    for v in visits:
        if v["started"]:
            intervals.append((v["window"], v["operator"], "calling", v["called"], v["started"]))
            intervals.append((v["window"], v["operator"], "serving", v["started"], v["ended"]))
        else:
            intervals.append((v["window"], v["operator"], "calling", v["called"], v["ended"]))

    def time_figures(chosen: list[tuple[int, str, str, datetime, datetime]]) -> dict[str, Any]:
        total = {k: sum(seconds(a, b) for _, _, kind, a, b in chosen if kind == k)
                 for k in ("open", "break", "calling", "serving")}
        return {"at_work": total["open"], "on_break": total["break"], "calling": total["calling"],
                "serving": total["serving"], "idle": total["open"] - total["calling"] - total["serving"],
                "busy_pct": share(total["calling"] + total["serving"], total["open"])}

    def open_seconds_in_hour(hour: int) -> float:
        total = 0.0
        for _, _, kind, a, b in intervals:
            if kind != "open":
                continue
            start = datetime.combine(DAY, datetime.min.time(), tzinfo=tz) + timedelta(hours=hour)
            stop = start + timedelta(hours=1)
            lo, hi = max(a, start), min(b, stop)
            total += max(0.0, seconds(lo, hi))
        return total

    days = len({t["day"] for t in tickets})
    priority = [t for t in tickets if t["priority"]]
    out: dict[str, Any] = {"summary": {
        **ticket_figures(tickets), **visit_figures(visits), **time_figures(intervals),
        "priority": len(priority), "priority_wait_mean": ticket_figures(priority)["wait_mean"],
        "priority_within_norm_pct": ticket_figures(priority)["within_norm_pct"],
        "windows": len(per_window), "operators": len({i[1] for i in intervals if i[2] == "open"}),
        "working_days": days, "tickets_per_day": len(tickets) / days,
    }}
    out["services"] = {s: {**ticket_figures([t for t in tickets if t["service"] == s]),
                           **visit_figures([v for v in visits if v["service"] == s])}
                       for s in {t["service"] for t in tickets} | {v["service"] for v in visits}}
    out["windows"] = {w: {**visit_figures([v for v in visits if v["window"] == w]),
                          **time_figures([i for i in intervals if i[0] == w])} for w in per_window}
    out["operators"] = {o: {**visit_figures([v for v in visits if v["operator"] == o]),
                            **time_figures([i for i in intervals if i[1] == o])}
                        for o in {i[1] for i in intervals}}
    out["hours"] = {}
    for hour in sorted({t["hour"] for t in tickets} | {h for h in range(24) if open_seconds_in_hour(h) > 0}):
        group = [t for t in tickets if t["hour"] == hour]
        out["hours"][hour] = {**ticket_figures(group), "per_day": len(group) / days,
                              "windows_open": open_seconds_in_hour(hour) / 3600 / days}
    out["groups"] = {"all": ticket_figures(tickets), "priority": ticket_figures(priority),
                     "normal": ticket_figures([t for t in tickets if not t["priority"]])}
    out["categories"] = {c: ticket_figures([t for t in priority if t["priority"] == c])
                         for c in {t["priority"] for t in priority}}
    out["days"] = {d: ticket_figures([t for t in tickets if t["day"] == d]) for d in {t["day"] for t in tickets}}
    return out


# -- the comparison -------------------------------------------------------------------------

def same(found: dict[str, Any], expected: dict[str, Any], where: str) -> None:
    for key, value in expected.items():
        assert key in found, f"{where}: no {key}"
        if isinstance(value, float) and found[key] is not None:
            assert found[key] == pytest.approx(value, abs=1e-6), f"{where}: {key}"
        else:
            assert found[key] == value, f"{where}: {key}"


@pytest.fixture(scope="module")
def days() -> dict[str, tuple[Office, list[Event]]]:
    out = {}
    for office_id, timezone, seed, visitors in OFFICES:
        office, staffing = build_office(None, 12)
        office = dataclasses.replace(office, id=office_id, timezone=timezone)
        result = simulate(office, seed=seed, visitors=visitors, day=DAY, staffing=staffing)
        out[office_id] = (office, result)
    return out


@pytest.fixture
def report(days: dict[str, Any], db_url: str) -> Report:
    for _office, result in days.values():
        write_to_db(db_url, result)
    catalogues = ({}, demo_office(), "")
    return make_report(db_url, DAY, DAY, now=LATER, catalogues=catalogues)


def test_every_figure_matches_an_independent_count(days: dict[str, Any], report: Report) -> None:
    assert [o.office_id for o in report.offices] == ["demo", "vlad"]
    for office_report in report.offices:
        office, result = days[office_report.office_id]
        expected = independent(result.events, office)
        summary = {f.key: f.value for f in office_report.summary}
        shown = {k: v for k, v in expected["summary"].items() if k in summary}
        assert len(shown) == len(summary) == 38            # every headline figure is checked
        same(summary, shown, f"{office.id} summary")
        tables = office_report.tables
        assert {r["service"] for r in tables["services"].rows} == set(expected["services"])
        for row in tables["services"].rows:
            same(row, expected["services"][row["service"]], f"{office.id} service {row['service']}")
        assert {r["window"] for r in tables["windows"].rows} == set(expected["windows"])
        for row in tables["windows"].rows:
            same(row, expected["windows"][row["window"]], f"{office.id} window {row['window']}")
        assert {r["operator"] for r in tables["operators"].rows} == set(expected["operators"])
        for row in tables["operators"].rows:
            same(row, expected["operators"][row["operator"]], f"{office.id} operator {row['operator']}")
        assert [r["hour_of_day"] for r in tables["hours"].rows] == list(expected["hours"])
        for row in tables["hours"].rows:
            same(row, expected["hours"][row["hour_of_day"]], f"{office.id} hour {row['hour']}")
        groups = {r["key"]: r for r in tables["groups"].rows}
        for key, figures in expected["groups"].items():
            same(groups[key], figures, f"{office.id} group {key}")
        assert {r["category"] for r in tables["categories"].rows} == set(expected["categories"])
        for row in tables["categories"].rows:
            same(row, expected["categories"][row["category"]], f"{office.id} category {row['category']}")
        assert [r["date"] for r in tables["days"].rows] == [d.isoformat() for d in expected["days"]]
        for row in tables["days"].rows:
            same(row, expected["days"][date.fromisoformat(row["date"])], f"{office.id} day {row['date']}")
    # a busy and a quiet office: the figures are not trivially equal
    demo, vlad = report.offices
    assert demo.figure("tickets") == 700 and vlad.figure("tickets") == 400
    assert [r["office"] for r in report.by_office.rows] == ["demo", "vlad"]


def test_local_hours_are_the_offices_own(report: Report) -> None:
    for office_report in report.offices:
        hours = [r["hour_of_day"] for r in office_report.tables["hours"].rows if r["tickets"]]
        assert hours[0] == 8 and hours[-1] == 19, office_report.office_id    # 08:00-20:00 local, both


def minutes(seconds_value: float | None) -> str:
    return "" if seconds_value is None else f"{seconds_value / 60:.1f}".replace(".", ",")


def percent(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}".replace(".", ",")


def test_the_csv_shows_the_same_figures(days: dict[str, Any], report: Report) -> None:
    out = io.StringIO()
    write_csv(report, out)
    lines = list(csv.reader(io.StringIO(out.getvalue()), delimiter=";"))
    office, result = days["demo"]
    expected = independent(result.events, office)
    start = lines.index(["Сводка"])
    summary = {}
    for line in lines[start + 2:]:
        if not line:
            break
        summary[line[0]] = line[1]
    s = expected["summary"]
    assert summary["Выдано талонов"] == str(s["tickets"])
    assert summary["Ожидание вызова: среднее, мин"] == minutes(s["wait_mean"])
    assert summary["Ожидание вызова: медиана, мин"] == minutes(s["wait_median"])
    assert summary["Ожидание вызова: 90-й перцентиль, мин"] == minutes(s["wait_p90"])
    assert summary["Ожидание вызова: максимум, мин"] == minutes(s["wait_max"])
    assert summary["Вызваны в пределах норматива, %"] == percent(s["within_norm_pct"])
    assert summary["Обслуживание: среднее, мин"] == minutes(s["service_mean"])
    assert summary["Загрузка окон, %"] == percent(s["busy_pct"])
    assert summary["Окна открыты, ч"] == f"{s['at_work'] / 3600:.2f}".replace(".", ",")
    # the services section: a header line, then one line per service
    start = lines.index(["По услугам"])
    header = lines[start + 1]
    for line in lines[start + 2:]:
        if not line or line[0].startswith("Примечание"):
            break
        row = dict(zip(header, line, strict=True))
        figures = expected["services"][row["Код услуги"]]
        assert row["Талонов"] == str(figures["tickets"])
        assert row["Ожидание, 90-й перц., мин"] == minutes(figures["wait_p90"])
        assert row["В пределах норматива, %"] == percent(figures["within_norm_pct"])
        assert row["Обслуживание, медиана, мин"] == minutes(figures["service_median"])


def test_two_offices_in_every_format(report: Report, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from queue_server.stats.writers import write_report

    for fmt in ("csv", "xlsx", "pdf"):
        write_report(report, fmt, tmp_path / f"two.{fmt}")
    book = load_workbook(tmp_path / "two.xlsx")
    assert book.sheetnames[:3] == ["Офисы", "Сводка 1", "Услуги 1"] and "Окна 2" in book.sheetnames
    offices = book["Офисы"]
    assert [offices.cell(row=r, column=1).value for r in (6, 7)] == ["demo", "vlad"]
    text = (tmp_path / "two.csv").read_text(encoding="utf-8-sig")
    assert text.index("По офисам") < text.index("Офис demo") < text.index("Офис vlad")
    assert (tmp_path / "two.pdf").read_bytes().startswith(b"%PDF-")
