"""What the ESC/POS decoder produces: printed items, whole tickets, and stream events.

Small frozen values (h11's events style) so tests can compare them and the emulator can
keep them after the connection that produced them is gone.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from PIL import Image

Align = Literal["left", "center", "right"]


@dataclass(frozen=True, slots=True)
class TextLine:
    """One printed line and the attributes in force at its first character."""

    text: str
    align: Align = "left"
    bold: bool = False
    width: int = 1
    height: int = 1
    reverse: bool = False


@dataclass(frozen=True, slots=True)
class QrCode:
    """A printed QR code (``GS ( k`` function 181 after a store)."""

    payload: str


@dataclass(frozen=True, slots=True)
class RasterImage:
    """A printed raster picture; black dots are black pixels."""

    image: Image.Image = field(compare=False, repr=False)
    width: int = 0
    height: int = 0


Item = TextLine | QrCode | RasterImage


@dataclass(frozen=True, slots=True)
class DecodedTicket:
    """Everything printed between two cuts, in order."""

    items: tuple[Item, ...]
    cut: bool = True

    @property
    def lines(self) -> list[TextLine]:
        return [i for i in self.items if isinstance(i, TextLine)]

    @property
    def text(self) -> str:
        """The text lines joined by newlines (for ``in`` checks)."""
        return "\n".join(line.text for line in self.lines)

    @property
    def qr_payloads(self) -> list[str]:
        return [i.payload for i in self.items if isinstance(i, QrCode)]

    @property
    def images(self) -> list[Image.Image]:
        return [i.image for i in self.items if isinstance(i, RasterImage)]

    def find(self, fragment: str) -> TextLine | None:
        """The first line containing ``fragment``."""
        return next((line for line in self.lines if fragment in line.text), None)

    def to_text(self, columns: int = 48) -> str:
        """A plain-text picture of the paper: alignment kept, wide text spread out."""
        out: list[str] = []
        for item in self.items:
            if isinstance(item, QrCode):
                out.append(f"[QR] {item.payload}".center(columns).rstrip())
            elif isinstance(item, RasterImage):
                out.append(f"[image {item.width}x{item.height}]".center(columns).rstrip())
            else:
                text = item.text.strip() if item.align != "left" else item.text.rstrip()
                if item.width > 1:
                    text = (" " * (item.width - 1)).join(text)
                if item.reverse:
                    text = f"[ {text} ]"
                if item.align == "center":
                    text = text.center(columns)
                elif item.align == "right":
                    text = text.rjust(columns)
                out.append(text.rstrip())
        return "\n".join(out) + ("\n" + "~" * columns if self.cut else "")


@dataclass(frozen=True, slots=True)
class Initialized:
    """``ESC @`` was received."""


@dataclass(frozen=True, slots=True)
class StatusRequested:
    """``DLE EOT n``: the printer must answer one status byte for ``n``."""

    n: int


@dataclass(frozen=True, slots=True)
class TicketDecoded:
    """A ticket ended (cut, or ``ESC @`` after content)."""

    ticket: DecodedTicket


Event = Initialized | StatusRequested | TicketDecoded
