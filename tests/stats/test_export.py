"""``talon-server export``: ticket-level records in CSV and JSON, and nothing personal in them."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from queue_protocol.wire_time import format_utc, parse_utc
from queue_server.core.events import EventType
from queue_server.simulator import SimulationResult, simulate
from queue_server.simulator.cli import build_office
from queue_server.simulator.db import write_to_db
from queue_server.simulator.sim import SimParams
from queue_server.stats.build import reading
from queue_server.stats.cli import main
from queue_server.stats.export import FIELDS, write_export

DAY = date(2026, 3, 5)


@pytest.fixture(scope="module")
def day() -> SimulationResult:
    office, staffing = build_office(None, 6)
    office = dataclasses.replace(office, id="exp", timezone="Asia/Yekaterinburg")     # UTC+5
    # many transfers and postponements, so their free-text comments and reasons are in the log
    params = SimParams(transfer_rate=0.15, postpone_rate=0.1)
    return simulate(office, seed=3, visitors=250, day=DAY, staffing=staffing, params=params)


@pytest.fixture
def url(day: SimulationResult, db_url: str) -> str:
    write_to_db(db_url, day)
    return db_url


def test_csv_records_one_per_ticket(day: SimulationResult, url: str, tmp_path: Path) -> None:
    out = tmp_path / "tickets.csv"
    with reading(url) as conn:
        count = write_export(conn, DAY, DAY, "csv", out)
    issued = [e for e in day.events if e.type is EventType.TICKET_ISSUED]
    assert count == len(issued) == day.metrics["tickets"]
    text = out.read_text(encoding="utf-8")
    assert not text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0]) == FIELDS
    assert [r["ticket_id"] for r in rows] == [e.ticket_id for e in issued]       # in issue order
    first = rows[0]
    assert first["office_id"] == "exp" and first["channel"] == "walk_in" and first["priority"] in ("true", "false")
    assert first["issued_at_utc"] == format_utc(issued[0].at)
    local = datetime.fromisoformat(first["issued_at_local"])
    assert local.utcoffset() == timedelta(hours=5) and local == issued[0].at
    assert first["local_day"] == "2026-03-05" and local.hour == 8
    assert {r["outcome"] for r in rows} <= {"served", "no_show", "cancelled"}
    assert {r["purpose"] for r in rows} <= {"hand_in", "ask_status", "collect_result", "consult"}
    served = [r for r in rows if r["outcome"] == "served"]
    assert served and all(r["finished_at_utc"] and r["result"] for r in served)
    transferred = [r for r in rows if int(r["transfers"]) > 0]
    assert transferred and any(r["final_service_id"] != r["service_id"] for r in transferred)
    for r in rows:
        if r["wait_s"]:
            assert float(r["wait_s"]) == pytest.approx(
                (parse_utc(r["first_called_at_utc"]) - parse_utc(r["issued_at_utc"])).total_seconds())


def test_no_personal_data_and_no_free_text(day: SimulationResult, url: str, tmp_path: Path) -> None:
    texts = ({e.data["comment"] for e in day.events if e.type is EventType.TICKET_TRANSFERRED}
             | {e.data["reason"] for e in day.events if e.type is EventType.TICKET_POSTPONED})
    assert "перенаправлен (симуляция)" in texts and "pay_fee" in texts
    categories = {e.data["priority"] for e in day.events if e.type is EventType.TICKET_ISSUED and e.data["priority"]}
    assert categories
    kiosks = {e.data["issued_by"] for e in day.events if e.type is EventType.TICKET_ISSUED}
    for fmt in ("csv", "json"):
        out = tmp_path / f"tickets.{fmt}"
        with reading(url) as conn:
            write_export(conn, DAY, DAY, fmt, out)
        text = out.read_text(encoding="utf-8")
        for word in texts | categories | kiosks:
            assert word not in text, (fmt, word)


def test_json_document(day: SimulationResult, url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "tickets.json"
    assert main(["export", "--db", url, "--office", "exp", "--from", "2026-03-05", "--to", "2026-03-05",
                 "--out", str(out)]) == 0
    assert "exported 250 tickets" in capsys.readouterr().err
    document = json.loads(out.read_text(encoding="utf-8"))
    assert (document["format"], document["version"], document["from"], document["to"]) == (
        "talon.tickets", 1, "2026-03-05", "2026-03-05")
    assert document["offices"] == [{"id": "exp", "name": day.office.name, "timezone": "Asia/Yekaterinburg"}]
    assert document["fields"] == list(FIELDS)
    tickets = document["tickets"]
    assert len(tickets) == 250 and all(list(t) == list(FIELDS) for t in tickets)
    assert all(isinstance(t["priority"], bool) and isinstance(t["recalls"], int) for t in tickets)
    no_show = next(t for t in tickets if t["outcome"] == "no_show")
    assert no_show["started_at_utc"] is None and no_show["first_called_at_utc"] is not None
    assert no_show["result"] is None and no_show["within_norm"] in (True, False)
    assert parse_utc(document["generated_at"]) <= datetime.now(UTC)
    # an empty period is an empty list, not an error; standard output works
    assert main(["export", "--db", url, "--from", "2026-03-06", "--to", "2026-03-07", "--format", "json",
                 "--out", "-"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["tickets"] == [] and "exported 0 tickets" in captured.err
