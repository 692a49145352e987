"""``talon-server report`` and ``talon-server export``: wait statistics from the event log.

    talon-server report [--db URL] [--config FILE] [--office ID] --from DATE --to DATE
                        --format csv|xlsx|pdf --out FILE
    talon-server export [--db URL] [--config FILE] [--office ID] --from DATE --to DATE
                        --format csv|json --out FILE|-

Dates are the office's local days, both included.  ``--db`` names the store (default: the
SQLite file under ``$TALON_DATA_DIR``, as for ``talon-server run``); ``--config`` the site file
the service names, norms and visit purposes come from — without it they come from the demo
office, and the report says so.  ``--office`` may be repeated; without it every office in the
store is reported.  ``--format`` may be left out when ``--out`` ends in it.  The definitions
of every figure: docs/statistics.md.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

REPORT_FORMATS = ("csv", "xlsx", "pdf")
EXPORT_FORMATS = ("csv", "json")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _common(parser: argparse.ArgumentParser, formats: tuple[str, ...], out_help: str) -> None:
    parser.add_argument("--db", metavar="URL", help="sqlite:///PATH or postgresql://USER@HOST:PORT/DB")
    parser.add_argument("--config", metavar="FILE",
                        help="site configuration for service names, norms and purposes (default: the demo office's)")
    parser.add_argument("--office", metavar="ID", action="append", default=None,
                        help="an office id (repeatable; default: every office in the store)")
    parser.add_argument("--from", dest="first", metavar="DATE", type=_day, required=True,
                        help="first local day, YYYY-MM-DD")
    parser.add_argument("--to", dest="last", metavar="DATE", type=_day, required=True,
                        help="last local day, YYYY-MM-DD (included)")
    parser.add_argument("--format", choices=formats, default=None, help="default: the --out file's suffix")
    parser.add_argument("--out", metavar="FILE", required=True, help=out_help)


def register(subparsers: Any) -> None:
    """Add ``report`` and ``export`` to ``talon-server``'s sub-commands; both run :func:`run`."""
    report = subparsers.add_parser(
        "report", help="wait statistics for managers: CSV, XLSX or PDF",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    _common(report, REPORT_FORMATS, "the report file to write")
    report.set_defaults(func=run, stats_command="report")
    export = subparsers.add_parser(
        "export", help="ticket-level records (no personal data): CSV or JSON",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    _common(export, EXPORT_FORMATS, "the file to write, or - for standard output")
    export.set_defaults(func=run, stats_command="export")


def _format(args: argparse.Namespace, formats: tuple[str, ...]) -> str:
    if args.format:
        return str(args.format)
    suffix = Path(args.out).suffix.lstrip(".").lower()
    if suffix in formats:
        return suffix
    raise ValueError(f"say --format ({' or '.join(formats)}): the suffix of {args.out!r} does not tell")


def _db_url(args: argparse.Namespace) -> str:
    if args.db:
        return str(args.db)
    from queue_server.store.database import default_url

    return default_url()


def run(args: argparse.Namespace) -> int:
    command = getattr(args, "stats_command", None) or args.command
    name = f"talon-server {command}"
    from queue_server.config import ConfigError

    from .build import UnknownOffice
    from .query import NoDatabase

    try:
        if args.last < args.first:
            raise ValueError(f"--to {args.last} is before --from {args.first}")
        if command == "report":
            return _report(args)
        return _export(args)
    except ConfigError as error:
        print(f"{name}: configuration error:\n{error}", file=sys.stderr)
        return 2
    except (ValueError, OSError, NoDatabase, UnknownOffice) as error:
        print(f"{name}: {error}", file=sys.stderr)
        return 2


def _report(args: argparse.Namespace) -> int:
    from .build import make_report
    from .writers import write_report

    fmt = _format(args, REPORT_FORMATS)
    report = make_report(_db_url(args), args.first, args.last, offices=args.office, config=args.config,
                         now=datetime.now(UTC))
    write_report(report, fmt, args.out)
    tickets = sum(o.figure("tickets") for o in report.offices)
    print(f"report {args.first}..{args.last}, {len(report.offices)} office(s), {tickets} tickets -> {args.out}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from .build import reading
    from .export import write_export

    fmt = _format(args, EXPORT_FORMATS) if args.out != "-" or args.format else "csv"
    with reading(_db_url(args)) as conn:
        target = sys.stdout if args.out == "-" else args.out
        count = write_export(conn, args.first, args.last, fmt, target, offices=args.office, config=args.config,
                             now=datetime.now(UTC))
    print(f"exported {count} tickets {args.first}..{args.last} -> {args.out}", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m queue_server.stats.cli report|export ...`` (before the lead wires them into
    ``talon-server``)."""
    parser = argparse.ArgumentParser(prog="python -m queue_server.stats.cli")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
