"""Client -> server messages: one frozen msgspec Struct per verb (docs/protocol.md, "Verbs").

Every message is a JSON object ``{"type": "<verb>", "id": "<request id>", ...}``; ``type`` is
the msgspec tag, so :data:`ClientMessage` decodes a frame into exactly one of these classes
in one pass.  Unknown fields are refused, and every string and number is bounded here, at the
edge, so that nothing unbounded reaches the server's sessions or the queue core.

What a message does *not* carry is as much a part of the contract as what it carries: the
window and the operator of operator verbs come from the session (the window opened with
``window.open``), never from the message, so a console cannot act for another window.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Final, Literal

import msgspec
from msgspec import Meta

from .enums import Channel, Lang, Result, Role

# -- bounds (the core's own limits are mirrored; tests/protocol/test_protocol_mirror.py checks) --

MAX_ID_LEN: Final = 64          # request ids, office/service/ticket ids, logins
MAX_REASON_LEN: Final = 200     # a break, a postponement, a cancellation
MAX_COMMENT_LEN: Final = 500    # a transfer's note to the next operator
MAX_TEXT_LEN: Final = 500       # the boards' running text (core engine.MAX_TEXT)
MAX_CLIENT_LEN: Final = 100     # hello.client, free text for logs
MAX_SECRET_LEN: Final = 256     # passwords and tokens: bounded before argon2 ever sees them
MIN_TOKEN_LEN: Final = 8        # device and session tokens (config devices.MIN_TOKEN)
MAX_POSTPONE_MIN: Final = 480   # core engine.MAX_POSTPONE_MIN
MAX_WINDOW: Final = 9999        # window numbers are 1..9999 (config loader)
MAX_WEIGHT: Final = 100.0       # a window's weight for a service, (0, 100] (config loader)
MAX_SERVICES: Final = 500       # services of one window
MAX_OFFICES: Final = 1000       # offices in hello.last_seq
MAX_SEQ: Final = 2**53 - 1      # JSON-safe integers only

ID_PATTERN: Final = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$"      # config services.ID
LOGIN_PATTERN: Final = r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$"  # config loader._LOGIN
REQUEST_ID_PATTERN: Final = r"^[\x21-\x7e]{1,64}$"             # printable ASCII, no spaces

RequestId = Annotated[str, Meta(min_length=1, max_length=MAX_ID_LEN, pattern=REQUEST_ID_PATTERN)]
Id = Annotated[str, Meta(min_length=1, max_length=MAX_ID_LEN, pattern=ID_PATTERN)]
Login = Annotated[str, Meta(min_length=1, max_length=MAX_ID_LEN, pattern=LOGIN_PATTERN)]
Token = Annotated[str, Meta(min_length=MIN_TOKEN_LEN, max_length=MAX_SECRET_LEN, pattern=r"^[\x21-\x7e]+$")]
Password = Annotated[str, Meta(min_length=1, max_length=MAX_SECRET_LEN)]
NO_NUL: Final = r"^[^\x00]*$"  # PostgreSQL text cannot hold NUL; no person types one
Reason = Annotated[str, Meta(max_length=MAX_REASON_LEN, pattern=NO_NUL)]
Comment = Annotated[str, Meta(max_length=MAX_COMMENT_LEN, pattern=NO_NUL)]
BoardText = Annotated[str, Meta(max_length=MAX_TEXT_LEN, pattern=NO_NUL)]
ClientName = Annotated[str, Meta(max_length=MAX_CLIENT_LEN)]
WindowNo = Annotated[int, Meta(ge=1, le=MAX_WINDOW)]
Seq = Annotated[int, Meta(ge=0, le=MAX_SEQ)]
Minutes = Annotated[int, Meta(ge=1, le=MAX_POSTPONE_MIN)]
Weight = Annotated[float, Meta(gt=0, le=MAX_WEIGHT)]
ProtocolVersion = Annotated[int, Meta(ge=1, le=1000)]


class ClientMessage(msgspec.Struct, frozen=True, forbid_unknown_fields=True, tag_field="type"):
    """Base of every client message: ``id`` is the request id the reply's ``re`` echoes."""

    id: RequestId

    @property
    def verb(self) -> str:
        """The message's ``type``: its verb."""
        return str(self.__struct_config__.tag)


# -- session ---------------------------------------------------------------------------------

class Hello(ClientMessage, tag="hello", frozen=True, kw_only=True):
    """The first message.  Exactly one credential: ``token``, ``username`` + ``password``, or ``session``."""

    protocol: ProtocolVersion
    token: Token | None = None
    username: Login | None = None
    password: Password | None = None
    session: Token | None = None
    last_seq: Annotated[dict[Id, Seq], Meta(max_length=MAX_OFFICES)] | None = None
    client: ClientName = ""

    def __post_init__(self) -> None:
        kinds = [self.token is not None, self.username is not None or self.password is not None,
                 self.session is not None]
        if sum(kinds) != 1 or (kinds[1] and (self.username is None or self.password is None)):
            raise ValueError("give exactly one credential: token, username + password, or session")

    def __repr__(self) -> str:
        """Secrets masked: a logged hello must not leak a password or a token."""
        shown = {"token": self.token, "password": self.password, "session": self.session}
        secrets = ", ".join(f"{k}=***" for k, v in shown.items() if v is not None)
        return (f"Hello(id={self.id!r}, protocol={self.protocol}, username={self.username!r}, {secrets}, "
                f"last_seq={self.last_seq!r}, client={self.client!r})")


class Ping(ClientMessage, tag="ping", frozen=True, kw_only=True):
    """Keeps an idle connection honest; the reply carries the server's time."""


class Resync(ClientMessage, tag="resync", frozen=True, kw_only=True):
    """Send me every event of ``office`` after ``after_seq``, or a fresh snapshot."""

    office: Id
    after_seq: Seq


# -- tickets: kiosks, and operators on a visitor's behalf ------------------------------------

class TicketIssue(ClientMessage, tag="ticket.issue", frozen=True, kw_only=True):
    service: Id
    priority: Id | None = None
    channel: Channel = Channel.WALK_IN
    office: Id | None = None   # only for accounts that serve several offices


class TicketReprint(ClientMessage, tag="ticket.reprint", frozen=True, kw_only=True):
    ticket: Id
    office: Id | None = None


class PrinterStatusQuery(ClientMessage, tag="printer.status", frozen=True, kw_only=True):
    """A kiosk asks about its own printer; a manager about one printer or all (``printer`` null)."""

    printer: Id | None = None
    office: Id | None = None


class ServicePrintInfo(ClientMessage, tag="service.print_info", frozen=True, kw_only=True):
    """Print a service's info page (what to bring) in ``lang``: a kiosk on its own printer, a
    manager on the office printer it names."""

    service: Id
    lang: Lang = Lang.RU
    printer: Id | None = None
    office: Id | None = None


# -- operator verbs: the window and the operator come from the session -----------------------

class CallNext(ClientMessage, tag="call.next", frozen=True, kw_only=True):
    pass


class CallTicket(ClientMessage, tag="call.ticket", frozen=True, kw_only=True):
    ticket: Id


class TicketRecall(ClientMessage, tag="ticket.recall", frozen=True, kw_only=True):
    ticket: Id


class TicketStart(ClientMessage, tag="ticket.start", frozen=True, kw_only=True):
    ticket: Id


class TicketFinish(ClientMessage, tag="ticket.finish", frozen=True, kw_only=True):
    ticket: Id
    result: Result


class TicketNoShow(ClientMessage, tag="ticket.no_show", frozen=True, kw_only=True):
    ticket: Id


class TicketPostpone(ClientMessage, tag="ticket.postpone", frozen=True, kw_only=True):
    ticket: Id
    reason: Reason = ""
    minutes: Minutes | None = None   # null: the office's default


class TicketTransfer(ClientMessage, tag="ticket.transfer", frozen=True, kw_only=True):
    """At least one target (the core answers ``no_target`` otherwise)."""

    ticket: Id
    to_service: Id | None = None
    to_window: WindowNo | None = None
    to_operator: Login | None = None
    comment: Comment = ""
    return_to_me: bool = False


class TicketCancel(ClientMessage, tag="ticket.cancel", frozen=True, kw_only=True):
    ticket: Id
    reason: Reason = ""
    office: Id | None = None


class WindowOpen(ClientMessage, tag="window.open", frozen=True, kw_only=True):
    """Sit down at ``window``: from now on operator verbs act there."""

    window: WindowNo
    office: Id | None = None


class WindowBreak(ClientMessage, tag="window.break", frozen=True, kw_only=True):
    reason: Reason = ""


class WindowResume(ClientMessage, tag="window.resume", frozen=True, kw_only=True):
    pass


class WindowClose(ClientMessage, tag="window.close", frozen=True, kw_only=True):
    pass


# -- manager verbs ---------------------------------------------------------------------------

class TicketReactivate(ClientMessage, tag="ticket.reactivate", frozen=True, kw_only=True):
    ticket: Id
    office: Id | None = None


class TicketSetPriority(ClientMessage, tag="ticket.set_priority", frozen=True, kw_only=True):
    ticket: Id
    priority: Id | None
    office: Id | None = None


class WindowSetServices(ClientMessage, tag="window.set_services", frozen=True, kw_only=True):
    window: WindowNo
    services: Annotated[dict[Id, Weight], Meta(max_length=MAX_SERVICES)]
    office: Id | None = None


class ServiceSetActive(ClientMessage, tag="service.set_active", frozen=True, kw_only=True):
    service: Id
    active: bool
    office: Id | None = None


class BoardSetText(ClientMessage, tag="board.set_text", frozen=True, kw_only=True):
    text: BoardText
    office: Id | None = None


# -- admin -----------------------------------------------------------------------------------

class ConfigReload(ClientMessage, tag="config.reload", frozen=True, kw_only=True):
    pass


# -- statistics: managers read the event log's figures (docs/statistics.md) -------------------

MAX_REPORT_DAYS: Final = 366    # stats.report: at most a year (a leap one) of local days
ReportFormat = Literal["csv", "xlsx", "pdf"]


class StatsToday(ClientMessage, tag="stats.today", frozen=True, kw_only=True):
    """Today's figures of the office (its local day, up to now), by the report's definitions."""

    office: Id | None = None


class StatsMyDay(ClientMessage, tag="stats.my_day", frozen=True, kw_only=True):
    """The signed-in account's own figures of the office's local day, up to now."""

    office: Id | None = None


class StatsReport(ClientMessage, tag="stats.report", frozen=True, kw_only=True):
    """The report of local days ``from``..``to`` (both included) as a file in the reply."""

    first: date = msgspec.field(name="from")
    last: date = msgspec.field(name="to")
    format: ReportFormat
    office: Id | None = None

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError(f"the period ends ({self.last}) before it starts ({self.first})")
        if (self.last - self.first).days + 1 > MAX_REPORT_DAYS:
            raise ValueError(f"a report covers at most {MAX_REPORT_DAYS} days")


CLIENT_MESSAGES: Final[tuple[type[ClientMessage], ...]] = (
    Hello, Ping, Resync, TicketIssue, TicketReprint, PrinterStatusQuery, ServicePrintInfo, CallNext, CallTicket,
    TicketRecall, TicketStart, TicketFinish, TicketNoShow, TicketPostpone, TicketTransfer,
    TicketCancel, WindowOpen, WindowBreak, WindowResume, WindowClose, TicketReactivate,
    TicketSetPriority, WindowSetServices, ServiceSetActive, BoardSetText, ConfigReload,
    StatsToday, StatsMyDay, StatsReport,
)
"""Every client message class; ``parse_client`` decodes their tagged union."""


def verb_of(cls: type[ClientMessage]) -> str:
    """The verb (the ``type`` tag) of a message class."""
    return str(cls.__struct_config__.tag)


MESSAGE_FOR_VERB: Final[dict[str, type[ClientMessage]]] = {verb_of(cls): cls for cls in CLIENT_MESSAGES}

# -- who may send what -----------------------------------------------------------------------

_ALL = frozenset(Role)
_STAFF = frozenset({Role.OPERATOR, Role.MANAGER, Role.ADMIN})
_MANAGERS = frozenset({Role.MANAGER, Role.ADMIN})
_ADMIN = frozenset({Role.ADMIN})
_KIOSK_AND_MANAGERS = frozenset({Role.KIOSK}) | _MANAGERS

ROLES_FOR_VERB: Final[dict[str, frozenset[Role]]] = {
    "hello": _ALL,
    "ping": _ALL,
    "resync": _ALL,
    "ticket.issue": frozenset({Role.KIOSK}) | _STAFF,
    "ticket.reprint": _KIOSK_AND_MANAGERS,
    "printer.status": _KIOSK_AND_MANAGERS,
    "service.print_info": _KIOSK_AND_MANAGERS,
    "call.next": _STAFF,
    "call.ticket": _STAFF,
    "ticket.recall": _STAFF,
    "ticket.start": _STAFF,
    "ticket.finish": _STAFF,
    "ticket.no_show": _STAFF,
    "ticket.postpone": _STAFF,
    "ticket.transfer": _STAFF,
    "ticket.cancel": _STAFF,
    "window.open": _STAFF,
    "window.break": _STAFF,
    "window.resume": _STAFF,
    "window.close": _STAFF,
    "ticket.reactivate": _MANAGERS,
    "ticket.set_priority": _MANAGERS,
    "window.set_services": _MANAGERS,
    "service.set_active": _MANAGERS,
    "board.set_text": _MANAGERS,
    "config.reload": _ADMIN,
    "stats.today": _MANAGERS,
    "stats.my_day": _STAFF,
    "stats.report": _MANAGERS,
}
"""Which roles may send each verb.  The server answers ``forbidden`` to anyone else."""

VERBS: Final = frozenset(ROLES_FOR_VERB)

READ_ONLY_VERBS: Final = frozenset({"hello", "ping", "resync", "printer.status",
                                    "stats.today", "stats.my_day", "stats.report"})
"""Verbs that change nothing: re-executed on a retry instead of answered from the replay cache."""


def verbs_for(role: Role) -> frozenset[str]:
    """The verbs ``role`` may send, for the hello reply."""
    return frozenset(verb for verb, roles in ROLES_FOR_VERB.items() if role in roles)
