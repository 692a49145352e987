"""``talon-server simulate``: run a whole МФЦ day through the queue core and print the figures.

    talon-server simulate --seed 7 --visitors 3000 --windows 55 --day 2026-03-05 --json

Without ``--config`` the demo office's services are spread over ``--windows`` new windows
(operators sim1..simW); with it the site's first office runs as configured (``--windows`` then
only caps how many of its windows are staffed).  ``--json`` prints one JSON object as the last
line; ``--db URL`` also writes the office and the day's events to a store.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from typing import Any

from queue_server.core.model import Office

from .office import scale_office, staff
from .sim import SimulationResult, simulate


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be at least 0, not {value}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=int, default=1, help="random seed; the same seed gives the same day")
    parser.add_argument("--visitors", type=_count, default=1000, help="visitors arriving over the day")
    parser.add_argument("--windows", type=_positive, default=None,
                        help="staffed windows (default: as many as the office has)")
    parser.add_argument("--day", type=_day, default=None, help="the local day, YYYY-MM-DD (default: today)")
    parser.add_argument("--config", metavar="FILE", default=None,
                        help="site configuration; its first office runs as configured")
    parser.add_argument("--db", metavar="URL", default=None, help="also write the day into this store")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON line")


def register(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``simulate`` command to ``talon-server``'s sub-commands."""
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "simulate", help="simulate a whole day of an office with a fake clock",
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_arguments(parser)
    parser.set_defaults(func=run)
    return parser


def build_office(config: str | None, windows: int | None) -> tuple[Office, list[tuple[int, str]]]:
    """The office to simulate and its staffing (window number, operator login)."""
    if config is not None:
        from queue_server.config import load_site

        site = load_site(config)
        if not site.offices:
            raise ValueError(f"{config} has no office")
        return staff(site.offices[0].office, windows)
    from queue_server.config import demo_site

    base = demo_site(offices=1).offices[0].office
    office = scale_office(base, windows if windows is not None else len(base.windows))
    return staff(office)


def _human(result: SimulationResult) -> str:
    m = result.summary()
    lines = [
        f"{result.office.name} ({result.office.id}), {m['day']}, seed {m['seed']}: "
        f"{m['visitors']} visitors, {m['windows']} windows",
        f"tickets {m['tickets']}: served {m['served']}, no-shows {m['no_shows']}, cancelled {m['cancelled']} "
        f"(turned away at the kiosk: {m['turned_away']}); transfers {m['transfers']}, postponed {m['postponed']}",
        f"wait: mean {m['wait_mean_s'] / 60:.1f} min, median {m['wait_median_s'] / 60:.1f}, "
        f"p90 {m['wait_p90_s'] / 60:.1f}, max {m['wait_max_s'] / 60:.1f}; "
        f"within the norm {m['within_norm_pct']:.1f} %",
        f"service: mean {m['service_mean_s'] / 60:.1f} min",
        f"{m['events']} events in {m['elapsed_s']:.2f} s ({m['tickets_per_s']:.0f} tickets/s)",
    ]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    day = args.day or date.today()  # the wall clock only picks the default day, outside the simulation
    try:
        office, staffing = build_office(args.config, args.windows)
        result = simulate(office, seed=args.seed, visitors=args.visitors, day=day, staffing=staffing)
    except (ValueError, OSError) as error:
        print(f"talon-server simulate: {error}", file=sys.stderr)
        return 2
    if args.db:
        from .db import DayTaken, write_to_db

        try:
            head = write_to_db(args.db, result)
        except DayTaken as error:
            print(f"talon-server simulate: {error}", file=sys.stderr)
            return 2
        print(f"wrote {len(result.events)} events of office {result.office.id} to the store (head seq {head})",
              file=sys.stderr if args.json else sys.stdout)
    if args.json:
        print(json.dumps(result.summary(), ensure_ascii=False))
    else:
        print(_human(result))
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m queue_server.simulator [simulate] --seed ...``."""
    args_in = list(sys.argv[1:] if argv is None else argv)
    if not args_in or args_in[0] != "simulate":
        args_in.insert(0, "simulate")
    parser = argparse.ArgumentParser(prog="python -m queue_server.simulator")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(args_in)
    result: int = args.func(args)
    return result
