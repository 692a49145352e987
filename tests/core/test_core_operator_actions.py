"""DOMAIN.md "Operator actions": call next, recall, start, finish, no-show, call out of turn,
and the window rules that guard them (busy, pause/close, who may act where)."""

from __future__ import annotations

from queue_server.core import commands as c
from queue_server.core.errors import IllegalTransition, NotAllowed
from queue_server.core.events import EventType
from queue_server.core.states import TicketState, WindowStatus


def test_call_next_takes_oldest_waiting(desk):
    desk.open(1, "opa")
    desk.issue("t1")
    desk.later(minutes=1)
    desk.issue("t2")
    desk.later(minutes=1)
    desk.issue("t3")

    assert desk.call_next(1) == "t1"
    ticket = desk.ticket("t1")
    assert ticket.state is TicketState.CALLED
    assert (ticket.window, ticket.operator) == (1, "opa")
    assert desk.window(1).current == "t1"
    assert set(desk.state.waiting) == {"t2", "t3"}


def test_call_next_with_nobody_waiting_is_queue_empty(desk):
    desk.open(1, "opa")
    desk.open(3, "opb")
    desk.issue("b1", service="B")  # window 1 does not serve B

    assert desk.refused(c.CallNext(1, "opa")).code == "queue_empty"


def test_recall_counts_and_keeps_the_ticket_called(desk):
    desk.open(1, "opa")
    desk.issue("t1")
    desk.call_next(1)
    first_call = desk.now
    desk.later(minutes=1)

    (event,) = desk.recall(1, "t1")

    assert event.type is EventType.TICKET_RECALLED
    assert (event.from_state, event.to_state) == (TicketState.CALLED, TicketState.CALLED)
    ticket = desk.ticket("t1")
    assert ticket.recalls == 1
    assert ticket.called_at == desk.now
    assert ticket.first_called_at == first_call


def test_recall_beyond_limit_is_no_show(make_desk):
    desk = make_desk(max_recalls=2)
    desk.open(1, "opa")
    desk.issue("t1")
    desk.call_next(1)

    for _ in range(2):
        (event,) = desk.recall(1, "t1")
        assert event.type is EventType.TICKET_RECALLED
    (event,) = desk.recall(1, "t1")  # the third recall is one too many

    assert event.type is EventType.TICKET_NO_SHOW
    assert (event.from_state, event.to_state) == (TicketState.CALLED, TicketState.NO_SHOW)
    assert event.data["reason"] == "recall_limit"
    assert desk.ticket("t1").state is TicketState.NO_SHOW
    assert desk.window(1).current is None


def test_recall_limit_zero_never_no_show(make_desk):
    desk = make_desk(max_recalls=0)
    desk.open(1, "opa")
    desk.issue("t1")
    desk.call_next(1)

    for _ in range(50):
        desk.later(seconds=30)
        (event,) = desk.recall(1, "t1")
        assert event.type is EventType.TICKET_RECALLED

    assert desk.ticket("t1").state is TicketState.CALLED
    assert desk.ticket("t1").recalls == 50


def test_start_then_finish_records_the_result(desk):
    desk.open(1, "opa")
    desk.issue("t1")
    desk.call_next(1)
    desk.start(1, "t1")
    assert desk.ticket("t1").state is TicketState.SERVING

    desk.later(minutes=12)
    (event,) = desk.finish(1, "t1", result="another_visit")

    assert event.type is EventType.TICKET_FINISHED
    ticket = desk.ticket("t1")
    assert (ticket.state, ticket.result, ticket.finished_at) == (TicketState.FINISHED, "another_visit", desk.now)
    assert desk.window(1).current is None


def test_finish_with_unknown_result_is_refused(desk):
    desk.open(1, "opa")
    desk.issue("t1")
    desk.call_next(1)
    desk.start(1, "t1")

    assert desk.refused(c.FinishService(1, "opa", "t1", result="lunch")).code == "unknown_result"


def test_mark_no_show_frees_the_window(desk):
    desk.open(1, "opa")
    desk.issue("t1")
    desk.issue("t2")
    desk.call_next(1)

    desk.do(c.MarkNoShow(1, "opa", "t1"))

    assert desk.ticket("t1").state is TicketState.NO_SHOW
    assert desk.window(1).current is None
    assert desk.call_next(1) == "t2"


def test_call_specific_ticket_out_of_turn(desk):
    desk.open(1, "opa")
    for ticket_id in ("t1", "t2", "t3"):
        desk.issue(ticket_id)
        desk.later(minutes=1)

    (event,) = desk.do(c.CallTicket(1, "opa", "t3"))

    assert event.type is EventType.TICKET_CALLED and event.data["specific"] is True
    assert desk.ticket("t3").state is TicketState.CALLED
    assert set(desk.state.waiting) == {"t1", "t2"}


def test_call_specific_takes_a_ticket_from_the_postponed_pool(desk):
    desk.open(1, "opa")
    desk.issue("t1")
    desk.call_next(1)
    desk.postpone(1, "t1", minutes=30)
    desk.later(minutes=5)  # back early, before the pool would return it

    desk.call(1, "t1")

    ticket = desk.ticket("t1")
    assert (ticket.state, ticket.postponed_until) == (TicketState.CALLED, None)
    assert not desk.state.postponed


def test_call_specific_forbidden_for_operator_without_permission(desk):
    desk.open(1, "opd")  # may_call_specific=False
    desk.issue("t1")
    desk.issue("t2")

    error = desk.refused(c.CallTicket(1, "opd", "t2"))

    assert isinstance(error, NotAllowed)
    assert error.code == "call_specific_forbidden"
    assert desk.call_next(1) == "t1"  # calling in turn is still fine


def test_call_specific_refuses_a_ticket_of_another_queue(desk):
    desk.open(1, "opa")  # serves A only
    desk.open(3, "opb")
    desk.issue("b1", service="B")

    assert desk.refused(c.CallTicket(1, "opa", "b1")).code == "not_your_queue"


def test_window_busy(desk):
    """A window cannot call while a ticket is at it, whether called or being served."""
    desk.open(1, "opa")
    desk.issue("t1")
    desk.issue("t2")
    desk.call_next(1)

    assert desk.refused(c.CallNext(1, "opa")).code == "window_busy"
    assert desk.refused(c.CallTicket(1, "opa", "t2")).code == "window_busy"
    desk.start(1, "t1")
    assert desk.refused(c.CallNext(1, "opa")).code == "window_busy"
    desk.finish(1, "t1")
    assert desk.call_next(1) == "t2"


def test_pause_and_close_refused_with_visitor(desk):
    desk.open(1, "opa")
    desk.issue("t1")
    desk.call_next(1)

    for command in (c.PauseWindow(1, "opa", "обед"), c.CloseWindow(1, "opa"), c.CloseWindow(1, "boss")):
        error = desk.refused(command)
        assert isinstance(error, IllegalTransition) and error.code == "window_busy"
    desk.start(1, "t1")
    assert desk.refused(c.PauseWindow(1, "opa")).code == "window_busy"
    desk.finish(1, "t1")

    desk.do(c.PauseWindow(1, "opa", "обед"))
    assert (desk.window(1).status, desk.window(1).reason) == (WindowStatus.BREAK, "обед")
    assert desk.refused(c.CallNext(1, "opa")).code == "window_break"
    desk.do(c.ResumeWindow(1, "opa"))
    desk.do(c.CloseWindow(1, "opa"))
    assert (desk.window(1).status, desk.window(1).operator) == (WindowStatus.CLOSED, None)


def test_operator_cannot_act_at_another_window(desk):
    desk.open(1, "opa")
    desk.open(2, "opb")
    desk.issue("t1")
    desk.call_next(1)

    # opb names window 1, where he does not sit
    for command in (c.StartService(1, "opb", "t1"), c.CallNext(1, "opb"), c.PauseWindow(1, "opb"),
                    c.CloseWindow(1, "opb"), c.Recall(1, "opb", "t1")):
        error = desk.refused(command)
        assert isinstance(error, NotAllowed) and error.code == "not_at_window"
    # opb names his own window, but the ticket is at window 1
    for command in (c.StartService(2, "opb", "t1"), c.MarkNoShow(2, "opb", "t1"),
                    c.Transfer(2, "opb", "t1", to_service="B")):
        error = desk.refused(command)
        assert isinstance(error, NotAllowed) and error.code == "ticket_elsewhere"
    # nobody sits at a closed window
    assert desk.refused(c.CallNext(3, "opc")).code == "not_at_window"
    assert desk.refused(c.CallNext(3, "boss")).code == "window_closed"


def test_manager_may_act_at_a_staffed_window(desk):
    desk.open(1, "opa")
    desk.issue("t1")
    desk.call_next(1)

    desk.do(c.StartService(1, "boss", "t1"))

    assert desk.ticket("t1").state is TicketState.SERVING


def test_events_name_the_operator_who_acted(desk):
    """The event log is the audit trail (DESIGN.md §2).  A call records the operator who called
    (even a manager), but start/finish/recall/no-show/postpone/transfer record the operator
    the ticket was called by, so a manager's action is booked to the window's operator."""
    desk.open(1, "opa")
    desk.issue("t1")
    desk.call_next(1)

    (event,) = desk.do(c.StartService(1, "boss", "t1"))

    assert event.operator == "boss"


def test_operator_busy_at_two_windows(desk):
    desk.open(1, "opa")

    error = desk.refused(c.OpenWindow(2, "opa"))

    assert isinstance(error, NotAllowed) and error.code == "operator_busy"
    assert desk.refused(c.OpenWindow(1, "opb")).code == "window_open"
    desk.do(c.PauseWindow(1, "opa"))
    assert desk.refused(c.OpenWindow(2, "opa")).code == "operator_busy"  # a break is not away
    desk.do(c.CloseWindow(1, "opa"))
    desk.open(2, "opa")
    assert desk.window(2).operator == "opa"
