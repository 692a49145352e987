"""The wire's vocabulary: roles, channels, results, ticket states, window statuses, event types.

``queue_protocol`` is a leaf and may not import ``queue_server``, so the values the core
defines (``queue_server.core.states``, ``.events``, ``.model``) are mirrored here.  The
string values are the contract; ``tests/protocol/test_protocol_mirror.py`` fails the moment
the core and these enums drift apart.
"""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    """Who is on the other end of a connection (docs/protocol.md, "Roles")."""

    KIOSK = "kiosk"        # a touchscreen that issues (and prints) tickets; device token
    DISPLAY = "display"    # a hall board or a window board; device token
    OPERATOR = "operator"  # works at one window; username + password
    MANAGER = "manager"    # an operator who may also steer the office
    ADMIN = "admin"        # everything, including reloading the configuration


class Channel(enum.StrEnum):
    """How the visitor came (core ``model.Channel``)."""

    WALK_IN = "walk_in"
    APPOINTMENT = "appointment"


class Result(enum.StrEnum):
    """How a service ended (core ``model.RESULTS``)."""

    DONE = "done"
    ANOTHER_VISIT = "another_visit"
    REFUSED = "refused"
    CONSULTED = "consulted"


class TicketState(enum.StrEnum):
    """A ticket's lifecycle (core ``states.TicketState``)."""

    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    POSTPONED = "postponed"
    FINISHED = "finished"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


class WindowStatus(enum.StrEnum):
    """A window's lifecycle (core ``states.WindowStatus``)."""

    CLOSED = "closed"
    OPEN = "open"
    BREAK = "break"


class EventType(enum.StrEnum):
    """Every kind of event in the office's log (core ``events.EventType``)."""

    TICKET_ISSUED = "ticket.issued"
    TICKET_CALLED = "ticket.called"
    TICKET_RECALLED = "ticket.recalled"
    TICKET_STARTED = "ticket.started"
    TICKET_FINISHED = "ticket.finished"
    TICKET_SENT_BACK = "ticket.sent_back"
    TICKET_NO_SHOW = "ticket.no_show"
    TICKET_POSTPONED = "ticket.postponed"
    TICKET_RETURNED = "ticket.returned"
    TICKET_TRANSFERRED = "ticket.transferred"
    TICKET_CANCELLED = "ticket.cancelled"
    TICKET_REACTIVATED = "ticket.reactivated"
    TICKET_PRIORITY_CHANGED = "ticket.priority_changed"
    WINDOW_OPENED = "window.opened"
    WINDOW_PAUSED = "window.paused"
    WINDOW_RESUMED = "window.resumed"
    WINDOW_CLOSED = "window.closed"
    WINDOW_SERVICES_CHANGED = "window.services_changed"
    SERVICE_ACTIVE_CHANGED = "service.active_changed"
    RUNNING_TEXT_CHANGED = "office.running_text_changed"


class PrinterStatus(enum.StrEnum):
    """A ticket printer as the server last saw it (``printers.status.PrinterStatus``)."""

    OK = "ok"
    NEAR_END = "near_end"
    PAPER_OUT = "paper_out"
    COVER_OPEN = "cover_open"
    OFFLINE = "offline"
    UNKNOWN = "unknown"    # no answer: never assume "ok"


class PrintJobState(enum.StrEnum):
    """A printed ticket's job in the server's spool."""

    QUEUED = "queued"      # durable, waiting for the printer's worker
    PRINTING = "printing"  # the bytes are on their way
    PRINTED = "printed"    # the printer took them while reporting it could print
    FAILED = "failed"      # given up: the kiosk shows the ticket on screen instead


class Lang(enum.StrEnum):
    """A language a visitor reads: what a kiosk shows and an info page is printed in."""

    RU = "ru"
    EN = "en"


class PrintJobKind(enum.StrEnum):
    """What a print job prints."""

    TICKET = "ticket"      # a visitor's ticket (ticket.issue, ticket.reprint)
    INFO = "info"          # a service's info page: what to bring (service.print_info)


class LoadLevel(enum.StrEnum):
    """A service's colour on /api/load: its average wait against the walk-in norm."""

    GREEN = "green"    # average wait at most half the norm
    YELLOW = "yellow"  # at most the norm
    RED = "red"        # over the norm, or people waiting and no window open for them
