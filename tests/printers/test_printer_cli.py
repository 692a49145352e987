"""The talon-printer command: sample, test, status (each emulated state), emulate, preview."""

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

from printers import EmulatedPrinter, PrinterStatus, probe
from printers.cli import main
from printers.escpos_decoder import DecodedTicket, EscPosDecoder, TicketDecoded

CLI = [sys.executable, "-m", "printers.cli"]
SAMPLE_QR = "https://talon.example/s/A015-7Q4K"


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


def decode(data: bytes, table: int = 17) -> list[DecodedTicket]:
    decoder = EscPosDecoder(table)
    events = decoder.feed(data) + decoder.close()
    return [e.ticket for e in events if isinstance(e, TicketDecoded)]


# -- sample ---------------------------------------------------------------------------------


def test_sample_writes_the_issue_ticket_as_text_escpos(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "sample.bin"
    assert main(["sample", "--out", str(out)]) == 0
    assert f"{out}: " in capsys.readouterr().out
    data = out.read_bytes()
    assert data.startswith(b"\x1b@\x1bt\x11")  # ESC @, ESC t 17 (Epson's CP866)
    [ticket] = decode(data)
    texts = [line.text for line in ticket.lines]
    assert texts[:2] == ["МФЦ Азовского района", "Паспорт РФ"]
    number = ticket.find("А015")
    assert number is not None and number.text == "А015" and number.width == 4  # Cyrillic А, big
    assert ticket.qr_payloads == [SAMPLE_QR]
    assert ticket.cut


def test_sample_table_and_width_options_change_the_bytes(tmp_path: Path) -> None:
    star = tmp_path / "star.bin"
    assert main(["sample", "--out", str(star), "--model", "star", "--width", "58"]) == 0
    data = star.read_bytes()
    assert data.startswith(b"\x1b@\x1bt\x0a")  # Star numbers CP866 as table 10
    [ticket] = decode(data, table=10)
    assert ticket.find("Паспорт РФ") is not None
    assert all(len(line.text) <= 32 for line in ticket.lines)  # 58 mm: 32 columns
    assert main(["sample", "--out", str(star), "--table", "7"]) == 0
    assert star.read_bytes().startswith(b"\x1b@\x1bt\x07")
    cheap = tmp_path / "zjiang.bin"
    assert main(["sample", "--out", str(cheap), "--model", "zjiang"]) == 0  # its own width: 58 mm
    [ticket] = decode(cheap.read_bytes(), table=59)
    assert ticket.qr_payloads == [] and ticket.images[0].width <= 384  # no GS ( k: the QR as an image
    assert all(len(line.text) <= 32 for line in ticket.lines)


def test_sample_raster_58_is_one_image_without_text(tmp_path: Path) -> None:
    out = tmp_path / "raster.bin"
    assert main(["sample", "--out", str(out), "--width", "58", "--mode", "raster"]) == 0
    [ticket] = decode(out.read_bytes())
    assert ticket.lines == [] and ticket.qr_payloads == []
    [image] = ticket.images
    assert image.width == 384 and image.height > 400  # 58 mm = 384 dots; the QR is in the picture


def test_sample_to_stdout(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    assert main(["sample", "--out", "-"]) == 0
    captured = capsysbinary.readouterr()
    [ticket] = decode(captured.out)
    assert ticket.find("А015") is not None
    assert b"bytes" in captured.err


def test_sample_requires_out_and_refuses_a_bad_width(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as no_out:
        main(["sample"])
    assert no_out.value.code == 2
    with pytest.raises(SystemExit) as bad_width:
        main(["sample", "--out", str(tmp_path / "x"), "--width", "76"])
    assert bad_width.value.code == 2
    assert main(["sample", "--out", str(tmp_path / "no-such-dir" / "x.bin")]) == 2


# -- status ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("state", "expected", "code"), [
    ("ok", "ok", 0),
    ("near_end", "near_end", 0),
    ("out", "paper_out", 1),
    ("cover_open", "cover_open", 1),
    ("dead", "unknown", 1),
])
def test_status_of_each_emulated_state(emulator: EmulatedPrinter, tcp_url: str, state: str, expected: str,
                                       code: int, capsys: pytest.CaptureFixture[str]) -> None:
    emulator.set_state(state)
    started = time.monotonic()
    assert main(["status", "--printer", tcp_url, "--timeout", "0.5", "--verbose"]) == code
    elapsed = time.monotonic() - started
    captured = capsys.readouterr()
    assert captured.out.strip() == expected
    assert elapsed < 0.5 + 0.4, f"status took {elapsed:.2f} s with a 0.5 s timeout"
    assert "DLE EOT 1" in captured.err
    if state == "dead":
        assert "DLE EOT 1: none" in captured.err  # silence is "unknown", never "ok"


def test_status_over_a_pty_serial_line(emulator: EmulatedPrinter, pty_url: str,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    emulator.set_state("near_end")
    assert main(["status", "--printer", pty_url]) == 0
    assert capsys.readouterr().out.strip() == "near_end"


def test_status_command_exit_codes(closed_port: int, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", "--printer", f"tcp://127.0.0.1:{closed_port}"]) == 1
    assert capsys.readouterr().out.strip() == "offline"
    assert main(["status", f"tcp://127.0.0.1:{closed_port}"]) == 1  # the old spelling
    assert capsys.readouterr().out.strip() == "offline"
    assert main(["status", "--printer", "gopher://printer"]) == 2
    assert "unknown printer URL scheme" in capsys.readouterr().err
    assert main(["status", "--printer", "file:///dev/null"]) == 1  # write-only: never "ok"
    assert capsys.readouterr().out.strip() == "unknown"
    with pytest.raises(SystemExit) as missing:
        main(["status"])
    assert missing.value.code == 2


# -- test -----------------------------------------------------------------------------------


def test_test_prints_the_sample_on_the_printer(emulator: EmulatedPrinter, tcp_url: str,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", "--printer", tcp_url]) == 0
    assert "status ok" in capsys.readouterr().out
    [ticket] = emulator.wait_for_tickets(1, 5)
    assert ticket.find("МФЦ Азовского района") is not None and ticket.qr_payloads == [SAMPLE_QR]
    emulator.set_state("near_end")
    assert main(["test", "--printer", tcp_url, "--mode", "raster", "--width", "58"]) == 0
    assert "near its end" in capsys.readouterr().out
    assert emulator.wait_for_tickets(2, 5)[-1].images[0].width == 384


@pytest.mark.parametrize(("state", "reason"), [("out", "paper_out"), ("cover_open", "cover_open"),
                                               ("dead", "timeout")])
def test_test_reports_why_nothing_printed(emulator: EmulatedPrinter, tcp_url: str, state: str, reason: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    emulator.set_state(state)
    started = time.monotonic()
    assert main(["test", "--printer", tcp_url, "--timeout", "1"]) == 1
    assert time.monotonic() - started < 3
    assert f"not printed: {reason}" in capsys.readouterr().err
    assert emulator.printed == 0


def test_test_on_a_closed_port_and_a_write_only_file(closed_port: int, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["test", "--printer", f"tcp://127.0.0.1:{closed_port}"]) == 1
    assert "not printed: offline" in capsys.readouterr().err
    spool = tmp_path / "lp0"
    assert main(["test", "--printer", f"file://{spool}"]) == 0
    assert "status unknown" in capsys.readouterr().out
    [ticket] = decode(spool.read_bytes())
    assert ticket.find("Паспорт РФ") is not None
    with pytest.raises(SystemExit) as two:
        main(["test", "--printer", "tcp://127.0.0.1:9", "tcp://127.0.0.1:10"])
    assert two.value.code == 2


# -- emulate, preview, the console script ---------------------------------------------------


def test_emulate_prints_tickets_and_cycles_state_on_sigusr1(emulate: Emulator, tmp_path: Path) -> None:
    tcp_url, serial_url = emulate.line(), emulate.line()
    assert tcp_url.startswith("tcp://127.0.0.1:") and serial_url.startswith("serial:///dev/")
    assert main(["test", "--printer", tcp_url]) == 0
    assert main(["test-print", serial_url, "--width", "58", "--mode", "raster"]) == 0  # the old spelling
    echoed = [emulate.line() for _ in range(12)]
    assert any("А   0   1   5" in line for line in echoed)
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
    assert done.returncode == 0
    assert all(word in done.stdout for word in ("sample", "test", "status", "emulate", "preview"))
