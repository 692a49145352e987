"""One ticket at a time: the kiosk's ``ticket.issue`` bookkeeping.  Pure (no Qt, no clock).

The rule that keeps a visitor from getting two tickets (docs/protocol.md, "Idempotency"):

* while a ``ticket.issue`` is in flight, further taps are ignored (``begin`` returns ``None``);
* a request whose outcome is unknown (no reply in time, the connection dropped) keeps its
  request id; trying again for the same service and category reuses it, so the server
  answers with the original ticket instead of making a second one;
* a reply (the ticket, or a refusal: nothing happened) ends the request;
* going home (idle reset, "start over") forgets it: a reply that still arrives for it is
  not ours any more and is dropped (the ticket, if any, waits in the queue; nobody shows it).

Lifecycle of :class:`IssueFlow`::

    IDLE --begin--> IN_FLIGHT --reply/refusal--> IDLE
                       |  ^
               timeout |  | begin (same service, same id)
                       v  |
                     UNKNOWN --abandon--> IDLE
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, replace


class IssueState(enum.Enum):
    IDLE = "idle"            # nothing asked, or the last request is answered
    IN_FLIGHT = "in_flight"  # sent (or waiting to be sent by the client); taps are ignored
    UNKNOWN = "unknown"      # no answer in time: the server may have issued it; retry with the same id


@dataclass(frozen=True, slots=True)
class IssueRequest:
    request_id: str
    service: str
    priority: str | None
    attempt: int = 1


class IssueFlow:
    """At most one ``ticket.issue`` of this kiosk whose answer is outstanding."""

    def __init__(self, new_id: Callable[[], str]) -> None:
        self._new_id = new_id
        self.state = IssueState.IDLE
        self.request: IssueRequest | None = None

    @property
    def busy(self) -> bool:
        return self.state is IssueState.IN_FLIGHT

    def begin(self, service: str, priority: str | None) -> IssueRequest | None:
        """The request to send for a tap, or ``None`` when one is already in flight (ignore the tap)."""
        if self.state is IssueState.IN_FLIGHT:
            return None
        previous = self.request
        if (self.state is IssueState.UNKNOWN and previous is not None
                and (previous.service, previous.priority) == (service, priority)):
            self.request = replace(previous, attempt=previous.attempt + 1)
        else:
            self.request = IssueRequest(self._new_id(), service, priority)
        self.state = IssueState.IN_FLIGHT
        return self.request

    def retry(self) -> IssueRequest | None:
        """After a reconnect: the unanswered request again, same id; ``None`` if there is none."""
        if self.state is not IssueState.UNKNOWN or self.request is None:
            return None
        return self.begin(self.request.service, self.request.priority)

    def is_current(self, request_id: str) -> bool:
        return self.request is not None and self.request.request_id == request_id and self.state is not IssueState.IDLE

    def answered(self, request_id: str) -> bool:
        """A reply (ticket or refusal) came; ``True`` if it answers the current request."""
        if not self.is_current(request_id):
            return False
        self.state = IssueState.IDLE
        self.request = None
        return True

    def timed_out(self, request_id: str) -> bool:
        """No answer in time; the id is kept for a retry.  ``True`` if it was the current request."""
        if not self.is_current(request_id):
            return False
        self.state = IssueState.UNKNOWN
        return True

    def abandon(self) -> None:
        """The visitor left (idle reset, start over): forget the request."""
        self.state = IssueState.IDLE
        self.request = None
