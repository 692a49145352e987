"""``stats.today`` and ``stats.report`` against a real server, on SQLite and on PostgreSQL.

The day is driven over the wire (a kiosk issues, an operator calls, recalls, serves, marks a
no-show, transfers); the figures the server answers are checked against a computation made
here, independently, from the events the manager's connection received — the same timestamps
the server stored, to the microsecond.
"""

from __future__ import annotations

import base64
import csv
import io
from typing import Any

from support.event_time import US, assert_figures, micros

NORM_S = 15 * 60


def interpolate(ordered: list[int], q: float) -> float:
    """numpy's default percentile, written out: linear between the order statistics."""
    position = (len(ordered) - 1) * q / 100
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    return (ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)) / US


def expected(events: list[dict[str, Any]], as_of: str, tickets: set[str]) -> dict[str, Any]:
    """The figures of ``tickets`` from the raw events: issue -> first call, outcomes, waiting now."""
    issued: dict[str, int] = {}
    first_call: dict[str, int] = {}
    state: dict[str, str] = {}
    for message in events:
        event = message["event"]
        ticket = event.get("ticket")
        if ticket not in tickets:
            continue
        at = micros(event["at"])
        if event["type"] == "ticket.issued":
            issued[ticket] = at
        elif event["type"] == "ticket.called":
            first_call.setdefault(ticket, at)
        if event.get("to"):
            state[ticket] = event["to"]
    waits = sorted(first_call[t] - issued[t] for t in first_call)
    now = micros(as_of)
    waiting = [t for t in tickets if state[t] == "waiting"]
    within = sum(1 for w in waits if w <= NORM_S * US)
    return {
        "issued": len(tickets), "served": sum(state[t] == "finished" for t in tickets),
        "no_shows": sum(state[t] == "no_show" for t in tickets), "called": len(waits),
        "wait_mean_s": sum(waits) / (len(waits) * US) if waits else None,
        "wait_median_s": interpolate(waits, 50) if waits else None,
        "wait_p90_s": interpolate(waits, 90) if waits else None,
        "wait_max_s": waits[-1] / US if waits else None,
        "norm_counted": len(waits), "within_norm": within,
        "within_norm_pct": 100 * within / len(waits) if waits else None,
        "waiting": len(waiting),
        "longest_wait_s": max(now - issued[t] for t in waiting) / US if waiting else None,
    }



async def test_stats_today_matches_an_independent_computation(start_server, db_url) -> None:
    server = start_server(db=db_url)
    manager = await server.login("manager")
    kiosk = await server.kiosk()
    op = await server.login("operator2")
    await op.ok("window.open", window=2)                      # passport, passport_foreign x0.5
    other = await server.login("operator7")
    await other.ok("window.open", window=7)                   # registration: so it can take tickets
    p1, p2, p3 = [(await kiosk.ok("ticket.issue", service="passport"))["ticket"] for _ in range(3)]
    f1 = (await kiosk.ok("ticket.issue", service="passport_foreign"))["ticket"]
    r1 = (await kiosk.ok("ticket.issue", service="registration"))["ticket"]
    await op.ok("call.ticket", ticket=p1)
    await op.ok("ticket.recall", ticket=p1)                    # a recall does not end the wait again
    await op.ok("ticket.start", ticket=p1)
    await op.ok("ticket.finish", ticket=p1, result="done")
    await op.ok("call.ticket", ticket=p2)
    await op.ok("ticket.no_show", ticket=p2)
    await op.ok("call.ticket", ticket=p3)
    await op.ok("ticket.start", ticket=p3)
    head = (await op.ok("ticket.transfer", ticket=p3, to_service="registration"))["seq"]   # waits again, elsewhere
    await manager.until(lambda: any(e["seq"] == head for e in manager.events()), what="the transfer event")

    today = await manager.ok("stats.today")
    assert today["office"] == "demo" and today["head_seq"] >= head
    events = manager.events()
    mine = {p1, p2, p3, f1, r1}
    assert_figures(today["total"], expected(events, today["as_of"], mine))
    rows = {row["service"]: row for row in today["services"]}
    assert_figures(rows["passport"], {**expected(events, today["as_of"], {p1, p2, p3}), "waiting": 0,
                                      "longest_wait_s": None})   # p3 waits in registration now
    assert_figures(rows["passport_foreign"], expected(events, today["as_of"], {f1}))
    registration = expected(events, today["as_of"], {r1})
    assert_figures(rows["registration"], {**registration, "waiting": 2,
                                          "longest_wait_s": expected(events, today["as_of"], {p3, r1})["longest_wait_s"]})
    assert rows["passport"]["name_ru"] and rows["passport"]["norm_walk_in_min"] == 15
    assert rows["consult"]["issued"] == 0 and rows["consult"]["wait_mean_s"] is None
    assert today["total"]["wait_mean_s"] > 0 and today["total"]["within_norm_pct"] == 100.0
    server.assert_clean_log()


async def test_reports_download_and_open(start_server, db_url) -> None:
    server = start_server(db=db_url)
    manager = await server.login("manager")
    kiosk = await server.kiosk()
    op = await server.login("operator19")
    await op.ok("window.open", window=19)                      # consult
    for _ in range(3):
        await kiosk.ok("ticket.issue", service="consult")
    day = manager.snapshots("demo")[-1]["state"]["office"]["local_day"]
    files = {}
    for fmt in ("csv", "xlsx", "pdf"):
        result = await manager.ok("stats.report", **{"from": day, "to": day, "format": fmt})
        data = base64.b64decode(result["data"], validate=True)
        assert result["size"] == len(data) and result["format"] == fmt and result["office"] == "demo"
        assert result["file_name"] == f"talon-demo-{day.replace('-', '')}-{day.replace('-', '')}.{fmt}"
        files[fmt] = data
    rows = list(csv.reader(io.StringIO(files["csv"].decode("utf-8-sig")), delimiter=";"))
    assert ["Выдано талонов", "3"] in [row[:2] for row in rows]
    assert files["pdf"].startswith(b"%PDF")
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(files["xlsx"]), read_only=True)
    assert "Сводка" in book.sheetnames and "Услуги" in book.sheetnames
    server.assert_clean_log()


async def test_only_managers_and_clear_refusals(shared_server) -> None:
    operator = await shared_server.login("operator12")
    kiosk = await shared_server.kiosk()
    manager = await shared_server.login("manager")
    for client in (operator, kiosk):
        assert await client.refused("stats.today") == "forbidden"
        assert await client.refused("stats.report", **{"from": "2026-03-01", "to": "2026-03-01",
                                                       "format": "csv"}) == "forbidden"
    assert "stats.today" in manager.hello_result["verbs"] and "stats.today" not in operator.hello_result["verbs"]
    backwards = await manager.request("stats.report", **{"from": "2026-03-05", "to": "2026-03-01", "format": "csv"})
    assert backwards["error"]["code"] == "bad_value"
    assert "ends (2026-03-01) before it starts (2026-03-05)" in backwards["error"]["message"]
    too_long = await manager.request("stats.report", **{"from": "2025-01-01", "to": "2026-03-01", "format": "pdf"})
    assert too_long["error"]["code"] == "bad_value" and "at most 366 days" in too_long["error"]["message"]
    assert await manager.refused("stats.report", **{"from": "2026-03-01", "to": "2026-03-01",
                                                    "format": "docx"}) == "bad_value"
    assert await manager.refused("stats.today", office="elsewhere") == "wrong_office"
    shared_server.assert_clean_log()
