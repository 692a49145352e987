"""`make lint` inside `make test`: ruff and mypy run over the repository and must pass.

CI runs only the test suite, so the lint is proven here: the venv's own ruff, and mypy with
the configuration of setup.cfg (strict, every package).  mypy keeps its cache in the
repository's .mypy_cache (ignored by git), so a second run takes a second or two.
"""

from __future__ import annotations

import configparser
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
TIMEOUT_S = 240


def run(*command: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(part) for part in command], cwd=ROOT, capture_output=True, text=True,
                          timeout=TIMEOUT_S, check=False)


def test_ruff_passes() -> None:
    done = run(BIN / "ruff", "check", "--no-cache", ".")
    assert done.returncode == 0, f"ruff check . failed:\n{done.stdout}{done.stderr}"


def test_mypy_passes_on_every_configured_package() -> None:
    done = run(sys.executable, "-m", "mypy")
    assert done.returncode == 0, f"mypy failed:\n{done.stdout}{done.stderr}"
    assert "Success: no issues found" in done.stdout, done.stdout


def test_mypy_checks_every_installed_package() -> None:
    """A new package gets type-checked too: mypy's list is the distribution's list."""
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg", encoding="utf-8")
    shipped = {line.strip().rstrip("*") for line in config["options.packages.find"]["include"].split() if line.strip()}
    checked = {name.strip() for name in config["mypy"]["packages"].split(",")}
    assert shipped == checked
