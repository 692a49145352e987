"""One operator's figures of today, for their own console (``stats.my_day``).

The report's per-operator row (docs/statistics.md, "Visits to a window" and "Window and
operator time") over the office's local day up to now: the same reading as ``stats.today``
(:func:`~.today.read_today`) and the same blocks as ``talon-server report``
(:class:`~.aggregate.VisitColumns`, :func:`~.aggregate.time_block`,
:class:`~.aggregate.TicketColumns`) — so the console shows what the evening's report will say
of this operator.  One figure is not in the report's operator table but uses its ticket
block: the wait of the tickets this operator called *first* (a wait ends at the first call).

    day = my_day_figures(conn, office, "op1", now)     # blocking: a read connection, off the event loop
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import numpy as np
from sqlalchemy import Connection

from queue_server.core.model import Office

from .aggregate import TicketColumns, VisitColumns, time_block
from .definitions import Facts, TicketFacts
from .today import read_today


@dataclass(frozen=True, slots=True)
class MyDayFigures:
    office_id: str
    operator: str
    day: date                        # the office's local day
    as_of: datetime                  # the instant the log was read up to (UTC)
    seq: int                         # the office's last event when the reading began
    visits: dict[str, Any]           # the report's visit block of this operator's visits
    time: dict[str, Any]             # the report's time block of this operator's window time, in seconds
    first_called: dict[str, Any]     # the ticket block of the tickets this operator called first


def my_day_figures(conn: Connection, office: Office, operator: str, now: datetime) -> MyDayFigures:
    """Read the office's day up to ``now`` and keep what belongs to ``operator``."""
    read = read_today(conn, office, now)
    facts = read.facts
    mine = np.flatnonzero(np.fromiter((v.operator == operator for v in facts.visits), np.bool_, len(facts.visits)))
    return MyDayFigures(
        office_id=office.id, operator=operator, day=read.day, as_of=read.as_of, seq=read.seq,
        visits=VisitColumns(facts.visits).block(mine),
        time=time_block(counters for (_window, who, _bucket), counters in facts.time.items() if who == operator),
        first_called=TicketColumns(first_called_by(facts, operator)).block(),
    )


def first_called_by(facts: Facts, operator: str) -> list[TicketFacts]:
    """The tickets whose first call in the period was at ``operator``'s window."""
    first: dict[str, str | None] = {}
    for visit in facts.visits:                   # in the order of the calls
        first.setdefault(visit.ticket_id, visit.operator)
    return [t for tid, t in facts.tickets.items() if t.wait_us is not None and first.get(tid) == operator]
