"""Import python-escpos without its litter: one cached capabilities file per user and version.

On every import, ``escpos.capabilities`` calls ``mkdtemp()`` (a default argument, evaluated even
when ``ESCPOS_CAPABILITIES_PICKLE_DIR`` is set), parses its capabilities YAML when no pickle is
in that folder (0.1–0.25 s) and leaves the folder behind: one new directory in /tmp per process
that prints or renders a ticket.  Here the pickle lives in ``~/.cache/talon/escpos-<version>``,
is written there atomically (several processes start at once), and the empty folder escpos made
is removed.  If the cache folder cannot be made, escpos is imported as it comes.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

ENV = "ESCPOS_CAPABILITIES_PICKLE_DIR"


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    try:
        release = version("python-escpos")
    except PackageNotFoundError:
        release = "unknown"
    return Path(base) / "talon" / f"escpos-{release}"


def import_escpos() -> None:
    """Import ``escpos.capabilities`` once, through the per-user cache."""
    if "escpos.capabilities" in sys.modules or ENV in os.environ:
        return
    cache = cache_dir()
    try:
        cache.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError:
        return
    pickles = list(cache.glob("*.capabilities.pickle"))
    private = None if pickles else Path(tempfile.mkdtemp(prefix="talon-escpos-"))
    os.environ[ENV] = str(private or cache)
    made: list[str] = []
    try:
        _import_tracking_mkdtemp(made)
    finally:
        del os.environ[ENV]
        for path in made:
            with contextlib.suppress(OSError):
                os.rmdir(path)   # empty: the pickle went to the folder named in ENV
        if private is not None:
            for pickle in private.glob("*.capabilities.pickle"):
                with contextlib.suppress(OSError):
                    os.replace(pickle, cache / pickle.name)   # atomic: no reader sees half a file
            shutil.rmtree(private, ignore_errors=True)


def _import_tracking_mkdtemp(made: list[str]) -> None:
    real: Callable[..., str] = tempfile.mkdtemp

    def tracking(*args: object, **kwargs: object) -> str:
        path = real(*args, **kwargs)
        made.append(path)
        return path

    tempfile.mkdtemp = tracking  # type: ignore[assignment]   # escpos binds it by `from tempfile import mkdtemp`
    try:
        import escpos.capabilities  # noqa: F401
    finally:
        tempfile.mkdtemp = real  # type: ignore[assignment]   # `real` is typed loosely to forward any arguments


import_escpos()   # on import of `printers`, before anything imports escpos
