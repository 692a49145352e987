"""DOMAIN.md "The ticket": numbering per prefix and group, the daily reset at the office's local
midnight, wrapping; and every reason a service cannot take a ticket now."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from queue_server.core import commands as c
from queue_server.core.errors import NotFound, Unavailable
from queue_server.core.model import OpeningHours, Service, WindowConfig

ONE_WINDOW_FOR_ALL = (WindowConfig(number=1, services={"A": 1.0, "B": 1.0, "C": 1.0, "D": 1.0, "E": 1.0}),)


def _labels(desk, issues):
    labels = []
    for n, service in enumerate(issues):
        labels.append(desk.issue(f"t{n:03d}", service=service).label)
    return labels


def test_numbering_per_prefix_and_group(make_desk):
    services = (
        Service(id="A", name_ru="Паспорт", name_en="Passport", prefix="А"),
        Service(id="B", name_ru="Недвижимость", name_en="Real estate", prefix="Г"),
        Service(id="D", name_ru="Выдача", name_en="Pick-up", prefix="Д", numbering_group="docs"),
        Service(id="E", name_ru="СНИЛС", name_en="SNILS", prefix="Е", numbering_group="docs"),
    )
    desk = make_desk(services=services, windows=ONE_WINDOW_FOR_ALL)
    desk.open(1, "opa")

    labels = _labels(desk, ["A", "A", "B", "A", "D", "E", "D"])

    assert labels == ["А001", "А002", "Г001", "А003", "Д001", "Е002", "Д003"]


def test_numbering_pads_to_the_width_of_the_range(make_desk):
    services = (Service(id="A", name_ru="Паспорт", name_en="Passport", prefix="А", number_end=99),)
    desk = make_desk(services=services, windows=ONE_WINDOW_FOR_ALL)
    desk.open(1, "opa")

    assert _labels(desk, ["A", "A"]) == ["А01", "А02"]


@pytest.mark.parametrize("zone", ["Europe/Moscow", "Asia/Vladivostok"])
def test_numbering_resets_at_office_local_midnight(make_desk, zone):
    tz = ZoneInfo(zone)
    local_midnight = datetime(2024, 3, 5, tzinfo=tz).astimezone(UTC)  # 21:00 or 14:00 UTC on the 4th
    desk = make_desk(local_midnight - timedelta(hours=3), timezone=zone)
    desk.open(1, "opa")
    desk.issue("d1-a")
    desk.at(local_midnight - timedelta(microseconds=1))
    last_of_day = desk.issue("d1-b")
    desk.at(local_midnight)
    first_of_day = desk.issue("d2-a")

    assert (last_of_day.label, last_of_day.local_day) == ("А002", date(2024, 3, 4))
    assert (first_of_day.label, first_of_day.local_day) == ("А001", date(2024, 3, 5))


@pytest.mark.parametrize("zone", ["Europe/Moscow", "Asia/Vladivostok"])
def test_numbering_does_not_reset_at_utc_midnight(make_desk, zone):
    utc_midnight = datetime(2024, 3, 5, tzinfo=UTC)  # 03:00 in Moscow, 10:00 in Vladivostok
    desk = make_desk(utc_midnight - timedelta(minutes=1), timezone=zone)
    desk.open(1, "opa")
    desk.issue("before")
    desk.at(utc_midnight + timedelta(minutes=1))

    assert desk.issue("after").label == "А002"


def test_numbering_wraps_at_range_end(make_desk):
    services = (Service(id="A", name_ru="Паспорт", name_en="Passport", prefix="А", number_start=7, number_end=9),)
    desk = make_desk(services=services, windows=ONE_WINDOW_FOR_ALL)
    desk.open(1, "opa")

    assert _labels(desk, ["A"] * 5) == ["А7", "А8", "А9", "А7", "А8"]


def test_daily_limit(make_desk):
    services = (Service(id="A", name_ru="Паспорт", name_en="Passport", prefix="А", daily_limit=2),)
    desk = make_desk(services=services, windows=ONE_WINDOW_FOR_ALL)
    desk.open(1, "opa")
    desk.issue("t1")
    desk.issue("t2")
    desk.do(c.CancelTicket("t2"))  # a cancelled ticket still counts

    error = desk.refused(c.IssueTicket("t3", "A"))

    assert isinstance(error, Unavailable) and error.code == "daily_limit_reached"
    assert desk.engine.unavailable_reason("A", desk.now) == "daily_limit_reached"
    desk.at(datetime(2024, 3, 4, 21, 0, tzinfo=UTC))  # midnight in Moscow
    assert desk.issue("t3").label == "А001"


# Mon-Fri 08:00-20:00; Friday 8 March is a holiday; Saturday 9 March is a working day, 10-14.
HOURS = OpeningHours(
    weekly={day: ((time(8), time(20)),) for day in range(5)},
    exceptions={date(2024, 3, 8): (), date(2024, 3, 9): ((time(10), time(14)),)},
)


@pytest.mark.parametrize("zone", ["Europe/Moscow", "Asia/Vladivostok"])
@pytest.mark.parametrize(("local", "is_open"), [
    (datetime(2024, 3, 4, 7, 59, 59), False),
    (datetime(2024, 3, 4, 8, 0), True),
    (datetime(2024, 3, 4, 19, 59, 59), True),
    (datetime(2024, 3, 4, 20, 0), False),
    (datetime(2024, 3, 8, 12, 0), False),   # holiday (exception: closed)
    (datetime(2024, 3, 9, 12, 0), True),    # working Saturday (exception: open)
    (datetime(2024, 3, 9, 14, 0), False),
    (datetime(2024, 3, 10, 12, 0), False),  # Sunday
])
def test_office_closed_outside_hours_and_exceptions(make_desk, zone, local, is_open):
    moment = local.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)
    desk = make_desk(moment, hours=HOURS, timezone=zone)
    desk.open(1, "opa")

    if is_open:
        assert desk.issue("t1").state.value == "waiting"
    else:
        error = desk.refused(c.IssueTicket("t1", "A"))
        assert isinstance(error, Unavailable) and error.code == "office_closed"


def test_inactive_service(make_desk):
    services = (Service(id="A", name_ru="Паспорт", name_en="Passport", prefix="А", active=False),)
    desk = make_desk(services=services, windows=ONE_WINDOW_FOR_ALL)
    desk.open(1, "opa")

    assert desk.refused(c.IssueTicket("t1", "A")).code == "service_inactive"
    desk.do(c.SetServiceActive("A", True, by="boss"))
    desk.issue("t1")
    desk.do(c.SetServiceActive("A", False, by="boss"))
    assert desk.refused(c.IssueTicket("t2", "A")).code == "service_inactive"


def test_category_is_not_a_service(make_desk):
    services = (
        Service(id="docs", name_ru="Документы", name_en="Documents", is_category=True),
        Service(id="A", name_ru="Паспорт", name_en="Passport", parent_id="docs", prefix="А"),
    )
    desk = make_desk(services=services, windows=ONE_WINDOW_FOR_ALL)
    desk.open(1, "opa")

    assert desk.refused(c.IssueTicket("t1", "docs")).code == "not_a_service"


def test_no_open_window(desk):
    assert desk.refused(c.IssueTicket("t1", "A")).code == "no_open_window"
    desk.open(3, "opb")  # serves B only
    assert desk.refused(c.IssueTicket("t1", "A")).code == "no_open_window"
    desk.open(1, "opa")
    desk.do(c.PauseWindow(1, "opa"))  # a window on a break is still staffed
    desk.issue("t1")
    desk.do(c.CloseWindow(1, "opa"))
    error = desk.refused(c.IssueTicket("t2", "A"))
    assert isinstance(error, Unavailable) and error.code == "no_open_window"


def test_duplicate_ticket_id_is_refused(desk):
    desk.open(1, "opa")
    desk.issue("t1")

    assert desk.refused(c.IssueTicket("t1", "B")).code == "duplicate_ticket_id"


def test_unknown_ids_give_not_found_codes(desk):
    desk.open(1, "opa")
    desk.issue("t1")
    cases = [
        (c.IssueTicket("t2", "Z"), "unknown_service"),
        (c.IssueTicket("t2", "A", priority_id="pensioner"), "unknown_priority"),
        (c.ChangePriority("t1", "pensioner"), "unknown_priority"),
        (c.CancelTicket("nope"), "unknown_ticket"),
        (c.ReactivateTicket("nope"), "unknown_ticket"),
        (c.ChangePriority("nope", None), "unknown_ticket"),
        (c.CallTicket(1, "opa", "nope"), "unknown_ticket"),
        (c.StartService(1, "opa", "nope"), "unknown_ticket"),
        (c.OpenWindow(99, "opb"), "unknown_window"),
        (c.CallNext(99, "opa"), "unknown_window"),
        (c.SetWindowServices(99, {}), "unknown_window"),
        (c.OpenWindow(2, "ghost"), "unknown_operator"),
        (c.CallNext(1, "ghost"), "unknown_operator"),
        (c.SetServiceActive("Z", True), "unknown_service"),
    ]
    for command, code in cases:
        error = desk.refused(command)
        assert isinstance(error, NotFound), command
        assert error.code == code, command


@pytest.mark.parametrize("moment", [
    datetime(2024, 3, 4, 10, 0),                                  # naive
    datetime(2024, 3, 4, 10, 0, tzinfo=ZoneInfo("Europe/Moscow")),  # aware, not UTC
])
def test_engine_takes_aware_utc_times_only(desk, moment):
    with pytest.raises(ValueError):
        desk.engine.handle(c.Tick(), moment)
