"""Printer status over DLE EOT, where silence means "unknown", never "ok".

``query_status`` sends the three real-time status requests of the Epson ESC/POS reference
(they are answered even while the printer is offline or mid-job) and reads one byte each.
Every answer byte has the fixed pattern ``0xx1xx10`` (bits 1 and 4 set, bits 0 and 7 clear);
a byte without it is not a status answer and makes the result UNKNOWN.

DLE EOT 1, printer status:   bit 3 (0x08) offline; bit 5 (0x20) waiting for recovery.
DLE EOT 2, offline cause:    bit 2 (0x04) cover open; bit 3 (0x08) paper fed by the FEED button;
                             bit 5 (0x20) printing stopped by paper end; bit 6 (0x40) error.
DLE EOT 4, roll paper sensor: bits 2,3 (0x0C) paper near end; bits 5,6 (0x60) paper end.

python-escpos's own ``paper_status`` reports "paper adequate" when nothing answers; a dead
printer must never look healthy, hence this module.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from enum import StrEnum

from .connections import Transport, connect
from .errors import ConnectError, TransportError

DLE_EOT = b"\x10\x04"
FIXED_MASK, FIXED_BITS = 0x93, 0x12

OFFLINE_BIT = 0x08  # n=1
COVER_OPEN_BIT = 0x04  # n=2
PAPER_STOP_BIT = 0x20  # n=2
ERROR_BIT = 0x40  # n=2
NEAR_END_BITS = 0x0C  # n=4
PAPER_END_BITS = 0x60  # n=4


class PrinterStatus(StrEnum):
    """The printer's lifecycle as the server sees it."""

    OK = "ok"  # online, paper present, cover closed: print
    NEAR_END = "near_end"  # prints, but the near-end sensor tripped: change the roll soon
    PAPER_OUT = "paper_out"  # no paper: jobs fail until someone loads a roll
    COVER_OPEN = "cover_open"  # cover open (often while changing the roll): jobs fail
    OFFLINE = "offline"  # no connection, or the printer says offline for another reason
    UNKNOWN = "unknown"  # no or garbled answer (or a write-only link): never assume "ok"

    @property
    def can_print(self) -> bool:
        """True for the states in which a job is sent."""
        return self in (PrinterStatus.OK, PrinterStatus.NEAR_END)


@dataclass(frozen=True, slots=True)
class StatusReport:
    """A status with the raw answer bytes (``None`` = no answer) for logs and support."""

    status: PrinterStatus
    answers: dict[int, int | None] = field(default_factory=dict)
    error: str | None = None  # set when the link itself failed (status is then OFFLINE)


def _drain(transport: Transport) -> None:
    """Drop stale input (a late answer to an earlier query would shift every answer)."""
    for _ in range(64):
        if not transport.read(256, timeout=0):
            return


def _ask(transport: Transport, n: int, deadline: float) -> int | None:
    transport.write(DLE_EOT + bytes([n]))
    answer = transport.read(1, timeout=max(0.0, deadline - time.monotonic()))
    if len(answer) != 1 or answer[0] & FIXED_MASK != FIXED_BITS:
        return None
    return answer[0]


def classify(printer: int, cause: int, paper: int) -> PrinterStatus:
    """Map the three answer bytes to a status; cover first, as changing the roll opens it."""
    if cause & COVER_OPEN_BIT:
        return PrinterStatus.COVER_OPEN
    if paper & PAPER_END_BITS or cause & PAPER_STOP_BIT:
        return PrinterStatus.PAPER_OUT
    if printer & OFFLINE_BIT or cause & ERROR_BIT:
        return PrinterStatus.OFFLINE
    if paper & NEAR_END_BITS:
        return PrinterStatus.NEAR_END
    return PrinterStatus.OK


def query_status_report(transport: Transport, timeout: float = 1.0) -> StatusReport:
    """Ask DLE EOT 1, 2, 4 within ``timeout`` seconds in total; see the module doc."""
    if not transport.bidirectional:
        return StatusReport(PrinterStatus.UNKNOWN)
    deadline = time.monotonic() + timeout
    answers: dict[int, int | None] = {}
    try:
        _drain(transport)
        for n in (1, 2, 4):
            answers[n] = _ask(transport, n, deadline)
            if answers[n] is None:
                return StatusReport(PrinterStatus.UNKNOWN, answers)
    except TransportError as exc:
        return StatusReport(PrinterStatus.OFFLINE, answers, str(exc))
    printer, cause, paper = answers[1], answers[2], answers[4]
    assert printer is not None and cause is not None and paper is not None
    return StatusReport(classify(printer, cause, paper), answers)


def query_status(transport: Transport, timeout: float = 1.0) -> PrinterStatus:
    """The printer's status over an open transport. No answer in time -> UNKNOWN."""
    return query_status_report(transport, timeout).status


def probe(url: str, timeout: float = 1.0) -> PrinterStatus:
    """Connect, query, close. A connection that cannot be opened is OFFLINE."""
    try:
        transport = connect(url, timeout=timeout)
    except ConnectError:
        return PrinterStatus.OFFLINE
    try:
        return query_status(transport, timeout)
    finally:
        transport.close()
