"""Server -> client messages: the two replies and the two pushes (docs/protocol.md).

Replies answer one request and carry its id in ``re``; they have no ``type``.  Pushes
(``snapshot``, ``event``) carry a ``type`` tag, the office and its ``seq``.  A client tells
them apart by the presence of ``type``; :func:`queue_protocol.codec.parse_server` does that.

Ordering contract (what lets a screen never go stale, DESIGN.md §6): per connection and
office, the server sends a ``snapshot`` before any ``event``, and events in ``seq`` order
with no gap.  A client that sees ``seq > last + 1`` asks for ``resync``; ``seq <= last`` is a
duplicate it drops.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec

from .enums import EventType, PrinterStatus, PrintJobKind, PrintJobState, TicketState
from .views import OfficeView
from .wire_time import Timestamp


class ErrorBody(msgspec.Struct, frozen=True):
    code: str          # stable, ASCII snake_case: clients branch on it (docs/protocol.md, "Error codes")
    message: str       # for people and logs, never parsed


class Reply(msgspec.Struct, frozen=True):
    """``{"re": id, "ok": true, "result": {...}}``.

    ``result`` is a :mod:`queue_protocol.views` Struct when the server builds the reply and a
    plain dict when a client decodes it (``codec.result_as`` turns it into the Struct).
    """

    re: str
    ok: Literal[True] = True
    result: Any = {}


class ErrorReply(msgspec.Struct, frozen=True, kw_only=True):
    """``{"re": id | null, "ok": false, "error": {"code", "message"}}``; ``re`` is null when the
    request id could not be read from the frame."""

    re: str | None
    ok: Literal[False] = False
    error: ErrorBody


class WireEvent(msgspec.Struct, frozen=True, kw_only=True):
    """One row of the office's event log, as the core's ``Event`` with wire names."""

    type: EventType
    at: Timestamp
    ticket: str | None = None
    label: str | None = None
    from_state: TicketState | None = msgspec.field(default=None, name="from")
    to_state: TicketState | None = msgspec.field(default=None, name="to")
    service: str | None = None
    window: int | None = None
    operator: str | None = None
    data: dict[str, Any] = {}


class Push(msgspec.Struct, frozen=True, tag_field="type"):
    """Base of the unsolicited messages: both name the office and the sequence number."""

    office: str
    seq: int


class Snapshot(Push, tag="snapshot", frozen=True):
    """The office as of ``seq``: replace what you had, then apply events after ``seq``."""

    state: OfficeView


class EventMessage(Push, tag="event", frozen=True):
    """One event; ``seq`` is its place in the office's gapless sequence."""

    event: WireEvent


class Notice(msgspec.Struct, frozen=True, tag_field="type"):
    """Base of the pushes that are not in the event log: no ``seq``; the latest one wins."""

    office: str


class PrintNotice(Notice, tag="print", frozen=True, kw_only=True):
    """A print job changed state; sent to the kiosk that asked for it and to staff.

    ``kind`` "ticket": ``failed`` tells the kiosk to show the ticket on screen (the ticket
    itself is in the queue).  ``kind`` "info": a service's info page (``service``); ``ticket``
    and ``label`` are "" (always sent, so clients older than ``kind`` still decode it).
    """

    job: str
    kind: PrintJobKind = PrintJobKind.TICKET
    ticket: str = ""
    label: str = ""
    service: str | None = None            # info pages: the service printed
    printer: str
    state: PrintJobState
    reason: str = ""                      # failed: paper_out, cover_open, offline, timeout, io_error, ...
    printer_status: PrinterStatus | None = None


class PrinterNotice(Notice, tag="printer", frozen=True, kw_only=True):
    """A printer's status changed; sent to the kiosks it prints for and to staff."""

    printer: str
    status: PrinterStatus
    checked_at: Timestamp | None = None
    queued_jobs: int = 0


ServerMessage = Reply | ErrorReply | Snapshot | EventMessage | PrintNotice | PrinterNotice
