"""What the server tells: the office snapshot and the ``result`` of every verb's reply.

These are server -> client shapes.  They do not forbid unknown fields: a server may add a
field and older clients keep working (docs/protocol.md, "Compatibility").  The server builds
them from the core's state; clients decode them with :func:`queue_protocol.codec.result_as`.

The snapshot is scoped to the role (docs/protocol.md, "Snapshot"): a board or a kiosk gets no
``tickets`` list and no operator names, so no visitor's data reaches a public screen.
"""

from __future__ import annotations

from typing import Final, Literal

import msgspec

from .enums import Channel, LoadLevel, PrinterStatus, Role, TicketState, WindowStatus
from .wire_time import Timestamp


class View(msgspec.Struct, frozen=True, kw_only=True):
    """Base of the server's shapes: frozen, keyword-only, tolerant of added fields."""


# -- the snapshot ----------------------------------------------------------------------------

class OfficeInfo(View, frozen=True, kw_only=True):
    id: str
    name: str
    name_en: str = ""
    timezone: str                 # IANA name, e.g. "Asia/Vladivostok"
    local_day: str                # the office's local date, YYYY-MM-DD: tickets restart each day
    running_text: str = ""


class ServiceView(View, frozen=True, kw_only=True):
    id: str
    name_ru: str
    name_en: str
    parent: str | None = None
    is_category: bool = False
    prefix: str = ""
    active: bool = True
    unavailable: str | None = None     # why no ticket can be taken now (a domain code), or null
    waiting: int = 0
    estimated_wait_s: float | None = None
    norm_walk_in_min: int = 15
    norm_appointment_min: int = 5
    description_ru: str = ""           # one line under the kiosk's button
    description_en: str = ""
    documents_ru: list[str] = []       # "what to bring", one document per item
    documents_en: list[str] = []


class PriorityView(View, frozen=True, kw_only=True):
    id: str
    name_ru: str
    name_en: str


class WindowView(View, frozen=True, kw_only=True):
    number: int
    name: str = ""
    status: WindowStatus
    operator: str | None = None        # login; null for kiosks and boards
    operator_name: str | None = None   # display name; null for kiosks
    reason: str = ""                   # of a break; "" for kiosks and boards
    ticket: str | None = None          # the ticket called to or served at the window
    label: str | None = None
    services: dict[str, float] = {}
    since: Timestamp | None = None


class TicketView(View, frozen=True, kw_only=True):
    id: str
    label: str
    service: str
    state: TicketState
    channel: Channel = Channel.WALK_IN
    priority: str | None = None
    issued_at: Timestamp
    window: int | None = None
    target_window: int | None = None
    target_operator: str | None = None
    recalls: int = 0
    called_at: Timestamp | None = None      # the latest call or recall
    first_called_at: Timestamp | None = None  # the end of the wait
    started_at: Timestamp | None = None     # the start of this service
    postponed_until: Timestamp | None = None
    comment: str = ""


class CallView(View, frozen=True, kw_only=True):
    """One call on the hall board: newest first in ``OfficeView.calls``."""

    ticket: str
    label: str
    window: int
    at: Timestamp
    recall: bool = False


class OfficeView(View, frozen=True, kw_only=True):
    """The ``state`` of a snapshot: the office as this role may see it at ``seq``."""

    office: OfficeInfo
    services: list[ServiceView] = []
    priorities: list[PriorityView] = []
    windows: list[WindowView] = []
    tickets: list[TicketView] | None = None   # null for kiosks and boards
    calls: list[CallView] = []


# -- results ---------------------------------------------------------------------------------

class HelloResult(View, frozen=True, kw_only=True):
    protocol: int
    role: Role
    user: str                        # login, or the device id
    name: str                        # display name of the account or the device
    office: str                      # the home office
    offices: list[str]               # every office this connection follows
    window: int | None = None        # operator: the window still open from an earlier session; board: its window
    printer: str | None = None       # kiosk: its printer
    verbs: list[str]                 # what this role may send
    session: str | None = None       # username + password logins: the token for the next hello
    session_expires_at: Timestamp | None = None
    server_time: Timestamp


class PingResult(View, frozen=True, kw_only=True):
    server_time: Timestamp


class IssueResult(View, frozen=True, kw_only=True):
    ticket: str
    office: str
    label: str                       # "А015": what the visitor looks for on the board
    number: int
    service: str
    priority: str | None = None
    channel: Channel = Channel.WALK_IN
    issued_at: Timestamp
    local_day: str
    people_ahead: int
    estimated_wait_s: float | None = None   # null: nobody serves the service right now
    print_job: str | None = None            # null: not printed (no printer, or not a kiosk)
    pin: str | None = None                  # the four digits printed on the ticket, to show on screen too
    printer_status: PrinterStatus | None = None
    seq: int


class TicketResult(View, frozen=True, kw_only=True):
    """The ticket after an operator or manager verb; ``seq`` is the event it caused."""

    ticket: str
    office: str
    label: str
    state: TicketState
    service: str
    window: int | None = None
    recalls: int = 0
    seq: int


class WindowResult(View, frozen=True, kw_only=True):
    office: str
    window: int
    status: WindowStatus
    services: dict[str, float] = {}
    seq: int


class ServiceResult(View, frozen=True, kw_only=True):
    office: str
    service: str
    active: bool
    seq: int


class TextResult(View, frozen=True, kw_only=True):
    office: str
    text: str
    seq: int


class ReloadResult(View, frozen=True, kw_only=True):
    offices: list[str]               # the offices after the reload
    changed: list[str] = []          # offices whose configuration changed


class ResyncResult(View, frozen=True, kw_only=True):
    """Announces what follows the reply: the missed events in order, or one snapshot."""

    office: str
    mode: Literal["events", "snapshot"]
    after_seq: int
    to_seq: int


class ReprintResult(View, frozen=True, kw_only=True):
    ticket: str
    label: str
    print_job: str


class PrintInfoResult(View, frozen=True, kw_only=True):
    """``service.print_info``: the info page's job; ``print`` notices with this job tell how it ends."""

    office: str
    service: str
    printer: str
    print_job: str
    printer_status: PrinterStatus | None = None   # as last seen: paper_out etc. means it will fail


class PrinterView(View, frozen=True, kw_only=True):
    printer: str
    office: str
    status: PrinterStatus
    checked_at: Timestamp | None = None
    queued_jobs: int = 0


class PrinterStatusResult(View, frozen=True, kw_only=True):
    printers: list[PrinterView]


# -- statistics (docs/statistics.md): the figures of the report, live; the report as a file --

class StatsFigures(View, frozen=True, kw_only=True):
    """Today's tickets of a group (the office, or one service) by the report's definitions.

    Durations in seconds, shares in per cent; ``null`` where there is nothing to measure."""

    issued: int = 0                     # tickets issued today (by the service issued for)
    waiting: int = 0                    # waiting now (by the service they wait for now)
    served: int = 0
    no_shows: int = 0
    cancelled: int = 0
    called: int = 0
    wait_mean_s: float | None = None    # issue (an appointment: the later of check-in and slot) -> first call
    wait_median_s: float | None = None
    wait_p90_s: float | None = None
    wait_max_s: float | None = None
    norm_counted: int = 0               # tickets that count for the norm
    within_norm: int = 0                # ... of them called within it
    within_norm_pct: float | None = None
    longest_wait_s: float | None = None  # the longest wait so far of those waiting now


class ServiceStats(StatsFigures, frozen=True, kw_only=True):
    service: str
    name_ru: str = ""
    name_en: str = ""
    norm_walk_in_min: int = 15
    norm_appointment_min: int = 5


class StatsTodayResult(View, frozen=True, kw_only=True):
    office: str
    local_day: str                      # the office's local day, YYYY-MM-DD
    as_of: Timestamp                    # the figures are up to this instant
    head_seq: int                       # the office's last event when the reading began
    total: StatsFigures                 # the whole office
    services: list[ServiceStats] = []
    computed_ms: float = 0.0            # the server's time to read and compute (for the curious)


class StatsMyDayResult(View, frozen=True, kw_only=True):
    """One operator's day by the report's definitions (docs/statistics.md); durations in seconds."""

    office: str
    operator: str                       # the signed-in account's login
    local_day: str                      # the office's local day, YYYY-MM-DD
    as_of: Timestamp                    # the figures are up to this instant
    head_seq: int                       # the office's last event when the reading began
    served: int = 0                     # visits ended with a result (ticket.finished, ticket.sent_back)
    no_shows: int = 0                   # visits ended by ticket.no_show
    transfers: int = 0                  # visits ended by ticket.transfer
    postponed: int = 0                  # visits ended by ticket.postpone
    service_mean_s: float | None = None  # start -> end of the served visits
    service_median_s: float | None = None
    called_first: int = 0               # tickets whose first call was this operator's
    wait_mean_s: float | None = None    # ... their wait: issue -> that call
    serving_s: float = 0.0              # window time: a visitor at the window
    calling_s: float = 0.0              # ... called, not there yet
    idle_s: float = 0.0                 # ... open, nobody at the window
    on_break_s: float = 0.0
    at_work_s: float = 0.0              # open, without the breaks
    computed_ms: float = 0.0


class ReportFileResult(View, frozen=True, kw_only=True):
    office: str
    first: str = msgspec.field(name="from")     # local days, YYYY-MM-DD, both included
    last: str = msgspec.field(name="to")
    format: Literal["csv", "xlsx", "pdf"]
    file_name: str                      # a suggestion for the save dialog, ASCII
    content_type: str
    size: int                           # bytes of the file (before base64)
    data: str                           # the file, base64 (RFC 4648, with padding)


_TICKET_VERBS = ("call.next", "call.ticket", "ticket.recall", "ticket.start", "ticket.finish", "ticket.no_show",
                 "ticket.postpone", "ticket.transfer", "ticket.cancel", "ticket.reactivate", "ticket.set_priority")
_WINDOW_VERBS = ("window.open", "window.break", "window.resume", "window.close", "window.set_services")

RESULT_FOR_VERB: Final[dict[str, type[View]]] = {
    "hello": HelloResult,
    "ping": PingResult,
    "resync": ResyncResult,
    "ticket.issue": IssueResult,
    "ticket.reprint": ReprintResult,
    "printer.status": PrinterStatusResult,
    "service.print_info": PrintInfoResult,
    **dict.fromkeys(_TICKET_VERBS, TicketResult),
    **dict.fromkeys(_WINDOW_VERBS, WindowResult),
    "service.set_active": ServiceResult,
    "board.set_text": TextResult,
    "config.reload": ReloadResult,
    "stats.today": StatsTodayResult,
    "stats.my_day": StatsMyDayResult,
    "stats.report": ReportFileResult,
}
"""The shape of ``result`` in the reply to each verb."""


# -- plain HTTP GETs on the same port (docs/protocol.md, "HTTP") ---------------------------

class Health(View, frozen=True, kw_only=True):
    """``GET /healthz``: 200 with status "ok" when the database answers, else 503 "unavailable"."""

    status: Literal["ok", "unavailable"]
    database: str                    # "ok", or why not (no secrets, no URL)
    protocol: int
    server_time: Timestamp


class ServiceLoad(View, frozen=True, kw_only=True):
    service: str
    name_ru: str
    name_en: str
    waiting: int
    open_windows: int
    average_wait_s: float | None = None  # null: nothing to measure yet
    norm_s: int                          # the walk-in norm
    level: LoadLevel


class OfficeLoad(View, frozen=True, kw_only=True):
    office: str
    name: str
    name_en: str = ""
    timezone: str
    open: bool                       # within opening hours now
    waiting: int
    open_windows: int
    services: list[ServiceLoad] = []


class LoadReport(View, frozen=True, kw_only=True):
    """``GET /api/load``: public, no personal data, no ticket labels."""

    generated_at: Timestamp
    offices: list[OfficeLoad] = []
