"""``--screenshot DIR`` renders every screen against a running server and exits 0."""

from __future__ import annotations

import os
import struct
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCREENS = ("login", "idle", "calling", "serving", "transfer-dialog", "postpone-dialog", "finish-dialog",
           "call-ticket-dialog", "break", "hall", "hall-services-dialog", "hall-issue-dialog", "hall-print-info-dialog",
           "dashboard", "report-dialog")


def png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", path
    width, height = struct.unpack(">II", head[16:24])
    return width, height


def test_screenshot_mode_writes_every_screen(talon, tmp_path) -> None:
    out = tmp_path / "shots"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-m", "operator_console.app", "--server", talon.url, "--user", "manager", "--password", "demo",
         "--window", "2", "--screenshot", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    files = sorted(out.glob("console-*.png"))
    names = [f.stem.split("-", 2)[2] for f in files]
    assert names == list(SCREENS)
    for path in files:
        assert png_size(path) == (1600, 900), path
        assert path.stat().st_size > 20_000, path   # a rendered screen, not a blank one
