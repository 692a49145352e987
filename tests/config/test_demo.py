"""The demo office loads, is the realistic МФЦ of DOMAIN.md, and works with the queue engine."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from queue_server.config import DEMO_FILE, DeviceKind, DisplayLayout, demo_site, load_site, verify_password
from queue_server.config import passwords as passwords_module
from queue_server.config.demo import demo_data
from queue_server.core import EventType, QueueEngine
from queue_server.core.commands import CallNext, IssueTicket, OpenWindow, StartService
from queue_server.core.model import Role, VisitPurpose

PREFIXES = {"passport": "А", "passport_foreign": "Б", "registration": "В", "rosreestr": "Г",
            "results": "Д", "social": "Е", "consult": "Ж", "business": "И"}
MONDAY_9_MSK = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
SUNDAY_23_MSK = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)


def test_the_demo_file_loads_and_equals_demo_site() -> None:
    site = demo_site()
    assert site.office_ids == ("demo",)
    assert load_site(DEMO_FILE).offices == site.offices


def test_the_catalogue_is_the_one_of_domain_md() -> None:
    office = demo_site().office("demo").office
    assert office.name == "МФЦ «Мои документы» — демонстрационный офис"
    assert office.timezone == "Europe/Moscow"
    leaves = {s.id: s for s in office.services if not s.is_category}
    assert {i: s.prefix for i, s in leaves.items()} == PREFIXES
    categories = {s.id for s in office.services if s.is_category}
    assert {"passports", "real_estate", "social_sphere", "business_sphere"} <= categories
    for service in leaves.values():
        assert service.description_ru and service.description_en and service.documents_ru and service.documents_en
        assert service.parent_id is None or service.parent_id in categories
        if service.purpose is VisitPurpose.COLLECT_RESULT:
            assert 5 <= service.expected_service_min <= 10
        elif service.purpose is VisitPurpose.CONSULT:
            assert 10 <= service.expected_service_min <= 20
        else:
            assert 15 <= service.expected_service_min <= 30
        assert (service.norm_walk_in_min, service.norm_appointment_min) == (15, 5)
    assert leaves["results"].purpose is VisitPurpose.COLLECT_RESULT


def test_windows_serve_one_to_three_services_and_every_service_is_served() -> None:
    office = demo_site().office("demo").office
    assert [w.number for w in office.windows] == list(range(1, 21))
    assert all(1 <= len(w.services) <= 3 for w in office.windows)
    served = {s for w in office.windows for s in w.services}
    assert served == set(PREFIXES)


def test_hours_and_the_always_open_switch() -> None:
    hours = demo_site().office("demo").office.hours
    assert hours.always_open
    assert [len(hours.weekly[d]) for d in range(7)] == [1, 1, 1, 1, 1, 1, 0]
    assert hours.weekly[5][0][0].hour == 10


def test_credentials() -> None:
    config = demo_site().office("demo")
    logins = {a.login: a for a in config.accounts}
    assert set(logins) == {f"operator{n}" for n in range(1, 21)} | {"manager", "admin"}
    assert logins["operator7"].role is Role.OPERATOR
    assert logins["manager"].role is Role.MANAGER
    assert logins["admin"].role is Role.ADMIN
    assert verify_password(logins["operator1"].password_hash, "demo")
    assert not verify_password(logins["operator1"].password_hash, "Demo")
    assert {o.login for o in config.office.operators} == set(logins)


def test_devices_and_printer() -> None:
    site = demo_site()
    config = site.office("demo")
    kiosk = site.device_by_token("demo-kiosk")
    assert kiosk is not None and kiosk.kind is DeviceKind.KIOSK and kiosk.printer == "kiosk-printer"
    board = site.device_by_token("demo-display")
    assert board is not None and board.layout is DisplayLayout.MAIN
    window_board = site.device_by_token("demo-window-1")
    assert window_board is not None and (window_board.layout, window_board.window) == (DisplayLayout.WINDOW, 1)
    printer = config.printer("kiosk-printer")
    assert (printer.url, printer.model, printer.paper_mm, printer.mode) == ("tcp://127.0.0.1:9100", "epson", 80, "text")
    assert site.device_by_token("demo-kiosk-2") is None


def test_federal_priority_categories_by_default() -> None:
    categories = {c.id for c in demo_site().office("demo").office.priority_categories}
    assert categories == {"disabled_1_2", "disabled_child", "ww2_veteran", "hero", "leningrad_siege"}


def test_the_engine_issues_and_calls_in_the_demo_office() -> None:
    engine = QueueEngine(demo_site().office("demo").office)
    engine.handle(OpenWindow(window=1, operator="operator1"), MONDAY_9_MSK)
    issued = engine.handle(IssueTicket(ticket_id="t1", service_id="passport", issued_by="kiosk-1"), MONDAY_9_MSK)
    assert issued[0].type is EventType.TICKET_ISSUED and issued[0].label == "А001"
    later = MONDAY_9_MSK + timedelta(minutes=2)
    called = engine.handle(CallNext(window=1, operator="operator1"), later)
    assert called[0].type is EventType.TICKET_CALLED
    assert (called[0].label, called[0].window, called[0].operator) == ("А001", 1, "operator1")
    started = engine.handle(StartService(window=1, operator="operator1", ticket_id="t1"), later)
    assert started[0].type is EventType.TICKET_STARTED


def test_always_open_lets_developers_take_tickets_on_sunday_night() -> None:
    engine = QueueEngine(demo_site().office("demo").office)
    engine.handle(OpenWindow(window=11, operator="operator11"), SUNDAY_23_MSK)
    assert engine.unavailable_reason("results", SUNDAY_23_MSK) is None


def test_without_always_open_the_hours_apply() -> None:
    from queue_server.config import parse_site

    data = demo_data()
    del data["office"][0]["always_open"]
    engine = QueueEngine(parse_site(data, "office.toml").office("demo").office)
    engine.handle(OpenWindow(window=11, operator="operator11"), SUNDAY_23_MSK)
    assert engine.unavailable_reason("results", SUNDAY_23_MSK) == "office_closed"
    assert engine.unavailable_reason("results", MONDAY_9_MSK) is None
    new_year = datetime(2027, 1, 1, 9, 0, tzinfo=UTC)  # a Friday, closed by an exception
    assert engine.unavailable_reason("results", new_year) == "office_closed"


def test_region_of_50_offices() -> None:
    passwords_module._cache.clear()  # measure the worst case: "demo" not hashed yet
    started = time.perf_counter()
    site = demo_site(50)
    elapsed = time.perf_counter() - started
    print(f"\nregion demo, 50 offices: loaded in {elapsed:.3f} s")
    assert elapsed < 10  # generous; about 0.2 s on a developer machine

    assert len(site.offices) == 50
    assert site.offices[0] == demo_site(1).offices[0]
    ids = [o.id for o in site.offices]
    assert ids == ["demo", *(f"demo-{i}" for i in range(2, 51))]
    logins = [a.login for a in site.accounts]
    tokens = [d.token for d in site.devices]
    assert len(set(logins)) == len(logins) == 50 * 22
    assert len(set(tokens)) == len(tokens) == 50 * 3
    hashes = {a.password_hash for a in site.accounts}
    assert len(hashes) == 1  # "demo" hashed once, reused by all 1,100 accounts


def test_region_derivation_rule() -> None:
    site = demo_site(3)
    third = site.office("demo-3")
    assert third.office.name == "МФЦ «Мои документы» — демонстрационный офис №3"
    assert third.office.name_en.endswith(" No. 3")
    assert {a.login for a in third.accounts} == {f"operator{n}-3" for n in range(1, 21)} | {"manager-3", "admin-3"}
    assert {d.token for d in third.devices} == {"demo-kiosk-3", "demo-display-3", "demo-window-1-3"}
    assert third.printer("kiosk-printer").url == "tcp://127.0.0.1:9102"
    assert site.office("demo-2").printer("kiosk-printer").url == "tcp://127.0.0.1:9101"
    device = site.device_by_token("demo-kiosk-2")
    assert device is not None and device.office_id == "demo-2"
    account = site.account("operator5-2")
    assert account is not None and account.office_id == "demo-2"
    assert third.office.services == site.office("demo").office.services
    assert third.office.windows == site.office("demo").office.windows


def test_a_region_needs_an_office() -> None:
    with pytest.raises(ValueError, match="at least one office"):
        demo_site(0)
