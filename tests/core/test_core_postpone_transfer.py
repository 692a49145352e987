"""DOMAIN.md "Operator actions": postpone to the pool with automatic return, and transfer to a
service, a window or an operator, optionally "return to me afterwards"."""

from __future__ import annotations

from datetime import timedelta

import pytest

from queue_server.core import commands as c
from queue_server.core.errors import DomainError
from queue_server.core.events import EventType
from queue_server.core.model import Placement
from queue_server.core.states import TicketState


def test_postpone_sends_the_ticket_to_the_pool_and_frees_the_window(desk):
    desk.open(1, "opa")
    desk.issue("t1")
    desk.call_next(1)
    desk.start(1, "t1")

    desk.do(c.Postpone(1, "opa", "t1", reason="копии", minutes=15))

    ticket = desk.ticket("t1")
    assert ticket.state is TicketState.POSTPONED
    assert (ticket.postponed_until, ticket.reason) == (desk.now + timedelta(minutes=15), "копии")
    assert (ticket.window, ticket.started_at) == (None, None)
    assert set(desk.state.postponed) == {"t1"} and desk.window(1).current is None


def test_postpone_without_minutes_uses_the_office_default(make_desk):
    desk = make_desk(postpone_default_min=7)
    desk.open(1, "opa")
    desk.issue("t1")
    desk.call_next(1)

    desk.postpone(1, "t1")

    assert desk.ticket("t1").postponed_until == desk.now + timedelta(minutes=7)


@pytest.mark.parametrize("minutes", [0, -5, 8 * 60 + 1])
def test_postpone_minutes_out_of_range_is_bad_minutes(desk, minutes):
    desk.open(1, "opa")
    desk.issue("t1")
    desk.call_next(1)

    assert desk.refused(c.Postpone(1, "opa", "t1", minutes=minutes)).code == "bad_minutes"


def test_postponed_returns_after_its_minutes_via_tick(desk):
    desk.open(1, "opa")
    desk.issue("t1")
    desk.call_next(1)
    desk.postpone(1, "t1", minutes=10)

    desk.later(minutes=10, seconds=-1)
    assert desk.do(c.Tick()) == []
    assert desk.ticket("t1").state is TicketState.POSTPONED
    desk.later(seconds=1)
    (event,) = desk.do(c.Tick())

    assert event.type is EventType.TICKET_RETURNED
    assert (event.from_state, event.to_state) == (TicketState.POSTPONED, TicketState.WAITING)
    ticket = desk.ticket("t1")
    assert (ticket.state, ticket.postponed_until) == (TicketState.WAITING, None)
    assert desk.do(c.Tick()) == []  # returned once only


def _call_order_after_a_return(make_desk, placement):
    """t0, t1, t2 issued a minute apart; t1 is called out of turn, postponed and returns."""
    desk = make_desk(return_placement=placement)
    desk.open(1, "opa")
    for ticket_id in ("t0", "t1", "t2"):
        desk.issue(ticket_id)
        desk.later(minutes=1)
    desk.call(1, "t1")
    desk.postpone(1, "t1", minutes=5)
    desk.later(minutes=5)
    desk.do(c.Tick())
    returned_at = desk.now
    return desk.drain(1), desk, returned_at


def test_postponed_return_placed_front(make_desk):
    order, _, _ = _call_order_after_a_return(make_desk, Placement.FRONT)
    assert order == ["t1", "t0", "t2"]


def test_postponed_return_placed_front_goes_before_priority_tickets(desk):
    desk.open(1, "opa")
    desk.issue("t1")
    desk.call_next(1)
    desk.postpone(1, "t1", minutes=5)
    desk.issue("p1", priority="veteran")
    desk.later(minutes=5)
    desk.do(c.Tick())

    assert desk.drain(1) == ["t1", "p1"]


def test_postponed_return_placed_issue_time(make_desk):
    order, desk, _ = _call_order_after_a_return(make_desk, Placement.ISSUE_TIME)
    assert order == ["t0", "t1", "t2"]
    assert desk.ticket("t1").queued_at == desk.ticket("t1").issued_at


def test_postponed_return_placed_end(make_desk):
    order, desk, returned_at = _call_order_after_a_return(make_desk, Placement.END)
    assert order == ["t0", "t2", "t1"]
    assert desk.ticket("t1").queued_at == returned_at


def test_transfer_to_service(desk):
    desk.open(1, "opa")
    desk.open(3, "opb")  # serves B
    desk.issue("t1")
    desk.call_next(1)
    desk.start(1, "t1")

    (event,) = desk.do(c.Transfer(1, "opa", "t1", to_service="B", comment="нужна выписка"))

    assert event.type is EventType.TICKET_TRANSFERRED
    assert (event.from_state, event.to_state, event.service_id) == (TicketState.SERVING, TicketState.WAITING, "B")
    assert event.data["from_service"] == "A"
    ticket = desk.ticket("t1")
    assert (ticket.state, ticket.service_id, ticket.label, ticket.comment) == (
        TicketState.WAITING, "B", "А001", "нужна выписка")
    assert desk.window(1).current is None
    assert desk.refused(c.CallNext(1, "opa")).code == "queue_empty"
    assert desk.call_next(3) == "t1"


def test_transfer_to_window_only_that_window_may_call_it(desk):
    desk.open(1, "opa")
    desk.open(2, "opb")
    desk.open(4, "opc")
    desk.issue("t1")
    desk.call_next(1)

    desk.transfer(1, "t1", to_window=2)

    assert desk.ticket("t1").target_window == 2
    for window, login in ((1, "opa"), (4, "opc")):  # both serve A
        assert desk.refused(c.CallNext(window, login)).code == "queue_empty"
    assert desk.refused(c.CallTicket(4, "opc", "t1")).code == "not_your_queue"
    assert desk.call_next(2) == "t1"
    assert desk.ticket("t1").target_window is None


def test_transfer_to_window_may_carry_a_service_the_window_does_not_serve(desk):
    desk.open(1, "opa")
    desk.open(3, "opb")  # serves B only
    desk.issue("t1")
    desk.call_next(1)

    desk.transfer(1, "t1", to_window=3)

    assert desk.call_next(3) == "t1"


def test_transfer_to_operator(desk):
    desk.open(1, "opa")
    desk.open(2, "opb")
    desk.open(3, "opc")  # her window serves B only: the ticket is addressed to her
    desk.issue("t1")
    desk.call_next(1)

    desk.transfer(1, "t1", to_operator="opc")

    assert desk.ticket("t1").target_operator == "opc"
    assert desk.refused(c.CallNext(2, "opb")).code == "queue_empty"
    assert desk.refused(c.CallTicket(2, "opb", "t1")).code == "not_your_queue"
    assert desk.call_next(3) == "t1"


def test_ticket_addressed_to_an_operator_who_left_falls_back_to_its_service(desk):
    """ordering.py: if the addressed window or operator is no longer staffed, any window
    serving the ticket's service may take it, so nobody is stranded."""
    desk.open(1, "opa")
    desk.open(2, "opb")
    desk.issue("t1")
    desk.issue("t2")
    desk.call_next(1)
    desk.transfer(1, "t1", to_operator="opc")  # she is not at any window

    assert desk.call_next(2) == "t1"


def test_ticket_addressed_to_a_closed_window_falls_back_to_its_service(desk):
    desk.open(1, "opa")
    desk.open(2, "opb")
    desk.issue("t1")
    desk.call_next(1)
    desk.transfer(1, "t1", to_window=2)
    desk.do(c.CloseWindow(2, "opb"))

    assert desk.call_next(1) == "t1"


def test_transfer_return_to_me_comes_back_to_first_operator_after_finish(desk):
    desk.open(1, "opa")
    desk.open(2, "opc")  # also serves A
    desk.open(3, "opb")    # serves B
    desk.issue("t1")
    desk.call_next(1)
    desk.start(1, "t1")
    desk.transfer(1, "t1", to_service="B", return_to_me=True)

    assert desk.call_next(3) == "t1"
    desk.start(3, "t1")
    desk.later(minutes=8)
    (event,) = desk.finish(3, "t1", result="done")

    assert event.type is EventType.TICKET_SENT_BACK
    assert (event.from_state, event.to_state, event.service_id) == (TicketState.SERVING, TicketState.WAITING, "A")
    ticket = desk.ticket("t1")
    assert (ticket.state, ticket.service_id, ticket.target_operator) == (TicketState.WAITING, "A", "opa")
    assert list(desk.state.service_times["B"]) == [8 * 60.0]
    assert desk.refused(c.CallNext(2, "opc")).code == "queue_empty"
    # she comes back to her, even at another window
    desk.do(c.CloseWindow(1, "opa"))
    desk.open(4, "opa")
    assert desk.call_next(4) == "t1"
    desk.start(4, "t1")
    (event,) = desk.finish(4, "t1")
    assert event.type is EventType.TICKET_FINISHED
    assert desk.ticket("t1").state is TicketState.FINISHED


def test_transfer_needs_a_known_target(desk):
    desk.open(1, "opa")
    desk.issue("t1")
    desk.call_next(1)

    assert desk.refused(c.Transfer(1, "opa", "t1")).code == "no_target"
    assert desk.refused(c.Transfer(1, "opa", "t1", to_service="Z")).code == "unknown_service"
    assert desk.refused(c.Transfer(1, "opa", "t1", to_window=99)).code == "unknown_window"
    assert desk.refused(c.Transfer(1, "opa", "t1", to_operator="ghost")).code == "unknown_operator"


def test_transfer_placed_end_queues_behind_everyone_waiting(make_desk):
    desk = make_desk(transfer_placement=Placement.END)
    desk.open(1, "opa")
    desk.open(3, "opb")
    desk.issue("t1")
    desk.later(minutes=1)
    desk.issue("b1", service="B")
    desk.call_next(1)
    desk.later(minutes=1)

    desk.transfer(1, "t1", to_service="B")

    assert desk.drain(3) == ["b1", "t1"]


def test_end_placement_is_behind_everyone_even_with_ageing(make_desk):
    """END means "as if it had just been issued" (model.Placement): ageing counts the time in
    the current queue, so an old transferred ticket is not aged at once."""
    desk = make_desk(transfer_placement=Placement.END, ageing_min=30)
    desk.open(1, "opa")
    desk.open(3, "opb")
    desk.issue("t1")
    desk.later(minutes=40)
    desk.issue("b1", service="B")
    desk.call_next(1)
    desk.later(minutes=1)

    desk.transfer(1, "t1", to_service="B")

    assert desk.drain(3) == ["b1", "t1"]


def test_transfer_without_return_keeps_the_earlier_return_to_me(desk):
    desk.open(1, "opa")
    desk.open(3, "opb")
    desk.open(4, "opc")
    desk.issue("t1")
    desk.call_next(1)
    desk.transfer(1, "t1", to_service="B", return_to_me=True)
    desk.call_next(3)
    desk.transfer(3, "t1", to_service="C")  # opb passes it on, no return to him

    desk.call_next(4)
    desk.start(4, "t1")
    desk.finish(4, "t1")

    assert (desk.ticket("t1").target_operator, desk.ticket("t1").service_id) == ("opa", "A")


def test_a_second_return_to_me_is_refused_and_the_first_kept(desk):
    """opa sends the visitor to opb and asks for them back; opb may pass them on to opc but
    not ask for them back too (one return at a time, code already_returning): after opc the
    visitor still goes back to opa."""
    desk.open(1, "opa")
    desk.open(3, "opb")
    desk.open(4, "opc")
    desk.issue("t1")
    desk.call_next(1)
    desk.transfer(1, "t1", to_service="B", return_to_me=True)
    desk.call_next(3)
    with pytest.raises(DomainError) as refused:
        desk.transfer(3, "t1", to_service="C", return_to_me=True)
    assert refused.value.code == "already_returning"
    desk.transfer(3, "t1", to_service="C")
    desk.call_next(4)
    desk.start(4, "t1")

    (event,) = desk.finish(4, "t1")

    assert event.type is EventType.TICKET_SENT_BACK
    assert (desk.ticket("t1").target_operator, desk.ticket("t1").service_id) == ("opa", "A")
