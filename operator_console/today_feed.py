"""Today's figures from the server (``stats.today``), kept fresh for the manager's dashboard.

The figures are the report's (docs/statistics.md), computed by the server from the event log:
the console computes none of them.  They are asked for when a manager signs in, every
:data:`REFRESH_S` seconds, and :data:`AFTER_EVENT_S` seconds after an event (a burst of events
makes one request, not one each); never two at once.  What must be instant — the queues'
longest waits against their norms — the dashboard takes from the live mirror instead
(:func:`operator_console.figures.queue_alerts`).
"""

from __future__ import annotations

from queue_protocol.views import StatsTodayResult

from .figures_feed import FiguresFeed

REFRESH_S = 30
AFTER_EVENT_S = 3


class TodayFeed(FiguresFeed):
    """``result`` is the last reply (``None`` before the first); ``changed`` after each answer."""

    verb = "stats.today"
    result_type = StatsTodayResult
    refresh_s = REFRESH_S
    after_event_s = AFTER_EVENT_S

    @property
    def result(self) -> StatsTodayResult | None:
        assert self.answer is None or isinstance(self.answer, StatsTodayResult)
        return self.answer

    def wanted(self) -> bool:
        return self.model.is_manager
