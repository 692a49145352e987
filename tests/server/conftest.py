"""The real server as a subprocess, and a small websocket client, for the contract tests.

Every test in ``tests/server/test_protocol_*.py``, ``test_resume.py``, ``test_fuzz.py`` and
``test_restart.py`` talks to ``talon-server run --demo`` over real websockets on 127.0.0.1,
exactly as the kiosks, consoles and boards will.  Nothing here imports the server: the
contract (docs/protocol.md, ``queue_protocol``) is what is checked.

Fixtures::

    start_server(offices=1, db=None, port=0, data_dir=None) -> ServerProcess   (stopped at teardown)
    server          a fresh demo server on SQLite in tmp_path
    shared_server   one demo server per test module (tests use disjoint windows and operators)
    region_server   one ``--offices 2`` server per test module

Async tests: an ``async def test_...`` runs under ``asyncio.run`` with a deadline (see
``pytest_pyfunc_call`` below); every ``Client`` it opened is closed when it ends.

``Client`` keeps every frame it received, in order: replies by request id (raw text kept,
for byte-for-byte comparisons), pushes (snapshot, event, print notices) in a list, and the
close code when the server closed.  Every wait is bounded.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from queue_protocol.codec import MAX_SERVER_FRAME

HOST = "127.0.0.1"
LISTENING = re.compile(r"listening on 127\.0\.0\.1:(\d+)")
START_TIMEOUT_S = 30.0
TEST_DEADLINE_S = 150.0
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")

# docs/protocol.md, "Events": what a kiosk or a board may see of each event's data.
PUBLIC_DATA: dict[str, frozenset[str]] = {
    "ticket.issued": frozenset({"number", "local_day"}),
    "ticket.recalled": frozenset({"recalls"}),
    "ticket.postponed": frozenset({"minutes"}),
    "ticket.transferred": frozenset({"to_window"}),
    "window.opened": frozenset({"operator_name"}),
    "window.services_changed": frozenset({"services"}),
    "service.active_changed": frozenset({"active"}),
    "office.running_text_changed": frozenset({"text"}),
}


# -- the server process ------------------------------------------------------------------------

class ServerProcess:
    """``talon-server run --demo`` in a subprocess; stderr is collected by a reader thread."""

    def __init__(self, data_dir: Path, *, offices: int = 1, db: str | None = None, port: int = 0) -> None:
        self.data_dir = Path(data_dir)
        self.offices = offices
        self.db = db
        self.requested_port = port
        self.port = 0
        self.proc: subprocess.Popen[str] | None = None
        self.lines: list[str] = []
        self._reader: threading.Thread | None = None
        self._listening = threading.Event()

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "TALON_DATA_DIR": str(self.data_dir), "PYTHONUNBUFFERED": "1"}

    def site_args(self) -> list[str]:
        args = ["--demo"]
        if self.offices > 1:
            args += ["--offices", str(self.offices)]
        if self.db:
            args += ["--db", self.db]
        return args

    def start(self) -> ServerProcess:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._listening.clear()
        command = [sys.executable, "-m", "queue_server.cli", "run", *self.site_args(), "--host", HOST,
                   "--port", str(self.port or self.requested_port)]
        self.proc = subprocess.Popen(command, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     text=True, encoding="utf-8", errors="replace")
        self._reader = threading.Thread(target=self._read, args=(self.proc,), daemon=True)
        self._reader.start()
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self._listening.wait(0.1):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.kill()
                raise AssertionError(f"the server did not say where it listens:\n{self.stderr[-4000:]}")
        return self

    def _read(self, proc: subprocess.Popen[str]) -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            self.lines.append(line)
            if not self._listening.is_set():
                found = LISTENING.search(line)
                if found:
                    self.port = int(found.group(1))
                    self._listening.set()

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout: float = 30.0) -> int | None:
        """SIGTERM and wait (SIGKILL only if it does not stop in time); the exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self._join()
        return self.proc.returncode

    def kill(self) -> None:
        """SIGKILL: a crash."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(10)
        self._join()

    def _join(self) -> None:
        if self._reader is not None:
            self._reader.join(5)
        if self.proc is not None and self.proc.stderr is not None and not self.proc.stderr.closed:
            self.proc.stderr.close()

    @property
    def stderr(self) -> str:
        return "".join(self.lines)

    def assert_clean_log(self) -> None:
        """No traceback and no internal error in what the server logged."""
        log = self.stderr
        problems = [line for line in log.splitlines()
                    if "Traceback" in line or "internal error" in line or "exception was never retrieved" in line]
        assert not problems, "the server logged errors:\n" + log[-6000:]

    @property
    def url(self) -> str:
        return f"ws://{HOST}:{self.port}/"

    def http(self, path: str, timeout: float = 10.0) -> tuple[int, dict[str, str], bytes]:
        try:
            with urllib.request.urlopen(f"http://{HOST}:{self.port}{path}", timeout=timeout) as response:
                return response.status, dict(response.headers.items()), response.read()
        except urllib.error.HTTPError as refused:
            return refused.code, dict(refused.headers.items()), refused.read()

    def db_check(self) -> subprocess.CompletedProcess[str]:
        """``talon-server db check --demo`` on this server's data."""
        return subprocess.run([sys.executable, "-m", "queue_server.cli", "db", "check", *self.site_args()],
                              env=self.env, capture_output=True, text=True, timeout=120, check=False)

    # -- clients -----------------------------------------------------------------------------

    async def connect(self, label: str = "c") -> Client:
        ws = await asyncio.wait_for(connect(self.url, max_size=MAX_SERVER_FRAME, compression=None,
                                            open_timeout=10, close_timeout=2), 15)
        return Client(ws, label)

    async def hello(self, label: str = "c", **credentials: Any) -> Client:
        """Connect and say hello (``protocol`` 1 unless given); asserts it worked and waits for the catch-up."""
        client = await self.connect(label)
        await client.say_hello(**credentials)
        return client

    async def kiosk(self, token: str = "demo-kiosk", **extra: Any) -> Client:
        return await self.hello("kiosk", token=token, **extra)

    async def board(self, token: str = "demo-display", **extra: Any) -> Client:
        return await self.hello("board", token=token, **extra)

    async def login(self, user: str, password: str = "demo", **extra: Any) -> Client:
        return await self.hello(user, username=user, password=password, **extra)


# -- the websocket client ----------------------------------------------------------------------

_OPEN_CLIENTS: list[Client] = []


class Closed(AssertionError):
    """The server closed the connection while the test waited for something."""


class Client:
    """One websocket connection, with everything it received kept in order."""

    def __init__(self, ws: ClientConnection, label: str) -> None:
        self.ws = ws
        self.label = label
        self.frames: list[str | bytes] = []
        self.replies: dict[str | None, list[tuple[str, dict[str, Any]]]] = {}
        self.pushes: list[dict[str, Any]] = []
        self.close_code: int | None = None
        self.closed = False
        self.hello_result: dict[str, Any] = {}
        self._counter = 0
        self._prefix = f"{label[:24]}-{uuid.uuid4().hex[:8]}"  # ids are per principal, not per connection
        _OPEN_CLIENTS.append(self)

    # -- sending ---------------------------------------------------------------------------

    def next_id(self) -> str:
        self._counter += 1
        return f"{self._prefix}-{self._counter:05d}"

    async def send_raw(self, data: str | bytes) -> None:
        await self.ws.send(data)

    def frame(self, verb: str, request_id: str | None = None, **fields: Any) -> tuple[str, str]:
        """(request id, JSON text) of a message; ``id`` comes first like a real client writes it."""
        request_id = request_id or self.next_id()
        return request_id, json.dumps({"type": verb, "id": request_id, **fields}, ensure_ascii=False)

    async def send(self, verb: str, request_id: str | None = None, **fields: Any) -> str:
        request_id, text = self.frame(verb, request_id, **fields)
        await self.send_raw(text)
        return request_id

    # -- receiving -------------------------------------------------------------------------

    async def _recv_one(self, timeout: float) -> bool:
        """Read one frame into the record; False when the connection is closed."""
        if self.closed:
            return False
        try:
            frame = await asyncio.wait_for(self.ws.recv(), max(timeout, 0.001))
        except ConnectionClosed as closed:
            self.closed = True
            self.close_code = closed.rcvd.code if closed.rcvd is not None else None
            return False
        self.frames.append(frame)
        message = json.loads(frame)
        if isinstance(message, dict) and "type" in message and "re" not in message:
            self.pushes.append(message)
        else:
            self.replies.setdefault(message.get("re"), []).append((frame if isinstance(frame, str) else frame.decode(),
                                                                    message))
        return True

    async def until(self, condition: Callable[[], Any], timeout: float = 10.0, what: str = "a condition") -> Any:
        """Read frames until ``condition()`` is truthy; its value.  Bounded by ``timeout``."""
        deadline = time.monotonic() + timeout
        while True:
            value = condition()
            if value:
                return value
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{self.label}: timed out waiting for {what}; last frames: {self.frames[-5:]}")
            try:
                if not await self._recv_one(left):
                    value = condition()
                    if value:
                        return value
                    raise Closed(f"{self.label}: closed ({self.close_code}) while waiting for {what}; "
                                 f"last frames: {self.frames[-5:]}")
            except TimeoutError:
                continue

    async def settle(self, seconds: float = 0.3) -> None:
        """Read whatever arrives within ``seconds``."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            try:
                if not await self._recv_one(left):
                    return
            except TimeoutError:
                return

    async def reply_raw(self, request_id: str | None, timeout: float = 15.0) -> tuple[str, dict[str, Any]]:
        """The next unread reply to ``request_id`` (raw text and parsed)."""
        def pending() -> list[tuple[str, dict[str, Any]]] | None:
            return self.replies.get(request_id) or None

        queue = await self.until(pending, timeout, f"the reply to {request_id!r}")
        return queue.pop(0)

    async def reply(self, request_id: str | None, timeout: float = 15.0) -> dict[str, Any]:
        return (await self.reply_raw(request_id, timeout))[1]

    async def request_raw(self, verb: str, request_id: str | None = None, **fields: Any) -> tuple[str, dict[str, Any]]:
        request_id = await self.send(verb, request_id, **fields)
        return await self.reply_raw(request_id)

    async def request(self, verb: str, request_id: str | None = None, **fields: Any) -> dict[str, Any]:
        return (await self.request_raw(verb, request_id, **fields))[1]

    async def ok(self, verb: str, request_id: str | None = None, **fields: Any) -> dict[str, Any]:
        """The ``result`` of a request that must succeed."""
        reply = await self.request(verb, request_id, **fields)
        assert reply.get("ok") is True, f"{verb} {fields} was refused: {reply}"
        result: dict[str, Any] = reply["result"]
        return result

    async def refused(self, verb: str, request_id: str | None = None, **fields: Any) -> str:
        """The error code of a request that must be refused."""
        reply = await self.request(verb, request_id, **fields)
        assert reply.get("ok") is False, f"{verb} {fields} should have been refused: {reply}"
        assert set(reply) == {"re", "ok", "error"} and set(reply["error"]) == {"code", "message"}, reply
        code: str = reply["error"]["code"]
        return code

    async def say_hello(self, **credentials: Any) -> dict[str, Any]:
        fields = {"protocol": 1, **credentials}
        result = await self.ok("hello", **fields)
        self.hello_result = result
        last_seq = fields.get("last_seq") or {}
        for office in result["offices"]:
            if office not in last_seq:  # a snapshot; with last_seq maybe only events (or nothing missed)
                await self.until(lambda o=office: self.snapshots(o), 15, f"the snapshot of {office}")
        return result

    async def wait_closed(self, timeout: float = 15.0) -> int | None:
        """Read until the server closes; the close code."""
        deadline = time.monotonic() + timeout
        while not self.closed:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{self.label}: the server did not close the connection in {timeout} s")
            try:
                await self._recv_one(left)
            except TimeoutError:
                continue
        return self.close_code

    # -- what arrived ----------------------------------------------------------------------

    def events(self, office: str = "demo") -> list[dict[str, Any]]:
        return [p for p in self.pushes if p["type"] == "event" and p["office"] == office]

    def snapshots(self, office: str = "demo") -> list[dict[str, Any]]:
        return [p for p in self.pushes if p["type"] == "snapshot" and p["office"] == office]

    def snapshot(self, office: str = "demo") -> dict[str, Any]:
        shots = self.snapshots(office)
        assert shots, f"{self.label} has no snapshot of {office}"
        return shots[-1]

    def event(self, seq: int, office: str = "demo") -> dict[str, Any] | None:
        found = [e for e in self.events(office) if e["seq"] == seq]
        assert len(found) <= 1, f"{self.label} got event {seq} {len(found)} times"
        return found[0] if found else None

    async def wait_event(self, seq: int, office: str = "demo", timeout: float = 10.0) -> dict[str, Any]:
        message = await self.until(lambda: self.event(seq, office), timeout, f"event {office}/{seq}")
        assert isinstance(message, dict)
        return message

    def pushes_after(self, request_id: str, office: str = "demo") -> list[dict[str, Any]]:
        """The snapshots and events of ``office`` received after the reply to ``request_id``."""
        parsed = [json.loads(f) for f in self.frames]
        position = next(i for i, m in enumerate(parsed) if isinstance(m, dict) and m.get("re") == request_id)
        return [m for m in parsed[position + 1:] if isinstance(m, dict) and "re" not in m
                and m.get("type") in ("snapshot", "event") and m.get("office") == office]

    def head(self, office: str = "demo") -> int:
        """The last seq this client knows of (snapshot or event)."""
        seqs = [p["seq"] for p in self.pushes if p["type"] in ("snapshot", "event") and p["office"] == office]
        return max(seqs) if seqs else -1

    def assert_in_order(self, office: str = "demo", after: int | None = None) -> None:
        """The pushes of ``office`` follow the contract: a snapshot (or the events after ``after``) first,
        then events with seq = previous + 1, none twice."""
        last = after
        for push in (p for p in self.pushes if p["office"] == office and p["type"] in ("snapshot", "event")):
            if push["type"] == "snapshot":
                last = push["seq"]
                continue
            assert last is not None, f"{self.label}: event {push['seq']} before any snapshot"
            assert push["seq"] == last + 1, f"{self.label}: event {push['seq']} after {last}"
            last = push["seq"]

    async def close(self) -> None:
        if not self.closed:
            self.closed = True
            try:
                await asyncio.wait_for(self.ws.close(), 5)
            except (TimeoutError, ConnectionClosed, OSError):
                self.ws.transport.abort()


# -- async tests -------------------------------------------------------------------------------

async def _run_async_test(test: Callable[..., Any], kwargs: dict[str, Any], deadline: float) -> None:
    start = len(_OPEN_CLIENTS)
    try:
        async with asyncio.timeout(deadline):
            await test(**kwargs)
    finally:
        opened = _OPEN_CLIENTS[start:]
        del _OPEN_CLIENTS[start:]
        for client in opened:
            await client.close()


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    """Run ``async def`` tests of this directory with ``asyncio.run`` (no plugin needed)."""
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    kwargs = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    marker = pyfuncitem.get_closest_marker("deadline")
    deadline = float(marker.args[0]) if marker else TEST_DEADLINE_S
    asyncio.run(_run_async_test(pyfuncitem.obj, kwargs, deadline))
    return True


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "deadline(seconds): the time limit of an async test in tests/server")


# -- fixtures ----------------------------------------------------------------------------------

@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[Callable[..., ServerProcess]]:
    started: list[ServerProcess] = []

    def start(*, offices: int = 1, db: str | None = None, port: int = 0, data_dir: Path | None = None) -> ServerProcess:
        process = ServerProcess(data_dir or tmp_path / f"server{len(started)}", offices=offices, db=db, port=port)
        started.append(process)
        return process.start()

    yield start
    for process in started:
        process.stop()


@pytest.fixture
def server(start_server: Callable[..., ServerProcess]) -> ServerProcess:
    return start_server()


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = ServerProcess(tmp_path_factory.mktemp("shared")).start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def region_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    process = ServerProcess(tmp_path_factory.mktemp("region"), offices=2).start()
    yield process
    process.stop()
