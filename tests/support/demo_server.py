"""``talon-server run --demo`` (or ``--config FILE``) as a child process on 127.0.0.1, for the app and client tests.

The port and the data directory stay the same across ``stop()`` / ``kill()`` / ``start()``,
so a test can crash the server and bring it back where its clients expect it.  Only the
process started here is ever signalled, by its pid.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 15.0


class DemoServer:
    def __init__(self, data_dir: Path, extra_args: Sequence[str] = (), config: Path | None = None) -> None:
        self.data_dir = data_dir
        self.extra_args = list(extra_args)
        self.config = config   # a configuration file instead of --demo: a test rewrites it and sends config.reload
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
            [sys.executable, "-m", "queue_server.cli", "run",
             *(["--config", str(self.config)] if self.config is not None else ["--demo"]), "--host", "127.0.0.1",
             "--port", str(self.port), *self.extra_args],
            cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
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
        if proc is not None:
            os.kill(proc.pid, signal.SIGKILL)
            self._reap(proc)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it does not end in time."""
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
