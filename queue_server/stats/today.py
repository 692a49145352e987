"""Today's figures of one office, for the manager's live dashboard (``stats.today``).

The report's definitions (docs/statistics.md), applied to the office's current local day up
to now: the same reading (:func:`~.query.fetch_records`), the same facts
(:func:`~.definitions.compute`) and the same ticket block (:class:`~.aggregate.TicketColumns`)
as ``talon-server report`` — so a figure on the dashboard is the figure the evening's report
shows.  Two figures are the dashboard's own, both about *now*: the tickets waiting and the
longest of their waits so far.

    figures = today_figures(conn, office, now)      # blocking: a read connection, off the event loop
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import numpy as np
from sqlalchemy import Connection, select

from queue_server.core.model import Office
from queue_server.core.numbering import local_day
from queue_server.store.schema import OfficeRow

from .aggregate import NONE, TicketColumns
from .build import no_gc
from .definitions import US, Facts, HourGrid, TicketFacts, compute, from_us, to_us
from .query import fetch_records

WAITING = "waiting"
TICKET_FIGURES = ("tickets", "served", "no_shows", "cancelled", "called", "wait_mean", "wait_median", "wait_p90",
                  "wait_max", "norm_counted", "within_norm", "within_norm_pct")


@dataclass(frozen=True, slots=True)
class GroupFigures:
    """The figures of a group of today's tickets (the office, or one service)."""

    figures: dict[str, Any]          # the report's ticket block: TICKET_FIGURES, in seconds and per cent
    waiting: int                     # waiting now (not called, not postponed)
    longest_wait_s: float | None     # the longest wait so far of those waiting now


@dataclass(frozen=True, slots=True)
class TodayFigures:
    office_id: str
    day: date                        # the office's local day
    as_of: datetime                  # the instant the log was read up to (UTC)
    seq: int                         # the office's last event when the reading began
    office: GroupFigures
    services: list[tuple[str, GroupFigures]]   # by service id, in the catalogue's order


@dataclass(frozen=True, slots=True)
class TodayFacts:
    """The report's facts of the office's local day up to now, and where the reading stood."""

    day: date
    as_of: datetime
    seq: int
    facts: Facts


def read_today(conn: Connection, office: Office, now: datetime) -> TodayFacts:
    """Read the office's events of its local day and compute the report's facts up to ``now``."""
    day = local_day(office, now)
    grid = HourGrid(day, day, office.timezone)
    until = min(to_us(now), grid.end_us)
    seq = conn.execute(select(OfficeRow.last_seq).where(OfficeRow.id == office.id)).scalar_one_or_none() or 0
    with no_gc():
        records = fetch_records(conn, office.id, from_us(grid.start_us), from_us(grid.end_us), tail=timedelta(0))
        facts = compute(records, {s.id: s for s in office.services}, grid, until)
        del records
    return TodayFacts(day=day, as_of=from_us(until), seq=int(seq), facts=facts)


def today_figures(conn: Connection, office: Office, now: datetime) -> TodayFigures:
    """Read the office's events of its local day and compute today's figures up to ``now``."""
    read = read_today(conn, office, now)
    until = read.facts.until_us
    tickets = list(read.facts.tickets.values())
    columns = TicketColumns(tickets)
    by_service = columns.groups([t.service_id for t in tickets])
    waiting = [t for t in tickets if t.state == WAITING]
    waiting_by_service: dict[str, list[TicketFacts]] = {}
    for ticket in waiting:
        waiting_by_service.setdefault(ticket.service_now, []).append(ticket)
    order = [s.id for s in office.services if not s.is_category]
    seen = set(by_service) | set(waiting_by_service)
    service_ids = order + sorted(str(s) for s in seen - set(order))
    return TodayFigures(
        office_id=office.id, day=read.day, as_of=read.as_of, seq=read.seq,
        office=_group(columns, None, waiting, until),
        services=[(sid, _group(columns, by_service.get(sid, NONE), waiting_by_service.get(sid, []), until))
                  for sid in service_ids],
    )


def _group(columns: TicketColumns, rows: np.ndarray | None, waiting: list[TicketFacts], until: int) -> GroupFigures:
    block = columns.block(rows)
    longest = max((until - t.wait_from_us for t in waiting), default=None)
    return GroupFigures(figures={key: block[key] for key in TICKET_FIGURES}, waiting=len(waiting),
                        longest_wait_s=max(0, longest) / US if longest is not None else None)
