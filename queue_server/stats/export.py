"""Ticket-level records for the МФЦ information system (АИС МФЦ) and federal monitoring.

One record per ticket issued in the period (local days of the office), in issue order, built
from the event log by the same definitions as the reports (``definitions.TicketFacts``).
No personal data: tickets carry no names or phone numbers, and the export leaves out every
free-text field (reasons, comments) and the priority *category* (it can reveal a
disability): only a priority flag.  Operators appear by login (staff, not visitors).

CSV: RFC 4180 — comma, ``"`` quoting, UTF-8 without BOM, CRLF, a header line of the field
names below; an empty field is "none" (not called, not finished).  JSON: one document,
``{"format": "talon.tickets", "version": 1, "from", "to", "generated_at", "offices": [...],
"tickets": [...]}``, with ``null`` for "none".

Times: each stage twice — UTC as on the wire (``2026-03-05T06:30:00.000000Z``) and the
office's local time with its offset (``2026-03-05T09:30:00.000000+03:00``).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from sqlalchemy import Connection

from .build import chosen_offices, no_gc, office_data
from .catalogue import Catalogues, load_catalogues
from .definitions import EPOCH, ONE_US, US, TicketFacts, from_us, to_us

EXPORT_FORMATS = ("csv", "json")
STAGES = ("issued", "first_called", "started", "finished", "ended")
FIELDS = (
    "ticket_id", "office_id", "label", "local_day", "service_id", "final_service_id", "purpose", "channel",
    "priority",
    *(f"{stage}_at_{zone}" for stage in STAGES for zone in ("utc", "local")),
    "wait_s", "walk_s", "service_s", "norm_min", "within_norm",
    "window", "operator", "outcome", "result", "recalls", "transfers", "postponements",
)
FORMAT_NAME = "talon.tickets"
DAY_US = 86_400 * US
HOUR_US = 3_600 * US
EPOCH_ORDINAL = EPOCH.toordinal()
FORMAT_VERSION = 1


class _Clock:
    """Microseconds as ISO 8601 text, UTC (``...Z``) and local (``...+03:00``): the same text
    ``datetime.isoformat`` makes, several times faster (a month has 600,000 of them)."""

    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz
        self.dates: dict[int, str] = {}
        self.offsets: dict[int, tuple[int, str]] = {}

    def _text(self, us: int, suffix: str) -> str:
        day, rest = divmod(us, DAY_US)
        date_text = self.dates.get(day)
        if date_text is None:
            date_text = self.dates[day] = date.fromordinal(EPOCH_ORDINAL + day).isoformat()
        seconds, micros = divmod(rest, US)
        minutes, second = divmod(seconds, 60)
        hour, minute = divmod(minutes, 60)
        return f"{date_text}T{hour:02d}:{minute:02d}:{second:02d}.{micros:06d}{suffix}"

    def utc(self, us: int | None) -> str | None:
        return None if us is None else self._text(us, "Z")

    def local(self, us: int | None) -> str | None:
        if us is None:
            return None
        hour = us // HOUR_US
        found = self.offsets.get(hour)
        if found is None:                 # the zone's offset, asked once per hour of time
            offset = from_us(hour * HOUR_US).astimezone(self.tz).utcoffset()
            shift = offset // ONE_US if offset is not None else 0
            sign, minutes = ("-" if shift < 0 else "+"), abs(shift) // (60 * US)
            found = self.offsets[hour] = (shift, f"{sign}{minutes // 60:02d}:{minutes % 60:02d}")
        return self._text(us + found[0], found[1])


def _utc(us: int | None) -> str | None:
    return None if us is None else from_us(us).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _seconds(us: int | None) -> float | None:
    return None if us is None else us / US


def ticket_record(t: TicketFacts, office_id: str, clock: _Clock, purpose: str) -> dict[str, Any]:
    stages = {"issued": t.issued_us, "first_called": t.first_called_us, "started": t.started_us,
              "finished": t.finished_us, "ended": t.ended_us}
    local_issue = clock.local(t.issued_us)
    record: dict[str, Any] = {
        "ticket_id": t.id, "office_id": office_id, "label": t.label, "local_day": (local_issue or "")[:10],
        "service_id": t.service_id, "final_service_id": t.service_now, "purpose": purpose, "channel": t.channel,
        "priority": t.is_priority,
    }
    for stage, us in stages.items():
        record[f"{stage}_at_utc"] = clock.utc(us)
        record[f"{stage}_at_local"] = local_issue if stage == "issued" else clock.local(us)
    record.update({
        "wait_s": _seconds(t.wait_us), "walk_s": _seconds(t.walk_us),
        "service_s": _seconds(t.service_us) if t.started_us is not None else None,
        "norm_min": t.norm_us // (60 * US), "within_norm": t.within if t.counted else None,
        "window": t.window, "operator": t.operator, "outcome": t.outcome, "result": t.result,
        "recalls": t.recalls, "transfers": t.transfers, "postponements": t.postponements,
    })
    return record


def export_records(conn: Connection, first: date, last: date, *, offices: Sequence[str] | None = None,
                   config: str | None = None, now: datetime | None = None, catalogues: Catalogues | None = None,
                   ) -> tuple[list[dict[str, Any]], Iterator[dict[str, Any]]]:
    """(the offices exported, the records one by one)."""
    now = now or datetime.now(UTC)
    catalogues = catalogues or load_catalogues(config)
    chosen = chosen_offices(conn, offices)
    described = [{"id": o[0], "name": o[1], "timezone": o[2]} for o in chosen]

    def records() -> Iterator[dict[str, Any]]:
        for office in chosen:
            data = office_data(conn, office, first, last, now=now, catalogues=catalogues)
            clock = _Clock(ZoneInfo(office[2]))
            catalogue = data.catalogue
            for t in sorted(data.facts.tickets.values(), key=lambda t: (t.issued_us, t.id)):
                yield ticket_record(t, office[0], clock, catalogue.purpose(t.service_id))

    return described, records()


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def write_csv(records: Iterator[dict[str, Any]], out: TextIO) -> int:
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(FIELDS)
    count = 0
    for record in records:
        writer.writerow([_csv_value(record[f]) for f in FIELDS])
        count += 1
    return count


def write_json(records: Iterator[dict[str, Any]], out: TextIO, *, first: date, last: date,
               offices: list[dict[str, Any]], generated_at: datetime) -> int:
    """One JSON document, written as it goes (a year of tickets never sits in memory twice)."""
    head = {"format": FORMAT_NAME, "version": FORMAT_VERSION, "from": first.isoformat(), "to": last.isoformat(),
            "generated_at": _utc(to_us(generated_at)),
            "fields": list(FIELDS), "offices": offices}
    text = json.dumps(head, ensure_ascii=False)
    out.write(text[:-1] + ', "tickets": [')
    count = 0
    for record in records:
        out.write(("\n" if count == 0 else ",\n") + json.dumps(record, ensure_ascii=False))
        count += 1
    out.write("\n]}\n")
    return count


def write_export(conn: Connection, first: date, last: date, fmt: str, path: str | Path | TextIO, *,
                 offices: Sequence[str] | None = None, config: str | None = None,
                 now: datetime | None = None, catalogues: Catalogues | None = None) -> int:
    """Write the records of ``offices`` (default: all) to ``path`` (or an open text file);
    returns how many tickets were written."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; one of {', '.join(EXPORT_FORMATS)}")
    now = now or datetime.now(UTC)
    described, records = export_records(conn, first, last, offices=offices, config=config, now=now,
                                        catalogues=catalogues)

    def write(out: TextIO) -> int:
        if fmt == "csv":
            return write_csv(records, out)
        return write_json(records, out, first=first, last=last, offices=described, generated_at=now)

    with no_gc():
        if isinstance(path, (str, Path)):
            with open(path, "w", encoding="utf-8", newline="") as out:
                return write(out)
        return write(path)
