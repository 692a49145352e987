"""The PDF tables' columns of figures: Helvetica text in the PDF, DejaVu Sans Mono where
Helvetica's encoding has no glyph and on raster pages, placed exactly where a right-aligned
matplotlib text on the same baseline would be."""

from __future__ import annotations

import io
import re
import zlib

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from queue_server.stats.pdf_figures import FigureColumn


def page_content(pdf: bytes) -> bytes:
    """Every compressed stream of the file, inflated (the pages' drawing operators among them)."""
    out = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            out.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return b"\n".join(out)


def ink_box(fig: Figure) -> tuple[int, int, int, int]:
    """(top, bottom, left, right) pixel rows and columns holding any ink, on a white page."""
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    pixels = np.asarray(canvas.buffer_rgba())[:, :, :3]
    ink = np.argwhere(pixels.min(axis=2) < 128)
    assert len(ink), "nothing drawn"
    return int(ink[:, 0].min()), int(ink[:, 0].max()), int(ink[:, 1].min()), int(ink[:, 1].max())


def test_a_column_sits_where_a_right_aligned_text_would() -> None:
    lines = ["61263", "12,5", "—"]
    baselines = [0.7, 0.5, 0.3]
    ours = Figure(figsize=(4, 3), dpi=100)
    ours.add_artist(FigureColumn(0.6, baselines, lines, 12))
    reference = Figure(figsize=(4, 3), dpi=100)
    for text, y in zip(lines, baselines, strict=True):
        reference.text(0.6, y, text, ha="right", va="baseline", fontsize=12, family="DejaVu Sans Mono")
    top, bottom, left, right = ink_box(ours)
    expected = ink_box(reference)
    assert abs(top - expected[0]) <= 1 and abs(bottom - expected[1]) <= 1
    assert abs(left - expected[2]) <= 1 and abs(right - expected[3]) <= 1
    assert top < 0.4 * 300 and bottom > 0.6 * 300          # upright: the first line near the top


def test_the_pdf_writes_figures_as_helvetica_text_and_cyrillic_in_dejavu() -> None:
    fig = Figure(figsize=(4, 3))
    fig.add_artist(FigureColumn(0.6, [0.7, 0.5, 0.3, 0.1], ["61263", "12,5", "—", "15 мин"], 10))
    buffer = io.BytesIO()
    with PdfPages(buffer) as pdf:
        pdf.savefig(fig)
    data = buffer.getvalue()
    content = page_content(data)
    assert b"/BaseFont /Helvetica" in data
    assert b"(61263) Tj" in content and b"(12,5) Tj" in content
    assert b"(\x97) Tj" in content                          # the em dash, WinAnsi 0x97
    assert b"DejaVuSansMono" in data                        # "15 мин" is not WinAnsi: the embedded font draws it
    assert b"(15 ???) Tj" not in content and b"(15 \\?" not in content
