"""The real Talon server as a subprocess, for the client's loopback tests.

``talon_server`` starts ``python -m queue_server.cli run --demo`` on 127.0.0.1 with a free
port (``--port 0``; the port is read from the ``listening on 127.0.0.1:PORT`` log line) and
a fresh data directory, so every test gets an empty SQLite database.  The kiosk's printer
writes to a file in that directory.  ``kill()`` SIGKILLs the process (by its pid) and
``start()`` starts it again on the same port and data directory.  The fixture stops the
process it started, by pid, whatever the test did.

QT_QPA_PLATFORM=offscreen is set here for the Qt bridge tests.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.demo_server import DemoServer

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")



class ServerProcess(DemoServer):
    """One demo server on 127.0.0.1; ``port`` stays the same across ``kill()`` / ``start()``."""

    def __init__(self, data_dir: Path) -> None:
        super().__init__(data_dir, ["--printer", f"kiosk-printer=file://{data_dir}/printer.bin"])



@pytest.fixture
def talon_server(tmp_path: Path) -> Iterator[ServerProcess]:
    server = ServerProcess(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def wait_until(predicate: object, timeout: float, what: str) -> None:
    """Poll ``predicate()`` (a plain callable) until true; fail with ``what`` after ``timeout`` s."""
    assert callable(predicate)
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.01)
