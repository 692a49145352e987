"""Cyrillic text for ESC/POS printers: pin CP866 and never print "?".

Printers pick their character table with ``ESC t n``, and the number of the CP866 table
differs by vendor (Epson 17, Star 10, Rongta 7, Zjiang 59). We therefore never let a library
guess: the renderer sends ``ESC t <profile.codepage_table>`` and encodes every string here.

``sanitize`` turns any text into text CP866 can encode: typographic dashes and quotes become
ASCII, a few symbols get spelled out, accented Latin loses its accents, control characters
(which could smuggle printer commands in from an office name) and anything else unknown are
dropped. CP866 has ``№`` (0xFC) and ``Ё ё`` (0xF0/0xF1), so those are kept.
"""

from __future__ import annotations

import unicodedata

CP866 = "cp866"
FALLBACK_CODEC = "cp437"  # table 0 of every ESC/POS printer

# Characters CP866 lacks (or that print badly), with what a reader expects instead.
REPLACEMENTS: dict[str, str] = {
    "\u2014": "-",  # em dash —
    "\u2013": "-",  # en dash –
    "\u2012": "-",  # figure dash
    "\u2015": "-",  # horizontal bar
    "\u2010": "-",  # hyphen
    "\u2011": "-",  # non-breaking hyphen
    "\u2212": "-",  # minus sign
    "\u00ab": '"',  # «
    "\u00bb": '"',  # »
    "\u201c": '"',  # “
    "\u201d": '"',  # ”
    "\u201e": '"',  # „
    "\u201f": '"',
    "\u2033": '"',
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u2026": "...",  # …
    "\u20ac": "EUR",  # €
    "\u20bd": "руб.",  # ₽
    "\u00a0": " ",  # no-break space (CP866 0xFF prints as a blank on some units, junk on others)
    "\u202f": " ",  # narrow no-break space
    "\u2009": " ",  # thin space
    "\t": " ",
    "\n": " ",
    "\r": " ",
    "\u00d7": "x",  # ×
    "\u2022": "\u00b7",  # bullet -> middle dot (CP866 0xFA)
    "\u2116": "\u2116",  # № is in CP866 (0xFC): keep
    # Latin letters NFKD cannot strip to ASCII
    "Ł": "L", "ł": "l", "ß": "ss", "Ø": "O", "ø": "o", "Æ": "AE", "æ": "ae", "Œ": "OE",
    "œ": "oe", "Đ": "D", "đ": "d", "Þ": "Th", "þ": "th",
}


def _encodable(char: str) -> bool:
    try:
        char.encode(CP866)
    except UnicodeEncodeError:
        return False
    return True


def sanitize_char(char: str) -> str:
    """Return what to print for one character: itself, a replacement, or ``""``."""
    if char in REPLACEMENTS:
        return REPLACEMENTS[char]
    if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Co", "Cn"):
        return ""  # control/format chars: never pass ESC, GS, DLE through from data
    if _encodable(char):
        return char
    # Latin with accents (é, ü, ł...) -> base letters; ligatures (ﬁ) -> letters.
    decomposed = unicodedata.normalize("NFKD", char)
    kept = "".join(c for c in decomposed if not unicodedata.combining(c) and _encodable(c))
    return "".join(sanitize_char(c) if c in REPLACEMENTS else c for c in kept)


def sanitize(text: str) -> str:
    """Text that CP866 can encode completely, with sensible replacements (see module doc)."""
    return "".join(sanitize_char(c) for c in text)


def encode(text: str) -> bytes:
    """Encode text for a printer pinned to CP866. Never produces a replacement ``?``."""
    return sanitize(text).encode(CP866)


def codec_for_table(table: int, cp866_table: int) -> str:
    """The Python codec an emulated printer uses for ``ESC t table``.

    A real printer only knows its own numbering: the table configured as CP866 decodes as
    CP866, every other table as CP437 (so a misconfigured table number shows up as mojibake
    in tests, as it would on paper).
    """
    return CP866 if table == cp866_table else FALLBACK_CODEC
