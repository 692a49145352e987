"""Raster graphics for tickets: images to ``GS v 0`` bytes, and the whole ticket as a picture.

Raster mode exists for printers without a CP866 table: Pillow draws the ticket with a
Cyrillic TrueType font and the printer only prints dots. ``render_ticket_image`` is also the
preview the admin UI and the docs show. Images are sent in bands because cheap printers have
small receive buffers and reject tall ``GS v 0`` blocks.
"""

from __future__ import annotations

import os
import unicodedata
from functools import lru_cache
from pathlib import Path

import qrcode
import qrcode.constants
from PIL import Image, ImageDraw, ImageFont, ImageOps

from .errors import PrinterConfigError
from .layout import PrinterProfile, TicketLayout

GS = b"\x1d"
BAND_HEIGHT = 128  # rows per GS v 0 block

FONT_DIRS: tuple[str, ...] = (
    "/usr/share/fonts/truetype/dejavu",  # Debian, Ubuntu (fonts-dejavu-core)
    "/usr/share/fonts/dejavu",  # Fedora
    "/usr/share/fonts/TTF",  # Arch
    "/usr/share/fonts/dejavu-sans-fonts",
    "/usr/local/share/fonts",
    "/Library/Fonts",
)
FONT_FILES = {False: "DejaVuSans.ttf", True: "DejaVuSans-Bold.ttf"}


def find_font(bold: bool = False) -> Path:
    """Path of a Cyrillic TrueType font; ``TALON_TICKET_FONT_DIR`` is searched first."""
    dirs = [os.environ["TALON_TICKET_FONT_DIR"]] if os.environ.get("TALON_TICKET_FONT_DIR") else []
    dirs.extend(FONT_DIRS)
    for directory in dirs:
        candidate = Path(directory) / FONT_FILES[bold]
        if candidate.is_file():
            return candidate
    raise PrinterConfigError(
        f"raster tickets need the {FONT_FILES[bold]} font (Cyrillic); none found in "
        f"{', '.join(dirs)}. Install fonts-dejavu-core or set TALON_TICKET_FONT_DIR."
    )


@lru_cache(maxsize=64)
def _font(size: int, bold: bool) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(find_font(bold)), size)


def to_printer_bits(image: Image.Image) -> Image.Image:
    """A 1-bit copy of ``image`` where set bits are black dots (ESC/POS convention)."""
    rgba = image.convert("RGBA")
    flat = Image.new("RGB", rgba.size, (255, 255, 255))
    flat.paste(rgba, mask=rgba.getchannel("A"))
    return ImageOps.invert(flat.convert("L")).point(lambda v: 255 if v >= 128 else 0).convert("1")


def raster_bytes(image: Image.Image, band_height: int = BAND_HEIGHT) -> bytes:
    """``GS v 0`` blocks printing ``image`` at normal density, ``band_height`` rows each."""
    bits = to_printer_bits(image)
    width, height = bits.size
    width_bytes = (width + 7) // 8
    out = bytearray()
    for top in range(0, height, band_height):
        band = bits.crop((0, top, width, min(top + band_height, height)))
        rows = band.size[1]
        out += GS + b"v0\x00" + width_bytes.to_bytes(2, "little") + rows.to_bytes(2, "little")
        out += band.tobytes()
    return bytes(out)


def qr_image(payload: str, module: int, border: int = 2) -> Image.Image:
    """A black-on-white QR code (model 2, error correction M) with ``module`` px per module."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=module,
                         border=border)
    code.add_data(payload)
    code.make(fit=True)
    image: Image.Image = code.make_image(fill_color="black", back_color="white").get_image()
    return image.convert("L")


def qr_module_size(payload: str, dots: int, low: int = 3, high: int = 8) -> int:
    """Dots per QR module so that the code is about 45 % of the paper width."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(payload)
    code.make(fit=True)
    modules: int = code.modules_count
    return max(low, min(high, int(dots * 0.45) // modules))


def centred(image: Image.Image, width: int) -> Image.Image:
    """``image`` pasted in the middle of a white strip ``width`` px wide (shrunk if wider)."""
    if image.width > width:
        image = image.resize((width, max(1, image.height * width // image.width)))
    strip = Image.new("L", (width, image.height), 255)
    strip.paste(image.convert("L"), ((width - image.width) // 2, 0))
    return strip


def fit_logo(logo: Image.Image, dots: int) -> Image.Image:
    """The logo scaled to at most 60 % of the width and 120 px high, centred on the paper."""
    scale = min(dots * 0.6 / logo.width, 120 / logo.height, 1.0)
    size = (max(1, int(logo.width * scale)), max(1, int(logo.height * scale)))
    flat = Image.new("RGBA", logo.size, (255, 255, 255, 255))
    flat.alpha_composite(logo.convert("RGBA"))
    return centred(flat.resize(size, Image.Resampling.LANCZOS), dots)


def _printable(text: str) -> str:
    return "".join(" " if c in "\t\n\r" else c for c in text
                   if c in "\t\n\r" or unicodedata.category(c)[0] != "C")


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Greedy word wrap by pixel width; words longer than a line are split."""
    lines: list[str] = []
    current = ""
    for word in _printable(text).split():
        candidate = f"{current} {word}".strip()
        if font.getlength(candidate) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        for char in word:
            if font.getlength(current + char) > width and current:
                lines.append(current)
                current = ""
            current += char
    if current:
        lines.append(current)
    return lines


class Canvas:
    """A tall white page we draw down, then crop to the used height."""

    def __init__(self, width: int, scale: float) -> None:
        self.width, self.scale, self.y = width, scale, int(8 * scale)
        self.image = Image.new("L", (width, 6000), 255)
        self.draw = ImageDraw.Draw(self.image)
        self.margin = int(12 * scale)

    def px(self, size: float) -> int:
        return max(8, round(size * self.scale))

    def text(self, text: str, size: float, bold: bool = False, gap: float = 6,
             inverse: bool = False, align_left: bool = False) -> None:
        font = _font(self.px(size), bold)
        ascent, descent = font.getmetrics()
        for line in _wrap(text, font, self.width - 2 * self.margin):
            left = self.margin if align_left else (self.width - font.getlength(line)) / 2
            if inverse:
                pad = self.px(6)
                self.draw.rectangle((left - 2 * pad, self.y, self.width - left + 2 * pad,
                                     self.y + ascent + descent + pad), fill=0)
                self.draw.text((left, self.y + pad // 2), line, font=font, fill=255)
            else:
                self.draw.text((left, self.y), line, font=font, fill=0)
            self.y += ascent + descent + self.px(2)
        self.y += self.px(gap)

    def bullet(self, text: str, size: float, gap: float = 4) -> None:
        """A list item: a bullet at the margin, the text wrapped beside it (a hanging indent)."""
        font = _font(self.px(size), False)
        ascent, descent = font.getmetrics()
        indent = int(font.getlength("\u2022  "))
        self.draw.text((self.margin, self.y), "\u2022", font=font, fill=0)
        for line in _wrap(text, font, self.width - 2 * self.margin - indent) or [""]:
            self.draw.text((self.margin + indent, self.y), line, font=font, fill=0)
            self.y += ascent + descent + self.px(2)
        self.y += self.px(gap)

    def big(self, text: str, max_height: float) -> None:
        """``text`` bold, as large as fits the width (the ticket number)."""
        text = _printable(text).strip()
        size = self.px(max_height)
        font = _font(size, True)
        while size > 12 and font.getlength(text) > self.width - 4 * self.margin:
            size -= 4
            font = _font(size, True)
        left, top, right, bottom = self.draw.textbbox((0, 0), text, font=font)
        self.draw.text(((self.width - (right - left)) / 2 - left, self.y - top), text,
                       font=font, fill=0)
        self.y += int(bottom - top) + self.px(20)

    def rule(self) -> None:
        self.draw.rectangle((self.margin, self.y, self.width - self.margin,
                             self.y + max(2, self.px(2))), fill=0)
        self.y += self.px(16)

    def paste(self, image: Image.Image, gap: float = 8) -> None:
        self.image.paste(centred(image, self.width), (0, self.y))
        self.y += image.height + self.px(gap)

    def result(self) -> Image.Image:
        return self.image.crop((0, 0, self.width, min(self.y + self.px(8), self.image.height)))


def render_ticket_image(layout: TicketLayout, profile: PrinterProfile) -> Image.Image:
    """The ticket drawn as a 1-bit image, ``profile.dots_per_line`` wide (384 or 576 px)."""
    canvas = Canvas(profile.dots_per_line, profile.dots_per_line / 576)
    if layout.logo is not None:
        canvas.paste(fit_logo(layout.logo, profile.dots_per_line))
    canvas.text(layout.office_name, 26, bold=True, gap=2)
    canvas.text(layout.service_name, 26, gap=8)
    canvas.rule()
    canvas.text(layout.label("your_number"), 24, gap=0)
    canvas.big(layout.number, 190)
    for line in layout.info_lines():
        canvas.text(line, 28, gap=2)
    canvas.y += canvas.px(8)
    if layout.priority_note:
        canvas.text(layout.priority_note, 26, bold=True, inverse=True, gap=10)
    if layout.qr_payload:
        module = qr_module_size(layout.qr_payload, profile.dots_per_line)
        canvas.paste(qr_image(layout.qr_payload, module), gap=2)
        canvas.text(layout.label("scan"), 22, gap=6)
    if layout.pin:
        canvas.text(layout.label("pin", pin=layout.pin), 34, bold=True, gap=8)
    if layout.footer:
        canvas.rule()
        canvas.text(layout.footer, 22)
    return canvas.result().point(lambda v: 255 if v >= 128 else 0).convert("1")
