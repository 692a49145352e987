"""What goes on a ticket (``TicketLayout``) or a service's info page (``InfoLayout``), and how a
given printer wants it (``PrinterProfile``).

All are plain frozen values: the server builds a layout from a ticket (or a service) and an
office, looks up the printer's profile from configuration, and hands both to
``render.render_ticket`` (``info_page.render_info``).
The vendor differences we know of live in one table, ``PRINTER_MODELS``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PIL import Image

from .errors import LayoutError, PrinterConfigError

Lang = Literal["ru", "en"]
Mode = Literal["text", "raster"]

# Printed labels. Keys are stable; values are format strings.
LABELS: dict[str, dict[str, str]] = {
    "ru": {
        "your_number": "Ваш номер",
        "people_ahead": "Перед вами: {n} чел.",
        "wait": "Ожидание: ~{n} мин",
        "pin": "PIN-код: {pin}",
        "scan": "Статус очереди — по QR-коду",
        "documents": "Что взять с собой",
        "no_documents": "Какие документы нужны, подскажет администратор зала или специалист в окне.",
        "hours": "Часы работы",
        "printed_on": "Распечатано {date}",
    },
    "en": {
        "your_number": "Your number",
        "people_ahead": "People ahead: {n}",
        "wait": "Estimated wait: ~{n} min",
        "pin": "PIN: {pin}",
        "scan": "Scan for your queue status",
        "documents": "What to bring",
        "no_documents": "The hall administrator or the specialist at the window will tell you which documents you need.",
        "hours": "Opening hours",
        "printed_on": "Printed {date}",
    },
}


@dataclass(frozen=True, slots=True)
class TicketLayout:
    """Everything printed on one ticket. Never a visitor's name (152-FZ).

    ``issued_at`` must be timezone-aware (the server's UTC time); it is printed in the office's
    ``timezone`` (an IANA name such as "Asia/Yekaterinburg") as "22.11.2026 14:05".
    """

    office_name: str
    service_name: str
    number: str
    issued_at: datetime
    timezone: str
    people_ahead: int | None = None
    estimated_wait_min: int | None = None
    qr_payload: str | None = None
    pin: str | None = None
    footer: str = ""
    priority_note: str | None = None
    lang: Lang = "ru"
    logo: Image.Image | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.issued_at.tzinfo is None or self.issued_at.utcoffset() is None:
            raise LayoutError("issued_at must be timezone-aware (the server's UTC time)")
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise LayoutError(f"unknown time zone {self.timezone!r}") from exc
        if self.lang not in LABELS:
            raise LayoutError(f"lang must be one of {sorted(LABELS)}, not {self.lang!r}")
        if not self.number.strip():
            raise LayoutError("a ticket needs a number")
        for name in ("people_ahead", "estimated_wait_min"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise LayoutError(f"{name} must not be negative")

    @property
    def local_time_text(self) -> str:
        """Issue time in the office's zone, as printed: "22.11.2026 14:05"."""
        return self.issued_at.astimezone(ZoneInfo(self.timezone)).strftime("%d.%m.%Y %H:%M")

    def label(self, key: str, **values: object) -> str:
        """A printed label in the ticket's language."""
        return LABELS[self.lang][key].format(**values)

    def info_lines(self) -> list[str]:
        """The small lines under the number: time, people ahead, estimated wait."""
        lines = [self.local_time_text]
        if self.people_ahead is not None:
            lines.append(self.label("people_ahead", n=self.people_ahead))
        if self.estimated_wait_min is not None:
            lines.append(self.label("wait", n=self.estimated_wait_min))
        return lines


@dataclass(frozen=True, slots=True)
class InfoLayout:
    """A service's info page: what to bring, to take home.  Printed in ``lang`` (the kiosk's).

    ``documents`` are one document per item (printed as bullets, wrapped with a hanging
    indent); ``hours`` are ready-made lines ("Пн-Пт 08:00-20:00"); ``printed_on`` the office's
    local date as text (the renderer has no clock).
    """

    office_name: str
    service_name: str
    description: str = ""
    documents: tuple[str, ...] = ()
    hours: tuple[str, ...] = ()
    printed_on: str = ""
    footer: str = ""
    lang: Lang = "ru"
    logo: Image.Image | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.lang not in LABELS:
            raise LayoutError(f"lang must be one of {sorted(LABELS)}, not {self.lang!r}")
        if not self.service_name.strip():
            raise LayoutError("an info page needs a service name")

    def label(self, key: str, **values: object) -> str:
        """A printed label in the page's language."""
        return LABELS[self.lang][key].format(**values)


# Known printer families -> profile defaults. "codepage_table" is the ESC t number of CP866.
# Override any value per printer in configuration; these are starting points, not promises.
PRINTER_MODELS: dict[str, dict[str, Any]] = {
    "epson": {"codepage_table": 17, "native_qr": True, "paper_width_mm": 80},
    "star": {"codepage_table": 10, "native_qr": True, "paper_width_mm": 80},
    "rongta": {"codepage_table": 7, "native_qr": True, "paper_width_mm": 80},
    # Cheap 58 mm units: many ignore GS ( k, so the QR goes as an image.
    "zjiang": {"codepage_table": 59, "native_qr": False, "paper_width_mm": 58},
    # Unknown ESC/POS printer: Epson numbering, QR as image (GS v 0 works everywhere).
    "generic": {"codepage_table": 17, "native_qr": False, "paper_width_mm": 80},
}

CHARS_PER_LINE = {58: 32, 80: 48}  # font A, 12x24 dots
DOTS_PER_LINE = {58: 384, 80: 576}  # printable width at 203 dpi


@dataclass(frozen=True, slots=True)
class PrinterProfile:
    """How one physical printer wants its bytes.

    ``mode="raster"`` draws the whole ticket as an image, for printers without CP866.
    ``chars_per_line`` of ``None`` means the default for the paper width (32 / 48).
    """

    paper_width_mm: int = 80
    chars_per_line: int | None = None
    mode: Mode = "text"
    codepage_table: int = 17
    native_qr: bool = True
    cut: bool = True

    def __post_init__(self) -> None:
        if self.paper_width_mm not in CHARS_PER_LINE:
            raise PrinterConfigError(f"paper_width_mm must be 58 or 80, not {self.paper_width_mm}")
        if self.chars_per_line is None:
            object.__setattr__(self, "chars_per_line", CHARS_PER_LINE[self.paper_width_mm])
        elif not 16 <= self.chars_per_line <= 80:
            raise PrinterConfigError(f"chars_per_line {self.chars_per_line} is out of 16..80")
        if self.mode not in ("text", "raster"):
            raise PrinterConfigError(f"mode must be 'text' or 'raster', not {self.mode!r}")
        if not 0 <= self.codepage_table <= 255:
            raise PrinterConfigError(f"codepage_table {self.codepage_table} is not a byte")

    @property
    def columns(self) -> int:
        """Characters per line at normal size (never None after construction)."""
        assert self.chars_per_line is not None
        return self.chars_per_line

    @property
    def dots_per_line(self) -> int:
        """Printable width in dots: 384 on 58 mm paper, 576 on 80 mm."""
        return DOTS_PER_LINE[self.paper_width_mm]

    @classmethod
    def for_model(cls, model: str, **overrides: Any) -> PrinterProfile:
        """The profile of a named model from ``PRINTER_MODELS``, with overrides applied."""
        try:
            defaults = PRINTER_MODELS[model.lower()]
        except KeyError:
            known = ", ".join(sorted(PRINTER_MODELS))
            raise PrinterConfigError(f"unknown printer model {model!r} (known: {known})") from None
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = set(overrides) - names
        if unknown:
            raise PrinterConfigError(f"unknown profile fields: {', '.join(sorted(unknown))}")
        return cls(**{**defaults, **overrides})
