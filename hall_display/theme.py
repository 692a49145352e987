"""Colour themes of the boards.  The default is the «Мои документы» look: orange and white.

Contrast is chosen for a visitor ten metres away: call rows are near-black on white (about
16:1); the highlighted call is white on a deep orange (above 4.5:1, more than enough for
type this size), and its blink alternates with white on near-black, so the newest call
catches the eye of someone who cannot hear the voice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class Theme:
    name: str
    background: str        # the board
    header: str            # the top band (office name, clock)
    header_text: str
    row: str               # a call row
    row_alt: str           # every other call row
    row_text: str
    arrow: str             # the "→" between ticket and window
    highlight: str         # the newest call
    highlight_text: str
    blink: str             # the other phase of the blink
    blink_text: str
    muted: str             # headings, hints, the offline note
    ticker: str            # the running text band
    ticker_text: str
    panel: str             # waiting counts
    panel_text: str
    font_family: str = "DejaVu Sans"
    narrow_family: str = "DejaVu Sans Condensed"   # for call rows on a narrow (portrait) screen


THEMES: Final[dict[str, Theme]] = {
    "mfc": Theme(
        name="mfc", background="#FFFFFF", header="#E8710A", header_text="#FFFFFF",
        row="#FFFFFF", row_alt="#FFF3E8", row_text="#1E1E1E", arrow="#C4500A",
        highlight="#C4500A", highlight_text="#FFFFFF", blink="#1E1E1E", blink_text="#FFFFFF",
        muted="#6B6B6B", ticker="#1E1E1E", ticker_text="#FFFFFF", panel="#FFF3E8", panel_text="#1E1E1E",
    ),
    "contrast": Theme(
        name="contrast", background="#000000", header="#000000", header_text="#FFFFFF",
        row="#000000", row_alt="#141414", row_text="#FFFFFF", arrow="#FFD400",
        highlight="#FFD400", highlight_text="#000000", blink="#FFFFFF", blink_text="#000000",
        muted="#B0B0B0", ticker="#FFD400", ticker_text="#000000", panel="#141414", panel_text="#FFFFFF",
    ),
    "blue": Theme(
        name="blue", background="#0B2545", header="#13315C", header_text="#FFFFFF",
        row="#0B2545", row_alt="#102E55", row_text="#FFFFFF", arrow="#8DB8F2",
        highlight="#F2F5FA", highlight_text="#0B2545", blink="#E8710A", blink_text="#FFFFFF",
        muted="#A9BCD6", ticker="#13315C", ticker_text="#FFFFFF", panel="#102E55", panel_text="#FFFFFF",
    ),
}
