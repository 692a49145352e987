"""What a valid file becomes: defaults, the shapes the format allows, and the site's look-ups."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from queue_server.config import ConfigError, DeviceKind, PrinterModel, PrintMode, load_site, parse_site
from queue_server.config.passwords import hash_password, verify_password
from queue_server.core.model import OrderingMode, Placement, Role, VisitPurpose

DOCS = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"


def office_of(parse, text: str):
    return parse(text).offices[0]


def test_defaults_of_a_service(minimal_text, parse) -> None:
    config = office_of(parse, minimal_text)
    results = next(s for s in config.office.services if s.id == "results")
    assert (results.name_ru, results.name_en) == ("Выдача", "Выдача")  # name_en defaults to name_ru
    assert (results.number_start, results.number_end) == (1, 999)
    assert (results.norm_walk_in_min, results.norm_appointment_min) == (15, 5)
    assert results.purpose is VisitPurpose.HAND_IN and results.expected_service_min == 15.0
    assert results.active and results.daily_limit is None and results.parent_id is None
    docs = next(s for s in config.office.services if s.id == "docs")
    assert docs.is_category and docs.prefix == ""
    assert config.office.policy.mode is OrderingMode.STRICT
    assert not config.office.hours.always_open


def test_every_service_key(minimal_text, parse) -> None:
    text = minimal_text.replace('prefix = "Д"', """prefix = "Д"
name_en = "Collect"
numbering_group = "Д"
number_range = [100, 4999]
norm_walk_in_min = 10
norm_appointment_min = 3
daily_limit = 200
active = true
purpose = "collect_result"
expected_service_min = 7.5
description_ru = "Получить готовое"
description_en = "Collect what is ready"
documents_ru = ["Паспорт", "Расписка"]
documents_en = "Passport"
""")
    results = next(s for s in office_of(parse, text).office.services if s.id == "results")
    assert (results.number_start, results.number_end, results.daily_limit) == (100, 4999, 200)
    assert (results.norm_walk_in_min, results.norm_appointment_min, results.expected_service_min) == (10, 3, 7.5)
    assert results.purpose is VisitPurpose.COLLECT_RESULT
    assert results.documents_ru == "Паспорт\nРасписка" and results.documents_en == "Passport"
    assert results.counter_group == "Д"


def test_two_services_may_share_a_prefix_through_a_numbering_group(minimal_text, parse) -> None:
    text = (minimal_text.replace('prefix = "А"', 'prefix = "А"\nnumbering_group = "passports"')
            .replace('prefix = "Д"', 'prefix = "А"\nnumbering_group = "passports"'))
    services = office_of(parse, text).office.services
    assert {s.counter_group for s in services if not s.is_category} == {"passports"}


def test_window_services_as_a_list_or_with_weights(minimal_text, parse) -> None:
    text = minimal_text + '\n[[office.windows]]\nnumber = 2\nname = "VIP"\nservices = { passport = 2, results = 0.5 }\n'
    windows = office_of(parse, text).office.windows
    assert windows[0].services == {"passport": 1.0, "results": 1.0}
    assert (windows[1].name, windows[1].services) == ("VIP", {"passport": 2.0, "results": 0.5})


def test_ordering(minimal_text, parse) -> None:
    text = minimal_text.replace("[[office.services]]", """[office.ordering]
mode = "interleave"
interleave = "1:3"
ageing_min = 25
return_placement = "end"
transfer_placement = "front"
max_recalls = 0
postpone_default_min = 15

[[office.services]]""", 1)
    policy = office_of(parse, text).office.policy
    assert (policy.mode, policy.interleave_priority, policy.interleave_normal) == (OrderingMode.INTERLEAVE, 1, 3)
    assert (policy.ageing_min, policy.max_recalls, policy.postpone_default_min) == (25, 0, 15)
    assert (policy.return_placement, policy.transfer_placement) == (Placement.END, Placement.FRONT)


def test_regional_categories_add_to_the_federal_list(minimal_text, parse) -> None:
    text = minimal_text + """
[[office.priority_categories]]
id = "over_80"
name_ru = "Граждане старше 80 лет"
weight = 1.5
needs_document_check = false

[[office.priority_categories]]
id = "hero"
name_ru = "Герои"
name_en = "Heroes"
weight = 2
"""
    categories = {c.id: c for c in office_of(parse, text).office.priority_categories}
    assert set(categories) == {"disabled_1_2", "disabled_child", "ww2_veteran", "leningrad_siege", "hero", "over_80"}
    assert categories["over_80"].weight == 1.5 and not categories["over_80"].needs_document_check
    assert categories["hero"].name_en == "Heroes" and categories["hero"].weight == 2.0
    only_regional = text.replace('timezone = "Europe/Moscow"', 'timezone = "Europe/Moscow"\nfederal_priority_categories = false')
    assert {c.id for c in office_of(parse, only_regional).office.priority_categories} == {"over_80", "hero"}


def test_accounts(minimal_text, parse) -> None:
    given_hash = hash_password("manager-pass")
    text = minimal_text + f"""
[[office.operators]]
login = "Chief"
display_name = "Начальник"
role = "manager"
password_hash = "{given_hash}"
may_call_specific = false
"""
    site = parse(text)
    chief = site.account("chief")  # logins are matched regardless of case
    assert chief is not None and chief.login == "Chief" and chief.role is Role.MANAGER
    assert chief.password_hash == given_hash
    op = site.account("op")
    assert op is not None and op.display_name == "op" and verify_password(op.password_hash, "secret-1")
    operators = {o.login: o for o in site.office("demo").office.operators}
    assert not operators["Chief"].may_call_specific and operators["op"].may_call_specific
    assert given_hash not in repr(site) and "kiosk-token-1" not in repr(site)


def test_devices_and_printers(minimal_text, parse) -> None:
    text = minimal_text.replace('url = "tcp://127.0.0.1:9100"', """url = "tcp://192.168.10.31:9100"
model = "zjiang"
mode = "raster"
codepage_table = 46""") + """
[[office.printers]]
id = "usb"
url = "usb://0x0416:0x5011"

[[office.devices]]
id = "board"
kind = "display"
token = "board-token-1"
"""
    site = parse(text)
    config = site.office("demo")
    p1 = config.printer("p1")
    assert (p1.model, p1.mode, p1.paper_mm, p1.codepage_table) == (PrinterModel.ZJIANG, PrintMode.RASTER, None, 46)
    assert p1.profile_overrides() == {"mode": "raster", "codepage_table": 46}
    assert config.printer("usb").profile_overrides() == {"mode": "text"}
    board = site.device_by_token("board-token-1")
    assert board is not None and board.kind is DeviceKind.DISPLAY and board.layout == "main" and board.window is None
    assert site.device_by_token("board-token-") is None
    assert site.device_by_token("") is None


def test_printer_spec_composes_with_the_printers_package(minimal_text, parse) -> None:
    from printers.layout import PrinterProfile

    text = minimal_text.replace('url = "tcp://127.0.0.1:9100"', 'url = "tcp://127.0.0.1:9100"\nmodel = "star"\npaper_mm = 58')
    spec = parse(text).office("demo").printer("p1")
    profile = PrinterProfile.for_model(spec.model, **spec.profile_overrides())
    assert (profile.paper_width_mm, profile.codepage_table, profile.mode) == (58, 10, "text")


def test_one_office_may_be_a_plain_table(minimal_text, parse) -> None:
    text = minimal_text.replace("[[office]]", "[office]")
    assert parse(text).office_ids == ("demo",)


def test_two_offices_in_two_time_zones(minimal_text, parse) -> None:
    east = (minimal_text.replace('id = "demo"', 'id = "vladivostok"', 1).replace("Europe/Moscow", "Asia/Vladivostok")
            .replace('login = "op"', 'login = "op-vl"').replace("kiosk-token-1", "kiosk-token-vl"))
    site = parse(minimal_text + east)
    assert site.office_ids == ("demo", "vladivostok")
    assert site.office("vladivostok").office.timezone == "Asia/Vladivostok"
    assert site.office("vladivostok").accounts[0].office_id == "vladivostok"


def test_the_minimal_example_of_the_docs_loads(tmp_path) -> None:
    text = DOCS.read_text(encoding="utf-8")
    match = re.search(r"<!-- minimal example -->\s*```toml\n(.*?)```", text, re.S)
    assert match, "docs/configuration.md lost its minimal example"
    path = tmp_path / "office.toml"
    path.write_text(match[1], encoding="utf-8")
    site = load_site(path)
    assert len(site.offices) == 1


def test_every_key_of_the_demo_is_documented() -> None:
    docs = DOCS.read_text(encoding="utf-8")
    with open(Path(__file__).resolve().parents[2] / "queue_server" / "demo" / "office.toml", "rb") as file:
        data = tomllib.load(file)
    keys: set[str] = set()

    def walk(value: object, parent: str) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                if parent not in ("services", "exceptions"):  # keys there are ids and dates, not names
                    keys.add(key)
                walk(inner, key)
        elif isinstance(value, list):
            for inner in value:
                walk(inner, "")

    walk(data["office"], "office")
    assert "[[office]]" in docs
    missing = sorted(k for k in keys if f"`{k}`" not in docs)
    assert not missing, f"undocumented keys: {missing}"


def test_config_error_lists_problems(parse) -> None:
    try:
        parse('[[office]]\nid = "x"\n')
    except ConfigError as error:
        assert all(p.startswith("office.toml: ") for p in error.problems)
        assert 'office "x": missing key "name"' in str(error)
    else:
        raise AssertionError("an office with no name, hours, services or windows was accepted")


def test_parse_site_takes_what_tomllib_returns(minimal_text) -> None:
    site = parse_site(tomllib.loads(minimal_text), "inline")
    assert site.source == "inline"
