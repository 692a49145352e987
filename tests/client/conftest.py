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
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 15.0


class ServerProcess:
    """One demo server on 127.0.0.1; ``port`` stays the same across ``kill()`` / ``start()``."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.port = 0
        self.proc: subprocess.Popen[str] | None = None
        self.log: list[str] = []
        self._listening = threading.Event()
        self._drainer: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/"

    def start(self) -> None:
        assert self.proc is None, "already running"
        env = {**os.environ, "TALON_DATA_DIR": str(self.data_dir), "PYTHONUNBUFFERED": "1"}
        self._listening.clear()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "queue_server.cli", "run", "--demo", "--host", "127.0.0.1",
             "--port", str(self.port), "--printer", f"kiosk-printer=file://{self.data_dir}/printer.bin"],
            cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            text=True,
        )
        self._drainer = threading.Thread(target=self._drain, args=(self.proc,), daemon=True)
        self._drainer.start()
        if not self._listening.wait(START_TIMEOUT_S):
            self.stop()
            raise RuntimeError("the server did not say where it listens:\n" + "".join(self.log[-30:]))

    def _drain(self, proc: subprocess.Popen[str]) -> None:
        """Read the server's log to its end (a full pipe would block the server)."""
        assert proc.stderr is not None
        for line in proc.stderr:
            self.log.append(line)
            if "listening on 127.0.0.1:" in line and not self._listening.is_set():
                self.port = int(line.split("listening on 127.0.0.1:", 1)[1].split()[0])
                self._listening.set()

    def kill(self) -> None:
        """SIGKILL, as a crash: no close frames, nothing flushed."""
        proc, self.proc = self.proc, None
        assert proc is not None
        os.kill(proc.pid, signal.SIGKILL)
        self._reap(proc)

    def stop(self) -> None:
        """SIGTERM (a clean stop), SIGKILL if it does not end in time; by pid, only ours."""
        proc, self.proc = self.proc, None
        if proc is None:
            return
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGTERM)
            try:
                proc.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, signal.SIGKILL)
        self._reap(proc)

    def _reap(self, proc: subprocess.Popen[str]) -> None:
        proc.wait(STOP_TIMEOUT_S)
        if self._drainer is not None:
            self._drainer.join(STOP_TIMEOUT_S)
        if proc.stderr is not None:
            proc.stderr.close()


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
