"""The info page renderer: what to bring, wrapped to the paper, CP866 or raster, decoded by the emulator's decoder."""

from __future__ import annotations

import pytest

from printers import InfoLayout, LayoutError, PrinterProfile, render_info, render_info_image
from printers.escpos_decoder import DecodedTicket, EscPosDecoder, TicketDecoded

LAYOUT = InfoLayout(
    office_name="МФЦ «Мои документы»", service_name="Паспорт РФ", description="Замена паспорта в 14, 20 и 45 лет",
    documents=("Действующий паспорт, а в 14 лет — свидетельство о рождении",
               "Две фотографии 35×45 мм (в офисе можно сфотографироваться)", "Квитанция"),
    hours=("Пн-Пт 08:00-20:00", "Вс выходной"), printed_on="22.11.2026", footer="Список может измениться.",
)


def decode(data: bytes, table: int = 17) -> DecodedTicket:
    [page] = [e.ticket for e in EscPosDecoder(table).feed(data) if isinstance(e, TicketDecoded)]
    return page


@pytest.mark.parametrize("width", [58, 80])
def test_every_document_is_a_bullet_wrapped_under_its_text_within_the_paper(width: int) -> None:
    profile = PrinterProfile(paper_width_mm=width, codepage_table=17)
    page = decode(render_info(LAYOUT, profile))
    lines = [line.text for line in page.lines]
    assert all(len(text) <= profile.columns for text in lines)
    bullets = [i for i, text in enumerate(lines) if text.startswith("· ")]
    assert len(bullets) == 3
    first_continuations = lines[bullets[0] + 1:bullets[1]]
    assert first_continuations and all(text.startswith("  ") and text.strip() for text in first_continuations)
    flat = " ".join(" ".join(lines).split())
    assert "· Действующий паспорт, а в 14 лет - свидетельство о рождении" in flat   # — is not in CP866
    assert "· Две фотографии 35x45 мм (в офисе можно сфотографироваться)" in flat
    service = page.find("Паспорт РФ")
    assert service is not None and service.bold and service.height == 2 and service.align == "center"
    heading = page.find("Что взять с собой:")
    assert heading is not None and heading.bold and heading.align == "left"
    assert page.find("Часы работы:") is not None and page.find("Вс выходной") is not None
    assert page.find("Распечатано 22.11.2026") is not None and page.cut and page.qr_payloads == []


def test_the_page_speaks_the_visitors_language_and_says_so_when_no_documents_are_configured() -> None:
    english = InfoLayout(office_name="My Documents", service_name="Russian passport", lang="en")
    page = decode(render_info(english, PrinterProfile()))
    assert page.find("What to bring:") is not None and page.find("Opening hours:") is None
    assert "specialist at the window will tell you" in " ".join(page.text.split())
    with pytest.raises(LayoutError):
        InfoLayout(office_name="x", service_name=" ")
    with pytest.raises(LayoutError):
        InfoLayout(office_name="x", service_name="y", lang="de")  # type: ignore[arg-type]


def test_the_printers_own_table_number_and_raster_mode() -> None:
    star = render_info(LAYOUT, PrinterProfile(codepage_table=10))
    assert star.startswith(b"\x1b@\x1bt\x0a") and decode(star, table=10).find("Паспорт РФ") is not None
    raster = PrinterProfile(paper_width_mm=58, mode="raster")
    page = decode(render_info(LAYOUT, raster))
    assert page.lines == [] and len(page.images) == 1 and page.images[0].width == raster.dots_per_line
    image = render_info_image(LAYOUT, raster)
    assert image.mode == "1" and image.width == 384 and image.height > 300
