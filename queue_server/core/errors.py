"""Domain errors of the queue core.

Every refusal of the core is a :class:`DomainError` with a stable ``code`` (ASCII, snake
case) that the wire layer passes to clients unchanged, and a human message.  The core never
refuses silently and never changes state when it raises.

    DomainError                  the client asked for something the rules forbid
    ├── NotFound                 an id that does not exist in this office
    ├── IllegalTransition        a ticket or window is not in a state that allows the action
    ├── NotAllowed               the window/operator may not do this to that ticket
    └── Unavailable              the service cannot take tickets now (closed, limit, ...)
"""

from __future__ import annotations


class DomainError(Exception):
    """A command the queue rules refuse; the caller's fault, never ours."""

    code = "domain_error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        if code is not None:
            self.code = code

    @property
    def message(self) -> str:
        return str(self.args[0])


class NotFound(DomainError):
    code = "not_found"


class IllegalTransition(DomainError):
    code = "illegal_transition"


class NotAllowed(DomainError):
    code = "not_allowed"


class Unavailable(DomainError):
    code = "unavailable"
