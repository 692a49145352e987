"""Opening hours as written in the file (``mon = ["08:00-13:00", "14:00-20:00"]``) and back.

An interval is ``"HH:MM-HH:MM"`` in the office's local time, start before end, ``"24:00"``
allowed as an end (stored as :data:`datetime.time.max`).  A day's intervals are sorted and
must not overlap; ``[]`` (or a weekday left out) means closed.  A night shift that crosses
midnight is written as two intervals on two days.  :func:`hours_to_toml` is the inverse of
:func:`read_hours`: parsing its output gives the same :class:`OpeningHours`.
"""

from __future__ import annotations

import re
from datetime import date, time
from itertools import pairwise
from typing import Any

from queue_server.core.model import Interval, OpeningHours

from .tables import Table, show

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_INTERVAL = re.compile(r"(\d{1,2}):(\d{2})\s*[-–—]\s*(\d{1,2}):(\d{2})")


def _clock(hours: str, minutes: str, *, end: bool) -> time:
    h, m = int(hours), int(minutes)
    if end and (h, m) == (24, 0):
        return time.max
    if h > 23 or m > 59:
        raise ValueError(f"{hours}:{minutes} is not a time of day")
    return time(h, m)


def parse_interval(text: str) -> Interval:
    """``"08:00-20:00"`` -> (08:00, 20:00); ValueError with a readable reason otherwise."""
    match = _INTERVAL.fullmatch(text.strip())
    if match is None:
        raise ValueError(f'{show(text)} is not an interval like "08:00-20:00"')
    start = _clock(match[1], match[2], end=False)
    end = _clock(match[3], match[4], end=True)
    if end <= start:
        raise ValueError(f"{show(text)} ends before it starts (split a night across two days)")
    return start, end


def parse_intervals(value: Any) -> tuple[Interval, ...]:
    """A list of interval strings -> sorted, non-overlapping intervals."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f'must be a list of intervals like ["08:00-20:00"] ([] = closed), not {show(value)}')
    intervals = sorted(parse_interval(v) for v in value)
    for (_, end), (start, _) in pairwise(intervals):
        if start < end:
            raise ValueError(f"intervals overlap: {', '.join(format_intervals(intervals))}")
    return tuple(intervals)


def format_interval(interval: Interval) -> str:
    start, end = interval
    end_text = "24:00" if end == time.max else end.strftime("%H:%M")
    return f"{start.strftime('%H:%M')}-{end_text}"


def format_intervals(intervals: tuple[Interval, ...] | list[Interval]) -> list[str]:
    return [format_interval(i) for i in intervals]


def read_hours(office: Table, always_open: bool) -> OpeningHours:
    """``[office.hours]`` with its ``[office.hours.exceptions]``; every weekday is present in
    the result (closed = ``()``)."""
    table = office.sub("hours")
    if table is None:
        if not always_open and not office.has("hours"):
            office.missing_key("missing table [office.hours] (give opening hours, or always_open = true)", "hours")
        return OpeningHours(weekly={d: () for d in range(7)}, always_open=always_open)
    weekly: dict[int, tuple[Interval, ...]] = {}
    for number, name in enumerate(WEEKDAYS):
        value = table.raw(name, [])
        try:
            weekly[number] = parse_intervals(value)
        except ValueError as error:
            table.problem(f'"{name}" {error}' if str(error).startswith("must") else f'"{name}": {error}')
            weekly[number] = ()
    exceptions: dict[date, tuple[Interval, ...]] = {}
    special = table.sub("exceptions")
    if special is not None:
        for key, value in special.data.items():
            special.ignore(key)
            try:
                if not _DATE.fullmatch(key):
                    raise ValueError(key)
                day = date.fromisoformat(key)
            except ValueError:
                special.problem(f'"{key}" is not a date like "2026-12-31"')
                continue
            try:
                exceptions[day] = parse_intervals(value)
            except ValueError as error:
                special.problem(f'"{key}" {error}' if str(error).startswith("must") else f'"{key}": {error}')
        special.finish()
    table.finish()
    if table.ok and not always_open and not any(weekly.values()):
        table.problem("the office is never open (set always_open = true for a test office)")
    return OpeningHours(weekly=weekly, exceptions=dict(sorted(exceptions.items())), always_open=always_open)


def hours_to_toml(hours: OpeningHours) -> dict[str, Any]:
    """The ``[office.hours]`` table for ``hours`` (``always_open`` is an office key, not here)."""
    table: dict[str, Any] = {name: format_intervals(list(hours.weekly.get(n, ()))) for n, name in enumerate(WEEKDAYS)}
    if hours.exceptions:
        table["exceptions"] = {d.isoformat(): format_intervals(list(v)) for d, v in sorted(hours.exceptions.items())}
    return table
