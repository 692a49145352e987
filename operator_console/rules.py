"""Which operator action is legal when: one table, read from the state the server reports.

The console never guesses: the window's status and the state of the ticket at the window come
from the office mirror, and an action is enabled only when the server would accept it
(docs/protocol.md, each verb's errors).  Rules, by (window status, ticket state at it):

* no window bound to this session, or the window closed -> open
* open, no ticket                 -> call next, call a ticket, break, close
* open, ticket ``called``         -> recall, start, no-show, postpone, transfer
* open, ticket ``serving``        -> finish, postpone, transfer
* on break                        -> resume, close
* anything else, offline, or a request still in flight -> nothing

Pure: no Qt, no asyncio.  ``legal_actions`` is what the buttons and shortcuts follow.
"""

from __future__ import annotations

import enum
from typing import Final

from queue_protocol.enums import TicketState, WindowStatus


class Action(enum.StrEnum):
    """An operator intent; the value is the verb it sends (``open`` sends ``window.open``)."""

    CALL_NEXT = "call.next"
    CALL_TICKET = "call.ticket"
    RECALL = "ticket.recall"
    START = "ticket.start"
    FINISH = "ticket.finish"
    NO_SHOW = "ticket.no_show"
    POSTPONE = "ticket.postpone"
    TRANSFER = "ticket.transfer"
    BREAK = "window.break"
    RESUME = "window.resume"
    CLOSE = "window.close"
    OPEN = "window.open"


A = Action
_NOTHING: Final = frozenset[Action]()
RULES: Final[dict[tuple[WindowStatus | None, TicketState | None], frozenset[Action]]] = {
    (None, None): frozenset({A.OPEN}),
    (WindowStatus.CLOSED, None): frozenset({A.OPEN}),
    (WindowStatus.OPEN, None): frozenset({A.CALL_NEXT, A.CALL_TICKET, A.BREAK, A.CLOSE}),
    (WindowStatus.OPEN, TicketState.CALLED): frozenset({A.RECALL, A.START, A.NO_SHOW, A.POSTPONE, A.TRANSFER}),
    (WindowStatus.OPEN, TicketState.SERVING): frozenset({A.FINISH, A.POSTPONE, A.TRANSFER}),
    (WindowStatus.BREAK, None): frozenset({A.RESUME, A.CLOSE}),
}
"""(window status or ``None`` for no window, ticket state at the window or ``None``) -> actions."""

SHORTCUTS: Final[dict[Action, str]] = {
    A.CALL_NEXT: "F2",
    A.RECALL: "F3",
    A.START: "F4",
    A.FINISH: "F5",
    A.NO_SHOW: "F6",
    A.POSTPONE: "F7",
    A.TRANSFER: "F8",
    A.CALL_TICKET: "F9",
    A.BREAK: "F10",
    A.RESUME: "F11",
    A.CLOSE: "Ctrl+F12",
    A.OPEN: "F12",
}
"""Function keys in the order of a visit; closing the window needs Ctrl so it is never hit by accident."""

TICKET_ACTIONS: Final = frozenset({A.RECALL, A.START, A.FINISH, A.NO_SHOW, A.POSTPONE, A.TRANSFER})
"""Actions on the visitor at the window: they carry the ticket id the screen shows."""


def legal_actions(window: WindowStatus | None, ticket: TicketState | None, *,
                  online: bool = True, busy: bool = False) -> frozenset[Action]:
    """The actions the server would accept now; none while offline or while a request is in flight."""
    if not online or busy:
        return _NOTHING
    return RULES.get((window, ticket), _NOTHING)
