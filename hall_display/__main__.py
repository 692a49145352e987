"""``python -m hall_display``: the same as ``talon-display``."""

import sys

from .app import main

sys.exit(main())
