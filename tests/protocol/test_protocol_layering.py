"""queue_protocol is a leaf, and its codec is pure (STYLE.md lessons 4 and 10).

Two views of the same rule: the source's import statements, and what a fresh interpreter
has loaded after importing the package (which also catches imports hidden in dependencies).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "queue_protocol"
PURE = ["__init__", "codec", "enums", "messages", "replies", "views", "wire_time"]
OURS = {"queue_server", "printers", "kiosk", "operator_console", "hall_display"}
NEVER = OURS | {"sqlalchemy", "alembic", "PySide6", "shiboken6", "escpos"}
NOT_IN_THE_CODEC = {"asyncio", "websockets", "socket", "ssl", "threading", "selectors"}


def imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: p.name)
def test_no_module_of_the_package_imports_our_other_packages(path: Path) -> None:
    roots = imported_roots(path)
    allowed = NEVER - {"PySide6", "shiboken6"} if path.stem.startswith("qt") else NEVER
    assert not roots & allowed, f"{path.name} imports {roots & allowed}"


@pytest.mark.parametrize("name", PURE)
def test_the_pure_modules_import_the_standard_library_and_msgspec_only(name: str) -> None:
    roots = imported_roots(PACKAGE / f"{name}.py")
    foreign = {r for r in roots if r not in sys.stdlib_module_names and r not in {"msgspec", "__future__"}}
    assert not foreign, foreign
    assert not roots & NOT_IN_THE_CODEC


def test_a_fresh_interpreter_loads_nothing_forbidden() -> None:
    code = (
        "import json, sys\n"
        f"import {', '.join('queue_protocol.' + n if n != '__init__' else 'queue_protocol' for n in PURE)}\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True, timeout=60)
    loaded = set(json.loads(done.stdout))
    assert "queue_protocol" in loaded and "msgspec" in loaded
    assert not loaded & (NEVER | NOT_IN_THE_CODEC), loaded & (NEVER | NOT_IN_THE_CODEC)
