"""The arrows of DESIGN.md point down only; this test reads every import to prove it.

core imports the standard library only and no asyncio; queue_protocol imports none of our
other packages (only its Qt bridge may import PySide6); queue_server imports no PySide6 and
no app; printers is a leaf; the apps import neither queue_server nor SQLAlchemy.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = {"kiosk", "operator_console", "hall_display"}
OURS = {"queue_server", "queue_protocol", "printers", *APPS}


def imports_of(package: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / package.replace(".", "/")).rglob("*.py")):
        if "migrations" in path.parts:
            continue
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module if node.module.startswith("queue_server") else node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = names
    return found


def test_core_is_standard_library_only_and_sans_io() -> None:
    for module, names in imports_of("queue_server.core").items():
        foreign = {n for n in names if n not in sys.stdlib_module_names and not n.startswith("queue_server.core")}
        assert not foreign, f"{module} imports {foreign}"
        assert not names & {"asyncio", "socket", "sqlite3", "threading", "time"}, module


@pytest.mark.parametrize("package, forbidden", [
    ("queue_protocol", {"queue_server", "printers", "sqlalchemy", *APPS}),
    ("printers", {"queue_server", "queue_protocol", "PySide6", "sqlalchemy", *APPS}),
    ("queue_server", {"PySide6", *APPS}),
    *[(app, {"queue_server", "sqlalchemy", "printers", "escpos"}) for app in sorted(APPS)],
])
def test_imports_point_down_only(package: str, forbidden: set[str]) -> None:
    for module, names in imports_of(package).items():
        roots = {n.split(".")[0] for n in names}
        assert not roots & forbidden, f"{module} imports {roots & forbidden}"


def test_only_the_qt_bridge_of_queue_protocol_imports_pyside6() -> None:
    for module, names in imports_of("queue_protocol").items():
        if "PySide6" in names:
            assert module.endswith("qt_bridge.py"), module


def test_queue_server_layers_below_core_do_not_import_upwards() -> None:
    for module, names in imports_of("queue_server.store").items():
        ours = {n for n in names if n.startswith("queue_server")}
        assert all(n.startswith(("queue_server.core", "queue_server.store")) for n in ours), f"{module}: {ours}"
