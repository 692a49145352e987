"""Ticket numbers: prefix + zero-padded number per (office, numbering group, local day).

The counter restarts at the office's local midnight (an office in Vladivostok starts its day
seven hours before one in Moscow) and wraps to the start of the range after its end.
"""

from __future__ import annotations

from datetime import date, datetime

from .model import Office, Service


def local_day(office: Office, now: datetime) -> date:
    return office.local(now).date()


def next_number(last: int | None, service: Service) -> int:
    """The number after ``last`` (None: nothing issued today in the group yet)."""
    if last is None or last >= service.number_end or last < service.number_start:
        return service.number_start
    return last + 1


def format_label(service: Service, number: int) -> str:
    digits = len(str(service.number_end))
    return f"{service.prefix}{number:0{digits}d}"
