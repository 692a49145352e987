"""``Link``: the board's thin adapter over ``queue_protocol.qt_bridge.QtQueueClient``.

The bridge reports a state, a snapshot or an event, and keeps the hello reply and the latest
view.  A board needs three things from it, in a shape easy to test: the state with its
detail, the hello reply (which window a window board's token is for), and, for every
snapshot or event, the office view *after* it together with the event that caused it (so
the model can tell a live call, which blinks and is spoken, from history).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal

from queue_protocol.client import DeviceToken
from queue_protocol.qt_bridge import QtQueueClient
from queue_protocol.replies import EventMessage
from queue_protocol.views import HelloResult, OfficeView

CLIENT_NAME = "talon-display 0.1.0"


class Link(QObject):
    """One board's connection.  Call order: ``start()``, then ``stop()`` before exit."""

    state = Signal(str, str)              # (ConnectionState value, detail)
    hello = Signal(object)                # HelloResult, once per accepted hello
    view = Signal(str, object, object)    # (office, OfficeView after it, WireEvent or None for a snapshot)

    def __init__(self, url: str, token: str, *, parent: QObject | None = None, **client_options: Any) -> None:
        super().__init__(parent)
        self.bridge = QtQueueClient(url, DeviceToken(token), client_name=CLIENT_NAME, parent=self, **client_options)
        self._hello: HelloResult | None = None
        self.bridge.state_changed.connect(self._on_state)
        self.bridge.snapshot_received.connect(self._on_snapshot)
        self.bridge.event_received.connect(self._on_event)

    def start(self) -> None:
        self.bridge.start()

    def stop(self, timeout: float = 5.0) -> None:
        self.bridge.stop(timeout)

    # -- for a model attached after the first reports -----------------------------------------

    @property
    def current_state(self) -> tuple[str, str]:
        return self.bridge.state, self.bridge.detail

    @property
    def current_hello(self) -> HelloResult | None:
        return self._hello

    def current_view(self) -> tuple[str, OfficeView] | None:
        office = self._hello.office if self._hello is not None else None
        if office is None:
            return None
        view = self.bridge.view(office)
        return (office, view) if view is not None else None

    # -- from the bridge -----------------------------------------------------------------------

    def _on_state(self, state: str) -> None:
        hello = self.bridge.hello
        if hello is not None and hello is not self._hello:
            self._hello = hello
            self.hello.emit(hello)
        self.state.emit(state, self.bridge.detail)

    def _on_snapshot(self, office: str, view: OfficeView) -> None:
        if self._mine(office):
            self.view.emit(office, view, None)

    def _on_event(self, office: str, message: EventMessage) -> None:
        view = self.bridge.view(office)
        if view is not None and self._mine(office):
            self.view.emit(office, view, message.event)

    def _mine(self, office: str) -> bool:
        """A board follows its own office (the hello's); anything else is ignored."""
        return self._hello is None or office == self._hello.office
