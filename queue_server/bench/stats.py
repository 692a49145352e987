"""Percentiles over bounded sample sets.

``percentile`` interpolates linearly between the two nearest ranks (numpy's default), so
the p50 of ``[1, 2, 3, 4]`` is 2.5 and the p100 is the maximum.  ``Samples`` keeps at most
``cap`` values (a uniform reservoir beyond that) in a compact ``array``, while ``count`` and
``max`` stay exact: a long run cannot grow the bench's memory without bound.
"""

from __future__ import annotations

import math
import random
from array import array
from collections.abc import Iterable, Sequence
from typing import Any


def percentile(values: Iterable[float], q: float) -> float | None:
    """The ``q``-th percentile (0-100) of ``values``; None when there are none."""
    if not 0 <= q <= 100:
        raise ValueError(f"a percentile is between 0 and 100, not {q}")
    ordered = sorted(values)
    return _interpolate(ordered, q)


def _interpolate(ordered: Sequence[float], q: float) -> float | None:
    if not ordered:
        return None
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    if low == high:
        return float(ordered[low])
    return float(ordered[low] + (ordered[high] - ordered[low]) * (rank - low))


class Samples:
    """Up to ``cap`` values kept (reservoir sampling past it); count, sum and max are exact."""

    __slots__ = ("_random", "cap", "count", "max", "total", "values")

    def __init__(self, cap: int = 500_000, seed: int = 0) -> None:
        if cap < 1:
            raise ValueError("cap must be at least 1")
        self.cap = cap
        self.values = array("d")
        self.count = 0
        self.total = 0.0
        self.max: float | None = None
        self._random = random.Random(seed)

    def add(self, value: float) -> None:
        self.count += 1
        self.total += value
        if self.max is None or value > self.max:
            self.max = value
        if len(self.values) < self.cap:
            self.values.append(value)
        else:
            slot = self._random.randrange(self.count)
            if slot < self.cap:
                self.values[slot] = value

    def extend(self, values: Iterable[float]) -> None:
        for value in values:
            self.add(value)

    def __len__(self) -> int:
        return self.count

    def percentiles(self, *qs: float) -> list[float | None]:
        ordered = sorted(self.values)
        return [_interpolate(ordered, q) for q in qs]

    def summary(self, scale: float = 1.0, digits: int = 2) -> dict[str, Any]:
        """``{"count", "p50", "p99", "max"}``, each value multiplied by ``scale`` (1000: s -> ms)."""
        p50, p99 = self.percentiles(50, 99)
        return {"count": self.count, "p50": _scaled(p50, scale, digits), "p99": _scaled(p99, scale, digits),
                "max": _scaled(self.max, scale, digits)}


def _scaled(value: float | None, scale: float, digits: int) -> float | None:
    return None if value is None else round(value * scale, digits)
