"""``talon-server`` as an installer would use it: init, db upgrade, db check, run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from queue_server.cli import main
from queue_server.config import DEMO_FILE


def test_init_is_idempotent_and_check_is_consistent(db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["init", "--config", str(DEMO_FILE), "--db", db_url]) == 0
    assert main(["init", "--config", str(DEMO_FILE), "--db", db_url]) == 0
    assert main(["db", "upgrade", "--db", db_url]) == 0
    assert main(["db", "check", "--config", str(DEMO_FILE), "--db", db_url]) == 0
    assert "demo: consistent" in capsys.readouterr().out


def test_a_bad_configuration_is_refused_with_its_place(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "office.toml"
    broken.write_text(DEMO_FILE.read_text(encoding="utf-8").replace('timezone = "Europe/Moscow"',
                                                                    'timezone = "Europe/Atlantis"', 1),
                      encoding="utf-8")
    assert main(["init", "--config", str(broken), "--db", f"sqlite:///{tmp_path}/x.sqlite3"]) == 2
    assert "Europe/Atlantis" in capsys.readouterr().err


@pytest.mark.slow
def test_run_demo_serves_healthz_and_stops_on_sigterm(tmp_path: Path) -> None:
    env = {**os.environ, "TALON_DATA_DIR": str(tmp_path)}
    server = subprocess.Popen(
        [sys.executable, "-m", "queue_server.cli", "run", "--demo", "--host", "127.0.0.1", "--port", "0"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 30
        port = None
        assert server.stderr is not None
        while port is None and time.monotonic() < deadline:
            line = server.stderr.readline()
            if "listening on 127.0.0.1:" in line:
                port = int(line.rsplit(":", 1)[1].split()[0])
        assert port, "the server did not say where it listens"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            assert response.status == 200 and b"ok" in response.read()
        assert (tmp_path / "demo.sqlite3").exists()
    finally:
        server.send_signal(signal.SIGTERM)
        server.communicate(timeout=30)
    assert server.returncode == 0
