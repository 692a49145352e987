"""When visitors come: the shape of an МФЦ day, and the opening hours it is drawn over.

The arrival intensity over local time is a flat base plus three bumps: the opening rush (the
hour after the doors open), the lunch crowd (12–14) and a smaller after-work bump (around
18:00, if the office is open then), fading out over the last half hour.  Exactly N arrival
times are drawn from it, by inverse transform over a one-minute grid.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from queue_server.core.model import Office

ALWAYS_OPEN_HOURS = (time(8, 0), time(20, 0))

# (centre, sigma, amplitude): the centre in local minutes after midnight, or "open" + offset
BASE_INTENSITY = 1.0
OPENING_PEAK = (40.0, 25.0, 1.6)      # minutes after opening
LUNCH_PEAK = (13 * 60.0, 40.0, 1.1)   # 13:00 local
EVENING_PEAK = (18 * 60.0, 45.0, 0.4)   # 18:00 local
CLOSING_FADE_MIN = 30.0


@dataclass(frozen=True, slots=True)
class DayHours:
    """The open intervals of one local day, as UTC instants and as local minutes."""

    day: date
    timezone: str
    intervals_utc: tuple[tuple[datetime, datetime], ...]
    intervals_min: tuple[tuple[float, float], ...]   # local minutes after midnight

    @property
    def opening(self) -> datetime:
        return self.intervals_utc[0][0]

    @property
    def closing(self) -> datetime:
        return self.intervals_utc[-1][1]


def day_hours(office: Office, day: date) -> DayHours:
    """The office's open intervals on ``day`` (local); ValueError if it is closed all day.

    An always-open office has no closing to shape a day by: it gets the hours it lists for
    that day if it lists any (the demo office does), else 08:00–20:00.
    """
    hours = office.hours
    intervals: Sequence[tuple[time, time]] = hours.exceptions.get(day, hours.weekly.get(day.weekday(), ()))
    intervals = sorted((s, e) for s, e in intervals if s < e)
    if not intervals and hours.always_open:
        intervals = [ALWAYS_OPEN_HOURS]
    if not intervals:
        raise ValueError(f"office {office.id} is closed on {day.isoformat()} ({day.strftime('%A')})")
    tz = office.tz
    utc = tuple(
        (datetime.combine(day, s, tzinfo=tz).astimezone(UTC), datetime.combine(day, e, tzinfo=tz).astimezone(UTC))
        for s, e in intervals
    )
    minutes = tuple((_minutes(s), _minutes(e)) for s, e in intervals)
    return DayHours(day=day, timezone=office.timezone, intervals_utc=utc, intervals_min=minutes)


def _minutes(t: time) -> float:
    return t.hour * 60 + t.minute + t.second / 60


def _bump(x: float, centre: float, sigma: float, amplitude: float) -> float:
    return amplitude * math.exp(-0.5 * ((x - centre) / sigma) ** 2)


def intensity(minute: float, hours: DayHours) -> float:
    """Relative arrival rate at local ``minute`` after midnight (0 while closed)."""
    if not any(lo <= minute < hi for lo, hi in hours.intervals_min):
        return 0.0
    opening = hours.intervals_min[0][0]
    closing = hours.intervals_min[-1][1]
    rate = BASE_INTENSITY
    centre, sigma, amp = OPENING_PEAK
    rate += _bump(minute, opening + centre, sigma, amp)
    rate += _bump(minute, *LUNCH_PEAK)
    if closing - 60 >= EVENING_PEAK[0] - 2 * EVENING_PEAK[1]:
        rate += _bump(minute, *EVENING_PEAK)
    to_close = closing - minute
    if to_close < CLOSING_FADE_MIN:
        rate *= 0.3 + 0.7 * to_close / CLOSING_FADE_MIN
    return rate


def arrival_times(hours: DayHours, count: int, rng: random.Random) -> list[datetime]:
    """``count`` sorted arrival instants (UTC, whole milliseconds) drawn from the day's shape."""
    if count < 0:
        raise ValueError("count must be >= 0")
    lo = int(hours.intervals_min[0][0])
    hi = math.ceil(hours.intervals_min[-1][1])
    grid = list(range(lo, hi))
    cumulative: list[float] = []
    total = 0.0
    for minute in grid:
        total += intensity(minute + 0.5, hours)
        cumulative.append(total)
    if total <= 0:
        raise ValueError("the office is never open that day")
    midnight = datetime.combine(hours.day, time(0), tzinfo=ZoneInfo(hours.timezone))
    times: list[datetime] = []
    for _ in range(count):
        for _attempt in range(100):
            index = bisect_right(cumulative, rng.random() * total)
            index = min(index, len(grid) - 1)
            at = grid[index] + rng.random()
            if any(s <= at < e for s, e in hours.intervals_min):
                break
        # wall-clock arithmetic on the local day, then to UTC
        local = midnight + timedelta(milliseconds=round(at * 60_000))
        times.append(local.astimezone(UTC))
    times.sort()
    return times
