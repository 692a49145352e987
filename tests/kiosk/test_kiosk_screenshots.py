"""``python -m kiosk.app --screenshot DIR`` against a running server writes every screen."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = {"home", "category", "info", "priority", "ticket", "print-failure", "offline", "contrast", "large-text",
            "english", "portrait", "landscape", "info-printed", "info-print-failure"}


def test_screenshot_mode_writes_every_screen(server: Any, open_windows: None, tmp_path: Path) -> None:
    out = tmp_path / "shots"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-m", "kiosk.app", "--server", server.url, "--token", "demo-kiosk", "--screenshot", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    files = sorted(out.glob("kiosk-*.png"))
    assert len(files) >= 10
    names = " ".join(f.stem for f in files)
    assert all(word in names for word in EXPECTED), names
    for path in files:
        image = QImage(str(path))
        expected = (1920, 1080) if "landscape" in path.stem else (1080, 1920)
        assert (image.width(), image.height()) == expected, path.name
