"""The kiosk against the real thing: a ``talon-server run --demo`` child on 127.0.0.1 printing to
an in-process ESC/POS emulator, and the real kiosk (link, model, window) driven by pytest-qt.

Fixtures (``--import-mode=importlib`` forbids importing helpers by name, so they are fixtures):

* ``printer``: an ``EmulatedPrinter`` on a free TCP port (module scope; tests that change its
  state put it back to "ok").
* ``server``: the demo server (module scope); a module that overrides ``server_config`` gets
  one that reads that file (and re-reads it on ``config.reload``).  ``stop()`` ends it by its pid, ``start()``
  starts it again on the same port and data directory.
* ``staff``: ``staff(login, verb, **fields)`` sends one request as an operator or manager.
* ``make_kiosk``: a kiosk window on the server, with short time limits (and ``link_options`` for
  its client, a reconnect ``backoff`` say); closed at teardown.

Every wait is bounded: server start 30 s, replies 10 s, Qt waits by their own timeouts.
"""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from support.demo_server import DemoServer

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from websockets.asyncio.client import connect

from printers import EmulatedPrinter

REPLY_TIMEOUT_S = 10.0


class Server(DemoServer):
    """One demo server child; ``port`` and ``data_dir`` stay the same across stop() / start()."""

    def __init__(self, data_dir: Path, printer_port: int, config: Path | None = None) -> None:
        super().__init__(data_dir, ["--printer", f"kiosk-printer=tcp://127.0.0.1:{printer_port}?timeout=1"], config)
        self.printer_port = printer_port

    @property
    def url(self) -> str:
        return super().url.rstrip("/")  # these tests add the path themselves


@dataclass
class Printer:
    emulator: EmulatedPrinter
    port: int


@pytest.fixture(scope="module")
def printer() -> Iterator[Printer]:
    emulator = EmulatedPrinter(state="ok")
    _, port = emulator.start_tcp("127.0.0.1", 0)
    try:
        yield Printer(emulator, port)
    finally:
        emulator.stop()


@pytest.fixture(scope="module")
def server_config() -> Path | None:
    """The server's configuration file; ``None``: the built-in demo (a module overrides this to reload its own)."""
    return None


@pytest.fixture(scope="module")
def server(printer: Printer, server_config: Path | None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    process = Server(tmp_path_factory.mktemp("kiosk-server"), printer.port, server_config)
    process.start()
    try:
        yield process
    finally:
        process.stop()


async def _request(url: str, login: str, verb: str, fields: dict[str, Any]) -> dict[str, Any]:
    credentials = {"token": login} if login.startswith("demo-") else {"username": login, "password": "demo"}
    async with connect(url + "/", open_timeout=REPLY_TIMEOUT_S, close_timeout=2) as ws:
        replies: dict[str, dict[str, Any]] = {}
        for rid, message in (("h", {"type": "hello", "protocol": 1, **credentials}), ("r", {"type": verb, **fields})):
            request_id = f"test-{rid}-{uuid.uuid4().hex}"
            await ws.send(json.dumps({**message, "id": request_id}, ensure_ascii=False))
            async with asyncio.timeout(REPLY_TIMEOUT_S):
                while request_id not in replies:
                    frame = json.loads(await ws.recv())
                    if frame.get("re") is not None and "type" not in frame:
                        replies[frame["re"]] = frame
            assert replies[request_id].get("ok") is True, f"{login} {message} -> {replies[request_id]}"
        return dict(replies[request_id]["result"])


Staff = Callable[..., dict[str, Any]]


@pytest.fixture
def staff(server: Server) -> Staff:
    """``staff("operator1", "window.open", window=1)``: one request as that account; its result."""
    return lambda login, verb, **fields: asyncio.run(_request(server.url, login, verb, fields))


def open_window(staff: Staff, login: str, window: int) -> None:
    """Open ``window`` for ``login`` unless it is open already (module-scoped server)."""
    try:
        staff(login, "window.open", window=window)
    except AssertionError as error:
        if "window_open" not in str(error) and "operator_busy" not in str(error):
            raise


@pytest.fixture
def open_windows(staff: Staff) -> None:
    """Passport (windows 1 and 3) and results (window 11) take tickets."""
    for login, window in (("operator1", 1), ("operator3", 3), ("operator11", 11)):
        open_window(staff, login, window)


@pytest.fixture
def make_kiosk(server: Server, qtbot: Any) -> Iterator[Callable[..., Any]]:
    """``make_kiosk(link_options=None, **timing)``: a started kiosk window (1080x1920), online, with its model."""
    from kiosk.link import KioskLink
    from kiosk.model import KioskModel, Overlay, Timing
    from kiosk.window import KioskWindow

    made: list[Any] = []

    def make(link_options: dict[str, Any] | None = None, **timing: float) -> Any:
        limits = Timing(**{"idle_s": 30.0, "offline_grace_s": 0.3, "request_timeout_s": 8.0, **timing})
        link = KioskLink(server.url, "demo-kiosk", request_timeout=limits.request_timeout_s, **(link_options or {}))
        model = KioskModel(link, limits)
        window = KioskWindow(model)
        qtbot.addWidget(window)
        window.resize(1080, 1920)
        window.show()
        model.start()
        made.append(model)
        qtbot.waitUntil(lambda: model.overlay is Overlay.NONE, timeout=15_000)
        return window

    try:
        yield make
    finally:
        for model in made:
            model.close()
