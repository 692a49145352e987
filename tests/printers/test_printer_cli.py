"""The talon-printer command as a real process: emulate over TCP and a pty, status, test-print."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from printers import PrinterStatus, probe
from printers.cli import main

CLI = [sys.executable, "-m", "printers.cli"]


class Emulator:
    """A running ``talon-printer emulate`` child whose stdout lines arrive on a queue."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.proc = proc
        self.lines: queue.Queue[str] = queue.Queue()
        self.reader = threading.Thread(target=self._read, name="cli-test-reader", daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.put(line.rstrip("\n"))

    def line(self, timeout: float = 10) -> str:
        try:
            return self.lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError("the emulator printed nothing in time") from None


@pytest.fixture
def emulate(tmp_path: Path) -> Iterator[Emulator]:
    """``talon-printer emulate --tcp 127.0.0.1:0 --serial`` as a child process."""
    with open(tmp_path / "stderr.txt", "w") as stderr:
        proc = subprocess.Popen([*CLI, "emulate", "--tcp", "127.0.0.1:0", "--serial",
                                 "--save-dir", str(tmp_path / "saved")],
                                stdout=subprocess.PIPE, stderr=stderr, text=True)
    child = Emulator(proc)
    try:
        yield child
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        child.reader.join(5)
        assert proc.stdout is not None
        proc.stdout.close()


def test_emulate_prints_tickets_and_cycles_state_on_sigusr1(emulate: Emulator, tmp_path: Path) -> None:
    tcp_url, serial_url = emulate.line(), emulate.line()
    assert tcp_url.startswith("tcp://127.0.0.1:") and serial_url.startswith("serial:///dev/")
    assert main(["test-print", tcp_url]) == 0
    assert main(["test-print", serial_url, "--width", "58", "--mode", "raster"]) == 0
    echoed = [emulate.line() for _ in range(12)]
    assert any("Д   0   1   5" in line for line in echoed)
    assert probe(tcp_url) == PrinterStatus.OK
    emulate.proc.send_signal(signal.SIGUSR1)  # ok -> near_end
    deadline = time.monotonic() + 5
    while probe(tcp_url) != PrinterStatus.NEAR_END and time.monotonic() < deadline:
        time.sleep(0.05)
    assert probe(serial_url) == PrinterStatus.NEAR_END
    deadline = time.monotonic() + 5
    while len(list((tmp_path / "saved").glob("*"))) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sorted(p.name for p in (tmp_path / "saved").iterdir()) == [
        "ticket-0001.txt", "ticket-0002-1.png", "ticket-0002.txt"]


def test_status_command_exit_codes(closed_port: int, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", f"tcp://127.0.0.1:{closed_port}"]) == 1
    assert capsys.readouterr().out.strip() == "offline"
    assert main(["status", "gopher://printer"]) == 2


def test_preview(tmp_path: Path) -> None:
    out = tmp_path / "preview.png"
    assert main(["preview", str(out), "--width", "58", "--lang", "en"]) == 0
    assert out.stat().st_size > 1000


def test_console_script_is_declared() -> None:
    script = Path(sys.executable).parent / "talon-printer"
    if not script.exists():
        pytest.skip("console script not installed in this environment")
    done = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=30,
                          env={**os.environ, "PYTHONWARNINGS": "ignore"})
    assert done.returncode == 0 and "emulate" in done.stdout
