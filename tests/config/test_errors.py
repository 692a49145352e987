"""Every check of the loader raises ConfigError naming the file, the office, the table and the key."""

from __future__ import annotations

import pytest

from queue_server.config import ConfigError, load_site
from queue_server.config.passwords import hash_password

GOOD_HASH = hash_password("x")

# (name, old text, new text, expected fragments of the message)
BROKEN = [
    ("unknown key", 'prefix = "А"', 'prefx = "А"',
     ['office.toml: office "demo": services[2] ("passport"): unknown key "prefx" (did you mean "prefix"?)']),
    ("unknown table", "[office.hours]", "[office.hour]",
     ['office "demo": unknown key "hour" (did you mean "hours"?)']),
    ("bad time zone", '"Europe/Moscow"', '"Europe/Moskow"',
     ['office "demo": "timezone" "Europe/Moskow" is not an IANA time zone name']),
    ("fixed-offset time zone", '"Europe/Moscow"', '"Etc/GMT-3"', ['"timezone" "Etc/GMT-3" is a fixed offset']),
    ("abbreviated time zone", '"Europe/Moscow"', '"MSK"', ['"timezone" "MSK" is not an IANA']),
    ("window serves a category", 'services = ["passport", "results"]', 'services = ["docs", "passport", "results"]',
     ['office "demo": windows[1] (window 1): "services": "docs" is a category']),
    ("window serves nothing known", 'services = ["passport", "results"]', 'services = ["pasport", "results"]',
     ['windows[1] (window 1): "services": "pasport" is not a service of this office']),
    ("bad weight", 'services = ["passport", "results"]', "services = { passport = 0, results = 1 }",
     ['windows[1] (window 1): "services": the weight of "passport" must be a number above 0']),
    ("duplicate prefix", 'prefix = "Д"', 'prefix = "А"',
     ['services[3] ("results"): prefix "А" is already used by service "passport"']),
    ("lookalike Latin prefix", 'prefix = "Д"', 'prefix = "A"',
     ['services[3] ("results"): prefix "A" (it looks the same as "А") is already used by service "passport"']),
    ("mixed-script prefix", 'prefix = "Д"', 'prefix = "AД"', ['"prefix" "AД" mixes Latin and Cyrillic letters']),
    ("prefix too long", 'prefix = "Д"', 'prefix = "ДДДД"', ['"prefix" is longer than 3 characters']),
    ("bad hours string", 'mon = ["08:00-20:00"]', 'mon = ["8-20"]',
     ['office "demo": hours: "mon": "8-20" is not an interval like "08:00-20:00"']),
    ("hours backwards", 'mon = ["08:00-20:00"]', 'mon = ["20:00-08:00"]', ['"mon": "20:00-08:00" ends before it starts']),
    ("hours overlap", 'mon = ["08:00-20:00"]', 'mon = ["08:00-14:00", "13:00-20:00"]',
     ['"mon": intervals overlap: 08:00-14:00, 13:00-20:00']),
    ("hours not a list", 'mon = ["08:00-20:00"]', 'mon = "08:00-20:00"', ['hours: "mon" must be a list of intervals']),
    ("hours 25 o'clock", 'mon = ["08:00-20:00"]', 'mon = ["08:00-25:00"]', ["25:00 is not a time of day"]),
    ("never open", 'mon = ["08:00-20:00"]', "mon = []", ["hours: the office is never open"]),
    ("bad exception date", 'mon = ["08:00-20:00"]', 'mon = ["08:00-20:00"]\n[office.hours.exceptions]\n"2026-02-30" = []',
     ['hours: exceptions: "2026-02-30" is not a date']),
    ("unknown parent", 'parent = "docs"', 'parent = "doc"',
     ['services[2] ("passport"): "parent" "doc" is not the id of any category here',
      'services[1] ("docs"): the category has no services']),
    ("parent is a service", 'parent = "docs"', 'parent = "results"', ['"parent" "results" is a service']),
    ("category with a prefix", "category = true", 'category = true\nprefix = "Я"',
     ['services[1] ("docs"): "prefix" is for services; a category only groups them']),
    ("bad number range", 'prefix = "Д"', 'prefix = "Д"\nnumber_range = [10, 5]',
     ['services[3] ("results"): "number_range" [10, 5] must satisfy 1 <= first < last <= 99999']),
    ("number range not a pair", 'prefix = "Д"', 'prefix = "Д"\nnumber_range = [1]',
     ['"number_range" must be two integers like [1, 999], not [1]']),
    ("zero norm", 'prefix = "Д"', 'prefix = "Д"\nnorm_walk_in_min = 0',
     ['services[3] ("results"): "norm_walk_in_min" must be an integer from 1 to 1440, not 0']),
    ("norm as a string", 'prefix = "Д"', 'prefix = "Д"\nnorm_walk_in_min = "15"',
     ['"norm_walk_in_min" must be an integer, not "15"']),
    ("zero expected time", 'prefix = "Д"', 'prefix = "Д"\nexpected_service_min = 0',
     ['"expected_service_min" must be a number above 0 and at most 480, not 0']),
    ("bad purpose", 'prefix = "Д"', 'prefix = "Д"\npurpose = "handin"',
     ['"purpose" must be one of "hand_in" | "ask_status" | "collect_result" | "consult", not "handin"']),
    ("same prefix, other counter", 'prefix = "Д"', 'prefix = "А"\nnumbering_group = "g"',
     ['prefix "А" is already used by service "passport"; give both the same numbering_group']),
    ("same counter, other range", 'prefix = "Д"', 'prefix = "Б"\nnumbering_group = "А"\nnumber_range = [1, 99]',
     ['services[3] ("results"): shares the counter "А" with service "passport" but its number_range [1, 99] '
      "differs from [1, 999]"]),
    ("duplicate service id", 'id = "results"', 'id = "passport"',
     ['services[3] ("passport"): id "passport" is already used by services[2] ("passport")']),
    ("bad service id", 'id = "results"', 'id = "выдача"', ['services[3]: "id" "выдача" must be 1-64 Latin letters']),
    ("category without services", "[[office.windows]]",
     '[[office.services]]\nid = "empty"\ncategory = true\nname_ru = "Пусто"\n\n[[office.windows]]',
     ['services[4] ("empty"): the category has no services']),
    ("active service no window serves", "[[office.windows]]",
     '[[office.services]]\nid = "extra"\nname_ru = "Ещё"\nprefix = "Е"\n\n[[office.windows]]',
     ['office "demo": services[4] ("extra"): the service is active but no window serves it']),
    ("duplicate window number", "[[office.operators]]", "[[office.windows]]\nnumber = 1\n\n[[office.operators]]",
     ['windows[2] (window 1): window number 1 is used twice']),
    ("window number zero", "number = 1", "number = 0", ['windows[1] (window 0): "number" must be an integer from 1 to 9999']),
    ("missing printer", 'printer = "p1"', 'printer = "p2"',
     ['devices[1] ("k1"): "printer" "p2" is not a printer of this office ([[office.printers]]: "p1")']),
    ("duplicate token", "", '\n[[office.devices]]\nid = "k2"\nkind = "kiosk"\ntoken = "kiosk-token-1"\n',
     ['devices[2] ("k2"): "token" is already used by device "k1" of office "demo"']),
    ("short token", 'token = "kiosk-token-1"', 'token = "abc"', ['"token" must be at least 8 printable ASCII']),
    ("display with a printer", "", '\n[[office.devices]]\nid = "b"\nkind = "display"\ntoken = "board-token"\nprinter = "p1"\n',
     ['devices[2] ("b"): "printer" is only for kiosks']),
    ("window board for no window", "",
     '\n[[office.devices]]\nid = "b"\nkind = "display"\ntoken = "board-token"\nlayout = "window"\nwindow = 7\n',
     ['devices[2] ("b"): "window" 7 is not a window of this office']),
    ("bad device kind", 'kind = "kiosk"', 'kind = "terminal"', ['"kind" must be one of "kiosk" | "display"']),
    ("bad printer url", 'url = "tcp://127.0.0.1:9100"', 'url = "http://127.0.0.1:9100"',
     ['printers[1] ("p1"): "url" "http://127.0.0.1:9100" must start with one of tcp://']),
    ("printer url without port", 'url = "tcp://127.0.0.1:9100"', 'url = "tcp://127.0.0.1"',
     ['"url" "tcp://127.0.0.1" must be like "tcp://192.168.1.50:9100"']),
    ("bad paper", 'url = "tcp://127.0.0.1:9100"', 'url = "tcp://127.0.0.1:9100"\npaper_mm = 57',
     ['printers[1] ("p1"): "paper_mm" must be 58 or 80, not 57']),
    ("bad codepage", 'url = "tcp://127.0.0.1:9100"', 'url = "tcp://127.0.0.1:9100"\ncodepage_table = 300',
     ['"codepage_table" must be an integer from 0 to 255, not 300']),
    ("password and hash", 'password = "secret-1"', f'password = "secret-1"\npassword_hash = "{GOOD_HASH}"',
     ['operators[1] ("op"): give either "password" or "password_hash", not both']),
    ("bad hash", 'password = "secret-1"', 'password_hash = "$2b$12$abcdefghijk"',
     ['operators[1] ("op"): "password_hash" is not an argon2 hash']),
    ("truncated hash", 'password = "secret-1"', f'password_hash = "{GOOD_HASH[:40]}"', ['is not an argon2 hash']),
    ("no password", 'password = "secret-1"', "", ['operators[1] ("op"): missing key "password_hash"']),
    ("misspelt password", 'password = "secret-1"', 'pasword = "secret-1"',
     ['office.toml: office "demo": operators[1] ("op"): unknown key "pasword" (did you mean "password"?)']),
    ("bad role", 'password = "secret-1"', 'password = "secret-1"\nrole = "boss"', ['"role" must be one of "operator"']),
    ("duplicate login", "[[office.printers]]", '[[office.operators]]\nlogin = "OP"\npassword = "x"\n\n[[office.printers]]',
     ['operators[2] ("OP"): login "OP" is already used in office "demo"']),
    ("bad interleave", "[[office.services]]", '[office.ordering]\ninterleave = "2"\n\n[[office.services]]',
     ['office "demo": ordering: "interleave" must be "priority:normal" like "1:2"']),
    ("bad ordering mode", "[[office.services]]", '[office.ordering]\nmode = "fair"\n\n[[office.services]]',
     ['ordering: "mode" must be one of "strict" | "interleave", not "fair"']),
    ("priority weight below 1", "",
     '\n[[office.priority_categories]]\nid = "over_80"\nname_ru = "Старше 80"\nweight = 0.5\n',
     ['priority_categories[1] ("over_80"): "weight" must be a number from 1 to 100, not 0.5']),
    ("unknown top-level key", "", '\n[server]\nport = 1\n', ['office.toml: top level: unknown key "server"']),
    ("missing name", 'name = "МФЦ"', "", ['office "demo": missing key "name"']),
    ("bad office id", 'id = "demo"', 'id = "демо"', ['office[1]: "id" "демо" must be 1-64 Latin letters']),
]


@pytest.mark.parametrize(("old", "new", "expected"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_broken_snippet_is_reported_with_its_place(minimal_text, parse, old: str, new: str, expected: list[str]) -> None:
    if old:
        assert old in minimal_text, old
        text = minimal_text.replace(old, new, 1)
    else:
        text = minimal_text + new
    with pytest.raises(ConfigError) as caught:
        parse(text)
    message = str(caught.value)
    for fragment in expected:
        assert fragment in message, f"{fragment!r} not in:\n{message}"
    assert all(p.startswith("office.toml: ") for p in caught.value.problems)


def test_the_minimal_snippet_itself_is_valid(minimal_text, parse) -> None:
    site = parse(minimal_text)
    assert site.office_ids == ("demo",)


def test_every_problem_is_reported_at_once(minimal_text, parse) -> None:
    text = (minimal_text.replace('prefix = "А"', 'prefx = "А"').replace('"Europe/Moscow"', '"Moscow"')
            .replace("number = 1", "numbr = 1"))
    with pytest.raises(ConfigError) as caught:
        parse(text)
    assert len(caught.value.problems) >= 3
    assert str(caught.value).startswith(f"{len(caught.value.problems)} problems in the configuration:")


def test_ids_logins_and_tokens_are_unique_across_offices(minimal_text, parse) -> None:
    second = minimal_text.replace('id = "demo"', 'id = "north"', 1)
    with pytest.raises(ConfigError) as caught:
        parse(minimal_text + second)
    message = str(caught.value)
    assert 'office "north": operators[1] ("op"): login "op" is already used in office "demo"' in message
    assert 'office "north": devices[1] ("k1"): "token" is already used by device "k1" of office "demo"' in message
    with pytest.raises(ConfigError, match='office "demo": this office id is used twice'):
        parse(minimal_text + minimal_text)


def test_no_offices(parse) -> None:
    with pytest.raises(ConfigError, match=r"office\.toml: no offices"):
        parse("")


def test_load_site_names_the_file(tmp_path, minimal_text) -> None:
    path = tmp_path / "office.toml"
    path.write_text(minimal_text.replace('prefix = "А"', 'prefx = "А"'), encoding="utf-8")
    with pytest.raises(ConfigError, match=rf'^{path}: office "demo": services\[2\] \("passport"\): unknown key "prefx"'):
        load_site(path)


def test_toml_syntax_error_keeps_the_line(tmp_path) -> None:
    path = tmp_path / "office.toml"
    path.write_text('[[office]]\nid = "demo\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"office\.toml: not valid TOML: .*line 2"):
        load_site(path)


def test_missing_file(tmp_path) -> None:
    with pytest.raises(ConfigError, match=r"nothere\.toml: cannot read the file"):
        load_site(tmp_path / "nothere.toml")


def test_config_error_is_a_value_error() -> None:
    assert issubclass(ConfigError, ValueError)
