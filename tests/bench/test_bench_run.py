"""``talon-bench`` against a real server subprocess: a short region run completes and prints its JSON."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

KEYS = {"clients", "offices", "duration_s", "commands", "commands_per_s", "reply_ms", "call_to_display_ms",
        "missed_events", "errors", "server_rss_mb", "connect_s", "tickets_issued", "calls", "per_verb_ms"}


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[int, int]]:
    """A demo region of 2 offices on a fresh SQLite: (pid, port)."""
    log = tmp_path / "server.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "queue_server.cli", "run", "--demo", "--offices", "2", "--host", "127.0.0.1",
             "--port", "0"],
            env={**os.environ, "TALON_DATA_DIR": str(tmp_path)}, stdout=out, stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        port = None
        while port is None and time.monotonic() < deadline and process.poll() is None:
            found = re.search(r"listening on 127\.0\.0\.1:(\d+)", log.read_text())
            port = int(found.group(1)) if found else None
            time.sleep(0.1)
        assert port, f"the server did not start:\n{log.read_text()[-2000:]}"
        yield process.pid, port
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.mark.slow
def test_a_short_region_run_prints_every_figure_with_nothing_missed(server: tuple[int, int]) -> None:
    pid, port = server
    run = subprocess.run(
        [sys.executable, "-m", "queue_server.bench.cli", "--server", f"ws://127.0.0.1:{port}/", "--offices", "2",
         "--clients", "30", "--rate", "5", "--duration", "5", "--warmup", "1", "--server-pid", "auto"],
        capture_output=True, text=True, timeout=60,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    lines = run.stdout.strip().splitlines()
    result = json.loads(lines[-1])
    assert set(result) >= KEYS
    assert (result["clients"], result["offices"], result["connected"]) == (30, 2, 30)
    assert result["roles"] == {"kiosk": 4, "board": 4, "manager": 2, "operator": 20}
    assert result["errors"] == 0, result["error_codes"]
    assert result["missed_events"] == 0
    assert result["tickets_issued"] > 0 and result["calls"] > 0 and result["commands"] > 0
    assert set(result["reply_ms"]) == {"count", "p50", "p99", "max"}
    assert result["call_to_display_ms"]["count"] > 0 and result["call_to_display_ms"]["p99"] is not None
    assert {"call.next", "ticket.start", "ticket.finish", "ticket.issue"} <= set(result["per_verb_ms"])
    assert result["server_pid"] == pid and result["server_rss_mb"] > 10
    assert len(lines) > 1   # without --json a readable summary comes first


@pytest.mark.slow
def test_json_alone_and_no_rss_without_a_pid(server: tuple[int, int]) -> None:
    _, port = server
    run = subprocess.run(
        [sys.executable, "-m", "queue_server.bench.cli", "--server", f"ws://127.0.0.1:{port}/", "--offices", "1",
         "--clients", "6", "--rate", "2", "--duration", "1", "--warmup", "0", "--drain", "2", "--json", "--quiet"],
        capture_output=True, text=True, timeout=60,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stderr == ""
    [line] = run.stdout.strip().splitlines()
    result = json.loads(line)
    assert result["server_rss_mb"] is None and result["errors"] == 0 and result["missed_events"] == 0


def test_bad_arguments_are_refused() -> None:
    from queue_server.bench.cli import main

    with pytest.raises(SystemExit) as stop:
        main(["--server", "http://x/", "--clients", "10", "--rate", "1", "--duration", "1"])
    assert stop.value.code == 2
    with pytest.raises(SystemExit):
        main(["--server", "ws://127.0.0.1:1/", "--offices", "5", "--clients", "10", "--rate", "1", "--duration", "1"])
