"""DLE EOT status against the emulator in every state, over TCP and a pty."""

from __future__ import annotations

import time

import pytest

from printers import EmulatedPrinter, PrinterStatus, connect, probe, query_status
from printers.connections import memory_device
from printers.status import classify, query_status_report

EXPECTED = {
    "ok": PrinterStatus.OK,
    "near_end": PrinterStatus.NEAR_END,
    "out": PrinterStatus.PAPER_OUT,
    "cover_open": PrinterStatus.COVER_OPEN,
    "dead": PrinterStatus.UNKNOWN,  # silence is never "ok"
}


@pytest.mark.parametrize("state", sorted(EXPECTED))
@pytest.mark.parametrize("link", ["tcp", "pty"])
def test_every_emulator_state(emulator: EmulatedPrinter, link: str, state: str) -> None:
    url = f"tcp://127.0.0.1:{emulator.start_tcp()[1]}" if link == "tcp" else f"serial://{emulator.start_pty()}"
    emulator.set_state(state)
    transport = connect(url)
    try:
        started = time.monotonic()
        assert query_status(transport, timeout=0.5) == EXPECTED[state]
        assert time.monotonic() - started < 1.5
        emulator.set_state("ok")  # and it recovers on the same connection
        assert query_status(transport, timeout=1.0) == PrinterStatus.OK
    finally:
        transport.close()


def test_closed_port_is_offline(closed_port: int) -> None:
    assert probe(f"tcp://127.0.0.1:{closed_port}", timeout=1) == PrinterStatus.OFFLINE


def test_dead_printer_answers_nothing_within_the_timeout(emulator: EmulatedPrinter) -> None:
    emulator.set_state("dead")
    host, port = emulator.start_tcp()
    started = time.monotonic()
    assert probe(f"tcp://{host}:{port}", timeout=0.5) == PrinterStatus.UNKNOWN
    assert time.monotonic() - started < 1.5


def test_write_only_links_are_unknown(tmp_path: object) -> None:
    transport = connect(f"file://{tmp_path}/out.bin")
    try:
        assert query_status(transport) == PrinterStatus.UNKNOWN
    finally:
        transport.close()


def test_garbled_answer_is_unknown() -> None:
    device = memory_device("status-garbled")
    device.responder = lambda data: b"\x00" * data.count(b"\x10\x04")  # fixed bits missing
    report = query_status_report(connect("memory://status-garbled"), timeout=0.2)
    assert report.status == PrinterStatus.UNKNOWN and report.answers == {1: None}


def test_stale_answers_are_drained_first() -> None:
    device = memory_device("status-stale")
    device.replies += b"\x1e\x1e\x1e"  # a late answer from an earlier query
    device.responder = EmulatedPrinter().feed
    report = query_status_report(connect("memory://status-stale"))
    assert report.status == PrinterStatus.OK and report.answers == {1: 0x12, 2: 0x12, 4: 0x12}


@pytest.mark.parametrize(
    ("printer", "cause", "paper", "expected"),
    [
        (0x12, 0x12, 0x12, PrinterStatus.OK),
        (0x12, 0x12, 0x12 | 0x04, PrinterStatus.NEAR_END),  # one near-end bit is enough
        (0x12, 0x12, 0x12 | 0x0C, PrinterStatus.NEAR_END),
        (0x1A, 0x32, 0x7E, PrinterStatus.PAPER_OUT),
        (0x1A, 0x12, 0x12 | 0x20, PrinterStatus.PAPER_OUT),
        (0x1A, 0x32, 0x12, PrinterStatus.PAPER_OUT),  # "stopped by paper end" cause bit
        (0x1A, 0x16, 0x12, PrinterStatus.COVER_OPEN),
        (0x1A, 0x36, 0x7E, PrinterStatus.COVER_OPEN),  # changing the roll: cover wins
        (0x1A, 0x12, 0x12, PrinterStatus.OFFLINE),
        (0x12, 0x52, 0x12, PrinterStatus.OFFLINE),  # error bit
    ],
)
def test_bit_mapping(printer: int, cause: int, paper: int, expected: PrinterStatus) -> None:
    assert classify(printer, cause, paper) == expected
