"""The pure info page renderer: ``render_info(layout, profile) -> bytes`` of ESC/POS.

A service's "what to bring" page, for a visitor to take home from the kiosk.  Like the
ticket (``render``): no I/O and no clock, CP866 text pinned by ``ESC t``, or the whole page
as a picture on printers without CP866 (``mode="raster"``).

Text-mode byte order: ``ESC @``, ``ESC t n``, centre, [logo], office (bold), rule, service
(bold, double height), description, rule, left, "what to bring" (bold), one bullet per
document (continuation lines indented), [opening hours (bold) and their lines], centre,
rule, [footer], [printed on], feed, ``GS V`` cut.
"""

from __future__ import annotations

from PIL import Image

from .layout import InfoLayout, PrinterProfile
from .raster import Canvas, fit_logo, raster_bytes
from .render import ALIGN_CENTER, ALIGN_LEFT, BOLD_OFF, BOLD_ON, INIT, LF, EscPosBuilder, size_command

__all__ = ["render_info", "render_info_image"]


def render_info(layout: InfoLayout, profile: PrinterProfile) -> bytes:
    """ESC/POS bytes printing the info page ``layout`` on a printer described by ``profile``."""
    out = EscPosBuilder(profile)
    if profile.mode == "raster":
        out.raw(INIT + ALIGN_CENTER)
        out.raw(raster_bytes(render_info_image(layout, profile)))
        return out.finish()
    out.begin(layout.logo)
    out.raw(BOLD_ON)
    out.lines(layout.office_name)
    out.raw(BOLD_OFF)
    out.rule()
    out.raw(size_command(1, 2) + BOLD_ON)
    out.lines(layout.service_name)
    out.raw(BOLD_OFF + size_command(1, 1))
    if layout.description:
        out.lines(layout.description)
    out.rule()
    out.raw(ALIGN_LEFT + BOLD_ON)
    out.lines(layout.label("documents") + ":")
    out.raw(BOLD_OFF)
    for document in layout.documents:
        out.bullet(document)
    if not layout.documents:
        out.lines(layout.label("no_documents"))
    if layout.hours:
        out.raw(LF + BOLD_ON)
        out.lines(layout.label("hours") + ":")
        out.raw(BOLD_OFF)
        for line in layout.hours:
            out.lines(line)
    out.raw(ALIGN_CENTER)
    out.rule()
    if layout.footer:
        out.lines(layout.footer)
    if layout.printed_on:
        out.lines(layout.label("printed_on", date=layout.printed_on))
    return out.finish()


def render_info_image(layout: InfoLayout, profile: PrinterProfile) -> Image.Image:
    """The info page drawn as a 1-bit image, ``profile.dots_per_line`` wide (384 or 576 px)."""
    canvas = Canvas(profile.dots_per_line, profile.dots_per_line / 576)
    if layout.logo is not None:
        canvas.paste(fit_logo(layout.logo, profile.dots_per_line))
    canvas.text(layout.office_name, 24, bold=True, gap=2)
    canvas.rule()
    canvas.text(layout.service_name, 34, bold=True, gap=4)
    if layout.description:
        canvas.text(layout.description, 24, gap=4)
    canvas.rule()
    canvas.text(layout.label("documents") + ":", 28, bold=True, gap=4, align_left=True)
    for document in layout.documents:
        canvas.bullet(document, 26)
    if not layout.documents:
        canvas.text(layout.label("no_documents"), 26, align_left=True)
    if layout.hours:
        canvas.y += canvas.px(8)
        canvas.text(layout.label("hours") + ":", 28, bold=True, gap=4, align_left=True)
        for line in layout.hours:
            canvas.text(line, 26, gap=0, align_left=True)
        canvas.y += canvas.px(8)
    canvas.rule()
    if layout.footer:
        canvas.text(layout.footer, 22, gap=2)
    if layout.printed_on:
        canvas.text(layout.label("printed_on", date=layout.printed_on), 22)
    return canvas.result().point(lambda v: 255 if v >= 128 else 0).convert("1")
