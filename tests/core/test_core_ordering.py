"""DOMAIN.md "Priority": strict priority, interleave p:n, ageing, window weights and the FIFO
tie-break (ordering.py)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from queue_server.core import commands as c
from queue_server.core.engine import QueueEngine
from queue_server.core.model import OrderingMode, OrderingPolicy, WindowConfig
from queue_server.core.ordering import choose_next


def test_strict_priority_first(desk):
    desk.open(1, "opa")
    desk.issue("n1")
    desk.later(minutes=1)
    desk.issue("n2")
    desk.later(minutes=1)
    desk.issue("p1", priority="disabled")

    assert desk.drain(1) == ["p1", "n1", "n2"]


def test_priority_category_weight_scales_the_wait(desk):
    """Within the priority class the score is wait x category weight: a veteran (weight 2)
    waiting 6 minutes goes before a disabled visitor (weight 1) waiting 10."""
    desk.open(1, "opa")
    desk.issue("disabled", priority="disabled")
    desk.later(minutes=4)
    desk.issue("veteran", priority="veteran")
    desk.later(minutes=6)

    assert desk.drain(1) == ["veteran", "disabled"]


def test_interleave_1_priority_2_normal(make_desk):
    desk = make_desk(mode=OrderingMode.INTERLEAVE, interleave_priority=1, interleave_normal=2)
    desk.open(1, "opa")
    for n in range(1, 7):
        desk.issue(f"n{n}")
        desk.later(seconds=10)
    for p in range(1, 4):
        desk.issue(f"p{p}", priority="disabled")
        desk.later(seconds=10)

    assert desk.drain(1) == ["p1", "n1", "n2", "p2", "n3", "n4", "p3", "n5", "n6"]


def test_interleave_2_priority_1_normal_then_what_is_left(make_desk):
    desk = make_desk(mode=OrderingMode.INTERLEAVE, interleave_priority=2, interleave_normal=1)
    desk.open(1, "opa")
    for ticket_id in ("n1", "n2", "n3", "p1", "p2", "p3"):
        desk.issue(ticket_id, priority="disabled" if ticket_id.startswith("p") else None)
        desk.later(seconds=10)

    assert desk.drain(1) == ["p1", "p2", "n1", "p3", "n2", "n3"]


def test_interleave_cycle_is_kept_per_window(make_desk):
    desk = make_desk(mode=OrderingMode.INTERLEAVE, interleave_priority=1, interleave_normal=2)
    desk.open(1, "opa")
    desk.open(2, "opb")
    for ticket_id in ("n1", "n2", "n3", "n4", "p1", "p2"):
        desk.issue(ticket_id, priority="disabled" if ticket_id.startswith("p") else None)
        desk.later(seconds=10)

    assert desk.serve_next(1) == "p1"
    assert desk.serve_next(2) == "p2"  # window 2 starts its own cycle with a priority call
    assert desk.serve_next(1) == "n1"


def test_ageing_promotes_old_normal_ticket(make_desk):
    desk = make_desk(ageing_min=20)
    desk.open(1, "opa")
    desk.issue("n1")
    desk.later(minutes=5)
    desk.issue("p1", priority="disabled")
    desk.later(minutes=5)
    assert desk.serve_next(1) == "p1"  # n1 has waited 10 minutes: not aged yet
    desk.later(minutes=5)
    desk.issue("p2", priority="veteran")
    desk.later(minutes=5)

    assert desk.serve_next(1) == "n1"  # 20 minutes: aged, ahead of the fresh priority ticket


def test_strict_priority_without_ageing_starves_a_normal_ticket(desk):
    """Why ageing exists: a steady stream of priority tickets keeps a normal one waiting."""
    desk.open(1, "opa")
    desk.issue("n1")
    for k in range(30):
        desk.later(minutes=5)
        desk.issue(f"p{k:02d}", priority="disabled")
        assert desk.serve_next(1, minutes=4) == f"p{k:02d}"
    assert desk.ticket("n1").state.value == "waiting"


def test_window_weights_prefer_heavier_service(make_desk):
    windows = (WindowConfig(number=1, services={"A": 1.0, "B": 3.0}),)
    desk = make_desk(windows=windows)
    desk.open(1, "opa")
    desk.issue("a1", service="A")
    desk.later(minutes=5)
    desk.issue("b1", service="B")
    desk.later(minutes=5)

    # a1 scores 600 s x 1, b1 300 s x 3
    assert desk.drain(1) == ["b1", "a1"]


def test_window_weights_equal_is_plain_fifo(make_desk):
    windows = (WindowConfig(number=1, services={"A": 2.0, "B": 2.0}),)
    desk = make_desk(windows=windows)
    desk.open(1, "opa")
    desk.issue("a1", service="A")
    desk.later(minutes=5)
    desk.issue("b1", service="B")
    desk.later(minutes=5)

    assert desk.drain(1) == ["a1", "b1"]


def test_window_services_changed_by_the_manager_apply_at_once(desk):
    desk.open(1, "opa")  # serves A
    desk.open(3, "opb")
    desk.issue("b1", service="B")

    desk.do(c.SetWindowServices(1, {"A": 1.0, "B": 1.0}, by="boss"))

    assert desk.call_next(1) == "b1"
    assert desk.refused(c.SetWindowServices(1, {"A": 0.0})).code == "bad_weight"
    assert desk.refused(c.SetWindowServices(1, {"Z": 1.0})).code == "unknown_service"


def test_fifo_tie_break_is_stable(desk):
    """Two tickets issued at the same instant (a coarse server clock) are called in the order
    they were issued, whatever their ids (UUIDs in production)."""
    desk.open(1, "opa")
    desk.issue("f3a9")  # issued first
    desk.issue("0b17")  # same microsecond

    assert desk.drain(1) == ["f3a9", "0b17"]


def test_fifo_tie_break_is_stable_across_services(desk):
    """ordering.fifo_key breaks a tie of queue and issue time by the ticket number, but numbers
    count per numbering group: А003 issued a moment before Г001, at the same microsecond, is
    called after it at a window serving both."""
    desk.open(4, "opa")  # serves A, B and C
    desk.issue("a1")
    desk.issue("a2")
    desk.later(minutes=1)
    desk.issue("a3")  # А003, issued first
    desk.issue("b1", service="B")  # Г001, same microsecond

    assert desk.drain(4) == ["a1", "a2", "a3", "b1"]


def test_fifo_tie_break_does_not_depend_on_dict_order(desk):
    desk.open(1, "opa")
    for ticket_id in ("t3", "t1", "t2", "t0"):
        desk.issue(ticket_id)
    waiting = list(desk.state.waiting.values())
    window = desk.window(1)
    policy = OrderingPolicy()

    picks = {choose_next(window, order, policy, {}, desk.now)[0].id for order in itertools.permutations(waiting)}

    assert len(picks) == 1


def test_ageing_bounds_the_wait_under_weighted_priority(make_desk):
    """DOMAIN.md: ageing is there "so that no ticket waits forever" - even against priority
    visitors whose category weighs double.  Here 3 veterans (weight 2) come every 5 minutes and
    one visitor is served: more than twice the rate the window can serve, so any scoring by
    wait x weight would keep the normal ticket waiting for ever; aged tickets go first-in
    first-out, so it is served as soon as those issued before it are."""
    desk = make_desk(ageing_min=5)
    desk.open(1, "opa")
    desk.issue("normal")
    called = []
    for k in range(96):
        for v in range(3):
            desk.issue(f"v{k:02d}{v}", priority="veteran")
        called.append(desk.serve_next(1))
        desk.later(minutes=5)

    assert "normal" in called[:5]


# -- no starvation under ageing (property c) ------------------------------------------------


@settings(max_examples=60, deadline=None, database=None, print_blob=True)
@given(data=st.data())
def test_ageing_bounds_how_long_a_normal_ticket_waits(make_office, data):
    """Strict priority, ageing after A minutes, a stream of mostly priority tickets (one
    category weighs double), two windows serving one service, nothing returns to the front.

    The bound: let N be a normal ticket and B the number of tickets issued before it.  From
    issue(N) + A on, N is aged (its queue time is its issue time here).  Aged tickets go
    before priority and normal ones, first-in first-out by queue time whatever their weight,
    and every ticket issued after N is queued after it and ages after it.  So each call made
    at or after issue(N) + A takes N or one of those B tickets, and N is called no later than
    the (B + 1)-th such call:

        wait(N) <= A + the time the windows take for B + 1 calls,

    however many priority visitors keep coming.  Without ageing N may wait forever
    (test_strict_priority_without_ageing_starves_a_normal_ticket).
    """
    ageing = data.draw(st.sampled_from([5, 15, 30]), label="ageing_min")
    windows = (WindowConfig(number=1, services={"A": 1.0}), WindowConfig(number=2, services={"A": 1.0}))
    office = make_office(windows=windows, mode=OrderingMode.STRICT, ageing_min=ageing)
    engine = QueueEngine(office)
    now = datetime(2024, 3, 4, 7, 0, tzinfo=UTC)
    engine.handle(c.OpenWindow(1, "opa"), now)
    engine.handle(c.OpenWindow(2, "opb"), now)
    issue_order: list[str] = []
    calls: list[tuple[datetime, str]] = []
    for _ in range(data.draw(st.integers(10, 80), label="steps")):
        now += timedelta(seconds=data.draw(st.integers(0, 600), label="clock step"))
        for _ in range(data.draw(st.integers(0, 3), label="arrivals")):
            ticket_id = f"S{len(issue_order):04d}"
            priority = data.draw(st.sampled_from(["veteran", "disabled", "veteran", None]), label="priority")
            engine.handle(c.IssueTicket(ticket_id, "A", priority), now)
            issue_order.append(ticket_id)
        for number, login in ((1, "opa"), (2, "opb")):
            if not data.draw(st.booleans(), label="window works"):
                continue
            current = engine.state.windows[number].current
            if current is not None:
                engine.handle(c.StartService(number, login, current), now)
                engine.handle(c.FinishService(number, login, current), now)
            if engine.state.waiting:
                (event,) = engine.handle(c.CallNext(number, login), now)
                assert event.ticket_id is not None
                calls.append((now, event.ticket_id))

    position = {ticket_id: n for n, ticket_id in enumerate(issue_order)}
    for ticket_id in issue_order:
        ticket = engine.state.tickets[ticket_id]
        if ticket.priority_id is not None:
            continue
        aged_at = ticket.issued_at + timedelta(minutes=ageing)
        after_aged = [other for at, other in calls if at >= aged_at]
        if ticket.first_called_at is not None and ticket.first_called_at < aged_at:
            assert ticket_id not in after_aged
            continue  # called before it aged: nothing to bound
        ahead = after_aged[:after_aged.index(ticket_id)] if ticket_id in after_aged else after_aged
        assert all(position[other] < position[ticket_id] for other in ahead), (ticket_id, ahead)
        assert len(ahead) <= position[ticket_id], "starved beyond the bound"
