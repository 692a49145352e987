"""Today's figures from the server (``stats.today``), kept fresh for the manager's dashboard.

The figures are the report's (docs/statistics.md), computed by the server from the event log:
the console computes none of them.  They are asked for when a manager signs in, every
:data:`REFRESH_S` seconds, and :data:`AFTER_EVENT_S` seconds after an event (a burst of events
makes one request, not one each); never two at once.  What must be instant — the queues'
longest waits against their norms — the dashboard takes from the live mirror instead
(:func:`operator_console.figures.queue_alerts`).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import msgspec
from PySide6.QtCore import QObject, QTimer, Signal

from queue_protocol.views import StatsTodayResult

if TYPE_CHECKING:
    from .model import ConsoleModel, Outcome

REFRESH_S = 30
AFTER_EVENT_S = 3


class TodayFeed(QObject):
    """``result`` is the last reply (``None`` before the first); ``changed`` after each answer."""

    changed = Signal()

    def __init__(self, model: ConsoleModel) -> None:
        super().__init__(model)
        self.model = model
        self.result: StatsTodayResult | None = None
        self.failed = ""                  # the last refusal, for the dashboard's footer
        self.received_at = 0.0            # time.monotonic() of the last answer
        self._in_flight = False
        self._again = False
        self._every = QTimer(self)
        self._every.setInterval(REFRESH_S * 1000)
        self._every.timeout.connect(self.refresh)
        self._soon = QTimer(self)
        self._soon.setSingleShot(True)
        self._soon.setInterval(AFTER_EVENT_S * 1000)
        self._soon.timeout.connect(self.refresh)

    @property
    def pending(self) -> bool:
        """A request is out and not answered yet."""
        return self._in_flight

    def start(self) -> None:
        self._every.start()
        self.refresh()

    def stop(self) -> None:
        self._every.stop()
        self._soon.stop()
        self.result, self.failed, self._in_flight, self._again = None, "", False, False

    def event_seen(self) -> None:
        """An event reached the mirror: ask again shortly (bursts coalesce)."""
        if self._every.isActive() and not self._soon.isActive():
            self._soon.start()

    def refresh(self) -> None:
        if self._in_flight:
            self._again = True
            return
        if not self.model.online or not self.model.is_manager:
            return
        if self.model.send("stats.today", {"office": self.model.office_id or None}, self._answered) is not None:
            self._in_flight = True

    def _answered(self, outcome: Outcome) -> None:
        self._in_flight = False
        if outcome.ok:
            self.result = msgspec.convert(outcome.result, StatsTodayResult)
            self.failed = ""
            self.received_at = time.monotonic()
        else:
            self.failed = outcome.code
        self.changed.emit()
        if self._again:
            self._again = False
            self.refresh()
