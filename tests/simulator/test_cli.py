"""``talon-server simulate`` as a program: the demo office, JSON output, the store."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import uuid
from datetime import date
from pathlib import Path

import pytest

from queue_server.simulator import compute_metrics, simulate
from queue_server.simulator.cli import build_office, main

KEYS = {
    "tickets", "served", "no_shows", "transfers", "postponed", "cancelled", "wait_mean_s", "wait_median_s",
    "wait_p90_s", "wait_max_s", "within_norm_pct", "service_mean_s", "windows", "visitors", "seed", "day",
    "elapsed_s", "tickets_per_s", "events",
}
REPO = Path(__file__).resolve().parents[2]


def last_json(text: str) -> dict:
    return json.loads(text.strip().splitlines()[-1])


@pytest.mark.slow
def test_a_big_office_day_prints_its_figures_as_json() -> None:
    """The benchmark day: 3000 visitors, 55 windows (the DOMAIN.md "big office")."""
    done = subprocess.run(
        [sys.executable, "-m", "queue_server.simulator", "--seed", "7", "--visitors", "3000", "--windows", "55",
         "--day", "2026-03-05", "--json"],
        cwd=REPO, capture_output=True, text=True, timeout=120, check=True,
    )
    figures = last_json(done.stdout)
    assert set(figures) >= KEYS
    assert figures["tickets"] + figures["turned_away"] == 3000
    assert figures["served"] + figures["no_shows"] + figures["cancelled"] == figures["tickets"]
    assert (figures["windows"], figures["visitors"], figures["seed"], figures["day"]) == (55, 3000, 7, "2026-03-05")
    assert 0 < figures["wait_median_s"] <= figures["wait_p90_s"] <= figures["wait_max_s"]
    assert figures["tickets_per_s"] > 0 and figures["elapsed_s"] > 0


def test_the_demo_office_scaled_and_the_human_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--seed", "1", "--visitors", "200", "--windows", "6", "--day", "2026-03-05"]) == 0
    out = capsys.readouterr().out
    assert "200 visitors, 6 windows" in out and "wait: mean" in out
    assert main(["simulate", "--seed", "1", "--visitors", "200", "--windows", "6", "--day", "2026-03-05",
                 "--json"]) == 0
    figures = last_json(capsys.readouterr().out)
    assert figures["windows"] == 6 and figures["office"] == "demo"


def test_a_closed_day_is_a_clear_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from queue_server.config import DEMO_FILE

    text = DEMO_FILE.read_text(encoding="utf-8")
    assert "always_open = true" in text
    config = tmp_path / "office.toml"
    config.write_text(text.replace("always_open = true", "always_open = false"), encoding="utf-8")
    assert main(["--config", str(config), "--visitors", "10", "--day", "2027-01-01"]) == 2  # New Year's day
    assert "closed on 2027-01-01" in capsys.readouterr().err
    assert main(["--config", str(config), "--visitors", "10", "--day", "2026-03-08"]) == 2  # a Sunday
    # the always-open demo has no closed day: it keeps the hours it lists, or 08:00-20:00
    assert main(["--visitors", "10", "--day", "2027-01-01", "--json"]) == 0
    assert last_json(capsys.readouterr().out)["tickets"] == 10
    with pytest.raises(SystemExit):
        main(["--day", "05.03.2026"])


def test_a_configured_office_runs_as_configured(capsys: pytest.CaptureFixture[str]) -> None:
    from queue_server.config import DEMO_FILE

    assert main(["--config", str(DEMO_FILE), "--visitors", "300", "--day", "2026-03-07", "--json"]) == 0
    figures = last_json(capsys.readouterr().out)
    assert figures["windows"] == 20                      # the demo's own 20 windows and operators
    assert main(["--config", str(DEMO_FILE), "--visitors", "300", "--windows", "4", "--day", "2026-03-07",
                 "--json"]) == 0
    assert last_json(capsys.readouterr().out)["windows"] == 4


def test_the_day_goes_into_the_store(db_url: str) -> None:
    from queue_server.simulator.db import DayTaken, write_to_db
    from queue_server.store import Store

    url = db_url
    office, staffing = build_office(None, 5)
    office = dataclasses.replace(office, id=f"sim-{uuid.uuid4().hex[:12]}")
    result = simulate(office, seed=3, visitors=150, day=date(2026, 3, 5), staffing=staffing)
    head = write_to_db(url, result)
    assert head == len(result.events)
    store = Store.open(url)
    try:
        stored = store.events_since(office.id, 0, limit=100_000)
    finally:
        store.close()
    assert [e.seq for e in stored] == list(range(1, len(result.events) + 1))
    assert [(e.type, e.ticket_id, e.at) for e in stored] == [(e.type, e.ticket_id, e.at) for e in result.events]
    run_keys = {"visitors", "windows", "seed", "day", "office", "turned_away"}
    expected = {k: v for k, v in result.metrics.items() if k not in run_keys}
    assert compute_metrics(stored, office) == expected
    with pytest.raises(DayTaken):
        write_to_db(url, result)
