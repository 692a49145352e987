"""The console's pure parts: the legal-action table, wait levels, the window's queue, my day, i18n."""

from __future__ import annotations

from datetime import UTC, datetime

import msgspec
import pytest

from operator_console import i18n
from operator_console.figures import (
    MyDay,
    WaitLevel,
    duration,
    my_day_shown,
    norm_seconds,
    service_loads,
    wait_level,
    window_queue,
)
from operator_console.rules import RULES, SHORTCUTS, Action, legal_actions
from queue_protocol.enums import Channel, EventType, TicketState, WindowStatus
from queue_protocol.replies import WireEvent
from queue_protocol.views import ServiceView, StatsMyDayResult, TicketView, WindowView

A = Action
NOW = datetime(2026, 3, 5, 7, 0, tzinfo=UTC)


@pytest.mark.parametrize("window, ticket, expected", [
    (None, None, {A.OPEN}),
    (WindowStatus.OPEN, None, {A.CALL_NEXT, A.CALL_TICKET, A.BREAK, A.CLOSE}),
    (WindowStatus.OPEN, TicketState.CALLED, {A.RECALL, A.START, A.NO_SHOW, A.POSTPONE, A.TRANSFER}),
    (WindowStatus.OPEN, TicketState.SERVING, {A.FINISH, A.POSTPONE, A.TRANSFER}),
    (WindowStatus.BREAK, None, {A.RESUME, A.CLOSE}),
    (WindowStatus.OPEN, TicketState.FINISHED, set()),
    (WindowStatus.BREAK, TicketState.CALLED, set()),
])
def test_legal_actions_follow_the_server_state(window, ticket, expected) -> None:
    assert legal_actions(window, ticket) == expected


def test_nothing_is_legal_offline_or_while_a_request_is_in_flight() -> None:
    assert legal_actions(WindowStatus.OPEN, None, online=False) == frozenset()
    assert legal_actions(WindowStatus.OPEN, None, busy=True) == frozenset()


def test_every_action_has_a_distinct_shortcut_and_a_rule() -> None:
    assert set(SHORTCUTS) == set(Action)
    assert len(set(SHORTCUTS.values())) == len(Action)
    assert set().union(*RULES.values()) == set(Action)


def service(norm: int = 15) -> ServiceView:
    return ServiceView(id="passport", name_ru="Паспорт РФ", name_en="Passport", prefix="А",
                       norm_walk_in_min=norm, norm_appointment_min=5)


def ticket(tid: str, issued: str, state: TicketState = TicketState.WAITING, **kw: object) -> TicketView:
    return TicketView(id=tid, label=tid.upper(), service=kw.pop("service", "passport"), state=state,  # type: ignore[arg-type]
                      issued_at=issued, **kw)  # type: ignore[arg-type]


def test_wait_levels_warn_at_two_thirds_and_breach_past_the_norm() -> None:
    norm = norm_seconds(service(15))
    assert norm == 900
    assert wait_level(599, norm) is WaitLevel.OK
    assert wait_level(600, norm) is WaitLevel.WARNING
    assert wait_level(900, norm) is WaitLevel.WARNING
    assert wait_level(901, norm) is WaitLevel.BREACH
    assert norm_seconds(service(15), Channel.APPOINTMENT) == 300


def test_service_loads_count_waiting_and_the_longest_wait() -> None:
    tickets = [ticket("a1", "2026-03-05T06:40:00.000000Z"), ticket("a2", "2026-03-05T06:55:00.000000Z"),
               ticket("a3", "2026-03-05T06:30:00.000000Z", TicketState.POSTPONED)]
    loads = service_loads(tickets, {"passport": service()}, NOW)
    assert loads["passport"].waiting == 2
    assert loads["passport"].longest_s == 1200
    assert loads["passport"].level is WaitLevel.BREACH


def test_window_queue_takes_its_services_and_skips_tickets_addressed_elsewhere() -> None:
    window = WindowView(number=3, status=WindowStatus.OPEN, operator="op3", services={"passport": 1.0})
    tickets = [
        ticket("a1", "2026-03-05T06:40:00.000000Z"),
        ticket("a2", "2026-03-05T06:41:00.000000Z", target_window=4),
        ticket("a3", "2026-03-05T06:42:00.000000Z", target_operator="op9"),
        ticket("a4", "2026-03-05T06:43:00.000000Z", target_operator="op3"),
        ticket("d1", "2026-03-05T06:39:00.000000Z", service="results"),
        ticket("a5", "2026-03-05T06:38:00.000000Z", TicketState.POSTPONED),
        ticket("a6", "2026-03-05T06:44:00.000000Z", priority="disabled"),
        ticket("a7", "2026-03-05T06:30:00.000000Z", TicketState.CALLED),
    ]
    assert [t.id for t in window_queue(tickets, window, "op3")] == ["a6", "a1", "a4", "a5"]
    assert window_queue(tickets, None, "op3") == []


def event(kind: EventType, ticket_id: str, at: str, operator: str = "op1") -> WireEvent:
    return WireEvent(type=kind, at=at, ticket=ticket_id, operator=operator)


def test_my_day_counts_only_this_operators_events() -> None:
    day = MyDay("op1", NOW)
    day.feed(event(EventType.TICKET_CALLED, "t1", "2026-03-05T07:00:00.000000Z"))
    day.feed(event(EventType.TICKET_STARTED, "t1", "2026-03-05T07:01:00.000000Z"))
    day.feed(event(EventType.TICKET_FINISHED, "t1", "2026-03-05T07:11:00.000000Z"))
    day.feed(event(EventType.TICKET_CALLED, "t2", "2026-03-05T07:12:00.000000Z"))
    day.feed(event(EventType.TICKET_NO_SHOW, "t2", "2026-03-05T07:15:00.000000Z"))
    day.feed(event(EventType.TICKET_FINISHED, "t9", "2026-03-05T07:15:00.000000Z", operator="op2"))
    assert (day.served, day.no_shows, day.average_s) == (1, 1, 600.0)
    assert day.first_called["t2"] == "2026-03-05T07:12:00.000000Z"


def test_durations_read_like_a_clock() -> None:
    assert duration(None) == "—"
    assert duration(65) == "1:05"
    assert duration(3725) == "1:02:05"


def test_both_catalogues_have_the_same_keys_and_errors_translate() -> None:
    assert set(i18n.RU) == set(i18n.EN)
    try:
        i18n.set_language("en")
        assert i18n.tr("act.call_next") == "Call next"
        assert i18n.error_text("queue_empty", "x") == "The queue is empty: nobody to call"
    finally:
        i18n.set_language("ru")
    assert i18n.tr("act.call_next") == "Вызвать следующего"
    assert i18n.error_text("ticket_finished", "x") == i18n.tr("err.ticket_state")
    assert "странное" in i18n.error_text("weird_code", "странное")


def test_every_literal_key_the_code_uses_is_in_the_catalogue() -> None:
    import re
    from pathlib import Path

    package = Path(i18n.__file__).parent
    used = {key for path in package.glob("*.py") for key in re.findall(r'\btr\("([a-z_.]+)"', path.read_text("utf-8"))}
    assert used and used <= set(i18n.RU), used - set(i18n.RU)


def test_every_state_the_wire_can_report_has_a_name() -> None:
    from queue_protocol.client import ConnectionState
    from queue_protocol.enums import PrinterStatus, Result

    for prefix, values in (("status", WindowStatus), ("ticket", TicketState), ("printer", PrinterStatus),
                           ("conn", ConnectionState), ("result", Result)):
        for value in values:
            assert f"{prefix}.{value.value}" in i18n.RU, (prefix, value)
    for action in Action:
        assert f"act.{action.name.lower()}" in i18n.RU


def test_an_info_page_notice_that_overtakes_its_reply_still_gets_its_words() -> None:
    from operator_console.info_pages import InfoPages
    from queue_protocol.replies import PrintNotice

    def ended(job: str, state: str, reason: str = "", kind: str = "info") -> PrintNotice:
        return PrintNotice(office="demo", job=job, kind=kind, service="passport", printer="p1", state=state,
                           reason=reason)

    pages = InfoPages()
    assert pages.notice(ended("j1", "printed")) is None                  # nobody claimed it yet: kept
    assert pages.asked("j1", "Паспорт РФ", "p1") == ("Памятка «Паспорт РФ» напечатана на принтере p1", False)
    assert pages.asked("j2", "Паспорт РФ", "p1") is None                 # the usual order: wait for the notice
    assert pages.notice(ended("j2", "printing")) is None
    assert pages.notice(ended("j2", "failed", "timeout", kind="ticket")) is None   # a ticket's job, not ours
    assert pages.notice(ended("j2", "failed", "cover_open")) == (
        "Памятка «Паспорт РФ» не напечатана на принтере p1: открыта крышка", True)
    assert pages.notice(ended("j2", "printed")) is None                  # told once


def test_my_day_adds_the_sessions_later_events_to_the_servers_answer() -> None:
    day = MyDay("op1", NOW)
    day.feed(event(EventType.TICKET_FINISHED, "t0", "2026-03-05T06:59:00.000000Z"), seq=10)   # in the answer
    day.feed(event(EventType.TICKET_CALLED, "t1", "2026-03-05T07:00:00.000000Z"), seq=11)
    day.feed(event(EventType.TICKET_STARTED, "t1", "2026-03-05T07:01:00.000000Z"), seq=12)
    day.feed(event(EventType.TICKET_FINISHED, "t1", "2026-03-05T07:11:00.000000Z"), seq=13)
    day.feed(event(EventType.TICKET_TRANSFERRED, "t2", "2026-03-05T07:12:00.000000Z"), seq=14)
    answer = StatsMyDayResult(office="demo", operator="op1", local_day="2026-03-05", as_of="2026-03-05T07:00:00.000000Z",
                              head_seq=10, served=3, no_shows=1, service_mean_s=300.0)
    shown = my_day_shown(answer, day)
    assert (shown.served, shown.no_shows, shown.transfers, shown.added) == (4, 1, 1, 2)
    assert shown.service_mean_s == (3 * 300.0 + 600.0) / 4
    covered = my_day_shown(StatsMyDayResult(**{**msgspec.structs.asdict(answer), "head_seq": 14}), day)
    assert (covered.served, covered.added, covered.service_mean_s) == (3, 0, 300.0)
