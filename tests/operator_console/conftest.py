"""The operator console's fixtures: a real demo server on loopback, a plain wire client, consoles.

``talon`` starts ``python -m queue_server.cli run --demo`` on 127.0.0.1 (port 0, read from the
``listening on`` log line) with a fresh data directory and an emulated ESC/POS printer for
the kiosk; one server per test module (the tests use distinct operators and windows), and
``restart()``/``kill()`` for the reconnect tests.  ``Wire`` is a plain synchronous websockets
client that plays the other people in the office (a kiosk issuing tickets, another operator).
``console(user, window)`` builds a signed-in :class:`MainWindow` over a real link.

Every wait is bounded; the fixtures stop only the processes they started, by pid.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from support.demo_server import DemoServer

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from websockets.sync.client import ClientConnection, connect

WAIT_S = 10.0


class TalonServer(DemoServer):
    """One demo server printing to an emulator; ``port`` stays the same across ``kill()`` / ``start()``."""

    def __init__(self, data_dir: Path, extra_args: list[str]) -> None:
        from printers.emulator import EmulatedPrinter

        self.printer = EmulatedPrinter()
        _, self.printer_port = self.printer.start_tcp()
        super().__init__(data_dir, ["--printer", f"kiosk-printer=tcp://127.0.0.1:{self.printer_port}", *extra_args])


@pytest.fixture(scope="module")
def talon_args() -> list[str]:
    """More arguments for the module's server (a module overrides it, e.g. with ``--db``)."""
    return []


@pytest.fixture(scope="module")
def talon(tmp_path_factory: pytest.TempPathFactory, talon_args: list[str]) -> Iterator[TalonServer]:
    server = TalonServer(tmp_path_factory.mktemp("talon"), talon_args)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        server.printer.stop()


class Wire:
    """A plain websockets client: hello, then requests answered in order (pushes skipped)."""

    _ids = itertools.count(1)

    def __init__(self, url: str, **credentials: str) -> None:
        self._stack = contextlib.ExitStack()
        self.ws: ClientConnection = self._stack.enter_context(
            connect(url, open_timeout=WAIT_S, compression=None, max_size=16 * 2**20, max_queue=None, close_timeout=2))
        self.hello = self.request("hello", protocol=1, **credentials)

    def request(self, verb: str, **fields: Any) -> dict[str, Any]:
        rid = f"w-{next(self._ids)}-{os.getpid()}"
        self.ws.send(json.dumps({"type": verb, "id": rid, **fields}))
        while True:
            message = json.loads(self.ws.recv(timeout=WAIT_S))
            if message.get("re") == rid:
                if not message["ok"]:
                    raise RuntimeError(f"{verb}: {message['error']}")
                return message["result"]

    def try_request(self, verb: str, **fields: Any) -> dict[str, Any] | None:
        try:
            return self.request(verb, **fields)
        except RuntimeError:
            return None

    def close(self) -> None:
        self._stack.close()


@pytest.fixture
def wire(talon: TalonServer) -> Iterator[Callable[..., Wire]]:
    opened: list[Wire] = []

    def make(**credentials: str) -> Wire:
        opened.append(Wire(talon.url, **credentials))
        return opened[-1]

    yield make
    for w in opened:
        w.close()


@pytest.fixture
def issue(wire: Callable[..., Wire]) -> Callable[..., list[dict[str, Any]]]:
    """``issue(service, count=1, **fields)``: tickets from the kiosk, as visitors would take them."""

    def take(service: str, count: int = 1, **fields: Any) -> list[dict[str, Any]]:
        kiosk = wire(token="demo-kiosk")
        return [kiosk.request("ticket.issue", service=service, **fields) for _ in range(count)]

    return take


@pytest.fixture
def console(qtbot: Any, talon: TalonServer) -> Iterator[Callable[..., Any]]:
    """``console(user, window)``: a signed-in, shown MainWindow; closed (and its window left) after."""
    from operator_console.main_window import MainWindow
    from operator_console.model import ConsoleModel

    made: list[Any] = []

    def make(user: str, window: int | None, *, password: str = "demo", wait_window: bool = True) -> Any:
        model = ConsoleModel()
        main = MainWindow(model, talon.url)
        qtbot.addWidget(main)
        main.show()
        made.append(main)
        with qtbot.waitSignal(model.logged_in, timeout=WAIT_S * 1000):
            main.login.fill(talon.url, user, password, window)
            main.login.submit.click()
        if window is not None and wait_window:
            qtbot.waitUntil(lambda: model.window_number == window and model.online and not model.busy,
                            timeout=WAIT_S * 1000)
        return main

    yield make
    for main in made:
        main.model.logout()
        main.close()
