"""Ticket layout values and printer profiles."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from printers import LayoutError, PrinterConfigError, PrinterProfile, TicketLayout

Factory = Callable[..., TicketLayout]


@pytest.mark.parametrize(
    ("zone", "utc", "printed"),
    [
        ("Europe/Kaliningrad", datetime(2026, 11, 22, 9, 5, tzinfo=UTC), "22.11.2026 11:05"),
        ("Europe/Moscow", datetime(2026, 11, 22, 9, 5, tzinfo=UTC), "22.11.2026 12:05"),
        ("Asia/Yekaterinburg", datetime(2026, 11, 22, 9, 5, tzinfo=UTC), "22.11.2026 14:05"),
        # after the office's local midnight the date is already tomorrow
        ("Asia/Kamchatka", datetime(2026, 11, 22, 13, 30, tzinfo=UTC), "23.11.2026 01:30"),
    ],
)
def test_time_is_printed_in_the_office_zone(make_ticket: Factory, zone: str, utc: datetime,
                                            printed: str) -> None:
    assert make_ticket(timezone=zone, issued_at=utc).local_time_text == printed


@pytest.mark.parametrize(
    "bad",
    [
        {"issued_at": datetime(2026, 11, 22, 9, 5)},  # naive
        {"timezone": "Mars/Olympus"},
        {"lang": "de"},
        {"number": "  "},
        {"people_ahead": -1},
    ],
)
def test_invalid_layouts_are_refused(make_ticket: Factory, bad: dict[str, object]) -> None:
    with pytest.raises(LayoutError):
        make_ticket(**bad)


def test_labels(make_ticket: Factory) -> None:
    assert make_ticket().info_lines()[1:] == ["Перед вами: 3 чел.", "Ожидание: ~12 мин"]
    assert make_ticket(lang="en").info_lines()[1:] == ["People ahead: 3", "Estimated wait: ~12 min"]
    assert make_ticket(people_ahead=None, estimated_wait_min=None).info_lines() == ["22.11.2026 14:05"]


def test_layout_is_a_hashable_value(make_ticket: Factory, make_logo: Callable[[], object]) -> None:
    assert make_ticket() == make_ticket()
    assert hash(make_ticket(logo=make_logo())) == hash(make_ticket())


def test_profile_defaults_follow_the_paper() -> None:
    assert (PrinterProfile().columns, PrinterProfile().dots_per_line) == (48, 576)
    narrow = PrinterProfile(paper_width_mm=58)
    assert (narrow.columns, narrow.dots_per_line) == (32, 384)
    assert PrinterProfile(paper_width_mm=58, chars_per_line=42).columns == 42


@pytest.mark.parametrize(("model", "table"), [("epson", 17), ("star", 10), ("rongta", 7), ("zjiang", 59),
                                              ("generic", 17)])
def test_models(model: str, table: int) -> None:
    assert PrinterProfile.for_model(model).codepage_table == table
    assert PrinterProfile.for_model(model.upper(), codepage_table=3).codepage_table == 3


@pytest.mark.parametrize(
    "build",
    [
        lambda: PrinterProfile(paper_width_mm=76),
        lambda: PrinterProfile(mode="pdf"),  # type: ignore[arg-type]
        lambda: PrinterProfile(codepage_table=300),
        lambda: PrinterProfile.for_model("brother"),
        lambda: PrinterProfile.for_model("epson", colour=True),
    ],
)
def test_bad_profiles_are_config_errors(build: Callable[[], PrinterProfile]) -> None:
    with pytest.raises(PrinterConfigError):
        build()
