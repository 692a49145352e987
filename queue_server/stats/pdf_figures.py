"""Columns of figures for the PDF tables, drawn in Helvetica, one of the PDF standard fonts.

Matplotlib lays out every glyph of an embedded TrueType font through FreeType and tracks it
for the font subset: some 30-50 µs a glyph, and a month's tables hold thousands of digits.
A standard font needs none of that: every PDF reader has Helvetica, so the page names it and
writes the text as it is (``pdf.use14corefonts``, switched on only while these columns draw;
its digits all have one width, so right-aligned numbers line up).  Its encoding, WinAnsi,
has no Cyrillic: a line it cannot encode is drawn in :data:`FALLBACK`, as is every line on
any other canvas (the PNG pages), so those look as the tables always did.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import matplotlib as mpl
from matplotlib.artist import Artist
from matplotlib.backend_bases import GraphicsContextBase, RendererBase
from matplotlib.backends.backend_pdf import PdfFile
from matplotlib.font_manager import FontProperties

STANDARD = FontProperties(family="Helvetica", weight="medium")   # its AFM says Medium: no fallback search
FALLBACK = FontProperties(family="DejaVu Sans Mono")
CORE_FONTS: Final = "pdf.use14corefonts"


def _standard(text: str) -> bool:
    """Whether the standard font's encoding (WinAnsi, that is cp1252) holds every character."""
    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


class FigureColumn(Artist):
    """Lines of text right-aligned at ``x``, each on its own baseline (figure fractions)."""

    zorder = 3                      # as a text's: above the table's zebra rows

    def __init__(self, x: float, baselines: Sequence[float], lines: Sequence[str], fontsize: float,
                 color: str = "black") -> None:
        super().__init__()
        self._x = x
        self._lines = [(text, y) for text, y in zip(lines, baselines, strict=True) if text]
        self._color = color
        self._standard = STANDARD.copy()
        self._standard.set_size(fontsize)
        self._fallback = FALLBACK.copy()
        self._fallback.set_size(fontsize)

    def draw(self, renderer: RendererBase) -> None:
        if not self.get_visible() or not self._lines:
            return
        pdf = isinstance(getattr(renderer, "file", None), PdfFile)   # the PDF renderer, also as the mixed-mode one
        standard = [line for line in self._lines if pdf and _standard(line[0])]
        others = [line for line in self._lines if not (pdf and _standard(line[0]))]
        gc = renderer.new_gc()
        gc.set_foreground(self._color)
        try:
            if standard:
                was = mpl.rcParams[CORE_FONTS]
                mpl.rcParams[CORE_FONTS] = True
                try:
                    self._draw_lines(renderer, gc, standard, self._standard)
                finally:
                    mpl.rcParams[CORE_FONTS] = was
            self._draw_lines(renderer, gc, others, self._fallback)
        finally:
            gc.restore()
        self.stale = False

    def _draw_lines(self, renderer: RendererBase, gc: GraphicsContextBase, lines: list[tuple[str, float]],
                    font: FontProperties) -> None:
        figure = self.get_figure()
        assert figure is not None
        to_display = figure.transFigure
        canvas_height = renderer.get_canvas_width_height()[1]
        for text, y in lines:
            width = renderer.get_text_width_height_descent(text, font, ismath=False)[0]
            x, y_display = to_display.transform((self._x, y))
            if renderer.flipy():                      # raster canvases count y from the top, as Text.draw knows
                y_display = canvas_height - y_display
            renderer.draw_text(gc, x - width, y_display, text, font, 0.0)
