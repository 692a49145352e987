"""People ahead and the estimated wait printed on the ticket (estimates.py)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from queue_server.core import commands as c


def test_people_ahead_and_estimate(desk):
    desk.open(1, "opa")
    desk.open(2, "opb")  # two staffed windows serve A, nothing measured yet
    for n in range(1, 5):
        desk.issue(f"t{n}")
        desk.later(minutes=1)
    t4 = desk.ticket("t4")

    assert desk.engine.people_ahead(t4, desk.now) == 3
    assert desk.engine.estimated_wait_seconds(t4, desk.now) == pytest.approx(3 * 15 * 60 / 2)

    # real service times replace the configured 15 minutes
    assert desk.serve_next(1, minutes=6) == "t1"
    assert desk.serve_next(2, minutes=10) == "t2"
    assert desk.engine.people_ahead(t4, desk.now) == 1
    assert desk.engine.estimated_wait_seconds(t4, desk.now) == pytest.approx(1 * (6 + 10) / 2 * 60 / 2)

    # a window serving three services counts a third for each
    desk.open(4, "opc")
    assert desk.engine.estimated_wait_seconds(t4, desk.now) == pytest.approx(8 * 60 / (2 + 1 / 3))


def test_people_ahead_counts_priority_tickets_first(desk):
    desk.open(1, "opa")
    desk.issue("n1")
    desk.later(minutes=1)
    desk.issue("n2")
    desk.later(minutes=1)
    desk.issue("p1", priority="disabled")

    ahead = {t: desk.engine.people_ahead(desk.ticket(t), desk.now) for t in ("p1", "n1", "n2")}

    assert ahead == {"p1": 0, "n1": 1, "n2": 2}


def test_people_ahead_counts_only_the_same_service(desk):
    desk.open(4, "opa")
    desk.issue("a1")
    desk.issue("b1", service="B")
    desk.issue("a2")

    assert desk.engine.people_ahead(desk.ticket("a2"), desk.now) == 1
    assert desk.engine.people_ahead(desk.ticket("b1"), desk.now) == 0


def test_estimate_is_unknown_without_a_staffed_window(desk):
    desk.open(1, "opa")
    desk.issue("t1")
    desk.issue("t2")
    desk.do(c.PauseWindow(1, "opa"))
    assert desk.engine.estimated_wait_seconds(desk.ticket("t2"), desk.now) == pytest.approx(15 * 60)

    desk.do(c.CloseWindow(1, "opa"))

    assert desk.engine.estimated_wait_seconds(desk.ticket("t2"), desk.now) is None


def test_estimate_uses_the_recent_service_times_only(desk):
    desk.open(1, "opa")
    for n in range(25):
        desk.issue(f"t{n:02d}")
    for n in range(25):
        desk.serve_next(1, minutes=30 if n < 5 else 4)  # five slow ones first, then twenty quick
    desk.issue("last")

    assert list(desk.state.service_times["A"]) == [240.0] * 20
    desk.later(seconds=1)
    desk.issue("after")
    assert desk.engine.estimated_wait_seconds(desk.ticket("after"), desk.now) == pytest.approx(240.0)


@settings(max_examples=60, deadline=None, database=None)
@given(
    arrivals=st.lists(st.tuples(st.integers(0, 600), st.booleans()), min_size=1, max_size=25),
    ageing_min=st.sampled_from([0, 10, 30]),
    wait_after=st.integers(0, 3600),
)
def test_people_ahead_is_the_position_in_the_call_order(make_desk, arrivals, ageing_min, wait_after):
    """One service, one window, strict priority with one category of weight 1, ageing on or
    off: the people ahead of each waiting ticket are exactly those the window would call
    before it, were it to call everyone now."""
    desk = make_desk(ageing_min=ageing_min)
    desk.open(1, "opa")
    for n, (gap, priority) in enumerate(arrivals):
        desk.later(seconds=gap)
        desk.issue(f"t{n:02d}", priority="disabled" if priority else None)
    desk.later(seconds=wait_after)
    ahead = {t.id: desk.engine.people_ahead(t, desk.now) for t in desk.state.waiting.values()}

    order = desk.drain(1)  # at the same instant

    assert ahead == {ticket_id: position for position, ticket_id in enumerate(order)}


def test_people_ahead_follows_category_weights(desk):
    """estimates.py counts "the waiting tickets of its service that rank before it now", but
    ranks within a class by queue time; the call order weighs the category.  The disabled
    visitor, printed "0 ahead", is called after the veteran who came 4 minutes later."""
    desk.open(1, "opa")
    desk.issue("disabled", priority="disabled")
    desk.later(minutes=4)
    desk.issue("veteran", priority="veteran")
    desk.later(minutes=6)

    ahead = desk.engine.people_ahead(desk.ticket("disabled"), desk.now)

    assert desk.drain(1) == ["veteran", "disabled"]
    assert ahead == 1
