"""The real Talon server for the hall board's tests, and a way to act as operators on it.

``board_server`` starts ``python -m queue_server.cli run --demo`` once per test module on
127.0.0.1 (``--port 0``, the port read from its ``listening on`` log line) with a fresh data
directory, and stops it by pid.  Tests on one server use disjoint windows and operators.
``act(coro_factory)`` runs operator actions (``hall_display.stage``: open a window, call,
recall) on their own asyncio loop in a thread, as another person at another desk would,
while the Qt loop keeps running.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any

import pytest
from support.demo_server import DemoServer

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

WAIT_S = 15.0


class BoardServer(DemoServer):
    """``talon-server run --demo``; ``stop()`` then ``start()`` brings it back on the same port."""

    def __init__(self, data_dir: Path) -> None:
        super().__init__(data_dir, ["--printer", f"kiosk-printer=file://{data_dir}/printer.bin"])
        self.start()


@pytest.fixture(scope="module")
def board_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BoardServer]:
    server = BoardServer(tmp_path_factory.mktemp("talon-board"))
    try:
        yield server
    finally:
        server.stop()


class Actor:
    """Runs operator coroutines in a background thread; ``wait()`` joins with a bound."""

    def __init__(self) -> None:
        self.results: list[Any] = []
        self.errors: list[BaseException] = []
        self._threads: list[threading.Thread] = []

    def __call__(self, factory: Callable[[], Coroutine[Any, Any, Any]]) -> threading.Thread:
        def run() -> None:
            try:
                self.results.append(asyncio.run(factory()))
            except BaseException as error:  # reported by wait()
                self.errors.append(error)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        self._threads.append(thread)
        return thread

    def wait(self, timeout: float = WAIT_S) -> list[Any]:
        """The results of the actions started since the last ``wait()``, in the order they ended."""
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
            assert not thread.is_alive(), "an operator action did not finish in time"
        self._threads.clear()
        if self.errors:
            raise self.errors[0]
        results, self.results = self.results, []
        return results


@pytest.fixture
def act() -> Actor:
    return Actor()


@pytest.fixture
def make_board(qtbot: Any) -> Iterator[Callable[..., Any]]:
    """``make_board(url, token="demo-display", **settings) -> (model, widget)``, online, with data.

    The widget is a 1920x1080 :class:`~hall_display.board.BoardWindow`; links are stopped after
    the test.
    """
    from hall_display.board import BoardWindow
    from hall_display.link import Link
    from hall_display.model import BoardModel
    from hall_display.settings import BoardSettings

    links: list[Any] = []

    def make(url: str, token: str = "demo-display", **settings: Any) -> tuple[Any, Any]:
        link = Link(url, token)
        model = BoardModel(BoardSettings(**settings))
        model.attach(link)
        widget = BoardWindow(model)
        qtbot.addWidget(widget)
        widget.resize(1920, 1080)
        widget.show()
        links.append(link)
        link.start()
        qtbot.waitUntil(lambda: model.state.value == "online" and model.has_data, timeout=int(WAIT_S * 1000))
        return model, widget

    yield make
    for link in links:
        link.stop()


@pytest.fixture
def painted_texts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every string any QPainter draws while the test runs: what a visitor can read."""
    from PySide6.QtGui import QPainter

    seen: list[str] = []
    original = QPainter.drawText

    def recording(self: QPainter, *args: Any) -> Any:
        seen.extend(a for a in args if isinstance(a, str))
        return original(self, *args)

    monkeypatch.setattr(QPainter, "drawText", recording)
    return seen
