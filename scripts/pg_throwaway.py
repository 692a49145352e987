"""Create or drop a throwaway PostgreSQL database for one test run (used by .ci/run).

    python scripts/pg_throwaway.py create   -> prints postgresql://postgres@127.0.0.1:5432/talon_ci_<random>
    python scripts/pg_throwaway.py drop NAME
Exits non-zero when no server answers within 3 s.
"""

from __future__ import annotations

import secrets
import sys

import psycopg

ADMIN = "host=127.0.0.1 port=5432 user=postgres dbname=postgres connect_timeout=3"


def main(argv: list[str]) -> int:
    with psycopg.connect(ADMIN, autocommit=True) as conn:
        if argv[:1] == ["create"]:
            name = f"talon_ci_{secrets.token_hex(4)}"
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"postgresql://postgres@127.0.0.1:5432/{name}")
            return 0
        if argv[:1] == ["drop"] and len(argv) == 2 and argv[1].startswith("talon_ci_"):
            conn.execute(f'DROP DATABASE IF EXISTS "{argv[1]}" WITH (FORCE)')
            return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
