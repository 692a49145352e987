"""``python -m queue_server.config {check FILE | hash-password}``."""

from .cli import main

raise SystemExit(main())
