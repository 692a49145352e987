"""Figures the server computes, kept fresh for a console screen: the common timing.

A feed asks its verb when started, every ``refresh_s`` seconds, and ``after_event_s`` seconds
after an event that moves its figures (a burst of events makes one request, not one each);
never two requests at once — one asked for meanwhile goes out when the answer comes.
:class:`~operator_console.today_feed.TodayFeed` (the manager's dashboard) and
:class:`~operator_console.my_day_feed.MyDayFeed` (an operator's own day) are the two feeds.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any, ClassVar

import msgspec
from PySide6.QtCore import QObject, QTimer, Signal

from queue_protocol.views import View

if TYPE_CHECKING:
    from .model import ConsoleModel, Outcome


class FiguresFeed(QObject):
    """``answer`` is the last reply (``None`` before the first); ``changed`` after each answer."""

    changed = Signal()
    verb: ClassVar[str]
    result_type: ClassVar[type[View]]
    refresh_s: ClassVar[int]
    after_event_s: ClassVar[int]

    def __init__(self, model: ConsoleModel) -> None:
        super().__init__(model)
        self.model = model
        self.answer: View | None = None
        self.failed = ""                  # the last refusal, for the screen to say
        self.received_at = 0.0            # time.monotonic() of the last answer
        self._in_flight = False
        self._again = False
        self._every = QTimer(self)
        self._every.setInterval(self.refresh_s * 1000)
        self._every.timeout.connect(self.refresh)
        self._soon = QTimer(self)
        self._soon.setSingleShot(True)
        self._soon.setInterval(self.after_event_s * 1000)
        self._soon.timeout.connect(self.refresh)

    @property
    def pending(self) -> bool:
        """A request is out and not answered yet."""
        return self._in_flight

    @property
    def active(self) -> bool:
        return self._every.isActive()

    def wanted(self) -> bool:
        """May this console ask now (signed in with the right role, online)?"""
        raise NotImplementedError

    def fields(self) -> dict[str, Any]:
        return {"office": self.model.office_id or None}

    def start(self) -> None:
        self._every.start()
        self.refresh()

    def stop(self) -> None:
        self._every.stop()
        self._soon.stop()
        self.answer, self.failed, self._in_flight, self._again = None, "", False, False

    def event_seen(self) -> None:
        """An event that moves the figures: ask again shortly (bursts coalesce)."""
        if self._every.isActive() and not self._soon.isActive():
            self._soon.start()

    def refresh(self) -> None:
        if self._in_flight:
            self._again = True
            return
        if not self.model.online or not self.wanted():
            return
        if self.model.send(self.verb, self.fields(), self._answered) is not None:
            self._in_flight = True

    def _answered(self, outcome: Outcome) -> None:
        self._in_flight = False
        if outcome.ok:
            self.answer = msgspec.convert(outcome.result, self.result_type)
            self.failed = ""
            self.received_at = time.monotonic()
        else:
            self.failed = outcome.code
        self.changed.emit()
        if self._again:
            self._again = False
            self.refresh()
