"""A hall manager's printed info pages: which print jobs are the console's and what to say when they end.  Pure.

``service.print_info`` answers with the job at once; how the job ends comes later as a
``print`` notice (kind ``info``) to every manager.  The notice may even overtake the reply
(they travel different paths through the client), so ended notices of jobs not yet claimed are
kept for a while.  The words go to the status line: printed, or not printed and why.
"""

from __future__ import annotations

from collections import OrderedDict

from queue_protocol.enums import PrintJobKind, PrintJobState
from queue_protocol.replies import PrintNotice

from .i18n import tr

PRINTER_REASONS = frozenset({"paper_out", "cover_open", "offline"})
"""Failures said with the printer's own words (``printer.*`` in the catalogue)."""

Words = tuple[str, bool]   # (text, is it an error)


def ended_words(service: str, printer: str, notice: PrintNotice) -> Words:
    """How an info page ended, in plain words."""
    if notice.state == PrintJobState.PRINTED:
        return tr("info.printed", service=service, printer=printer), False
    why = tr(f"printer.{notice.reason}") if notice.reason in PRINTER_REASONS else tr("info.failed_other")
    return tr("info.failed", service=service, printer=printer, reason=why), True


class InfoPages:
    """The info pages this console asked for, until their jobs end."""

    def __init__(self, keep: int = 32) -> None:
        self._keep = keep
        self._asked: dict[str, tuple[str, str]] = {}             # job -> (service name, printer)
        self._ended: OrderedDict[str, PrintNotice] = OrderedDict()   # ended, not claimed (yet)

    def asked(self, job: str, service: str, printer: str) -> Words | None:
        """The reply named ``job``: the words for its end if its notice came first, else ``None`` (wait for it)."""
        ended = self._ended.pop(job, None)
        if ended is not None:
            return ended_words(service, printer, ended)
        self._asked[job] = (service, printer)
        return None

    def notice(self, notice: PrintNotice) -> Words | None:
        """A ``print`` notice: the words if it ends one of this console's info pages."""
        if notice.kind != PrintJobKind.INFO or notice.state not in (PrintJobState.PRINTED, PrintJobState.FAILED):
            return None
        mine = self._asked.pop(notice.job, None)
        if mine is not None:
            return ended_words(*mine, notice)
        self._ended[notice.job] = notice
        while len(self._ended) > self._keep:
            self._ended.popitem(last=False)
        return None
