"""Database in, report (or ticket records) out: the one place that strings the steps together.

    facts, catalogue = office_facts(conn, office, first, last, ...)   read + compute one office
    report = make_report(url, first, last, offices=..., config=..., now=...)
    report = report_of(conn, first, last, offices=..., catalogues=..., now=...)   # an open connection
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Connection

from .aggregate import build_office_report, build_report
from .catalogue import Catalogue, Catalogues, catalogue_for, load_catalogues
from .definitions import Facts, HourGrid, compute, from_us, to_us
from .model import Report
from .query import fetch_records, offices, open_read_engine


class UnknownOffice(ValueError):
    """An office the store does not have."""


@dataclass(frozen=True, slots=True)
class OfficeData:
    facts: Facts
    catalogue: Catalogue


@contextmanager
def no_gc() -> Iterator[None]:
    """The cyclic garbage collector off while hundreds of thousands of rows and facts are
    made (none of them in a cycle; reference counting frees them): it would otherwise walk
    them all, again and again.  Callers drop them before leaving, so it never sees them."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@contextmanager
def reading(url: str) -> Iterator[Connection]:
    engine, engines = open_read_engine(url)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engines.dispose()


def chosen_offices(conn: Connection, wanted: Sequence[str] | None) -> list[tuple[str, str, str]]:
    known = offices(conn)
    if not known:
        raise UnknownOffice("the database has no office")
    if not wanted:
        return known
    by_id = {o[0]: o for o in known}
    missing = [o for o in wanted if o not in by_id]
    if missing:
        raise UnknownOffice(f"no office {', '.join(missing)} in the database (it has: {', '.join(by_id)})")
    return [by_id[o] for o in dict.fromkeys(wanted)]


def office_data(conn: Connection, office: tuple[str, str, str], first: date, last: date, *,
                config: str | None = None, now: datetime | None = None,
                catalogues: Catalogues | None = None) -> OfficeData:
    office_id, name, timezone = office
    configured, demo, config_name = catalogues or load_catalogues(config)
    catalogue = catalogue_for(office_id, name, timezone, configured, demo, config_name)
    grid = HourGrid(first, last, timezone)
    until = grid.end_us if now is None else min(grid.end_us, to_us(now))
    with no_gc():
        records = fetch_records(conn, office_id, from_us(grid.start_us), from_us(grid.end_us))
        facts = compute(records, catalogue.services, grid, until)
        del records
    return OfficeData(facts, catalogue)


def make_report(url: str, first: date, last: date, *, offices: Sequence[str] | None = None,
                config: str | None = None, now: datetime | None = None,
                catalogues: Catalogues | None = None) -> Report:
    """The report of ``offices`` (default: every office in the store) over local days
    ``first``..``last``; ``now`` (default: the wall clock) cuts a period that has not ended.
    Names and norms come from ``config`` (or ready ``catalogues``), else the demo office."""
    now = now or datetime.now(UTC)
    catalogues = catalogues or load_catalogues(config)
    with reading(url) as conn:
        return report_of(conn, first, last, offices=offices, catalogues=catalogues, now=now)


def report_of(conn: Connection, first: date, last: date, *, offices: Sequence[str] | None,
              catalogues: Catalogues, now: datetime) -> Report:
    """:func:`make_report` on an open read connection (the server's ``stats.report``)."""
    reports = []
    with no_gc():
        for office in chosen_offices(conn, offices):
            data = office_data(conn, office, first, last, now=now, catalogues=catalogues)
            reports.append(build_office_report(data.facts, data.catalogue))
            del data            # freed before the collector is back, so it never walks them
    return build_report(reports, first, last, now)
