"""A service's info page on paper: what became of this kiosk's ``service.print_info``.  Pure.

The request itself is kept by an :class:`~kiosk.flow.IssueFlow` of its own (one at a time,
taps in flight ignored, a retry after a reconnect reuses the request id, so the server
answers with the first job and never prints a second page).  This module follows the job:
the reply names it and says how the printer was last seen; ``print`` notices with
``kind: "info"`` then tell how it ended.  As for tickets, a notice may overtake its reply
(``ticket.NoticeBuffer`` keeps the recent ones).  A connection lost after the reply may have
taken the job's last notice with it: back online, the kiosk sends the same request again and
the server answers with the stored reply followed by how the job ended.  A job that neither
prints nor fails within the watchdog time counts as failed: "take a photo of this page" is
always a way out.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from typing import Any

from queue_protocol.replies import PrintNotice

from .asked import Asked
from .ticket import FAILED_PRINTER, job_end


class InfoPrintState(enum.StrEnum):
    PRINTING = "printing"   # asked, or the job is on its way
    PRINTED = "printed"     # the printer took it: "take the page"
    FAILED = "failed"       # no paper, cover open, offline, refused, no answer: "take a photo of this page"


@dataclass(frozen=True, slots=True)
class InfoPrint:
    service: str
    state: InfoPrintState = InfoPrintState.PRINTING
    job: str | None = None          # known once the reply came
    fail_reason: str = ""           # paper_out, cover_open, offline, or "" (the generic words)
    asked: Asked | None = None      # the request, to ask again after a reconnect, word for word (the server compares it)

    @property
    def awaiting_end(self) -> Asked | None:
        """The request to send again after a reconnect: its job may have ended while the kiosk was away."""
        return self.asked if self.job is not None and self.state is InfoPrintState.PRINTING else None


def fail_key(reason: str) -> str:
    """The catalogue key of the words for a failed info page."""
    return f"info_failed.{reason}" if reason in FAILED_PRINTER else "info_failed.other"


def from_reply(info: InfoPrint, result: dict[str, Any]) -> InfoPrint:
    """The page after the ``PrintInfoResult``: its job, failed at once if the printer is known to be out."""
    status = str(result.get("printer_status") or "")
    job = str(result.get("print_job") or "") or None
    if job is None:
        return replace(info, state=InfoPrintState.FAILED)
    if status in FAILED_PRINTER:
        return replace(info, job=job, state=InfoPrintState.FAILED, fail_reason=status)
    return replace(info, job=job)


def refused(info: InfoPrint) -> InfoPrint:
    """The server refused (or never answered): nothing prints."""
    return replace(info, state=InfoPrintState.FAILED, fail_reason="")


def apply_notice(info: InfoPrint, notice: PrintNotice) -> InfoPrint:
    """The page after a ``print`` notice of its job (other jobs leave it as it is)."""
    mine = info.job is not None and notice.job == info.job and info.state is InfoPrintState.PRINTING
    end = job_end(notice) if mine else None
    if end is None:
        return info
    printed, reason = end
    return replace(info, state=InfoPrintState.PRINTED if printed else InfoPrintState.FAILED, fail_reason=reason)


def timed_out(info: InfoPrint) -> InfoPrint:
    """The watchdog ran out while the page was still on its way."""
    return refused(info) if info.state is InfoPrintState.PRINTING else info
