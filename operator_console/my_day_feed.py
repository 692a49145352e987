"""The operator's own day from the server (``stats.my_day``), kept fresh for the "my day" panel.

The figures are the report's per-operator ones (docs/statistics.md), computed by the server
from the event log, so a console restarted or signed in at noon shows the whole day.  Asked
once the operator's window is open, every :data:`REFRESH_S` seconds, and :data:`AFTER_EVENT_S`
seconds after the operator's own finish, no-show or transfer; never two at once.  Between
answers the panel adds the session's own events (:class:`operator_console.figures.MyDay`).
"""

from __future__ import annotations

from queue_protocol.views import StatsMyDayResult

from .figures_feed import FiguresFeed

REFRESH_S = 60
AFTER_EVENT_S = 2


class MyDayFeed(FiguresFeed):
    verb = "stats.my_day"
    result_type = StatsMyDayResult
    refresh_s = REFRESH_S
    after_event_s = AFTER_EVENT_S

    @property
    def result(self) -> StatsMyDayResult | None:
        assert self.answer is None or isinstance(self.answer, StatsMyDayResult)
        return self.answer

    def wanted(self) -> bool:
        return self.model.window is not None
