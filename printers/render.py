"""The pure ticket renderer: ``render_ticket(layout, profile) -> bytes`` of ESC/POS.

No I/O and no clock: the same layout and profile always give the same bytes, which is what
the golden files in tests/printers/golden/ pin down. python-escpos's recording ``Dummy``
collects the bytes and builds the native QR and cut commands; everything that touches text
we write ourselves, because its "magic" encoder picks code pages by guesswork and we need the
printer's own CP866 table number (see ``codepage``).

Text-mode byte order: ``ESC @``, ``ESC t n``, centre, [logo], office (bold), service, rule,
"your number", the number (``GS !`` up to 4x4, bold), time / people ahead / wait,
[priority note, reversed], [QR: ``GS ( k`` or a ``GS v 0`` image], [PIN], [footer], feed,
``GS V`` cut. Raster mode: ``ESC @``, the whole ticket as ``GS v 0`` bands, feed, cut.
"""

from __future__ import annotations

import textwrap

from escpos.constants import QR_ECLEVEL_M, QR_MODEL_2
from escpos.printer import Dummy
from PIL import Image

from . import codepage
from .layout import PrinterProfile, TicketLayout
from .raster import (
    centred,
    fit_logo,
    qr_image,
    qr_module_size,
    raster_bytes,
    render_ticket_image,
)

__all__ = ["EscPosBuilder", "render_ticket", "render_ticket_image"]

ESC, GS, LF = b"\x1b", b"\x1d", b"\n"
INIT = ESC + b"@"
ALIGN_LEFT, ALIGN_CENTER = ESC + b"a\x00", ESC + b"a\x01"
BOLD_ON, BOLD_OFF = ESC + b"E\x01", ESC + b"E\x00"
REVERSE_ON, REVERSE_OFF = GS + b"B\x01", GS + b"B\x00"
FEED_LINES = 6  # lines fed at the end of an uncut ticket, as python-escpos feeds before a cut


def size_command(width: int, height: int) -> bytes:
    """``GS ! n``: character magnification, 1..8 in each direction."""
    return GS + b"!" + bytes([((width - 1) << 4) | (height - 1)])


def number_scale(number: str, columns: int) -> int:
    """The largest magnification (4, 3, 2 or 1) at which ``number`` fits on one line."""
    length = max(1, len(number))
    for scale in (4, 3, 2):
        if length * scale <= columns:
            return scale
    return 1


class EscPosBuilder:
    """Appends commands and CP866 text lines to a python-escpos ``Dummy`` (tickets and info pages)."""

    def __init__(self, profile: PrinterProfile) -> None:
        self.profile = profile
        self.printer = Dummy()

    def raw(self, data: bytes) -> None:
        self.printer._raw(data)

    def lines(self, text: str, scale: int = 1) -> None:
        """``text`` wrapped to the line width at this magnification, one LF per line."""
        clean = codepage.sanitize(text)
        width = max(1, self.profile.columns // scale)
        for line in textwrap.wrap(clean, width, break_on_hyphens=False) or [""]:
            self.raw(line.encode(codepage.CP866) + LF)

    def bullet(self, text: str, mark: str = "\u00b7 ") -> None:
        """One list item: ``mark`` then ``text``, continuation lines indented under the text."""
        clean = codepage.sanitize(text)
        indent = " " * len(mark)
        for line in textwrap.wrap(clean, self.profile.columns, initial_indent=mark, subsequent_indent=indent,
                                  break_on_hyphens=False) or [mark]:
            self.raw(line.encode(codepage.CP866) + LF)

    def rule(self) -> None:
        self.raw(b"-" * self.profile.columns + LF)

    def image(self, image: Image.Image) -> None:
        self.raw(raster_bytes(centred(image, self.profile.dots_per_line)))

    def qr(self, payload: str) -> None:
        module = qr_module_size(payload, self.profile.dots_per_line)
        if self.profile.native_qr:
            self.printer.qr(payload, ec=QR_ECLEVEL_M, size=module, model=QR_MODEL_2, native=True)
        else:
            self.image(qr_image(payload, module))

    def begin(self, logo: Image.Image | None) -> None:
        """``ESC @``, the printer's CP866 table, centred, and the logo if any: how every text page starts."""
        self.raw(INIT + ESC + b"t" + bytes([self.profile.codepage_table]) + ALIGN_CENTER)
        if logo is not None:
            self.image(fit_logo(logo, self.profile.dots_per_line))

    def finish(self) -> bytes:
        if self.profile.cut:
            self.printer.cut(mode="FULL", feed=True)  # ESC d 6, GS V 0
        else:
            self.raw(ESC + b"d" + bytes([FEED_LINES]))
        return bytes(self.printer.output)


def render_ticket(layout: TicketLayout, profile: PrinterProfile) -> bytes:
    """ESC/POS bytes printing ``layout`` on a printer described by ``profile``."""
    if profile.mode == "raster":
        return _render_raster(layout, profile)
    out = EscPosBuilder(profile)
    out.begin(layout.logo)
    out.raw(BOLD_ON)
    out.lines(layout.office_name)
    out.raw(BOLD_OFF)
    out.lines(layout.service_name)
    out.rule()
    out.lines(layout.label("your_number"))
    number = codepage.sanitize(layout.number).strip()
    scale = number_scale(number, profile.columns)
    out.raw(size_command(scale, scale) + BOLD_ON)
    out.lines(number, scale)
    out.raw(BOLD_OFF + size_command(1, 1))
    for line in layout.info_lines():
        out.lines(line)
    if layout.priority_note:
        out.raw(LF + REVERSE_ON + BOLD_ON)
        out.lines(layout.priority_note)
        out.raw(BOLD_OFF + REVERSE_OFF)
    if layout.qr_payload:
        out.raw(LF)
        out.qr(layout.qr_payload)
        out.raw(LF)
        out.lines(layout.label("scan"))
    if layout.pin:
        out.raw(LF + size_command(1, 2) + BOLD_ON)
        out.lines(layout.label("pin", pin=layout.pin))
        out.raw(BOLD_OFF + size_command(1, 1))
    if layout.footer:
        out.rule()
        out.lines(layout.footer)
    return out.finish()


def _render_raster(layout: TicketLayout, profile: PrinterProfile) -> bytes:
    out = EscPosBuilder(profile)
    out.raw(INIT + ALIGN_CENTER)
    out.raw(raster_bytes(render_ticket_image(layout, profile)))
    return out.finish()
