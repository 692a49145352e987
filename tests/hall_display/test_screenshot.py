"""``talon-display --screenshot DIR`` against a running server: every layout to PNG, real calls on it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = {
    "board-main-landscape.png": (1920, 1080),
    "board-main-portrait.png": (1080, 1920),
    "board-main-4k.png": (3840, 2160),
    "board-window.png": (1920, 1080),
    "board-window-portrait.png": (1080, 1920),
    "board-main-contrast.png": (1920, 1080),
    "board-main-english.png": (1920, 1080),
    "board-main-offline.png": (1920, 1080),
}


def test_screenshot_writes_every_layout_with_calls_on_it(board_server: Any, tmp_path: Path) -> None:
    out = tmp_path / "shots"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-m", "hall_display.app", "--server", board_server.url, "--token", "demo-display",
         "--screenshot", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=90, check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Fatal Python error" not in done.stderr
    for name, size in EXPECTED.items():
        image = QImage(str(out / name))
        assert not image.isNull(), name
        assert (image.width(), image.height()) == size, name
    # a real call is on the board: the highlight colour (deep orange) fills the newest row
    landscape = QImage(str(out / "board-main-landscape.png"))
    assert landscape.pixelColor(20, 300).name() in ("#c4500a", "#1e1e1e")


def test_bad_settings_exit_2(tmp_path: Path) -> None:
    from hall_display.app import main

    assert main(["--server", "ws://127.0.0.1:1/", "--token", "demo-display", "--volume", "150"]) == 2
    bad = tmp_path / "board.toml"
    bad.write_text('colour = "red"\n', encoding="utf-8")
    assert main(["--server", "ws://127.0.0.1:1/", "--token", "demo-display", "--settings", str(bad)]) == 2
