"""Event timestamps as the tests read them, independently of the project's code: integer
microseconds since the epoch, parsed from the wire's ``YYYY-MM-DDTHH:MM:SS.ffffffZ``."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

US = 1_000_000


def micros(timestamp: str) -> int:
    moment = datetime.strptime(timestamp, "%Y-%m-%dT%H:%M:%S.%fZ")
    return (moment - datetime(1970, 1, 1)) // timedelta(microseconds=1)


def assert_figures(got: dict[str, Any], want: dict[str, Any]) -> None:
    """Each wanted figure equals the server's; durations to the microsecond, as stored."""
    for key, value in want.items():
        if isinstance(value, float):
            assert got[key] == pytest.approx(value, abs=1e-6), key
        else:
            assert got[key] == value, key
