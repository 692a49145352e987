"""Timestamps on the wire: UTC, ISO 8601, always six fractional digits, ``Z``.

msgspec would drop the fraction when it is zero; a fixed shape lets clients compare and sort
timestamps as strings and keeps the event log's microseconds (DESIGN.md §2) intact.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Final

from msgspec import Meta

TIMESTAMP_PATTERN: Final = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$"

Timestamp = Annotated[str, Meta(pattern=TIMESTAMP_PATTERN)]
"""``2025-03-14T06:30:00.000000Z``."""


def format_utc(moment: datetime) -> str:
    """``moment`` (aware) as a wire timestamp; naive datetimes are refused, never guessed."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("a wire timestamp needs an aware datetime")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_utc(text: str) -> datetime:
    """A wire timestamp back to an aware UTC datetime."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
