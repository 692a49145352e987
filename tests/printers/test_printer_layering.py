"""printers is a leaf: it imports no other Talon package and no Qt (DESIGN.md, the house)."""

from __future__ import annotations

import subprocess
import sys

FORBIDDEN = ("queue_server", "queue_protocol", "kiosk", "operator_console", "hall_display", "PySide6")


def test_printers_imports_no_other_talon_package_and_no_qt() -> None:
    code = (
        "import sys, pkgutil, importlib, printers\n"
        "for m in pkgutil.walk_packages(printers.__path__, 'printers.'):\n"
        "    importlib.import_module(m.name)\n"
        f"print(sorted(n for n in sys.modules if n.split('.')[0] in {FORBIDDEN!r}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
