"""Opening hours: parsing the strings of the file, and the round trip back to them."""

from __future__ import annotations

import tomllib
from datetime import date, datetime, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from queue_server.config import parse_site
from queue_server.config.hours import WEEKDAYS, hours_to_toml, parse_interval, parse_intervals

HOURS = """
[office.hours]
mon = ["08:00-13:00", "14:00-20:00"]
tue = ["08:00-20:00"]
wed = ["08:00-20:00"]
thu = ["10:00-21:00"]
fri = ["08:00-20:00"]
sat = ["10:00-17:00"]
sun = []

[office.hours.exceptions]
"2026-12-31" = ["08:00-16:00"]
"2027-01-01" = []
2027-01-09 = ["00:00-24:00"]
"""


def test_round_trip_of_hours_and_exceptions(minimal_text) -> None:
    text = minimal_text.replace('[office.hours]\nmon = ["08:00-20:00"]\n', HOURS)
    hours = parse_site(tomllib.loads(text), "office.toml").office("demo").office.hours
    assert hours.weekly[0] == ((time(8), time(13)), (time(14), time(20)))
    assert hours.weekly[6] == ()
    assert hours.exceptions[date(2027, 1, 1)] == ()
    assert hours.exceptions[date(2027, 1, 9)] == ((time(0), time.max),)
    written = hours_to_toml(hours)
    assert written == tomllib.loads(HOURS)["office"]["hours"]
    again = minimal_text.replace('[office.hours]\nmon = ["08:00-20:00"]\n', "")
    data = tomllib.loads(again)
    data["office"][0]["hours"] = written
    assert parse_site(data, "office.toml").office("demo").office.hours == hours


def test_lunch_break_and_exceptions_decide_is_open(minimal_text) -> None:
    text = minimal_text.replace('[office.hours]\nmon = ["08:00-20:00"]\n', HOURS)
    hours = parse_site(tomllib.loads(text), "office.toml").office("demo").office.hours
    assert hours.is_open(datetime(2026, 3, 2, 12, 59))       # Monday morning
    assert not hours.is_open(datetime(2026, 3, 2, 13, 30))   # lunch
    assert not hours.is_open(datetime(2026, 3, 2, 20, 0))    # closing time is exclusive
    assert not hours.is_open(datetime(2026, 3, 1, 12, 0))    # Sunday
    assert hours.is_open(datetime(2026, 12, 31, 15, 59))     # short day
    assert not hours.is_open(datetime(2026, 12, 31, 16, 0))
    assert hours.is_open(datetime(2027, 1, 9, 23, 59, 59))   # "24:00" reaches midnight


@pytest.mark.parametrize(("text", "expected"), [
    ("08:00-20:00", (time(8), time(20))),
    ("8:00-20:00", (time(8), time(20))),
    (" 08:00 – 20:00 ", (time(8), time(20))),   # an en dash, as Word types it
    ("00:00-24:00", (time(0), time.max)),
    ("09:30-09:45", (time(9, 30), time(9, 45))),
])
def test_parse_interval(text: str, expected: tuple[time, time]) -> None:
    assert parse_interval(text) == expected


@pytest.mark.parametrize("text", ["8-20", "08:00", "08:00-08:00", "20:00-08:00", "24:00-24:00", "08:60-09:00",
                                  "08.00-20.00", "08:00-20:00-21:00", ""])
def test_bad_interval(text: str) -> None:
    with pytest.raises(ValueError):
        parse_interval(text)


def test_intervals_are_sorted_and_must_not_overlap() -> None:
    assert parse_intervals(["14:00-20:00", "08:00-13:00"]) == ((time(8), time(13)), (time(14), time(20)))
    assert parse_intervals(["08:00-13:00", "13:00-20:00"])  # touching is fine
    with pytest.raises(ValueError, match="overlap"):
        parse_intervals(["08:00-14:00", "13:00-20:00"])


minutes = st.integers(min_value=0, max_value=24 * 60)


@st.composite
def day_intervals(draw: st.DrawFn) -> list[str]:
    cuts = sorted(set(draw(st.lists(minutes, max_size=6))))
    cuts = cuts[: len(cuts) // 2 * 2]
    out = []
    for start, end in zip(cuts[::2], cuts[1::2], strict=True):
        out.append(f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}")
    return out


@given(st.fixed_dictionaries({day: day_intervals() for day in WEEKDAYS}),
       st.dictionaries(st.dates(date(2020, 1, 1), date(2040, 12, 31)).map(date.isoformat), day_intervals(),
                       max_size=5))
def test_any_hours_survive_the_round_trip(weekly: dict[str, list[str]], exceptions: dict[str, list[str]]) -> None:
    from queue_server.config.hours import read_hours
    from queue_server.config.tables import Problems, Table

    table = {**weekly, **({"exceptions": exceptions} if exceptions else {})}
    problems = Problems("office.toml")
    hours = read_hours(Table({"hours": table}, 'office "x"', problems), always_open=True)
    assert problems.items == []
    written = hours_to_toml(hours)
    assert written == {**weekly, **({"exceptions": dict(sorted(exceptions.items()))} if exceptions else {})}
    again = read_hours(Table({"hours": written}, 'office "x"', problems), always_open=True)
    assert again == hours and problems.items == []
