"""The transition tables of states.py, walked completely: every move that is NOT in a table is
refused with IllegalTransition and leaves the whole engine state (tickets, windows, counters,
pools, service times) deep-equal to what it was."""

from __future__ import annotations

import copy
import itertools

import pytest

from queue_server.core import commands as c
from queue_server.core.errors import IllegalTransition
from queue_server.core.states import (
    TICKET_TRANSITIONS,
    WINDOW_TRANSITIONS,
    Action,
    TicketState,
    WindowAction,
    WindowStatus,
)

ILLEGAL_TICKET_MOVES = [
    (state, action) for state, action in itertools.product(TicketState, Action)
    if (state, action) not in TICKET_TRANSITIONS
]
ILLEGAL_WINDOW_MOVES = [
    pytest.param(status, action, id=f"{status.value}-{action.value}")
    for status, action in itertools.product(WindowStatus, WindowAction)
    if (status, action) not in WINDOW_TRANSITIONS
]


def _drive(desk, state: TicketState, *, returning: bool) -> None:
    """Bring ticket "t" to ``state``; ``returning``: it carries "return to opa afterwards"."""
    desk.open(1, "opa")
    desk.open(2, "opb")
    desk.issue("t")
    window = 1
    if returning:
        desk.call(1, "t")
        desk.transfer(1, "t", to_service="A", return_to_me=True)
        window = 2
        if state is TicketState.FINISHED:  # served at 2, sent back, served again at 1
            desk.call(2, "t")
            desk.start(2, "t")
            desk.finish(2, "t")
            window = 1
    if state is TicketState.WAITING:
        return
    if state is TicketState.CANCELLED:
        desk.do(c.CancelTicket("t"))
        return
    desk.later(minutes=1)
    desk.call(window, "t")
    if state is TicketState.CALLED:
        return
    if state is TicketState.NO_SHOW:
        desk.do(c.MarkNoShow(window, desk.staff[window], "t"))
        return
    if state is TicketState.POSTPONED:
        desk.postpone(window, "t", minutes=10)
        return
    desk.start(window, "t")
    if state is TicketState.SERVING:
        return
    desk.later(minutes=5)
    desk.finish(window, "t")


def _command(desk, action: Action) -> c.Command:
    ticket = desk.ticket("t")
    window = ticket.window or 1
    login = desk.staff[window]
    other = 2 if window == 1 else 1
    return {
        Action.CALL: c.CallTicket(other, desk.staff[other], "t"),
        Action.RECALL: c.Recall(window, login, "t"),
        Action.START: c.StartService(window, login, "t"),
        Action.FINISH: c.FinishService(window, login, "t"),
        Action.SEND_BACK: c.FinishService(window, login, "t"),  # on a ticket that asked to come back
        Action.NO_SHOW: c.MarkNoShow(window, login, "t"),
        Action.POSTPONE: c.Postpone(window, login, "t", minutes=10),
        Action.TRANSFER: c.Transfer(window, login, "t", to_service="B"),
        Action.CANCEL: c.CancelTicket("t", by="boss"),
        Action.REACTIVATE: c.ReactivateTicket("t", by="boss"),
        Action.REPRIORITIZE: c.ChangePriority("t", "disabled", by="boss"),
    }[action]


def test_the_table_has_the_documented_legal_moves():
    assert len(TICKET_TRANSITIONS) == 19
    assert len(ILLEGAL_TICKET_MOVES) == len(TicketState) * len(Action) - 19


@pytest.mark.parametrize(("state", "action"), ILLEGAL_TICKET_MOVES, ids=lambda v: v.value)
def test_every_illegal_transition_raises_and_changes_nothing(make_desk, state, action):
    desk = make_desk()
    _drive(desk, state, returning=action is Action.SEND_BACK)
    assert desk.ticket("t").state is state
    if action is Action.SEND_BACK and state is not TicketState.FINISHED:
        assert desk.ticket("t").return_operator == "opa"
    before = copy.deepcopy(desk.state)
    desk.later(minutes=30)

    if action is Action.RETURN:  # no command asks for it: time does, and time must not move it
        events = desk.do(c.Tick())
        assert events == []
    else:
        with pytest.raises(IllegalTransition) as info:
            desk.do(_command(desk, action))
        assert info.value.code == f"ticket_{state.value}"

    assert desk.state == before


@pytest.mark.parametrize(("status", "action"), ILLEGAL_WINDOW_MOVES)
def test_every_illegal_window_transition_raises_and_changes_nothing(desk, status, action):
    """The refusal names the window's current status (window_closed, window_open, window_break),
    like ticket refusals name the ticket's.  A closed window has nobody at it, so the manager,
    who may act at any window, asks."""
    login = "boss" if status is WindowStatus.CLOSED else "opa"
    if status is not WindowStatus.CLOSED:
        desk.open(1, "opa")
    if status is WindowStatus.BREAK:
        desk.do(c.PauseWindow(1, "opa", "обед"))
    assert desk.window(1).status is status
    command = {
        WindowAction.OPEN: c.OpenWindow(1, "opb"),
        WindowAction.PAUSE: c.PauseWindow(1, login),
        WindowAction.RESUME: c.ResumeWindow(1, login),
        WindowAction.CLOSE: c.CloseWindow(1, login),
    }[action]
    before = copy.deepcopy(desk.state)

    with pytest.raises(IllegalTransition) as info:
        desk.do(command)

    assert info.value.code == f"window_{status.value}"
    assert desk.state == before
