"""Printer URLs and transports (real sockets, real files, a real pty)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from printers import ConnectError, EmulatedPrinter, PrinterConfigError, TransportError, connect, parse_url
from printers.connections import memory_device
from printers.transports import (
    CupsTransport,
    FileTransport,
    MemoryTransport,
    SerialTransport,
    TcpTransport,
    UsbTransport,
)


@pytest.mark.parametrize(
    ("url", "kind", "attrs"),
    [
        ("tcp://127.0.0.1:9100", TcpTransport, {"host": "127.0.0.1", "port": 9100}),
        ("tcp://printer.local", TcpTransport, {"port": 9100, "timeout": 3.0}),
        ("tcp://127.0.0.1:9101?timeout=0.5", TcpTransport, {"port": 9101, "timeout": 0.5}),
        ("serial:///dev/ttyUSB0?baudrate=19200&flow=rtscts", SerialTransport,
         {"port": "/dev/ttyUSB0", "baudrate": 19200, "flow": "rtscts"}),
        ("serial:///dev/ttyS0", SerialTransport, {"baudrate": 9600, "flow": "none"}),
        ("usb://04b8:0202", UsbTransport, {"vid": 0x04B8, "pid": 0x0202, "in_ep": 0x82}),
        ("usb://0416:5011?in_ep=0x81&out_ep=0x03", UsbTransport, {"in_ep": 0x81, "out_ep": 0x03}),
        ("file:///dev/usb/lp0", FileTransport, {"path": "/dev/usb/lp0"}),
        ("cups://Kiosk_Printer", CupsTransport, {"queue": "Kiosk_Printer"}),
        ("memory://", MemoryTransport, {"name": "default"}),
        ("memory://kiosk-3", MemoryTransport, {"name": "kiosk-3"}),
    ],
)
def test_good_urls(url: str, kind: type, attrs: dict[str, object]) -> None:
    transport = parse_url(url)
    assert isinstance(transport, kind)
    for name, value in attrs.items():
        assert getattr(transport, name) == value


@pytest.mark.parametrize(
    "url",
    [
        "", "9100", "http://printer:9100", "tcp://", "tcp://host:port", "tcp://host:99999",
        "tcp://host:9100/path", "serial://dev/ttyUSB0", "serial:///dev/ttyUSB0?flow=magic",
        "serial:///dev/ttyUSB0?baudrate=fast", "serial:///dev/ttyUSB0?baud=9600",
        "usb://04b8", "usb://zzzz:0202", "file://relative/path", "cups://", "tcp://h?timeout=-1",
        "tcp://h?timeout=soon",
    ],
)
def test_bad_urls_are_config_errors(url: str) -> None:
    with pytest.raises(PrinterConfigError) as caught:
        parse_url(url)
    assert str(caught.value)


def test_tcp_to_a_closed_port_is_a_connect_error(closed_port: int) -> None:
    started = time.monotonic()
    with pytest.raises(ConnectError):
        connect(f"tcp://127.0.0.1:{closed_port}?timeout=1")
    assert time.monotonic() - started < 2


def test_missing_serial_device_is_a_connect_error() -> None:
    with pytest.raises(ConnectError):
        connect("serial:///dev/talon-no-such-tty")


def test_tcp_read_times_out_empty_and_detects_close(emulator: EmulatedPrinter, tcp_url: str) -> None:
    transport = connect(tcp_url)
    try:
        started = time.monotonic()
        assert transport.read(1, timeout=0.3) == b""  # nothing asked, nothing answered
        assert 0.25 < time.monotonic() - started < 1.5
        transport.write(b"\x10\x04\x01")
        assert transport.read(1, timeout=2) == b"\x12"
        emulator.stop()  # the printer goes away: the next read says so instead of hanging
        with pytest.raises(TransportError):
            for _ in range(20):
                transport.read(1, timeout=0.2)
    finally:
        transport.close()
        transport.close()  # idempotent


def test_serial_over_a_pty(pty_url: str) -> None:
    transport = connect(pty_url)
    try:
        transport.write(b"\x10\x04\x04")
        assert transport.read(1, timeout=2) == b"\x12"
    finally:
        transport.close()


def test_file_transport_appends_and_has_no_status(tmp_path: Path) -> None:
    path = tmp_path / "spool.bin"
    for chunk in (b"first", b"second"):
        transport = connect(f"file://{path}")
        assert not transport.bidirectional
        transport.write(chunk)
        assert transport.read(1, timeout=0.1) == b""
        transport.close()
    assert path.read_bytes() == b"firstsecond"


def test_memory_transport_records_and_answers() -> None:
    device = memory_device("connections-test")
    transport = connect("memory://connections-test")
    assert not transport.bidirectional
    transport.write(b"abc")
    assert bytes(device.written) == b"abc" and transport.read(1) == b""
    device.responder = lambda data: b"\x12" * data.count(b"\x10\x04")
    assert transport.bidirectional
    transport.write(b"\x10\x04\x01\x10\x04\x02")
    assert transport.read(8) == b"\x12\x12"


def test_usb_without_pyusb_or_device_is_a_connect_error() -> None:
    """No USB printer (or pyusb) on test machines: opening must fail cleanly, not crash."""
    with pytest.raises(ConnectError):
        connect("usb://04b8:0202?timeout=0.5")


def test_large_writes_are_chunked_with_a_progress_timeout(emulator: EmulatedPrinter, tcp_url: str) -> None:
    transport = connect(tcp_url)
    try:
        transport.write(b"\x1b@" + b"x" * 40 + b"\n" + b"\x1dv0\x00\x48\x00\x00\x08" + b"\x00" * (72 * 2048)
                        + b"\x1dV\x00")
    finally:
        transport.close()
    (ticket,) = emulator.wait_for_tickets(1, timeout=5)
    assert ticket.images[0].size == (576, 2048)
