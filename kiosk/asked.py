"""A request of the kiosk as it was sent, to send again word for word.  Pure.

Both of the kiosk's printing verbs (``ticket.issue``, ``service.print_info``) are idempotent:
the same request id with the same fields gets the stored reply, never a second ticket or page
(docs/protocol.md, "Idempotency").  The server also follows such a retry with a ``print``
notice of how the request's job ended, if it did.  So the kiosk keeps each request as
:class:`Asked` and sends it again

* when its answer is unknown (no reply in time, the connection dropped), and
* when it was answered but its job was still printing as the connection dropped: the notice
  of how it ended may have gone down with that connection (``IssuedTicket.awaiting_end``,
  ``InfoPrint.awaiting_end``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

ISSUE = "ticket.issue"
PRINT_INFO = "service.print_info"


@dataclass(frozen=True, slots=True)
class Asked:
    verb: str
    request_id: str
    fields: tuple[tuple[str, Any], ...]

    def as_fields(self) -> dict[str, Any]:
        return dict(self.fields)


def ticket_issue(request_id: str, service: str, priority: str | None) -> Asked:
    """A visitor's ``ticket.issue`` at this kiosk (a walk-in)."""
    return Asked(ISSUE, request_id, (("service", service), ("priority", priority), ("channel", "walk_in")))


def print_info(request_id: str, service: str, lang: str) -> Asked:
    """``service.print_info`` on this kiosk's own printer, in the visitor's language."""
    return Asked(PRINT_INFO, request_id, (("service", service), ("lang", lang)))

