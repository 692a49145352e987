"""The event log is the truth (DESIGN.md §2): the shape of every event, the midnight tick, replay
through ``apply_event``, and determinism."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from queue_server.core import commands as c
from queue_server.core.events import EventType
from queue_server.core.office_state import apply_event
from queue_server.core.states import TicketState


def _every_kind_of_event(desk) -> None:
    """A morning at the small office that emits every event type at least once."""
    desk.open(1, "opa")
    desk.open(2, "opb")
    desk.open(3, "opc")
    desk.do(c.SetRunningText("Добро пожаловать", by="boss"))
    for n in range(6):
        desk.issue(f"t{n}")
        desk.later(minutes=1)
    desk.issue("b0", service="B")
    desk.do(c.ChangePriority("t5", "veteran", by="boss"))
    assert desk.call_next(1) == "t5"
    desk.recall(1, "t5")
    desk.start(1, "t5")
    desk.later(minutes=7)
    desk.finish(1, "t5", result="consulted")
    assert desk.call_next(2) == "t0"
    desk.do(c.MarkNoShow(2, "opb", "t0"))
    desk.do(c.ReactivateTicket("t0", by="boss"))
    desk.do(c.CancelTicket("t4", by="boss", reason="ушёл"))
    assert desk.call_next(1) == "t0"
    desk.postpone(1, "t0", minutes=5)
    desk.later(minutes=5)
    desk.do(c.Tick())
    assert desk.call_next(2) == "t0"
    desk.start(2, "t0")
    desk.transfer(2, "t0", to_service="B", return_to_me=True, comment="выписка ЕГРН")
    assert desk.call_next(3) == "t0"  # placed by its issue time, ahead of b0
    desk.start(3, "t0")
    desk.later(minutes=3)
    desk.finish(3, "t0")  # sent back to opb
    assert desk.call_next(3) == "b0"
    desk.start(3, "b0")
    desk.finish(3, "b0")
    desk.do(c.PauseWindow(1, "opa", "обед"))
    desk.do(c.ResumeWindow(1, "opa"))
    desk.do(c.SetWindowServices(1, {"A": 1.0, "C": 2.0}, by="boss"))
    desk.do(c.SetServiceActive("C", False, by="boss"))
    desk.do(c.CloseWindow(1, "opa"))


def test_every_event_has_utc_time_and_from_to(desk):
    _every_kind_of_event(desk)

    assert {event.type for event in desk.log} == set(EventType)
    for now, command, events in desk.history:
        for event in events:
            assert event.at == now, command
            assert event.at.tzinfo is not None and event.at.utcoffset() == timedelta(0), event
            if event.type.is_ticket_event:
                assert event.ticket_id and event.label and event.service_id, event
                assert isinstance(event.to_state, TicketState), event
                if event.type is EventType.TICKET_ISSUED:
                    assert (event.from_state, event.to_state) == (None, TicketState.WAITING)
                else:
                    assert isinstance(event.from_state, TicketState), event
            else:
                assert (event.ticket_id, event.from_state, event.to_state) == (None, None, None), event
    assert [e.at for e in desk.log] == sorted(e.at for e in desk.log)


def test_replay_rebuilds_the_same_state(desk, new_state):
    _every_kind_of_event(desk)

    replayed = new_state(desk.office)
    for event in desk.log:
        apply_event(replayed, event)

    assert replayed == desk.state


VLADIVOSTOK = ZoneInfo("Asia/Vladivostok")


def _evening_in_vladivostok(make_desk):
    """Four tickets at 23:30 local time: two wait, one is postponed, one is at window 1."""
    desk = make_desk(datetime(2024, 3, 4, 23, 30, tzinfo=VLADIVOSTOK).astimezone(UTC), timezone="Asia/Vladivostok")
    desk.open(1, "opa")
    for ticket_id in ("wait1", "wait2", "pool", "at_window"):
        desk.issue(ticket_id)
        desk.later(minutes=1)
    desk.call(1, "pool")
    desk.postpone(1, "pool", minutes=60)
    desk.call(1, "at_window")
    return desk


def test_tick_expires_yesterdays_waiting_tickets(make_desk):
    desk = _evening_in_vladivostok(make_desk)
    desk.at(datetime(2024, 3, 4, 23, 59, 59, tzinfo=VLADIVOSTOK).astimezone(UTC))
    assert desk.do(c.Tick()) == []

    desk.at(datetime(2024, 3, 5, 0, 0, tzinfo=VLADIVOSTOK).astimezone(UTC))  # 14:00 UTC
    events = desk.do(c.Tick())

    assert [(e.ticket_id, e.type, e.from_state, e.data["reason"]) for e in events] == [
        ("wait1", EventType.TICKET_CANCELLED, TicketState.WAITING, "expired"),
        ("wait2", EventType.TICKET_CANCELLED, TicketState.WAITING, "expired"),
        ("pool", EventType.TICKET_CANCELLED, TicketState.POSTPONED, "expired"),
    ]
    assert not desk.state.waiting and not desk.state.postponed
    assert desk.ticket("at_window").state is TicketState.CALLED  # the visitor at the window stays
    assert desk.do(c.Tick()) == []


def test_tick_does_not_expire_at_utc_midnight(make_desk):
    desk = make_desk(datetime(2024, 3, 4, 23, 0, tzinfo=UTC), timezone="Europe/Moscow")  # 02:00 local
    desk.open(1, "opa")
    desk.issue("t1")
    desk.at(datetime(2024, 3, 5, 0, 30, tzinfo=UTC))

    assert desk.do(c.Tick()) == []


def test_tick_leaves_a_no_show_a_no_show(make_desk):
    """A no-show is an outcome that reports count.  The midnight sweep is for tickets still in
    play, yet engine._tick also sweeps NO_SHOW, so every no-show of the day ends as
    "cancelled: expired" the next morning - as if a manager had withdrawn each one."""
    desk = _evening_in_vladivostok(make_desk)
    desk.do(c.MarkNoShow(1, "opa", "at_window"))
    desk.at(datetime(2024, 3, 5, 0, 0, tzinfo=VLADIVOSTOK).astimezone(UTC))

    events = desk.do(c.Tick())

    assert "at_window" not in {e.ticket_id for e in events}


def test_a_no_show_may_be_withdrawn_by_cancelling(desk):
    """states.py: NO_SHOW ends a ticket unless a manager reactivates it or cancels it (a no-show
    withdrawn for the record); the cancellation then is its last, terminal event."""
    desk.open(1, "opa")
    desk.issue("t1")
    desk.call_next(1)
    desk.do(c.MarkNoShow(1, "opa", "t1"))

    (event,) = desk.do(c.CancelTicket("t1", by="boss", reason="ошибка оператора"))

    assert (event.from_state, event.to_state) == (TicketState.NO_SHOW, TicketState.CANCELLED)
    assert desk.refused(c.ReactivateTicket("t1")).code == "ticket_cancelled"


def test_replay_rebuilds_the_same_state_after_a_midnight_tick(make_desk, new_state):
    """office_state.py: replaying the events rebuilds the same tickets - the tick expires
    yesterday's tickets by events only and forgets nothing on its own."""
    desk = _evening_in_vladivostok(make_desk)
    desk.at(datetime(2024, 3, 5, 9, 0, tzinfo=VLADIVOSTOK).astimezone(UTC))
    desk.do(c.Tick())

    replayed = new_state(desk.office)
    for event in desk.log:
        apply_event(replayed, event)

    assert replayed == desk.state
    assert set(desk.state.tickets) == {"wait1", "wait2", "pool", "at_window"}


def test_ticket_id_cannot_be_reused_after_a_midnight_tick(make_desk):
    """A kiosk issues at 23:59:59, loses the reply, and retries after midnight with the same
    ticket id (commands.IssueTicket: 'so a retried request names the same ticket')."""
    desk = make_desk(datetime(2024, 3, 4, 23, 59, 59, tzinfo=VLADIVOSTOK).astimezone(UTC), timezone="Asia/Vladivostok")
    desk.open(1, "opa")
    desk.issue("kiosk-req-17")
    desk.later(seconds=1)
    desk.do(c.Tick())
    desk.later(seconds=1)

    assert desk.refused(c.IssueTicket("kiosk-req-17", "A")).code == "duplicate_ticket_id"


def _script():
    """(minutes after start, command): a fixed morning with priorities, postponing and a transfer."""
    return [
        (0, c.OpenWindow(1, "opa")), (0, c.OpenWindow(4, "opb")), (1, c.IssueTicket("k1", "A")),
        (1, c.IssueTicket("k2", "A", priority_id="disabled")), (2, c.IssueTicket("k3", "B")),
        (2, c.CallNext(1, "opa")), (3, c.CallNext(4, "opb")), (3, c.StartService(1, "opa", "k2")),
        (4, c.Recall(4, "opb", "k1")), (5, c.Postpone(4, "opb", "k1", minutes=3)),
        (6, c.IssueTicket("k4", "C")), (7, c.CallNext(4, "opb")), (8, c.Tick()),
        (9, c.Transfer(1, "opa", "k2", to_service="B", return_to_me=True)), (9, c.CallNext(1, "opa")),
        (10, c.StartService(4, "opb", "k3")), (15, c.FinishService(4, "opb", "k3", "another_visit")),
        (15, c.CallNext(4, "opb")), (16, c.StartService(4, "opb", "k2")),
        (20, c.FinishService(4, "opb", "k2")), (21, c.MarkNoShow(1, "opa", "k1")),
        (21, c.CallNext(1, "opa")), (22, c.ReactivateTicket("k1", by="boss")), (25, c.Tick()),
    ]


def _run(make_desk):
    desk = make_desk()
    start = desk.now
    for minutes, command in _script():
        desk.at(start + timedelta(minutes=minutes))
        desk.do(command)
    return desk.log


def test_same_commands_at_same_times_give_same_events(make_desk):
    first = _run(make_desk)
    second = _run(make_desk)

    assert len(first) > 20
    assert first == second
    assert copy.deepcopy(first) == first  # plain values only
