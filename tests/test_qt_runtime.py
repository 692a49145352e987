"""The Qt binding must not leak references to None, True or False.

PySide6-Essentials 6.12.0 on Python 3.11 drops one reference to None per void Qt call (and to
True per ``Signal.emit``), so a board or a kiosk aborts with "none_dealloc" within minutes.
setup.cfg keeps the binding below 6.12; this test fails on any build that leaks again.
"""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication, QLabel

class Beacon(QObject):
    fired = Signal(bool)

app = QApplication([])
label, beacon = QLabel(), Beacon()
before = (sys.getrefcount(None), sys.getrefcount(True))
for i in range(20_000):
    label.setText(str(i))
    beacon.fired.emit(True)
after = (sys.getrefcount(None), sys.getrefcount(True))
print(after[0] - before[0], after[1] - before[1])
"""


def test_void_calls_and_emits_do_not_leak_singleton_references() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    none_delta, true_delta = map(int, done.stdout.split())
    assert abs(none_delta) < 100 and abs(true_delta) < 100, (none_delta, true_delta)
