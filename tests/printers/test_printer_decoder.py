"""The pure ESC/POS decoder: commands, split input, garbage."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from printers import PrinterProfile, TicketLayout, render_ticket
from printers.escpos_decoder import (
    EscPosDecoder,
    Initialized,
    StatusRequested,
    TextLine,
    TicketDecoded,
)
from printers.raster import raster_bytes

ESC, GS = b"\x1b", b"\x1d"


def tickets(events: list[object]) -> list[TicketDecoded]:
    return [e for e in events if isinstance(e, TicketDecoded)]


def test_text_attributes_and_cut() -> None:
    data = (ESC + b"@" + ESC + b"t\x11" + ESC + b"a\x01" + ESC + b"E\x01" + "Талон".encode("cp866")
            + b"\n" + ESC + b"E\x00" + GS + b"!\x33" + b"A015\n" + GS + b"!\x00" + ESC + b"a\x02"
            + ESC + b"!\x38" + b"right\n" + GS + b"V\x41\x03")
    events = EscPosDecoder().feed(data)
    assert isinstance(events[0], Initialized)
    (ticket,) = [e.ticket for e in tickets(events)]
    assert ticket.cut
    assert ticket.lines == [
        TextLine("Талон", "center", True, 1, 1),
        TextLine("A015", "center", False, 4, 4),
        TextLine("right", "right", True, 2, 2),
    ]


def test_status_requests_are_events_in_stream_order() -> None:
    events = EscPosDecoder().feed(b"\x10\x04\x01\x10\x04\x02abc\x10\x04\x04")
    assert [e for e in events if isinstance(e, StatusRequested)] == [
        StatusRequested(1), StatusRequested(2), StatusRequested(4)]


def test_byte_by_byte_feeding_gives_the_same_ticket(ticket: TicketLayout) -> None:
    for profile in (PrinterProfile(), PrinterProfile(native_qr=False, paper_width_mm=58)):
        data = render_ticket(ticket, profile)
        whole = tickets(EscPosDecoder().feed(data))
        decoder = EscPosDecoder()
        pieces: list[object] = []
        for i in range(0, len(data), 7):
            pieces += decoder.feed(data[i:i + 7])
        split = tickets(pieces)
        assert [t.ticket.text for t in split] == [t.ticket.text for t in whole]
        assert [t.ticket.qr_payloads for t in split] == [t.ticket.qr_payloads for t in whole]
        assert [[i.tobytes() for i in t.ticket.images] for t in split] == \
               [[i.tobytes() for i in t.ticket.images] for t in whole]


def test_raster_bands_merge_into_one_image() -> None:
    image = Image.new("L", (200, 300), 255)
    image.paste(0, (10, 10, 190, 290))
    data = ESC + b"@" + raster_bytes(image, band_height=64) + GS + b"V\x00"
    assert data.count(GS + b"v0") == 5
    (event,) = tickets(EscPosDecoder().feed(data))
    (decoded,) = event.ticket.images
    assert decoded.size == (200, 300)
    assert decoded.getpixel((0, 0)) == 255 and decoded.getpixel((100, 150)) == 0


def test_esc_at_ends_an_uncut_ticket_and_close_flushes() -> None:
    decoder = EscPosDecoder()
    (first,) = tickets(decoder.feed(b"one\n" + ESC + b"@" + b"two\npartial"))
    assert first.ticket.text == "one" and not first.ticket.cut
    (rest,) = tickets(decoder.close())
    assert rest.ticket.text == "two\npartial"


def test_unknown_and_oversized_commands_are_skipped() -> None:
    data = (ESC + b"@" + ESC + b"\xee" + b"A\n" + GS + b"\xee" + b"B\n"
            + GS + b"v0\x00\xff\xff\xff\xff" + b"\x00" * 100  # claims 4 GB: skipped, not buffered
            )
    decoder = EscPosDecoder()
    events = decoder.feed(data)
    assert tickets(events) == []
    assert len(decoder._buf) == 0  # nothing is waiting for 4 GB to arrive
    assert [line.text for line in tickets(decoder.close())[0].ticket.lines] == ["A", "B"]


def test_qr_store_and_print() -> None:
    def k(fn: int, data: bytes, m: bytes = b"") -> bytes:
        body = b"1" + bytes([fn]) + m + data
        return GS + b"(k" + len(body).to_bytes(2, "little") + body

    data = k(65, b"2\x00") + k(67, b"\x06") + k(69, b"1") + k(80, "ПИН 1234".encode(), b"0") + k(81, b"", b"0")
    decoder = EscPosDecoder()
    decoder.feed(data + GS + b"V\x00")
    events = decoder.feed(k(81, b"", b"0") + GS + b"V\x00")  # print again without ESC @: still stored
    assert tickets(events)[0].ticket.qr_payloads == ["ПИН 1234"]


@settings(max_examples=400, database=None, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.binary(max_size=300), max_size=8))
def test_garbage_never_raises(chunks: list[bytes]) -> None:
    decoder = EscPosDecoder()
    for chunk in chunks:
        decoder.feed(chunk)
    decoder.close()


COMMANDS = st.sampled_from([
    b"\x1b", b"\x1d", b"\x10\x04", b"\x1d(k", b"\x1dv0\x00", b"\x1dV", b"\x1b@", b"\x1bt",
    b"\x1b*", b"\x1dk", b"\x1bD", b"\x1d8L", b"\x10\x14", b"\x1c", b"\n", b"\x1d!",
])


@settings(max_examples=400, database=None, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(COMMANDS, st.binary(max_size=12)), max_size=40), st.integers(1, 17))
def test_command_shaped_garbage_never_raises(parts: list[bytes], step: int) -> None:
    data = b"".join(parts)
    decoder = EscPosDecoder()
    for i in range(0, len(data), step):
        for event in decoder.feed(data[i:i + step]):
            if isinstance(event, TicketDecoded):
                event.ticket.to_text()
    decoder.close()


def test_memory_stays_bounded_under_a_flood_of_wide_bands() -> None:
    band = GS + b"v0\x00" + (60000).to_bytes(2, "little") + (30).to_bytes(2, "little") + b"\xff" * 1_800_000
    decoder = EscPosDecoder()
    for _ in range(10):
        decoder.feed(band)
    (event,) = tickets(decoder.feed(GS + b"V\x00"))
    (image,) = event.ticket.images
    assert image.width * image.height // 8 <= 8_000_000
