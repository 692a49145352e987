"""OfficeMirror and OfficeFeed, pure: a hand-made snapshot, then event sequences.

No server, no loop, no Qt.  The loopback tests (test_client_server.py) check the same mirror
against the real server's fresh snapshots.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from queue_protocol.enums import EventType, Role, TicketState, WindowStatus
from queue_protocol.office_mirror import FORCE_SNAPSHOT_AFTER, MAX_CALLS, FeedVerdict, OfficeFeed, OfficeMirror
from queue_protocol.replies import EventMessage, Snapshot, WireEvent
from queue_protocol.views import (
    CallView,
    OfficeInfo,
    OfficeView,
    PriorityView,
    ServiceView,
    TicketView,
    WindowView,
)

DAY = "2026-03-14"
T0 = "2026-03-14T06:30:00.000000Z"


def at(minute: int, second: int = 0) -> str:
    return f"2026-03-14T{7 + minute // 60:02d}:{minute % 60:02d}:{second:02d}.000000Z"


def office_view(*, tickets: bool = True, calls: list[CallView] | None = None,
                windows: list[WindowView] | None = None, ticket_list: list[TicketView] | None = None) -> OfficeView:
    return OfficeView(
        office=OfficeInfo(id="demo", name="МФЦ", timezone="Europe/Moscow", local_day=DAY),
        services=[
            ServiceView(id="passports", name_ru="Паспорта", name_en="Passports", is_category=True),
            ServiceView(id="passport", name_ru="Паспорт РФ", name_en="Passport", parent="passports", prefix="А",
                        unavailable="no_open_window"),
            ServiceView(id="payments", name_ru="Оплата", name_en="Payments", parent="passports", prefix="Б",
                        unavailable="no_open_window"),
        ],
        priorities=[PriorityView(id="disabled", name_ru="Инвалиды", name_en="Disabled")],
        windows=windows if windows is not None else [
            WindowView(number=1, status=WindowStatus.CLOSED, services={"passport": 1.0}),
            WindowView(number=2, status=WindowStatus.CLOSED, services={"payments": 1.0, "passport": 0.5}),
        ],
        tickets=(ticket_list or []) if tickets else None,
        calls=calls or [],
    )


def ev(kind: EventType, minute: int = 0, **fields: Any) -> WireEvent:
    for wire, attr in (("from", "from_state"), ("to", "to_state")):
        if wire in fields:
            fields[attr] = TicketState(fields.pop(wire)) if fields[wire] is not None else None
    return WireEvent(type=kind, at=at(minute), **fields)


def issued(ticket: str, label: str, service: str = "passport", minute: int = 0) -> WireEvent:
    return ev(EventType.TICKET_ISSUED, minute, ticket=ticket, label=label, to="waiting", service=service,
              data={"number": int(label[1:]), "local_day": DAY, "channel": "walk_in", "priority": None})


def called(ticket: str, label: str, window: int, minute: int = 1, frm: str = "waiting",
           service: str = "passport") -> WireEvent:
    return ev(EventType.TICKET_CALLED, minute, ticket=ticket, label=label, window=window, service=service,
              operator=f"operator{window}", data={"cycle_pos": 0, "specific": False}, **{"from": frm, "to": "called"})


def opened(window: int, minute: int = 0, **data: Any) -> WireEvent:
    return ev(EventType.WINDOW_OPENED, minute, window=window, operator=f"operator{window}", data=data)


def waiting(mirror: OfficeMirror, service: str) -> int:
    found = mirror.service(service)
    assert found is not None
    return found.waiting


def ticket_ids(mirror: OfficeMirror) -> list[str]:
    return [t.id for t in mirror.view().tickets or []]


# -- the mirror ------------------------------------------------------------------------------

def test_a_visit_from_issue_to_finish_updates_counts_window_calls_and_the_ticket() -> None:
    m = OfficeMirror(office_view(), Role.MANAGER)
    assert m.apply(opened(1, operator_name="Оператор 1"))
    assert m.window(1) == WindowView(number=1, status=WindowStatus.OPEN, operator="operator1",
                                     operator_name="Оператор 1", services={"passport": 1.0}, since=at(0))
    assert m.apply(issued("t1", "А001"))
    assert waiting(m, "passport") == 1
    assert m.ticket("t1") == TicketView(id="t1", label="А001", service="passport", state=TicketState.WAITING,
                                        issued_at=at(0))
    assert m.apply(called("t1", "А001", 1, minute=2))
    assert waiting(m, "passport") == 0
    window = m.window(1)
    assert window is not None and (window.ticket, window.label) == ("t1", "А001")
    assert m.view().calls == [CallView(ticket="t1", label="А001", window=1, at=at(2))]
    ticket = m.ticket("t1")
    assert ticket is not None and (ticket.state, ticket.window, ticket.called_at) == ("called", 1, at(2))
    assert m.apply(ev(EventType.TICKET_RECALLED, 3, ticket="t1", label="А001", window=1, service="passport",
                      data={"recalls": 1}, **{"from": "called", "to": "called"}))
    assert m.view().calls[0] == CallView(ticket="t1", label="А001", window=1, at=at(3), recall=True)
    ticket = m.ticket("t1")
    assert ticket is not None and (ticket.recalls, ticket.called_at) == (1, at(3))
    assert m.apply(ev(EventType.TICKET_STARTED, 4, ticket="t1", label="А001", window=1, service="passport",
                      **{"from": "called", "to": "serving"}))
    assert m.apply(ev(EventType.TICKET_FINISHED, 9, ticket="t1", label="А001", window=1, service="passport",
                      data={"result": "done"}, **{"from": "serving", "to": "finished"}))
    window = m.window(1)
    assert window is not None and (window.ticket, window.label) == (None, None)
    ticket = m.ticket("t1")
    assert ticket is not None and (ticket.state, ticket.window) == ("finished", None)
    assert ticket_ids(m) == ["t1"]   # a manager sees the day's finished tickets


def test_an_operator_lists_live_tickets_only_and_a_kiosk_or_board_none() -> None:
    operator = OfficeMirror(office_view(), Role.OPERATOR)
    kiosk = OfficeMirror(office_view(tickets=False), Role.KIOSK)
    board = OfficeMirror(office_view(tickets=False), Role.DISPLAY)
    events = [opened(1), issued("t1", "А001"), issued("t2", "А002"), called("t1", "А001", 1),
              ev(EventType.TICKET_NO_SHOW, 5, ticket="t1", label="А001", window=1, service="passport",
                 data={"reason": "operator", "recalls": 0}, **{"from": "called", "to": "no_show"})]
    for event in events:
        operator.apply(event)
        kiosk.apply(event)
        board.apply(event)
    assert ticket_ids(operator) == ["t2"]
    assert kiosk.view().tickets is None and board.view().tickets is None
    assert waiting(kiosk, "passport") == waiting(board, "passport") == waiting(operator, "passport") == 1
    assert kiosk.view().calls == []                                   # kiosks get no calls
    assert [c.label for c in board.view().calls] == ["А001"]
    # the hidden no-show comes back whole when a manager reactivates it
    assert operator.apply(ev(EventType.TICKET_REACTIVATED, 6, ticket="t1", label="А001", service="passport",
                             data={"placement": "front"}, **{"from": "no_show", "to": "waiting"}))
    assert ticket_ids(operator) == ["t1", "t2"]
    assert waiting(operator, "passport") == 2


def test_calls_are_newest_first_and_at_most_twenty() -> None:
    m = OfficeMirror(office_view(), Role.DISPLAY)
    m.apply(opened(1))
    for n in range(1, 26):
        m.apply(issued(f"t{n}", f"А{n:03d}", minute=n))
        m.apply(called(f"t{n}", f"А{n:03d}", 1, minute=n))
    calls = m.view().calls
    assert len(calls) == MAX_CALLS
    assert [c.label for c in calls[:3]] == ["А025", "А024", "А023"] and calls[-1].label == "А006"


def test_postpone_return_and_transfer_move_the_ticket_and_the_counts() -> None:
    m = OfficeMirror(office_view(), Role.OPERATOR)
    for event in (opened(1), opened(2), issued("t1", "А001"), called("t1", "А001", 1)):
        m.apply(event)
    m.apply(ev(EventType.TICKET_POSTPONED, 10, ticket="t1", label="А001", window=1, service="passport",
               data={"minutes": 15, "reason": "оплата"}, **{"from": "called", "to": "postponed"}))
    ticket = m.ticket("t1")
    assert ticket is not None and (ticket.state, ticket.window, ticket.postponed_until) == (
        "postponed", None, "2026-03-14T07:25:00.000000Z")
    assert waiting(m, "passport") == 0
    m.apply(ev(EventType.TICKET_RETURNED, 25, ticket="t1", label="А001", service="passport",
               data={"placement": "front"}, **{"from": "postponed", "to": "waiting"}))
    assert waiting(m, "passport") == 1
    m.apply(called("t1", "А001", 1, minute=26))
    m.apply(ev(EventType.TICKET_TRANSFERRED, 27, ticket="t1", label="А001", window=1, service="payments",
               data={"to_window": 2, "to_operator": None, "comment": "квитанция", "return_to_me": True,
                     "from_service": "passport", "placement": "issue_time"}, **{"from": "called", "to": "waiting"}))
    ticket = m.ticket("t1")
    assert ticket is not None
    assert (ticket.state, ticket.service, ticket.target_window, ticket.comment) == ("waiting", "payments", 2, "квитанция")
    assert (waiting(m, "passport"), waiting(m, "payments")) == (0, 1)
    window = m.window(1)
    assert window is not None and window.ticket is None
    m.apply(called("t1", "А001", 2, minute=30, service="payments"))
    assert waiting(m, "payments") == 0
    ticket = m.ticket("t1")
    assert ticket is not None and (ticket.target_window, ticket.window) == (None, 2)


def test_window_statuses_and_service_availability() -> None:
    m = OfficeMirror(office_view(), Role.MANAGER)
    assert m.service("passport").unavailable == "no_open_window"  # type: ignore[union-attr]
    m.apply(opened(1))
    assert m.service("passport").unavailable is None  # type: ignore[union-attr]
    assert m.service("payments").unavailable == "no_open_window"  # type: ignore[union-attr]
    m.apply(ev(EventType.WINDOW_PAUSED, 5, window=1, operator="operator1", data={"reason": "обед"}))
    window = m.window(1)
    assert window is not None and (window.status, window.reason, window.since) == ("break", "обед", at(5))
    assert m.service("passport").unavailable is None  # type: ignore[union-attr]  # a break still serves
    m.apply(ev(EventType.WINDOW_RESUMED, 6, window=1, operator="operator1"))
    window = m.window(1)
    assert window is not None and (window.status, window.reason) == ("open", "")
    m.apply(ev(EventType.WINDOW_SERVICES_CHANGED, 7, window=1, operator="manager",
               data={"services": {"payments": 2.5}}))
    window = m.window(1)
    assert window is not None and window.services == {"payments": 2.5}
    assert m.service("passport").unavailable == "no_open_window"  # type: ignore[union-attr]
    assert m.service("payments").unavailable is None  # type: ignore[union-attr]
    m.apply(ev(EventType.SERVICE_ACTIVE_CHANGED, 8, service="payments", operator="manager", data={"active": False}))
    payments = m.service("payments")
    assert payments is not None and (payments.active, payments.unavailable) == (False, "service_inactive")
    m.apply(ev(EventType.WINDOW_CLOSED, 9, window=1, operator="operator1", data={"was": "operator1"}))
    window = m.window(1)
    assert window is not None
    assert (window.status, window.operator, window.operator_name, window.since) == ("closed", None, None, at(9))
    m.apply(ev(EventType.SERVICE_ACTIVE_CHANGED, 10, service="payments", data={"active": True}))
    assert m.service("payments").unavailable == "no_open_window"  # type: ignore[union-attr]
    categories = m.service("passports")
    assert categories is not None and categories.unavailable is None


def test_a_reason_only_the_server_knows_is_kept_until_the_next_snapshot() -> None:
    view = office_view()
    closed = OfficeView(office=view.office, services=[
        ServiceView(id="passport", name_ru="П", name_en="P", unavailable="office_closed")], windows=view.windows,
        tickets=[])
    m = OfficeMirror(closed, Role.OPERATOR)
    m.apply(opened(1))
    assert m.service("passport").unavailable == "office_closed"  # type: ignore[union-attr]
    m.apply(ev(EventType.SERVICE_ACTIVE_CHANGED, 2, service="passport", data={"active": False}))
    assert m.service("passport").unavailable == "service_inactive"  # type: ignore[union-attr]


def test_running_text_and_priority() -> None:
    m = OfficeMirror(office_view(), Role.MANAGER)
    m.apply(ev(EventType.RUNNING_TEXT_CHANGED, 1, operator="manager", data={"text": "С 1 апреля до 21:00"}))
    assert m.view().office.running_text == "С 1 апреля до 21:00"
    m.apply(opened(1))
    m.apply(issued("t1", "А001"))
    m.apply(ev(EventType.TICKET_PRIORITY_CHANGED, 2, ticket="t1", label="А001", service="passport",
               data={"priority": "disabled", "previous": None}, **{"from": "waiting", "to": "waiting"}))
    ticket = m.ticket("t1")
    assert ticket is not None and ticket.priority == "disabled"
    assert waiting(m, "passport") == 1   # waiting -> waiting: counted once


def test_the_view_is_frozen_cached_and_rebuilt_after_a_change() -> None:
    m = OfficeMirror(office_view(), Role.MANAGER)
    first = m.view()
    assert m.view() is first
    m.apply(opened(1))
    second = m.view()
    assert second is not first and first.windows[0].status == "closed" and second.windows[0].status == "open"


def test_tickets_are_listed_in_the_servers_order() -> None:
    m = OfficeMirror(office_view(), Role.MANAGER)
    m.apply(opened(1))
    m.apply(issued("tb", "А002", minute=5))
    m.apply(issued("ta", "А001", minute=5))
    m.apply(issued("t0", "А003", minute=1))
    assert ticket_ids(m) == ["t0", "ta", "tb"]


def test_what_the_mirror_cannot_know_asks_for_a_snapshot() -> None:
    board = OfficeMirror(office_view(tickets=False), Role.DISPLAY)
    public_open = ev(EventType.WINDOW_OPENED, 1, window=1)   # a board's event: no operator, no name
    assert board.apply(public_open) is False
    assert board.apply(ev(EventType.WINDOW_OPENED, 1, window=2, data={"operator_name": "Оператор 2"}))
    kiosk = OfficeMirror(office_view(tickets=False), Role.KIOSK)
    assert kiosk.apply(public_open)                         # a kiosk never shows names
    operator = OfficeMirror(office_view(), Role.OPERATOR)
    # a no-show from before the snapshot, reactivated: the operator never saw it
    assert operator.apply(ev(EventType.TICKET_REACTIVATED, 2, ticket="tx", label="А009", service="passport",
                             data={"placement": "front"}, **{"from": "no_show", "to": "waiting"})) is False
    assert ticket_ids(operator) == ["tx"]
    # an ended ticket it never saw: nothing to show, nothing missing
    assert operator.apply(ev(EventType.TICKET_CANCELLED, 3, ticket="ty", label="А010", service="passport",
                             data={"reason": "expired"}, **{"from": "waiting", "to": "cancelled"}))


def test_names_seen_in_a_snapshot_are_remembered_for_later_openings() -> None:
    seen = [WindowView(number=1, status=WindowStatus.OPEN, operator="operator1", operator_name="Оператор 1"),
            WindowView(number=2, status=WindowStatus.CLOSED)]
    m = OfficeMirror(office_view(windows=seen), Role.OPERATOR)
    assert m.apply(ev(EventType.WINDOW_CLOSED, 1, window=1, operator="operator1", data={"was": "operator1"}))
    assert m.apply(ev(EventType.WINDOW_OPENED, 2, window=2, operator="operator1"))
    window = m.window(2)
    assert window is not None and window.operator_name == "Оператор 1"


def test_a_new_local_day_forgets_ended_tickets_and_old_calls() -> None:
    old_call = CallView(ticket="t1", label="А001", window=1, at=T0)
    m = OfficeMirror(office_view(calls=[old_call], ticket_list=[
        TicketView(id="t1", label="А001", service="passport", state=TicketState.FINISHED, issued_at=T0),
        TicketView(id="t2", label="А002", service="passport", state=TicketState.WAITING, issued_at=T0),
    ]), Role.MANAGER)
    m.apply(opened(1))
    # 21:30 UTC on the 14th is 00:30 on the 15th in Moscow
    m.apply(WireEvent(type=EventType.TICKET_ISSUED, at="2026-03-14T21:30:00.000000Z", ticket="t3", label="А001",
                      to_state=TicketState.WAITING, service="passport", data={"number": 1, "local_day": "2026-03-15"}))
    assert m.view().office.local_day == "2026-03-15"
    assert ticket_ids(m) == ["t2", "t3"]           # yesterday's leftover waiting ticket stays until it expires
    assert m.view().calls == []


def test_loading_a_snapshot_replaces_everything() -> None:
    m = OfficeMirror(office_view(), Role.MANAGER)
    m.apply(opened(1))
    m.apply(issued("t1", "А001"))
    fresh = office_view()
    m.load(fresh)
    assert m.view() is fresh and m.ticket("t1") is None


# -- the feed: sequence rules ----------------------------------------------------------------

def snapshot(seq: int, role_tickets: bool = True) -> Snapshot:
    return Snapshot(office="demo", seq=seq, state=office_view(tickets=role_tickets))


def event(seq: int, wire: WireEvent | None = None) -> EventMessage:
    return EventMessage(office="demo", seq=seq, event=wire or ev(EventType.RUNNING_TEXT_CHANGED, 1,
                                                                   data={"text": f"seq {seq}"}))


def text_of(feed: OfficeFeed) -> str:
    assert feed.mirror is not None
    return feed.mirror.view().office.running_text


def test_feed_applies_in_order_drops_duplicates_and_resyncs_on_a_gap() -> None:
    feed = OfficeFeed("demo", Role.DISPLAY)
    assert not feed.current and feed.resync_after() == FORCE_SNAPSHOT_AFTER
    assert feed.on_snapshot(snapshot(10, role_tickets=False)) is FeedVerdict.APPLIED
    assert feed.current and feed.last_seq == 10
    assert feed.on_event(event(9)) is FeedVerdict.DUPLICATE
    assert feed.on_event(event(10)) is FeedVerdict.DUPLICATE
    assert feed.on_event(event(11)) is FeedVerdict.APPLIED and text_of(feed) == "seq 11"
    assert feed.on_event(event(13)) is FeedVerdict.GAP
    assert not feed.current and feed.resync_after() == 11
    assert feed.on_event(event(14)) is FeedVerdict.DROPPED        # one resync at a time
    assert feed.on_event(event(12)) is FeedVerdict.APPLIED         # the catch-up starts
    assert feed.current and feed.last_seq == 12
    assert feed.on_event(event(13)) is FeedVerdict.APPLIED
    assert feed.on_event(event(14)) is FeedVerdict.APPLIED and text_of(feed) == "seq 14"


def test_feed_a_snapshot_ends_a_resync_and_an_empty_catch_up_too() -> None:
    feed = OfficeFeed("demo", Role.OPERATOR)
    assert feed.on_event(event(5)) is FeedVerdict.GAP              # an event before any snapshot
    assert feed.resync_after() == FORCE_SNAPSHOT_AFTER
    feed.on_snapshot(snapshot(7))
    assert feed.current and feed.last_seq == 7
    assert feed.on_event(event(9)) is FeedVerdict.GAP
    feed.on_resync_result("events", 7)                             # nothing past 7 after all
    assert feed.current
    feed.on_event(event(9))
    feed.on_resync_result("events", 9)                             # 8 and 9 are on their way
    assert not feed.current
    feed.connection_lost()                                         # the next hello's last_seq takes over
    assert feed.current


def test_feed_need_snapshot_keeps_applying_until_the_snapshot() -> None:
    feed = OfficeFeed("demo", Role.OPERATOR)
    feed.on_snapshot(snapshot(1))
    unknown = ev(EventType.TICKET_REACTIVATED, 2, ticket="tx", label="А009", service="passport",
                 data={"placement": "front"}, **{"from": "no_show", "to": "waiting"})
    assert feed.on_event(event(2, unknown)) is FeedVerdict.NEED_SNAPSHOT
    assert not feed.current
    assert feed.on_event(event(3)) is FeedVerdict.APPLIED and not feed.current
    feed.on_snapshot(snapshot(3))
    assert feed.current


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=1, max_value=30), max_size=120))
def test_feed_never_applies_out_of_order_or_twice(seqs: list[int]) -> None:
    """Whatever arrives (duplicates, gaps, reordering), what is applied is 11, 12, 13, ... in order."""
    feed = OfficeFeed("demo", Role.DISPLAY)
    feed.on_snapshot(snapshot(10, role_tickets=False))
    applied: list[int] = []
    for seq in seqs:
        if feed.on_event(event(seq)) is FeedVerdict.APPLIED:
            applied.append(seq)
    assert applied == list(range(11, 11 + len(applied)))
    assert feed.last_seq == 10 + len(applied)
