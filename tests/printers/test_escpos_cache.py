"""python-escpos is imported through a per-user cache and leaves no folder in the temp dir."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = "import printers, escpos.capabilities as c; print(c.pickle_path)"


def run_probe(tmp_path: Path) -> str:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache"), "TMPDIR": str(tmp_path / "tmp")}
    env.pop("ESCPOS_CAPABILITIES_PICKLE_DIR", None)
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60, check=True)
    return done.stdout.strip()


def test_processes_share_one_cached_pickle_and_leave_no_temp_folders(tmp_path: Path) -> None:
    (tmp_path / "tmp").mkdir()
    first, second, third = (run_probe(tmp_path) for _ in range(3))
    cached = list((tmp_path / "cache" / "talon").glob("escpos-*/*.capabilities.pickle"))
    assert len(cached) == 1 and cached[0].stat().st_size > 10_000
    assert second == third == str(cached[0])      # read from the cache once it is there
    assert first != second                         # the first built it aside and moved it in whole
    assert list((tmp_path / "tmp").iterdir()) == []
