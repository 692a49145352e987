"""Event timestamps as the tests read them, independently of the project's code: integer
microseconds since the epoch, parsed from the wire's ``YYYY-MM-DDTHH:MM:SS.ffffffZ``."""

from __future__ import annotations

from datetime import datetime, timedelta

US = 1_000_000


def micros(timestamp: str) -> int:
    moment = datetime.strptime(timestamp, "%Y-%m-%dT%H:%M:%S.%fZ")
    return (moment - datetime(1970, 1, 1)) // timedelta(microseconds=1)
