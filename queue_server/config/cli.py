"""Command-line helpers of the configuration, for ``talon-server`` to wire as subcommands.

    talon-server check-config FILE   -> main_check_config(argv)
    talon-server hash-password       -> passwords.main_hash_password(argv)

Until then, ``python -m queue_server.config check FILE`` and
``python -m queue_server.config hash-password`` run the same functions.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from .loader import load_site
from .passwords import main_hash_password
from .tables import ConfigError


def main_check_config(argv: Sequence[str] | None = None) -> int:
    """Load FILE as the server would; print a summary (0) or every problem (1)."""
    parser = argparse.ArgumentParser(
        prog="talon-server check-config",
        description="Check a site configuration file and summarise it; every problem is listed.",
    )
    parser.add_argument("file", help="the TOML file, e.g. /etc/talon/office.toml")
    args = parser.parse_args(list(argv) if argv is not None else None)
    try:
        site = load_site(args.file)
    except ConfigError as error:
        print(error, file=sys.stderr)
        return 1
    for config in site.offices:
        office = config.office
        leaves = sum(not s.is_category for s in office.services)
        hours = "always open" if office.hours.always_open else "by its hours"
        print(f'office "{office.id}" ({office.name}): {office.timezone}, {hours}; {leaves} services, '
              f"{len(office.windows)} windows, {len(config.accounts)} accounts, {len(config.devices)} devices, "
              f"{len(config.printers)} printers, {len(office.priority_categories)} priority categories")
    print(f"{args.file}: ok, {len(site.offices)} office(s)")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    commands = {"check": main_check_config, "hash-password": main_hash_password}
    if not args or args[0] not in commands:
        print("usage: python -m queue_server.config {check FILE | hash-password}", file=sys.stderr)
        return 2
    return commands[args[0]](args[1:])
