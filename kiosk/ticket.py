"""The ticket on the kiosk's screen and what became of its print job.  Pure.

The reply to ``ticket.issue`` says whether printing can work (``print_job``, ``printer_status``);
``print`` notices then tell how the job ended.  A notice may reach the kiosk before the reply
is handed to it (they travel different paths through the client), so notices are kept in a
short buffer and applied when the ticket appears.  A job that neither prints nor fails within
the watchdog time counts as failed: the visitor must never leave without a number.
"""

from __future__ import annotations

import enum
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Final, TypeVar

from queue_protocol.replies import PrintNotice

from .asked import Asked

FAILED_PRINTER: Final = frozenset({"paper_out", "cover_open", "offline"})
"""Printer states in which a fresh job cannot print: show the number instead at once."""


class PrintState(enum.StrEnum):
    PRINTING = "printing"   # the job is queued or on its way
    PRINTED = "printed"     # the printer took it: "take your ticket"
    FAILED = "failed"       # no paper, cover open, offline, no printer, timeout: "remember your number"


@dataclass(frozen=True, slots=True)
class IssuedTicket:
    ticket: str
    office: str
    label: str
    service: str
    people_ahead: int
    estimated_wait_s: float | None
    priority: str | None
    print_job: str | None
    print_state: PrintState
    fail_reason: str = ""          # paper_out, cover_open, offline, or "" (the generic text)
    asked: Asked | None = None     # the request that gave it, to ask again after a reconnect: how did the job end?

    @property
    def failed(self) -> bool:
        return self.print_state is PrintState.FAILED

    @property
    def awaiting_end(self) -> Asked | None:
        """The request to send again after a reconnect: its job may have ended while the kiosk was away."""
        return self.asked if self.print_job is not None and self.print_state is PrintState.PRINTING else None


def fail_key(reason: str) -> str:
    """The catalogue key of a print failure's headline."""
    return f"print_failed.{reason}" if reason in FAILED_PRINTER else "print_failed.other"


def from_reply(result: dict[str, Any], asked: Asked | None = None) -> IssuedTicket:
    """The ticket as the ``IssueResult`` to ``asked`` describes it, before any print notice."""
    job = result.get("print_job")
    status = str(result.get("printer_status") or "")
    if not job:
        state, reason = PrintState.FAILED, ""
    elif status in FAILED_PRINTER:
        state, reason = PrintState.FAILED, status
    else:
        state, reason = PrintState.PRINTING, ""
    wait = result.get("estimated_wait_s")
    return IssuedTicket(
        ticket=str(result["ticket"]), office=str(result["office"]), label=str(result["label"]),
        service=str(result["service"]), people_ahead=int(result.get("people_ahead") or 0),
        estimated_wait_s=float(wait) if wait is not None else None, priority=result.get("priority"),
        print_job=str(job) if job else None, print_state=state, fail_reason=reason, asked=asked,
    )


def job_end(notice: PrintNotice) -> tuple[bool, str] | None:
    """How a notice ends its job: (printed, why not: paper_out / cover_open / offline / ""); None while on its way."""
    if notice.state == "printed":
        return True, ""
    if notice.state == "failed":
        reason = notice.reason if notice.reason in FAILED_PRINTER else str(notice.printer_status or "")
        return False, reason if reason in FAILED_PRINTER else ""
    return None


def apply_notice(ticket: IssuedTicket, notice: PrintNotice) -> IssuedTicket:
    """The ticket after a ``print`` notice of its job (other jobs leave it as it is)."""
    end = job_end(notice) if notice.job == ticket.print_job and ticket.print_state is PrintState.PRINTING else None
    if end is None:
        return ticket
    printed, reason = end
    return replace(ticket, print_state=PrintState.PRINTED if printed else PrintState.FAILED, fail_reason=reason)


def timed_out(ticket: IssuedTicket) -> IssuedTicket:
    """The watchdog ran out while the job was still on its way."""
    if ticket.print_state is not PrintState.PRINTING:
        return ticket
    return replace(ticket, print_state=PrintState.FAILED, fail_reason="")


T = TypeVar("T")


class NoticeBuffer:
    """The last few ``print`` notices, for a reply that is handed over after its notices."""

    def __init__(self, size: int = 32) -> None:
        self._notices: deque[PrintNotice] = deque(maxlen=size)

    def add(self, notice: PrintNotice) -> None:
        self._notices.append(notice)

    def replay(self, value: T, apply: Callable[[T, PrintNotice], T]) -> T:
        """``value`` (a ticket, an info page) after every kept notice, applied with ``apply``."""
        for notice in self._notices:
            value = apply(value, notice)
        return value
