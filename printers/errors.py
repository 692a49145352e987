"""The one exception tree of the printers package.

::

    PrinterError                    anything this package raises on purpose
    ├── PrinterConfigError          the caller's fault: bad URL, bad profile, missing font
    │                               (also a ValueError)
    ├── LayoutError                 a TicketLayout that cannot be printed (also a ValueError)
    ├── TransportError              the wire failed: write/read error, peer closed (also OSError)
    │   ├── ConnectError            could not open the connection -> the printer is "offline"
    │   └── TransportTimeout        a write did not progress within its timeout
    └── PrintFailed(reason)         a print job did not print; ``reason`` is a stable code

The server maps these to its own error codes at exactly one boundary; ``PrintFailed.reason``
is meant to be stored on the durable print-job row as is.
"""

from __future__ import annotations

from typing import Literal, get_args

FailReason = Literal["paper_out", "cover_open", "offline", "timeout", "io_error"]
FAIL_REASONS: tuple[str, ...] = get_args(FailReason)


class PrinterError(Exception):
    """Base of every error this package raises on purpose."""


class PrinterConfigError(PrinterError, ValueError):
    """Configuration is wrong (bad URL, unknown model, no usable font): the caller must fix it."""


class LayoutError(PrinterError, ValueError):
    """A ticket layout is invalid (naive datetime, unknown time zone, bad language)."""


class TransportError(PrinterError, OSError):
    """The connection to the printer failed while in use."""


class ConnectError(TransportError):
    """The connection could not be opened; the printer counts as offline."""


class TransportTimeout(TransportError):
    """A write made no progress within the timeout (printer busy, hung or flow-controlled)."""


class PrintFailed(PrinterError):
    """A print job was not printed.

    ``reason`` is one of ``FAIL_REASONS``: "paper_out", "cover_open", "offline" (no connection or
    the printer says offline), "timeout" (no status answer or a stalled write) or "io_error"
    (the connection broke mid-job; part of the ticket may have printed).
    """

    def __init__(self, reason: FailReason, message: str = "") -> None:
        if reason not in FAIL_REASONS:
            raise ValueError(f"unknown PrintFailed reason {reason!r}")
        self.reason: FailReason = reason
        self.message = message or reason
        super().__init__(f"{reason}: {self.message}" if message else reason)
