"""``talon-server``: set up, check, run and exercise a Talon server.

    talon-server init --config FILE [--db URL]        load or update a site, idempotently
    talon-server db upgrade [--db URL]                apply the schema migrations
    talon-server db check (--config FILE | --demo) [--db URL]
                                                      replay the event log against the tables
    talon-server run (--config FILE | --demo [--offices K]) [--host H] [--port P] [--db URL]
    talon-server simulate --seed S --visitors N --windows W --day YYYY-MM-DD [--json] [--db URL]
    talon-server report --from DATE --to DATE --format csv|xlsx|pdf --out FILE [--db URL | --config FILE]
    talon-server export --from DATE --to DATE --format csv|json --out FILE [--db URL]
    talon-server hash-password                        argon2id hash for a configuration file
    talon-server check-config FILE                    check a configuration file, change nothing

Without ``--db`` the data lives in SQLite under ``$TALON_DATA_DIR`` (default ``./var``):
``talon.sqlite3`` for a configured site, ``demo.sqlite3`` for the demo.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from dataclasses import replace

from queue_server.config import ConfigError, Site, demo_site, load_site, main_hash_password
from queue_server.config.cli import main_check_config
from queue_server.config.devices import check_printer_url
from queue_server.simulator.cli import register as register_simulate
from queue_server.simulator.cli import run as run_simulate
from queue_server.stats.cli import register as register_stats
from queue_server.stats.cli import run as run_stats
from queue_server.store import Store
from queue_server.store.database import DEFAULT_DATA_DIR, default_url

log = logging.getLogger("talon")


def _site_arguments(parser: argparse.ArgumentParser, *, region: bool = False) -> None:
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--config", metavar="FILE", help="the site's TOML configuration")
    source.add_argument("--demo", action="store_true", help="the built-in demo office (demo credentials!)")
    if region:
        parser.add_argument("--offices", type=int, default=1, metavar="K", help="with --demo: K copies of the office")


def _db_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="URL", help="sqlite:///PATH or postgresql://USER@HOST:PORT/DB")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="talon-server", description="Talon queue server")
    commands = parser.add_subparsers(dest="command", required=True)

    init = commands.add_parser("init", help="load or update a site configuration into the database")
    init.add_argument("--config", metavar="FILE", required=True)
    _db_argument(init)

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    _db_argument(db_commands.add_parser("upgrade", help="apply schema migrations"))
    check = db_commands.add_parser("check", help="replay each office's event log against the tables")
    _site_arguments(check, region=True)
    _db_argument(check)

    run = commands.add_parser("run", help="run the server")
    _site_arguments(run, region=True)
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8765)
    run.add_argument("--tls-cert", metavar="PEM")
    run.add_argument("--tls-key", metavar="PEM")
    run.add_argument("--printer", action="append", default=[], metavar="[OFFICE/]ID=URL",
                     help="print to URL instead of the configured printer ID (all offices, or one); repeatable")
    _db_argument(run)

    register_simulate(commands)
    register_stats(commands)
    commands.add_parser("hash-password", help="print an argon2id hash of a password read from stdin")
    check_config = commands.add_parser("check-config", help="check a configuration file without touching the database")
    check_config.add_argument("file")
    return parser


def site_from(args: argparse.Namespace) -> Site:
    site = demo_site(getattr(args, "offices", 1)) if getattr(args, "demo", False) else load_site(args.config)
    return override_printers(site, getattr(args, "printer", []))


def override_printers(site: Site, overrides: Sequence[str]) -> Site:
    """Apply ``[OFFICE/]ID=URL`` overrides (an emulator instead of the real printer, say)."""
    wanted: dict[tuple[str | None, str], str] = {}
    for item in overrides:
        target, sep, url = item.partition("=")
        office, slash, printer = target.rpartition("/")
        if not sep or not printer or not url:
            raise ConfigError((f"--printer {item!r}: expected [OFFICE/]ID=URL",))
        problem = check_printer_url(url)
        if problem:
            raise ConfigError((f"--printer {item!r}: the URL {problem}",))
        wanted[(office if slash else None, printer)] = url
    if not wanted:
        return site
    offices = []
    for office_config in site.offices:
        printers = tuple(
            replace(spec, url=wanted.get((office_config.id, spec.id), wanted.get((None, spec.id), spec.url)))
            for spec in office_config.printers
        )
        offices.append(replace(office_config, printers=printers))
    return Site(offices=tuple(offices), source=site.source)


def db_url_for(args: argparse.Namespace) -> str:
    if args.db:
        return str(args.db)
    if getattr(args, "demo", False):
        return f"sqlite:///{DEFAULT_DATA_DIR / 'demo.sqlite3'}"
    return default_url()


def open_site(args: argparse.Namespace) -> tuple[Site, Store]:
    from queue_server.site_db import install_site

    site = site_from(args)
    store = Store.open(db_url_for(args))
    counts = install_site(store, site)
    log.info("site %s: %s on %s", site.source, counts, store.dialect)
    return site, store


def _check(args: argparse.Namespace) -> int:
    from queue_server.store.consistency import check_office

    site, store = open_site(args)
    bad = 0
    for office_config in site.offices:
        problems = check_office(store, office_config.office)
        print(f"{office_config.id}: {'consistent' if not problems else f'{len(problems)} problems'} "
              f"(last seq {store.head(office_config.id)})")
        for problem in problems[:20]:
            print(f"  {problem}")
        bad += bool(problems)
    store.close()
    return 1 if bad else 0


def main(argv: Sequence[str] | None = None) -> int:
    # force: python-escpos configures logging when imported, which would hide ours
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", force=True)
    args = build_parser().parse_args(argv)
    try:
        if args.command == "init":
            _, store = open_site(args)
            store.close()
            return 0
        if args.command == "db" and args.db_command == "upgrade":
            Store.open(db_url_for(args)).close()
            print("database schema is up to date")
            return 0
        if args.command == "db":
            return _check(args)
        if args.command == "run":
            from queue_server.serve import serve_forever

            return serve_forever(args)
        if args.command == "simulate":
            return run_simulate(args)
        if args.command in ("report", "export"):
            return run_stats(args)
        if args.command == "hash-password":
            return main_hash_password([])
        if args.command == "check-config":
            return main_check_config([args.file])
    except ConfigError as error:
        print(f"talon-server: configuration error:\n{error}", file=sys.stderr)
        return 2
    return 2


if __name__ == "__main__":
    sys.exit(main())
