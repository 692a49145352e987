"""The pure renderer: golden bytes, code page pinning, replacements, raster mode."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from printers import PRINTER_MODELS, PrinterProfile, TicketLayout, render_ticket, render_ticket_image
from printers.decoded import DecodedTicket
from printers.escpos_decoder import EscPosDecoder, TicketDecoded
from printers.raster import qr_image, qr_module_size, to_printer_bits

GOLDEN = Path(__file__).parent / "golden"
SERVICE = "Выдача готовых документов — «срочно»"  # as in conftest.make_ticket
QR = "https://talon.example/s/D015-7Q4K"
Factory = Callable[..., TicketLayout]
REGEN = os.environ.get("TALON_REGEN_GOLDEN") == "1"


def decode(data: bytes, table: int = 17) -> DecodedTicket:
    events = EscPosDecoder(table).feed(data)
    tickets = [e.ticket for e in events if isinstance(e, TicketDecoded)]
    assert len(tickets) == 1
    return tickets[0]


def golden_case(name: str, make_ticket: Factory, make_logo: Callable[[], Image.Image]
                ) -> tuple[TicketLayout, PrinterProfile]:
    if name == "ticket-80mm-text.bin":
        return make_ticket(), PrinterProfile()
    if name == "ticket-58mm-text-logo.bin":
        return (make_ticket(logo=make_logo(), priority_note="Льготная категория"),
                PrinterProfile.for_model("epson", paper_width_mm=58))
    assert name == "ticket-80mm-image-qr.bin"
    return make_ticket(lang="en"), PrinterProfile(native_qr=False)


@pytest.mark.parametrize("name", ["ticket-80mm-text.bin", "ticket-58mm-text-logo.bin",
                                  "ticket-80mm-image-qr.bin"])
def test_golden_bytes(name: str, make_ticket: Factory, make_logo: Callable[[], Image.Image]) -> None:
    """Regenerate with TALON_REGEN_GOLDEN=1 after an intended change, and review the diff."""
    layout, profile = golden_case(name, make_ticket, make_logo)
    data = render_ticket(layout, profile)
    path = GOLDEN / name
    if REGEN:
        path.write_bytes(data)
    expected = path.read_bytes()
    if data != expected:  # show a readable difference first
        assert decode(data).to_text(profile.columns) == decode(expected).to_text(profile.columns)
    assert data == expected


def test_render_is_deterministic(ticket: TicketLayout) -> None:
    for profile in (PrinterProfile(), PrinterProfile(native_qr=False), PrinterProfile(mode="raster")):
        assert render_ticket(ticket, profile) == render_ticket(ticket, profile)


@pytest.mark.parametrize("model", sorted(PRINTER_MODELS))
def test_code_page_is_pinned_to_the_model_table(ticket: TicketLayout, model: str) -> None:
    profile = PrinterProfile.for_model(model)
    data = render_ticket(ticket, profile)
    table = PRINTER_MODELS[model]["codepage_table"]
    assert data.startswith(b"\x1b@\x1bt" + bytes([table]))
    assert data.count(b"\x1bt") == 1  # nothing else switches tables behind our back
    assert "Выдача готовых документов" in decode(data, table).text


def test_replacements_never_print_a_question_mark(ticket: TicketLayout) -> None:
    data = render_ticket(ticket, PrinterProfile())
    assert b"?" not in data
    assert 'Выдача готовых документов - "срочно"'.encode("cp866") in data
    assert "№ окна - на".encode("cp866") in data  # № kept (0xFC), – replaced
    assert "приёма".encode("cp866") in data  # ё kept (0xF1)
    text = decode(data).text
    assert 'Выдача готовых документов - "срочно"' in text
    assert SERVICE not in text  # the dash and guillemets really were replaced


def test_wrong_table_number_shows_as_mojibake(ticket: TicketLayout) -> None:
    """The emulator decodes only its own CP866 table as CP866, like a real printer."""
    data = render_ticket(ticket, PrinterProfile.for_model("star"))  # ESC t 10
    assert "Выдача" not in decode(data, table=17).text
    assert "Выдача" in decode(data, table=10).text


def test_ticket_content_and_number_size(ticket: TicketLayout) -> None:
    decoded = decode(render_ticket(ticket, PrinterProfile()))
    number = decoded.find("Д015")
    assert number is not None and number.bold and number.align == "center"
    assert (number.width, number.height) == (4, 4)
    for line in ("22.11.2026 14:05", "Перед вами: 3 чел.", "Ожидание: ~12 мин", "PIN-код: 4821"):
        assert decoded.find(line) is not None, line
    assert decoded.qr_payloads == [QR]
    assert all(len(line.text) * line.width <= 48 for line in decoded.lines)


def test_58mm_lines_fit_32_columns(ticket: TicketLayout) -> None:
    decoded = decode(render_ticket(ticket, PrinterProfile(paper_width_mm=58)))
    assert all(len(line.text) * line.width <= 32 for line in decoded.lines)
    assert decoded.find("Д015") is not None


def test_long_number_shrinks_to_fit(make_ticket: Factory) -> None:
    decoded = decode(render_ticket(make_ticket(number="ДД1015-2"), PrinterProfile(paper_width_mm=58)))
    line = decoded.find("ДД1015-2")
    assert line is not None and line.width == 4 and len(line.text) * line.width <= 32


def test_optional_fields_absent(make_ticket: Factory) -> None:
    layout = make_ticket(people_ahead=None, estimated_wait_min=None, qr_payload=None, pin=None, footer="")
    decoded = decode(render_ticket(layout, PrinterProfile()))
    assert decoded.qr_payloads == [] and decoded.images == []
    assert "Перед вами" not in decoded.text and "PIN" not in decoded.text


def test_english_labels(make_ticket: Factory) -> None:
    decoded = decode(render_ticket(make_ticket(lang="en"), PrinterProfile()))
    assert decoded.find("People ahead: 3") and decoded.find("Estimated wait: ~12 min")


def test_non_native_qr_is_the_same_code_as_an_image(ticket: TicketLayout) -> None:
    profile = PrinterProfile(native_qr=False)
    data = render_ticket(ticket, profile)
    assert b"\x1d(k" not in data
    decoded = decode(data)
    assert decoded.qr_payloads == [] and len(decoded.images) == 1
    image = decoded.images[0]
    assert image.width == 576
    expected = to_printer_bits(qr_image(QR, qr_module_size(QR, 576)))
    left = (576 - expected.width) // 2
    got = to_printer_bits(image.convert("L")).crop((left, 0, left + expected.width, expected.height))
    assert got.tobytes() == expected.tobytes()


def test_no_cut_when_the_printer_has_no_cutter(ticket: TicketLayout) -> None:
    data = render_ticket(ticket, PrinterProfile(cut=False))
    assert b"\x1dV" not in data and data.endswith(b"\x1bd\x06")


@pytest.mark.parametrize(("width", "dots"), [(80, 576), (58, 384)])
def test_raster_ticket_decodes_to_a_full_width_image(ticket: TicketLayout, width: int, dots: int) -> None:
    profile = PrinterProfile(paper_width_mm=width, mode="raster")
    data = render_ticket(ticket, profile)
    assert data.startswith(b"\x1b@") and b"\x1bt" not in data  # no code page needed
    decoded = decode(data)
    assert decoded.lines == [] and len(decoded.images) == 1
    image = decoded.images[0]
    assert image.width == dots and image.height > dots  # a tall ticket, not a strip
    black = image.convert("L").histogram()[0]
    assert 0.03 < black / (image.width * image.height) < 0.5  # ink, but not a black slab
    preview = render_ticket_image(ticket, profile)
    assert preview.mode == "1" and preview.size == image.size
    assert preview.tobytes() == image.tobytes()  # what the printer gets is the preview


def test_raster_number_is_large(ticket: TicketLayout) -> None:
    """The number: 100+ consecutive rows (12 mm at 203 dpi) with ink across 60 % of the width."""
    image = render_ticket_image(ticket, PrinterProfile(mode="raster")).convert("L")
    rows = [y for y in range(image.height)
            if (bbox := image.crop((0, y, image.width, y + 1)).point(lambda v: 255 - v).getbbox())
            and bbox[2] - bbox[0] > image.width * 0.6]
    tall_runs = max(_runs(rows), default=0)
    assert tall_runs >= 100


def _runs(rows: list[int]) -> list[int]:
    runs, start, prev = [], None, None
    for y in rows:
        if prev is None or y != prev + 1:
            if start is not None and prev is not None:
                runs.append(prev - start + 1)
            start = y
        prev = y
    if start is not None and prev is not None:
        runs.append(prev - start + 1)
    return runs
