"""The server's print path end to end: a real ``talon-server run --demo`` child process printing
to an in-process ``EmulatedPrinter`` over TCP, driven by plain websocket clients.

With ``--import-mode=importlib`` test modules cannot import helpers by name, so they are
handed out as fixtures: ``emulator`` (a running emulator and its URL), ``start_server`` (a
factory; every server it starts is stopped by pid at teardown), ``connect_as`` (an async
context manager for a logged-in ``Client``), ``print_jobs`` (the ``print_jobs`` rows).

Every wait is bounded: replies 10 s, notices by the caller's timeout, server start 30 s.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select
from websockets.asyncio.client import ClientConnection, connect

from printers import EmulatedPrinter

REPLY_TIMEOUT = 10.0
START_TIMEOUT = 30.0
PRINTER = "kiosk-printer"  # the demo kiosk's printer
KIOSK_TOKEN = "demo-kiosk"


@dataclass
class Emulator:
    printer: EmulatedPrinter
    port: int

    @property
    def url(self) -> str:
        # timeout=1: the configured timeout every printer call must respect
        return f"tcp://127.0.0.1:{self.port}?timeout=1"


@dataclass
class Server:
    """A ``talon-server run --demo`` child; stderr goes to ``log_path``."""

    proc: subprocess.Popen[bytes]
    log_path: Path
    db_url: str
    port: int = 0

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/"

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_listening(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            for line in self.log().splitlines():
                if "listening on 127.0.0.1:" in line:
                    self.port = int(line.split("listening on 127.0.0.1:", 1)[1].split()[0])
                    return
            if self.proc.poll() is not None:
                raise AssertionError(f"the server exited with {self.proc.returncode}:\n{self.log()[-3000:]}")
            time.sleep(0.05)
        raise AssertionError(f"the server did not listen within {START_TIMEOUT} s:\n{self.log()[-3000:]}")

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after 15 s; only this child, by its pid."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()
        self.proc.wait(timeout=15)

    def kill(self) -> None:
        """SIGKILL: a crash, nothing flushed or closed."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=15)


@dataclass
class Client:
    """One websocket session: ``rpc`` returns the reply, everything else is kept in ``pushes``."""

    ws: ClientConnection
    name: str
    pushes: list[dict[str, Any]] = field(default_factory=list)
    counter: int = 0
    session: str = field(default_factory=lambda: uuid.uuid4().hex[:12])

    def next_id(self) -> str:
        """Unique per principal across sessions (the server remembers ids for retries)."""
        self.counter += 1
        return f"{self.name}-{self.session}-{self.counter}"

    async def send(self, message: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(message, ensure_ascii=False))

    async def reply_to(self, request_id: str, timeout: float = REPLY_TIMEOUT) -> dict[str, Any]:
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                raise AssertionError(f"{self.name}: no reply to {request_id} within {timeout} s")
            frame = json.loads(await asyncio.wait_for(self.ws.recv(), left))
            if frame.get("re") == request_id and "type" not in frame:
                return frame
            self.pushes.append(frame)

    async def rpc(self, verb: str, *, request_id: str | None = None, timeout: float = REPLY_TIMEOUT,
                  **fields: Any) -> dict[str, Any]:
        """Send one request and return its reply (``ok`` true or false)."""
        message = {"type": verb, "id": request_id or self.next_id(), **fields}
        await self.send(message)
        return await self.reply_to(message["id"], timeout)

    async def ok(self, verb: str, **fields: Any) -> dict[str, Any]:
        """``rpc`` that must succeed; returns the result."""
        reply = await self.rpc(verb, **fields)
        assert reply.get("ok") is True, f"{verb} {fields} -> {reply}"
        return dict(reply["result"])

    async def wait_push(self, predicate: Callable[[dict[str, Any]], bool], timeout: float) -> dict[str, Any]:
        """The first push (kept or arriving within ``timeout`` s) that matches."""
        for frame in self.pushes:
            if predicate(frame):
                return frame
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                raise AssertionError(f"{self.name}: no matching push within {timeout} s; got {self.pushes[-10:]}")
            try:
                frame = json.loads(await asyncio.wait_for(self.ws.recv(), left))
            except TimeoutError:
                continue
            self.pushes.append(frame)
            if predicate(frame):
                return frame

    async def drain(self, seconds: float) -> None:
        """Keep whatever arrives for ``seconds``."""
        deadline = asyncio.get_running_loop().time() + seconds
        while (left := deadline - asyncio.get_running_loop().time()) > 0:
            try:
                self.pushes.append(json.loads(await asyncio.wait_for(self.ws.recv(), left)))
            except TimeoutError:
                return

    async def job_done(self, job: str, timeout: float) -> dict[str, Any]:
        """The ``print`` notice that ends ``job``: state printed or failed."""
        return await self.wait_push(lambda f: f.get("type") == "print" and f.get("job") == job
                                    and f.get("state") in ("printed", "failed"), timeout)

    async def printer_status(self) -> str:
        """The kiosk's printer status as the server last saw it (``printer.status``)."""
        [view] = (await self.ok("printer.status"))["printers"]
        return str(view["status"])

    async def known_status(self, timeout: float = 5.0) -> str:
        """Wait for the server's first look at the printer (its status poll runs at start)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while (status := await self.printer_status()) == "unknown":
            if asyncio.get_running_loop().time() > deadline:
                break
            await asyncio.sleep(0.05)
        return status

    def print_states(self, job: str) -> list[str]:
        return [f["state"] for f in self.pushes if f.get("type") == "print" and f.get("job") == job]


ConnectAs = Callable[..., contextlib.AbstractAsyncContextManager[Client]]


@contextlib.asynccontextmanager
async def _connect_as(server: Server, who: str = "kiosk", **hello: Any) -> AsyncIterator[Client]:
    """``who``: "kiosk", "manager", "display" or an operator login ("operator1")."""
    credentials: dict[str, Any]
    if who == "kiosk":
        credentials = {"token": KIOSK_TOKEN}
    elif who == "display":
        credentials = {"token": "demo-display"}
    else:
        credentials = {"username": who, "password": "demo"}
    async with connect(server.ws_url, open_timeout=REPLY_TIMEOUT, close_timeout=2) as ws:
        client = Client(ws, who)
        reply = await client.rpc("hello", protocol=1, **credentials, **hello)
        assert reply.get("ok") is True, reply
        yield client


@pytest.fixture(scope="session")
def connect_as() -> ConnectAs:
    return _connect_as


def _running_emulator() -> Iterator[Emulator]:
    printer = EmulatedPrinter(state="ok")
    try:
        _, port = printer.start_tcp("127.0.0.1", 0)
        yield Emulator(printer, port)
    finally:
        printer.stop()


@pytest.fixture
def emulator() -> Iterator[Emulator]:
    yield from _running_emulator()


def _start(data_dir: Path, printer_url: str, db_url: str | None, log_name: str) -> Server:
    data_dir.mkdir(parents=True, exist_ok=True)
    log_path = data_dir / log_name
    url = db_url or f"sqlite:///{data_dir / 'demo.sqlite3'}"
    env = {**os.environ, "TALON_DATA_DIR": str(data_dir), "PYTHONUNBUFFERED": "1"}
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "queue_server.cli", "run", "--demo", "--host", "127.0.0.1", "--port", "0",
             "--printer", f"{PRINTER}={printer_url}", "--db", url],
            env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    server = Server(proc, log_path, url)
    try:
        server.wait_listening()
    except BaseException:
        server.kill()
        raise
    return server


StartServer = Callable[..., Server]


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[StartServer]:
    """``start_server(printer_url, db_url=None)``: a listening server; all stopped at teardown."""
    started: list[Server] = []

    def start(printer_url: str, db_url: str | None = None) -> Server:
        server = _start(tmp_path / "data", printer_url, db_url, f"server-{len(started) + 1}.log")
        started.append(server)
        return server

    try:
        yield start
    finally:
        for server in started:
            server.stop()


@pytest.fixture(scope="module")
def shared_emulator() -> Iterator[Emulator]:
    yield from _running_emulator()


@pytest.fixture(scope="module")
def shared_server(shared_emulator: Emulator, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One server (SQLite) for a whole module, printing to ``shared_emulator``."""
    server = _start(tmp_path_factory.mktemp("printing"), shared_emulator.url, None, "server.log")
    try:
        yield server
    finally:
        server.stop()


@dataclass(frozen=True)
class JobRow:
    id: str
    ticket_id: str | None
    printer_id: str
    device_id: str
    state: str
    attempts: int
    reason: str
    kind: str = "ticket"
    service_id: str | None = None
    lang: str = "ru"


def read_jobs(db_url: str) -> list[JobRow]:
    from queue_server.store.database import normalize_url
    from queue_server.store.schema import PrintJobRow

    engine = create_engine(normalize_url(db_url))
    try:
        with engine.connect() as conn:
            rows = conn.execute(select(PrintJobRow).order_by(PrintJobRow.created_at)).all()
    finally:
        engine.dispose()
    return [JobRow(r.id, r.ticket_id, r.printer_id, r.device_id, r.state, r.attempts, r.reason, r.kind, r.service_id,
                   r.lang) for r in rows]


@pytest.fixture(scope="session")
def print_jobs() -> Callable[[Server], list[JobRow]]:
    """``print_jobs(server)``: every row of the server's ``print_jobs`` table, oldest first."""
    return lambda server: read_jobs(server.db_url)


@pytest.fixture(scope="session")
def run() -> Callable[..., Any]:
    """``run(coro, timeout=60)``: asyncio.run with an outer bound."""

    def run_bounded(coro: Any, timeout: float = 60.0) -> Any:
        async def bounded() -> Any:
            return await asyncio.wait_for(coro, timeout)

        return asyncio.run(bounded())

    return run_bounded
