"""`talon-server check-config` and `python -m queue_server.config`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from queue_server.config import DEMO_FILE, main_check_config

ROOT = Path(__file__).resolve().parents[2]


def test_check_config_summarises_a_good_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main_check_config([str(DEMO_FILE)]) == 0
    out = capsys.readouterr().out
    assert 'office "demo"' in out and "8 services, 20 windows, 22 accounts, 3 devices, 1 printers" in out
    assert out.rstrip().endswith("ok, 1 office(s)")


def test_check_config_lists_every_problem(tmp_path, minimal_text, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "office.toml"
    path.write_text(minimal_text.replace('prefix = "А"', 'prefx = "А"').replace("number = 1", "numbr = 1"),
                    encoding="utf-8")
    assert main_check_config([str(path)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert 'unknown key "prefx"' in captured.err and 'unknown key "numbr"' in captured.err


def test_module_entry_point() -> None:
    ran = subprocess.run([sys.executable, "-m", "queue_server.config", "check", str(DEMO_FILE)],
                         capture_output=True, text=True, timeout=60, check=False, cwd=ROOT)
    assert ran.returncode == 0, ran.stderr
    ran = subprocess.run([sys.executable, "-m", "queue_server.config", "hash-password"], input="pw\n",
                         capture_output=True, text=True, timeout=60, check=False, cwd=ROOT)
    assert ran.returncode == 0 and ran.stdout.startswith("$argon2id$")
    ran = subprocess.run([sys.executable, "-m", "queue_server.config"], capture_output=True, text=True,
                         timeout=60, check=False, cwd=ROOT)
    assert ran.returncode == 2 and "usage" in ran.stderr
