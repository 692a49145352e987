"""A pure ESC/POS stream decoder: bytes in, tickets and status requests out.

Theory of operation. ``EscPosDecoder.feed(data)`` appends to a buffer and consumes whole
commands from its front; a command split across two ``feed`` calls waits for the rest. Each
consumed command updates the print state (code table, alignment, bold, size, reverse) or adds
to the ticket being built: text lines (ended by LF), QR codes (``GS ( k`` store + print) and
raster images (``GS v 0``, consecutive bands of one width merged into one picture).
``GS V`` (cut) ends the ticket and emits ``TicketDecoded``; ``ESC @`` after content ends an
uncut one. ``DLE EOT n`` emits ``StatusRequested(n)`` for the caller to answer.

It never raises on input: unknown commands are skipped by their known length (or two bytes),
absurd sizes are skipped without buffering, and every list is capped. It does no I/O, so the
emulator, tests and fuzzing share it (the websockets/h11 sans-I/O shape).
"""

from __future__ import annotations

from PIL import Image

from .codepage import FALLBACK_CODEC, codec_for_table
from .decoded import (
    Align,
    DecodedTicket,
    Event,
    Initialized,
    Item,
    QrCode,
    RasterImage,
    StatusRequested,
    TextLine,
    TicketDecoded,
)

__all__ = [
    "DecodedTicket", "EscPosDecoder", "Event", "Initialized", "QrCode", "RasterImage",
    "StatusRequested", "TextLine", "TicketDecoded",
]

ESC, GS, DLE, FS, LF, CR, HT = 0x1B, 0x1D, 0x10, 0x1C, 0x0A, 0x0D, 0x09
MAX_LINE = 1024  # characters before a forced line break
MAX_ITEMS = 2000  # items kept per ticket
MAX_RASTER = 2_000_000  # bytes of one GS v 0 block we decode; larger blocks are skipped
MAX_IMAGE_BYTES = 8_000_000  # bands merged into one picture; later bands are dropped
MAX_IMAGE_HEIGHT = 20_000

ALIGNMENTS: dict[int, Align] = {0: "left", 1: "center", 2: "right", 48: "left", 49: "center",
                                50: "right"}

# Commands with a fixed number of argument bytes after ESC x / GS x / FS x.
ESC_ARGS = {ord(c): n for c, n in {
    "@": 0, "t": 1, "a": 1, "E": 1, "!": 1, "d": 1, "J": 1, "-": 1, "G": 1, "M": 1, "V": 1,
    "{": 1, "R": 1, " ": 1, "2": 0, "3": 1, "=": 1, "p": 3, "$": 2, "\\": 2, "U": 1,
    "e": 1, "T": 1, "W": 8, "L": 0, "S": 0, "i": 0, "m": 0, "r": 1, "u": 1, "v": 0,
    "%": 1, "?": 1, "c": 2, "K": 1, "F": 1, "<": 0, "f": 2, "I": 1,
}.items()}
GS_ARGS = {ord(c): n for c, n in {
    "!": 1, "B": 1, "H": 1, "f": 1, "h": 1, "w": 1, "a": 1, "b": 1, "r": 1, "I": 1,
    "/": 1, "E": 1, "T": 1, "j": 1, "L": 2, "W": 2, "$": 2, "\\": 2, "P": 2, "^": 3,
    ":": 0, "Z": 1, "C": 2, "D": 0, "g": 2, "z": 2, "Q": 0,
}.items()}
FS_ARGS = {ord(c): n for c, n in {
    "&": 0, ".": 0, "!": 1, "-": 1, "C": 1, "W": 1, "S": 2, "p": 2, "?": 1, "2": 0,
}.items()}


class EscPosDecoder:
    """Incremental decoder for one byte stream (one connection). Not thread-safe."""

    def __init__(self, cp866_table: int = 17) -> None:
        self.cp866_table = cp866_table
        self._buf = bytearray()
        self._skip = 0
        self._items: list[Item] = []
        self._bands: list[Image.Image] = []
        self._qr_store: str | None = None
        self._line: list[str] = []
        self._line_attrs: TextLine | None = None
        self._reset()

    def _reset(self) -> None:
        self.codec = FALLBACK_CODEC
        self.align: Align = "left"
        self.bold = False
        self.width = self.height = 1
        self.reverse = False

    # -- output building -------------------------------------------------------------------

    def _attrs(self) -> TextLine:
        return TextLine("", self.align, self.bold, self.width, self.height, self.reverse)

    def _add(self, item: Item) -> None:
        if not isinstance(item, RasterImage):
            self._close_bands()
        if len(self._items) < MAX_ITEMS:
            self._items.append(item)

    def _flush_line(self, force_empty: bool = False) -> None:
        if self._line or force_empty:
            attrs = self._line_attrs or self._attrs()
            self._add(TextLine("".join(self._line), attrs.align, attrs.bold, attrs.width,
                               attrs.height, attrs.reverse))
        self._line, self._line_attrs = [], None

    def _text(self, text: str) -> None:
        if not self._line:
            self._line_attrs = self._attrs()
        self._line.append(text)
        if sum(map(len, self._line)) >= MAX_LINE:
            self._flush_line()

    def _close_bands(self) -> None:
        if not self._bands:
            return
        width = self._bands[0].width
        height = min(MAX_IMAGE_HEIGHT, sum(b.height for b in self._bands))
        image = Image.new("1", (width, height), 1)
        top = 0
        for band in self._bands:
            if top >= height:
                break
            image.paste(band, (0, top))
            top += band.height
        self._bands = []
        if len(self._items) < MAX_ITEMS:
            self._items.append(RasterImage(image, width, height))

    def _band(self, band: Image.Image) -> None:
        self._flush_line()
        if self._bands and self._bands[0].width != band.width:
            self._close_bands()
        rows = sum(b.height for b in self._bands) + band.height
        if rows <= MAX_IMAGE_HEIGHT and rows * band.width // 8 <= MAX_IMAGE_BYTES:
            self._bands.append(band)

    def _end_ticket(self, cut: bool, events: list[Event]) -> None:
        self._flush_line()
        self._close_bands()
        if self._items or cut:
            events.append(TicketDecoded(DecodedTicket(tuple(self._items), cut)))
        self._items = []

    def close(self) -> list[Event]:
        """End of stream: a ticket that was never cut is returned as uncut."""
        events: list[Event] = []
        if self._items or self._bands or self._line:
            self._end_ticket(cut=False, events=events)
        return events

    # -- parsing ---------------------------------------------------------------------------

    def feed(self, data: bytes) -> list[Event]:
        """Consume ``data``; return the events it completed, in stream order."""
        self._buf += data
        events: list[Event] = []
        buf, pos = self._buf, 0
        while pos < len(buf):
            if self._skip:
                step = min(self._skip, len(buf) - pos)
                self._skip -= step
                pos += step
                continue
            used = self._step(buf, pos, events)
            if used == 0:
                break  # incomplete command: wait for more bytes
            pos += used
        del buf[:pos]
        return events

    def _step(self, buf: bytearray, pos: int, events: list[Event]) -> int:
        byte = buf[pos]
        if byte == LF:
            self._flush_line(force_empty=True)
            return 1
        if byte == HT:
            self._text(" " * (8 - sum(map(len, self._line)) % 8))
            return 1
        if byte == ESC:
            return self._esc(buf, pos, events)
        if byte == GS:
            return self._gs(buf, pos, events)
        if byte == DLE:
            return self._dle(buf, pos, events)
        if byte == FS:
            return self._fixed(buf, pos, FS_ARGS)
        if byte < 0x20 or byte == 0x7F:
            return 1  # CR and other controls: nothing to print
        end = pos
        while end < len(buf) and buf[end] >= 0x20 and buf[end] != 0x7F and end - pos < MAX_LINE:
            end += 1
        self._text(bytes(buf[pos:end]).decode(self.codec, errors="replace"))
        return end - pos

    def _fixed(self, buf: bytearray, pos: int, table: dict[int, int]) -> int:
        """Skip a command of known length; unknown ones cost their two bytes."""
        if pos + 1 >= len(buf):
            return 0
        size = 2 + table.get(buf[pos + 1], 0)
        return size if pos + size <= len(buf) else 0

    def _esc(self, buf: bytearray, pos: int, events: list[Event]) -> int:
        if pos + 1 >= len(buf):
            return 0
        cmd = buf[pos + 1]
        if cmd == ord("D"):  # tab stops, NUL-terminated (at most 32)
            end = buf.find(0, pos + 2, pos + 35)
            if end < 0:
                return 0 if len(buf) - pos < 35 else 2
            return end - pos + 1
        if cmd == ord("*"):  # column bit image: m nL nH data
            if pos + 5 > len(buf):
                return 0
            columns = buf[pos + 3] | buf[pos + 4] << 8
            self._skip = columns * (3 if buf[pos + 2] in (32, 33) else 1)
            return 5
        size = self._fixed(buf, pos, ESC_ARGS)
        if size == 0:
            return 0
        arg = buf[pos + 2] if size > 2 else 0
        if cmd == ord("@"):
            self._line, self._line_attrs, self._qr_store = [], None, None  # buffer cleared
            if self._items or self._bands:
                self._end_ticket(cut=False, events=events)
            self._reset()
            events.append(Initialized())
        elif cmd == ord("t"):
            self.codec = codec_for_table(arg, self.cp866_table)
        elif cmd == ord("a"):
            self.align = ALIGNMENTS.get(arg, self.align)
        elif cmd == ord("E"):
            self.bold = bool(arg & 1)
        elif cmd == ord("!"):
            self.bold = bool(arg & 0x08)
            self.height = 2 if arg & 0x10 else 1
            self.width = 2 if arg & 0x20 else 1
        elif cmd in (ord("d"), ord("J")):
            self._flush_line()
        return size

    def _gs(self, buf: bytearray, pos: int, events: list[Event]) -> int:
        if pos + 1 >= len(buf):
            return 0
        cmd = buf[pos + 1]
        if cmd == ord("V"):  # cut: GS V m, or GS V m n for m in 65/66/97/98/103/104
            if pos + 2 >= len(buf):
                return 0
            size = 4 if buf[pos + 2] in (65, 66, 97, 98, 103, 104) else 3
            if pos + size > len(buf):
                return 0
            self._end_ticket(cut=True, events=events)
            return size
        if cmd == ord("v"):
            return self._raster(buf, pos)
        if cmd == ord("("):  # GS ( fn pL pH data
            if pos + 5 > len(buf):
                return 0
            length = buf[pos + 3] | buf[pos + 4] << 8
            if pos + 5 + length > len(buf):
                return 0
            if buf[pos + 2] == ord("k"):
                self._two_d(bytes(buf[pos + 5:pos + 5 + length]))
            return 5 + length
        if cmd == ord("8"):  # GS 8 L p1..p4 data: large graphics, skipped
            if pos + 7 > len(buf):
                return 0
            self._skip = int.from_bytes(buf[pos + 3:pos + 7], "little")
            return 7
        if cmd == ord("*"):  # downloaded bit image: x y data(x*y*8)
            if pos + 4 > len(buf):
                return 0
            self._skip = buf[pos + 2] * buf[pos + 3] * 8
            return 4
        if cmd == ord("k"):  # barcode: m <= 6 NUL-terminated, else n + data
            if pos + 3 > len(buf):
                return 0
            if buf[pos + 2] <= 6:
                end = buf.find(0, pos + 3, pos + 259)
                if end < 0:
                    return 0 if len(buf) - pos < 259 else 3
                return end - pos + 1
            if pos + 4 > len(buf):
                return 0
            self._skip = buf[pos + 3]
            return 4
        size = self._fixed(buf, pos, GS_ARGS)
        if size and cmd == ord("!"):
            self.width, self.height = (buf[pos + 2] >> 4 & 7) + 1, (buf[pos + 2] & 7) + 1
        elif size and cmd == ord("B"):
            self.reverse = bool(buf[pos + 2] & 1)
        return size

    def _raster(self, buf: bytearray, pos: int) -> int:
        """``GS v 0 m xL xH yL yH d1..dk``, k = x * y; bit 1 is a black dot."""
        if pos + 3 > len(buf):
            return 0
        if buf[pos + 2] != ord("0"):
            return 2
        if pos + 8 > len(buf):
            return 0
        width_bytes = buf[pos + 4] | buf[pos + 5] << 8
        rows = buf[pos + 6] | buf[pos + 7] << 8
        size = width_bytes * rows
        if size == 0:
            return 8
        if size > MAX_RASTER:
            self._skip = size
            return 8
        if pos + 8 + size > len(buf):
            return 0
        data = bytes(buf[pos + 8:pos + 8 + size])
        self._band(Image.frombytes("1", (width_bytes * 8, rows), data, "raw", "1;I"))
        return 8 + size

    def _two_d(self, data: bytes) -> None:
        """``GS ( k`` for QR (cn 49): fn 80 stores the payload, fn 81 prints it."""
        if len(data) < 2 or data[0] != 49:
            return
        if data[1] == 80 and len(data) >= 3:
            self._qr_store = data[3:].decode("utf-8", errors="replace")
        elif data[1] == 81 and self._qr_store is not None:
            self._flush_line()
            self._add(QrCode(self._qr_store))

    def _dle(self, buf: bytearray, pos: int, events: list[Event]) -> int:
        if pos + 1 >= len(buf):
            return 0
        cmd = buf[pos + 1]
        if cmd in (0x04, 0x05):  # DLE EOT n / DLE ENQ n
            if pos + 2 >= len(buf):
                return 0
            n = buf[pos + 2]
            if cmd == 0x04 and n in (7, 8):  # DLE EOT 7/8 a: extended status, not answered
                return 4 if pos + 4 <= len(buf) else 0
            if cmd == 0x04:
                events.append(StatusRequested(n))
            return 3
        if cmd == 0x14:  # DLE DC4 fn ...
            if pos + 2 >= len(buf):
                return 0
            size = {7: 4, 8: 10}.get(buf[pos + 2], 5)
            return size if pos + size <= len(buf) else 0
        return 1
