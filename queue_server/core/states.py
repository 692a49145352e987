"""Ticket and window lifecycles: every legal move, in one table each.

Rules of the ticket
-------------------
* A ticket is issued WAITING.  A window calls it (CALLED), the visitor comes (SERVING) and the
  operator finishes it with a result (FINISHED).
* A called visitor may be recalled; past the office's recall limit a recall marks a NO_SHOW.
  The operator may mark a no-show directly.  A manager may reactivate a no-show (WAITING).
* Called or serving, a visitor may be POSTPONED to the pool (to pay a fee, make copies); the
  ticket returns to WAITING by itself when its time is up, or is called from the pool.
* Called or serving, a visitor may be transferred: the ticket goes back to WAITING for
  another service, window or operator, optionally to come back to the first operator.
* Finishing a ticket that asked to come back sends it WAITING for its first operator.
* A waiting, postponed, called or no-show ticket may be cancelled (CANCELLED).
* FINISHED and CANCELLED are final.  NO_SHOW ends a ticket too, unless a manager reactivates
  it (back to WAITING) or cancels it (a no-show withdrawn for the record).

A move that is not in the table raises :class:`IllegalTransition` and changes nothing.

Rules of the window
-------------------
CLOSED -open-> OPEN -pause-> BREAK -resume-> OPEN -close-> CLOSED.  A window with a visitor
called or being served may neither pause nor close.
"""

from __future__ import annotations

import enum
from typing import Final

from .errors import IllegalTransition


class TicketState(enum.StrEnum):
    WAITING = "waiting"      # in a queue, may be called
    CALLED = "called"        # invited to a window, visitor walking there
    SERVING = "serving"      # visitor at the window
    POSTPONED = "postponed"  # in the pool, returns to the queue at a set time
    FINISHED = "finished"    # final: served, with a result
    NO_SHOW = "no_show"      # the visitor did not come; a manager may reactivate
    CANCELLED = "cancelled"  # final: withdrawn or expired at the end of the day


TERMINAL_STATES: Final = frozenset({TicketState.FINISHED, TicketState.NO_SHOW, TicketState.CANCELLED})
ACTIVE_STATES: Final = frozenset({TicketState.CALLED, TicketState.SERVING})


class Action(enum.StrEnum):
    CALL = "call"
    RECALL = "recall"
    START = "start"
    FINISH = "finish"
    SEND_BACK = "send_back"  # finish of a transfer that asked to return to its first operator
    NO_SHOW = "no_show"
    POSTPONE = "postpone"
    RETURN = "return"        # from the postponed pool, when its time is up
    TRANSFER = "transfer"
    CANCEL = "cancel"
    REACTIVATE = "reactivate"
    REPRIORITIZE = "reprioritize"


_W, _C, _S, _P = TicketState.WAITING, TicketState.CALLED, TicketState.SERVING, TicketState.POSTPONED
_F, _N, _X = TicketState.FINISHED, TicketState.NO_SHOW, TicketState.CANCELLED

TICKET_TRANSITIONS: Final[dict[tuple[TicketState, Action], TicketState]] = {
    (_W, Action.CALL): _C,
    (_P, Action.CALL): _C,
    (_C, Action.RECALL): _C,
    (_C, Action.START): _S,
    (_S, Action.FINISH): _F,
    (_S, Action.SEND_BACK): _W,
    (_C, Action.NO_SHOW): _N,
    (_C, Action.POSTPONE): _P,
    (_S, Action.POSTPONE): _P,
    (_P, Action.RETURN): _W,
    (_C, Action.TRANSFER): _W,
    (_S, Action.TRANSFER): _W,
    (_W, Action.CANCEL): _X,
    (_P, Action.CANCEL): _X,
    (_C, Action.CANCEL): _X,
    (_N, Action.CANCEL): _X,
    (_N, Action.REACTIVATE): _W,
    (_W, Action.REPRIORITIZE): _W,
    (_P, Action.REPRIORITIZE): _P,
}


def next_ticket_state(current: TicketState, action: Action, label: str = "") -> TicketState:
    """The state ``action`` leads to from ``current``; raises if the table has no such move."""
    try:
        return TICKET_TRANSITIONS[(current, action)]
    except KeyError:
        raise IllegalTransition(
            f"ticket {label or ''} is {current.value}: cannot {action.value}".replace("  ", " "),
            code=f"ticket_{current.value}",
        ) from None


class WindowStatus(enum.StrEnum):
    CLOSED = "closed"  # nobody at the window
    OPEN = "open"      # an operator is at work and may call
    BREAK = "break"    # the operator is away for a while, with a reason


class WindowAction(enum.StrEnum):
    OPEN = "open"
    PAUSE = "pause"
    RESUME = "resume"
    CLOSE = "close"


_CLOSED, _OPEN, _BREAK = WindowStatus.CLOSED, WindowStatus.OPEN, WindowStatus.BREAK

WINDOW_TRANSITIONS: Final[dict[tuple[WindowStatus, WindowAction], WindowStatus]] = {
    (_CLOSED, WindowAction.OPEN): _OPEN,
    (_OPEN, WindowAction.PAUSE): _BREAK,
    (_BREAK, WindowAction.RESUME): _OPEN,
    (_OPEN, WindowAction.CLOSE): _CLOSED,
    (_BREAK, WindowAction.CLOSE): _CLOSED,
}


def next_window_status(current: WindowStatus, action: WindowAction, number: int) -> WindowStatus:
    try:
        return WINDOW_TRANSITIONS[(current, action)]
    except KeyError:
        raise IllegalTransition(
            f"window {number} is {current.value}: cannot {action.value}", code=f"window_{current.value}"
        ) from None
