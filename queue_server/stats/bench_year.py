"""Benchmark: a year of a 55-window office in the store, then a month's report.  Prints JSON.

    python -m queue_server.stats.bench_year --db sqlite:///var/year.sqlite3
    python -m queue_server.stats.bench_year --db postgresql://postgres@127.0.0.1:5432/talon_ci_xxxx

**Generation.**  The simulator runs ``--days`` working days (Monday to Friday, from
``--start``) of the demo office scaled to 55 windows, one seed per day (``--seed`` + day
number) and about ``--visitors`` visitors a day (±7 %, drawn from the day's seed).  Two
worker processes simulate while this one writes: the events get the office's next sequence
numbers, the tickets are rebuilt by replaying each day's events through ``apply_event``
(exactly what the store would hold), and events, tickets and counters go in with SQLAlchemy
Core ``executemany``, ``--batch`` events per transaction.  ``ANALYZE`` follows, as
autovacuum would do on a live server.  A store that already holds the office's events is
reused (``--fresh`` refuses it instead).

**Report.**  ``--month`` (default: the fifth month of the data) reported in each format, three
times each: ``report_month_s`` is the median of the in-process time (read + compute + write),
``report_month_cli_s`` the median of ``python -m queue_server.stats.cli report`` as a whole
process (interpreter start and imports included).  ``export_month_s`` the same for the
ticket-level export.  Each ``..._cpu_s`` beside them is the median CPU time of the same runs
(user + system, the child's for a whole process): on a shared machine wall times grow with
every other process on the cores, CPU times hardly.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

BATCH = 100_000
FORMATS = ("csv", "xlsx", "pdf")
EXPORT_FORMATS = ("csv", "json")


def working_days(start: date, count: int) -> list[date]:
    days: list[date] = []
    day = start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def _office() -> Any:
    from queue_server.simulator.cli import build_office

    return build_office(None, 55)


def simulate_day(job: tuple[date, int, int]) -> tuple[date, list[dict[str, Any]], list[dict[str, Any]],
                                                       list[tuple[str, date, int]], float]:
    """One day in a worker: (day, event rows without seq, ticket rows, counters, seconds)."""
    from queue_server.core.engine import QueueEngine
    from queue_server.core.office_state import apply_event
    from queue_server.simulator import simulate
    from queue_server.store.mapping import event_values, ticket_values

    day, seed, visitors = job
    started = time.perf_counter()
    office, staffing = _office()
    result = simulate(office, seed=seed, visitors=visitors, day=day, staffing=staffing)
    state = QueueEngine(office).state
    for event in result.events:
        apply_event(state, event)
    events = [event_values(e, office.id) for e in result.events]
    tickets = [ticket_values(t, office.id) for t in state.tickets.values()]
    counters = [(group, d, n) for (group, d), n in state.counters.items()]
    return day, events, tickets, counters, time.perf_counter() - started


def day_visitors(seed: int, visitors: int) -> int:
    return round(visitors * random.Random(seed * 7919).uniform(0.93, 1.07))


def generate(url: str, days: list[date], seed: int, visitors: int, batch: int, workers: int) -> dict[str, Any]:
    from sqlalchemy import func, insert, select, text, update

    from queue_server.store import Store
    from queue_server.store.schema import CounterRow, EventRow, OfficeRow, TicketRow

    office, _ = _office()
    store = Store.open(url)
    try:
        store.ensure_office(office)
        engine = store.engines.write
        with engine.connect() as conn:
            head = conn.execute(select(OfficeRow.last_seq).where(OfficeRow.id == office.id)).scalar_one()
        seq = int(head)
        issued_total = 0
        pending_events: list[dict[str, Any]] = []
        pending_tickets: list[dict[str, Any]] = []
        pending_counters: list[dict[str, Any]] = []
        simulate_s = insert_s = 0.0
        started = time.perf_counter()

        def flush() -> None:
            nonlocal insert_s
            if not pending_events:
                return
            t0 = time.perf_counter()
            with engine.begin() as conn:
                conn.execute(insert(EventRow), pending_events)
                conn.execute(insert(TicketRow), pending_tickets)
                if pending_counters:
                    conn.execute(insert(CounterRow), pending_counters)
                conn.execute(update(OfficeRow).where(OfficeRow.id == office.id)
                             .values(last_seq=seq, issued_total=issued_total))
            insert_s += time.perf_counter() - t0
            pending_events.clear()
            pending_tickets.clear()
            pending_counters.clear()

        jobs = [(day, seed + i, day_visitors(seed + i, visitors)) for i, day in enumerate(days)]
        context = multiprocessing.get_context("spawn")
        with context.Pool(workers) as pool:
            for _day, events, tickets, counters, spent in pool.imap(simulate_day, jobs, chunksize=1):
                simulate_s += spent
                for row in events:
                    seq += 1
                    row["seq"] = seq
                issued_total += len(tickets)
                pending_events.extend(events)
                pending_tickets.extend(tickets)
                pending_counters.extend({"office_id": office.id, "grp": g, "day": d, "last_number": n}
                                        for g, d, n in counters)
                if len(pending_events) >= batch:
                    flush()
        flush()
        t0 = time.perf_counter()
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
        analyze_s = time.perf_counter() - t0
        generation_s = time.perf_counter() - started
        with engine.connect() as conn:
            events_n = conn.execute(select(func.count()).select_from(EventRow)).scalar_one()
            tickets_n = conn.execute(select(func.count()).select_from(TicketRow)).scalar_one()
    finally:
        store.close()
    return {"events": int(events_n), "tickets": int(tickets_n), "generation_s": round(generation_s, 1),
            "simulate_cpu_s": round(simulate_s, 1), "insert_s": round(insert_s, 1), "analyze_s": round(analyze_s, 1),
            "workers": workers, "batch": batch}


def stored(url: str) -> tuple[int, int, date | None, date | None]:
    from sqlalchemy import func, select

    from queue_server.stats.build import reading
    from queue_server.store.schema import EventRow, TicketRow

    with reading(url) as conn:
        events_n = conn.execute(select(func.count()).select_from(EventRow)).scalar_one()
        tickets_n, first, last = conn.execute(
            select(func.count(), func.min(TicketRow.local_day), func.max(TicketRow.local_day))).one()
    return int(events_n), int(tickets_n), first, last


def month_of(first: date, offset: int) -> tuple[date, date]:
    year, month = first.year, first.month + offset
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    start = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return start, following - timedelta(days=1)


def _cpu_s() -> float:
    """CPU seconds of this process and of its finished children: what a run costs, however busy the
    machine is (its wall time grows with every other process on the cores)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _median_of(runs: int, fn: Any) -> tuple[float, float]:
    """(median wall seconds, median CPU seconds) of ``runs`` calls."""
    walls, cpus = [], []
    for _ in range(runs):
        t0, c0 = time.perf_counter(), _cpu_s()
        fn()
        walls.append(time.perf_counter() - t0)
        cpus.append(_cpu_s() - c0)
    return round(statistics.median(walls), 3), round(statistics.median(cpus), 3)


def measure(url: str, first: date, last: date, runs: int, cli: bool) -> dict[str, Any]:
    from queue_server.stats.build import make_report, reading
    from queue_server.stats.export import write_export
    from queue_server.stats.writers import write_report

    now = datetime.now(UTC)
    out: dict[str, Any] = {"report_month_s": {}, "report_month_cpu_s": {}, "export_month_s": {}, "export_month_cpu_s": {}}
    with tempfile.TemporaryDirectory() as tmp:
        make_report(url, first, last, now=now)           # warm the imports and the caches once

        for fmt in FORMATS:
            path = Path(tmp) / f"report.{fmt}"

            def one(fmt: str = fmt, path: Path = path) -> None:
                write_report(make_report(url, first, last, now=now), fmt, path)

            out["report_month_s"][fmt], out["report_month_cpu_s"][fmt] = _median_of(runs, one)
            out.setdefault("report_bytes", {})[fmt] = path.stat().st_size
        for fmt in EXPORT_FORMATS:
            path = Path(tmp) / f"tickets.{fmt}"

            def one_export(fmt: str = fmt, path: Path = path) -> None:
                with reading(url) as conn:
                    write_export(conn, first, last, fmt, path)

            out["export_month_s"][fmt], out["export_month_cpu_s"][fmt] = _median_of(runs, one_export)
        if cli:
            out["report_month_cli_s"], out["report_month_cli_cpu_s"] = {}, {}
            for fmt in FORMATS:
                path = Path(tmp) / f"cli.{fmt}"
                command = [sys.executable, "-m", "queue_server.stats.cli", "report", "--db", url,
                           "--from", first.isoformat(), "--to", last.isoformat(), "--format", fmt, "--out", str(path)]
                out["report_month_cli_s"][fmt], out["report_month_cli_cpu_s"][fmt] = _median_of(
                    runs, lambda command=command: subprocess.run(command, check=True, capture_output=True))
    return out


def month_rows(url: str, first: date, last: date) -> dict[str, int]:
    from queue_server.stats.build import chosen_offices, office_data, reading

    with reading(url) as conn:
        office = chosen_offices(conn, None)[0]
        data = office_data(conn, office, first, last)
    return {"tickets": len(data.facts.tickets), "visits": len(data.facts.visits)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m queue_server.stats.bench_year", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True, help="sqlite:///PATH or postgresql://... (a throwaway database)")
    parser.add_argument("--days", type=int, default=250)
    parser.add_argument("--visitors", type=int, default=2800)
    parser.add_argument("--seed", type=int, default=1000)
    parser.add_argument("--start", type=date.fromisoformat, default=date(2025, 1, 13))
    parser.add_argument("--batch", type=int, default=BATCH, help="events per transaction")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--month", default=None, help="YYYY-MM to report (default: the fifth month of the data)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--fresh", action="store_true", help="refuse a store that already holds events")
    parser.add_argument("--no-cli", action="store_true", help="skip the whole-process timings")
    args = parser.parse_args(argv)

    from sqlalchemy.engine import make_url

    from queue_server.store.database import normalize_url

    figures: dict[str, Any] = {"db": make_url(normalize_url(args.db)).get_backend_name()}
    events_n, tickets_n, first, last = (0, 0, None, None)
    with contextlib.suppress(Exception):  # no database yet: it is made below
        events_n, tickets_n, first, last = stored(args.db)
    if events_n and args.fresh:
        print(f"{args.db} already holds {events_n} events", file=sys.stderr)
        return 2
    if not events_n:
        figures["generation"] = generate(args.db, working_days(args.start, args.days), args.seed, args.visitors,
                                         args.batch, args.workers)
        figures["generation_s"] = figures["generation"]["generation_s"]
        events_n, tickets_n, first, last = stored(args.db)
    else:
        figures["generation_s"] = None
        figures["generation"] = "reused the events already in the store"
    assert first is not None and last is not None
    figures["rows"] = {"events": events_n, "tickets": tickets_n}
    figures["days"] = f"{first.isoformat()}..{last.isoformat()}"
    if args.month:
        year, month = (int(p) for p in args.month.split("-"))
        month_first, month_last = month_of(date(year, month, 1), 0)
    else:
        month_first, month_last = month_of(first, 4)
    figures["month"] = f"{month_first.isoformat()}..{month_last.isoformat()}"
    figures["month_rows"] = month_rows(args.db, month_first, month_last)
    figures.update(measure(args.db, month_first, month_last, args.runs, not args.no_cli))
    print(json.dumps(figures, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
