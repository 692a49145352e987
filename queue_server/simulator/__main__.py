"""``python -m queue_server.simulator --seed 7 --visitors 3000 --windows 55 --day 2026-03-05 --json``."""

import sys

from .cli import main

sys.exit(main())
