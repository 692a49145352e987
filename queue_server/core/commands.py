"""Commands: what a kiosk, an operator or a manager asks the queue to do.

Imperative, frozen and slotted.  The office is implied (one engine per office); the time is
passed beside the command, never inside it, so one command object can be replayed.
Operator commands name the window and the operator acting at it; the engine checks that the
operator really is at that window and that the ticket really is there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from .model import Channel


@dataclass(frozen=True, slots=True)
class IssueTicket:
    ticket_id: str             # chosen by the caller, so a retried request names the same ticket
    service_id: str
    priority_id: str | None = None
    channel: Channel = Channel.WALK_IN
    issued_by: str = ""        # device or operator that issued it, for the record


@dataclass(frozen=True, slots=True)
class CallNext:
    window: int
    operator: str


@dataclass(frozen=True, slots=True)
class CallTicket:
    window: int
    operator: str
    ticket_id: str


@dataclass(frozen=True, slots=True)
class Recall:
    window: int
    operator: str
    ticket_id: str


@dataclass(frozen=True, slots=True)
class StartService:
    window: int
    operator: str
    ticket_id: str


@dataclass(frozen=True, slots=True)
class FinishService:
    window: int
    operator: str
    ticket_id: str
    result: str = "done"


@dataclass(frozen=True, slots=True)
class MarkNoShow:
    window: int
    operator: str
    ticket_id: str


@dataclass(frozen=True, slots=True)
class Postpone:
    window: int
    operator: str
    ticket_id: str
    reason: str = ""
    minutes: int | None = None  # None: the office's default


@dataclass(frozen=True, slots=True)
class Transfer:
    """Send the visitor on: to a service, and/or to one window or one operator."""

    window: int
    operator: str
    ticket_id: str
    to_service: str | None = None
    to_window: int | None = None
    to_operator: str | None = None
    comment: str = ""
    return_to_me: bool = False


@dataclass(frozen=True, slots=True)
class CancelTicket:
    ticket_id: str
    by: str = ""
    reason: str = ""


@dataclass(frozen=True, slots=True)
class ReactivateTicket:
    ticket_id: str
    by: str = ""


@dataclass(frozen=True, slots=True)
class ChangePriority:
    ticket_id: str
    priority_id: str | None
    by: str = ""


@dataclass(frozen=True, slots=True)
class OpenWindow:
    window: int
    operator: str


@dataclass(frozen=True, slots=True)
class PauseWindow:
    window: int
    operator: str
    reason: str = ""


@dataclass(frozen=True, slots=True)
class ResumeWindow:
    window: int
    operator: str


@dataclass(frozen=True, slots=True)
class CloseWindow:
    window: int
    operator: str


@dataclass(frozen=True, slots=True)
class SetWindowServices:
    window: int
    services: Mapping[str, float] = field(default_factory=dict)
    by: str = ""


@dataclass(frozen=True, slots=True)
class SetServiceActive:
    service_id: str
    active: bool
    by: str = ""


@dataclass(frozen=True, slots=True)
class SetRunningText:
    text: str
    by: str = ""


@dataclass(frozen=True, slots=True)
class Tick:
    """Let time act: postponed tickets whose time is up return; yesterday's leftovers expire."""


Command = (
    IssueTicket | CallNext | CallTicket | Recall | StartService | FinishService | MarkNoShow
    | Postpone | Transfer | CancelTicket | ReactivateTicket | ChangePriority | OpenWindow
    | PauseWindow | ResumeWindow | CloseWindow | SetWindowServices | SetServiceActive
    | SetRunningText | Tick
)
