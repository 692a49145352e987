"""DOMAIN.md "Operator actions", the hall manager's part: cancel a ticket, reactivate a no-show,
change a ticket's priority."""

from __future__ import annotations

from queue_server.core import commands as c
from queue_server.core.errors import IllegalTransition
from queue_server.core.events import EventType
from queue_server.core.model import Placement
from queue_server.core.states import TicketState


def test_cancel(desk):
    desk.open(1, "opa")
    desk.issue("waiting")
    desk.issue("called")
    desk.call(1, "called")

    (event,) = desk.do(c.CancelTicket("waiting", by="boss", reason="ушёл"))
    desk.do(c.CancelTicket("called", by="boss"))

    assert event.type is EventType.TICKET_CANCELLED and event.operator == "boss"
    waiting = desk.ticket("waiting")
    assert (waiting.state, waiting.reason, waiting.finished_at) == (TicketState.CANCELLED, "ушёл", desk.now)
    assert desk.ticket("called").state is TicketState.CANCELLED
    assert not desk.state.waiting
    assert desk.window(1).current is None  # the window is free again


def test_cancel_a_postponed_ticket_leaves_the_pool(desk):
    desk.open(1, "opa")
    desk.issue("t1")
    desk.call_next(1)
    desk.postpone(1, "t1")

    desk.do(c.CancelTicket("t1"))

    assert not desk.state.postponed
    desk.later(minutes=60)
    assert desk.do(c.Tick()) == []


def test_cancel_refused_while_serving_and_when_final(desk):
    desk.open(1, "opa")
    desk.issue("t1")
    desk.issue("t2")
    desk.call_next(1)
    desk.start(1, "t1")
    desk.do(c.CancelTicket("t2"))

    error = desk.refused(c.CancelTicket("t1"))
    assert isinstance(error, IllegalTransition) and error.code == "ticket_serving"
    assert desk.refused(c.CancelTicket("t2")).code == "ticket_cancelled"


def test_reactivate_no_show(desk):
    desk.open(1, "opa")
    desk.issue("t1")
    desk.issue("t2")
    desk.call_next(1)
    desk.do(c.MarkNoShow(1, "opa", "t1"))
    desk.later(minutes=3)

    (event,) = desk.do(c.ReactivateTicket("t1", by="boss"))

    assert event.type is EventType.TICKET_REACTIVATED
    assert (event.from_state, event.to_state) == (TicketState.NO_SHOW, TicketState.WAITING)
    ticket = desk.ticket("t1")
    assert (ticket.state, ticket.finished_at, ticket.recalls) == (TicketState.WAITING, None, 0)
    assert desk.drain(1) == ["t1", "t2"]  # back at the front (the default return placement)


def test_reactivate_no_show_placed_end(make_desk):
    desk = make_desk(return_placement=Placement.END)
    desk.open(1, "opa")
    desk.issue("t1")
    desk.issue("t2")
    desk.call_next(1)
    desk.do(c.MarkNoShow(1, "opa", "t1"))
    desk.later(minutes=2)
    desk.do(c.ReactivateTicket("t1"))

    assert desk.drain(1) == ["t2", "t1"]


def test_reactivate_refused_unless_no_show(desk):
    desk.open(1, "opa")
    desk.issue("t1")

    assert desk.refused(c.ReactivateTicket("t1")).code == "ticket_waiting"


def test_change_priority(desk):
    desk.open(1, "opa")
    desk.issue("n1")
    desk.later(minutes=1)
    desk.issue("n2")

    (event,) = desk.do(c.ChangePriority("n2", "disabled", by="boss"))

    assert event.type is EventType.TICKET_PRIORITY_CHANGED
    assert (event.from_state, event.to_state) == (TicketState.WAITING, TicketState.WAITING)
    assert (event.data["priority"], event.data["previous"]) == ("disabled", None)
    assert desk.ticket("n2").priority_id == "disabled"
    assert desk.call_next(1) == "n2"  # strict priority


def test_change_priority_back_to_normal(desk):
    desk.open(1, "opa")
    desk.issue("n1")
    desk.later(minutes=1)
    desk.issue("p1", priority="veteran")

    desk.do(c.ChangePriority("p1", None))

    assert desk.drain(1) == ["n1", "p1"]


def test_change_priority_refusals(desk):
    desk.open(1, "opa")
    desk.issue("t1")
    desk.issue("t2")
    desk.call_next(1)

    assert desk.refused(c.ChangePriority("t2", "pensioner")).code == "unknown_priority"
    assert desk.refused(c.ChangePriority("t1", "disabled")).code == "ticket_called"
