"""Fixtures for the printer tests: sample tickets (as factories), live emulators, a dead port.

With ``--import-mode=importlib`` test modules cannot import helpers by name, so the helpers
are handed out as fixtures (``make_ticket``, ``make_logo``, ``ticket``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from PIL import Image, ImageDraw

from printers import EmulatedPrinter, TicketLayout

SERVICE = "Выдача готовых документов — «срочно»"
OFFICE = "МФЦ «Мои документы» Кировского района"
QR = "https://talon.example/s/D015-7Q4K"


def make_ticket(**overrides: object) -> TicketLayout:
    values: dict[str, object] = dict(
        office_name=OFFICE,
        service_name=SERVICE,
        number="Д015",
        issued_at=datetime(2026, 11, 22, 9, 5, tzinfo=UTC),
        timezone="Asia/Yekaterinburg",  # UTC+5: printed as 14:05
        people_ahead=3,
        estimated_wait_min=12,
        qr_payload=QR,
        pin="4821",
        footer="Сохраняйте талон до конца приёма. № окна – на табло.",
    )
    values.update(overrides)
    return TicketLayout(**values)  # type: ignore[arg-type]


def make_logo() -> Image.Image:
    """A deterministic logo (rectangles only, so every Pillow version draws the same dots)."""
    logo = Image.new("RGB", (240, 80), "white")
    draw = ImageDraw.Draw(logo)
    draw.rectangle((0, 0, 239, 79), outline="black", width=4)
    draw.rectangle((20, 20, 60, 60), fill="black")
    draw.rectangle((80, 30, 220, 50), fill="black")
    return logo


@pytest.fixture(name="make_ticket")
def make_ticket_fixture() -> Callable[..., TicketLayout]:
    return make_ticket


@pytest.fixture(name="make_logo")
def make_logo_fixture() -> Callable[[], Image.Image]:
    return make_logo


@pytest.fixture
def ticket() -> TicketLayout:
    return make_ticket()


@pytest.fixture
def emulator() -> Iterator[EmulatedPrinter]:
    printer = EmulatedPrinter()
    try:
        yield printer
    finally:
        printer.stop()


@pytest.fixture
def tcp_url(emulator: EmulatedPrinter) -> str:
    host, port = emulator.start_tcp("127.0.0.1", 0)
    return f"tcp://{host}:{port}?timeout=2"


@pytest.fixture
def pty_url(emulator: EmulatedPrinter) -> str:
    return f"serial://{emulator.start_pty()}?baudrate=19200&timeout=2"


@pytest.fixture
def closed_port() -> int:
    """A 127.0.0.1 port with nothing listening (bound then released)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(autouse=True)
def no_leaked_threads() -> Iterator[None]:
    """Every emulator and worker thread a test starts is finished when it ends."""
    before = set(threading.enumerate())
    yield
    deadline = time.monotonic() + 3
    while True:
        leaked = [t for t in threading.enumerate() if t not in before and t.is_alive()
                  and t.name.startswith(("emulator-", "printer-"))]
        if not leaked or time.monotonic() > deadline:
            break
        time.sleep(0.02)
    assert not leaked, f"threads left running: {[t.name for t in leaked]}"
