"""Render -> real socket / real pty -> emulator decodes what would be on paper."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from printers import EmulatedPrinter, PrinterProfile, TicketLayout, connect, render_ticket

QR = "https://talon.example/s/D015-7Q4K"


def send(url: str, data: bytes) -> None:
    transport = connect(url)
    try:
        transport.write(data)
    finally:
        transport.close()


def assert_ticket_content(emulator: EmulatedPrinter, columns: int) -> None:
    (ticket,) = emulator.wait_for_tickets(1, timeout=5)
    assert ticket.cut
    assert ticket.find("Д015") is not None and ticket.find("Д015").width > 1  # type: ignore[union-attr]
    text = ticket.text
    assert 'МФЦ "Мои документы"' in text
    assert 'Выдача готовых документов - "срочно"' in " ".join(line.text for line in ticket.lines)
    for fragment in ("22.11.2026 14:05", "Перед вами: 3 чел.", "Ожидание: ~12 мин", "PIN-код: 4821"):
        assert fragment in text
    assert ticket.qr_payloads == [QR]
    assert "Д   0   1   5" in ticket.to_text(columns)


def test_text_ticket_over_tcp(emulator: EmulatedPrinter, tcp_url: str, ticket: TicketLayout) -> None:
    send(tcp_url, render_ticket(ticket, PrinterProfile()))
    assert_ticket_content(emulator, 48)


def test_text_ticket_over_a_pty(emulator: EmulatedPrinter, pty_url: str, ticket: TicketLayout) -> None:
    send(pty_url + "&flow=rtscts", render_ticket(ticket, PrinterProfile(paper_width_mm=58)))
    assert_ticket_content(emulator, 32)


@pytest.mark.parametrize(("width", "dots"), [(80, 576), (58, 384)])
def test_raster_ticket_over_tcp(emulator: EmulatedPrinter, tcp_url: str, ticket: TicketLayout,
                                width: int, dots: int) -> None:
    send(tcp_url, render_ticket(ticket, PrinterProfile(paper_width_mm=width, mode="raster")))
    (decoded,) = emulator.wait_for_tickets(1, timeout=5)
    (image,) = decoded.images
    assert image.width == dots and image.height > dots
    assert image.convert("L").getextrema() == (0, 255)  # black and white, not blank
    assert decoded.lines == []


def test_many_tickets_on_one_connection_in_order(emulator: EmulatedPrinter, tcp_url: str,
                                                 make_ticket: object) -> None:
    numbers = [f"А{n:03d}" for n in range(1, 21)]
    data = b"".join(render_ticket(make_ticket(number=n), PrinterProfile()) for n in numbers)  # type: ignore[operator]
    send(tcp_url, data)
    tickets = emulator.wait_for_tickets(20, timeout=5)
    assert [t.lines[4].text for t in tickets] == numbers


def test_wrong_code_table_prints_mojibake(tcp_url: str, emulator: EmulatedPrinter,
                                          ticket: TicketLayout) -> None:
    send(tcp_url, render_ticket(ticket, PrinterProfile.for_model("rongta")))  # ESC t 7 on an Epson
    (decoded,) = emulator.wait_for_tickets(1, timeout=5)
    assert "Перед вами" not in decoded.text


def test_other_code_table_emulation(ticket: TicketLayout) -> None:
    with EmulatedPrinter(codepage_table=10) as star:
        host, port = star.start_tcp()
        send(f"tcp://{host}:{port}", render_ticket(ticket, PrinterProfile.for_model("star")))
        assert "Перед вами: 3 чел." in star.wait_for_tickets(1, timeout=5)[0].text


@pytest.mark.parametrize("state", ["out", "cover_open", "dead"])
def test_unprintable_states_drop_tickets(emulator: EmulatedPrinter, tcp_url: str, ticket: TicketLayout,
                                         state: str) -> None:
    emulator.set_state(state)
    send(tcp_url, render_ticket(ticket, PrinterProfile()))
    deadline = time.monotonic() + 5
    while emulator.lost == 0 and time.monotonic() < deadline:  # decoded on the emulator's thread
        time.sleep(0.01)
    emulator.set_state("ok")
    send(tcp_url, render_ticket(ticket, PrinterProfile()))
    emulator.wait_for_tickets(1, timeout=5)
    assert (emulator.printed, emulator.lost) == (1, 1)


def test_wait_for_tickets_is_bounded(emulator: EmulatedPrinter) -> None:
    with pytest.raises(TimeoutError):
        emulator.wait_for_tickets(1, timeout=0.2)


def test_save_dir(tmp_path: Path, ticket: TicketLayout) -> None:
    with EmulatedPrinter(save_dir=tmp_path) as printer:
        host, port = printer.start_tcp()
        send(f"tcp://{host}:{port}", render_ticket(ticket, PrinterProfile()))
        send(f"tcp://{host}:{port}", render_ticket(ticket, PrinterProfile(mode="raster")))
        printer.wait_for_tickets(2, timeout=5)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "ticket-0001.txt", "ticket-0002-1.png", "ticket-0002.txt"]
    assert "Перед вами: 3 чел." in (tmp_path / "ticket-0001.txt").read_text(encoding="utf-8")


def test_control_port_changes_state(emulator: EmulatedPrinter) -> None:
    host, port = emulator.start_control()

    def ask(line: str) -> str:
        with socket.create_connection((host, port), timeout=2) as conn:
            conn.sendall(line.encode() + b"\n")
            return conn.makefile("r", encoding="utf-8").readline().strip()

    assert ask("state out") == "ok out" and emulator.state == "out"
    assert ask("state") == "out"
    assert ask("state melted").startswith("error")
    assert ask("tickets") == "0"


def test_stop_is_prompt_and_idempotent(ticket: TicketLayout) -> None:
    printer = EmulatedPrinter()
    host, port = printer.start_tcp()
    printer.start_pty()
    idle = connect(f"tcp://{host}:{port}")  # a client that never closes
    try:
        printer.stop(timeout=2)
        printer.stop(timeout=2)
    finally:
        idle.close()
