"""The simulated clients: kiosks, boards, managers and operator consoles, over real websockets.

Each client owns one websocket connection and one reader task.  Requests carry a request id
unique for the run (``<nonce>-<client>-<counter>``: two kiosks of an office share one device
token, hence one principal, so the ids must differ between them); the reader resolves the
request's future with the arrival time of the reply, so a latency is send -> arrival of the
frame, not send -> the moment the awaiting task happens to run.

What is measured goes to one :class:`Recorder`:

- every command's reply latency, per verb, for commands sent inside the measured window;
- ``call_to_display``: the operator's send of ``call.next`` -> the arrival of the
  ``ticket.called`` event at each board of the office, matched by ticket id, one sample per
  board (boards note the arrival; the samples are made at the end, when both sides are known);
- boards check ``seq`` per office: a gap (``seq > last + 1``) counts the events skipped, a
  ``seq <= last`` a duplicate; at the end each board's last ``seq`` is compared with the
  office's head (the highest ``seq`` any reply or event showed), so a lost tail counts too;
- error replies other than the expected ones (``queue_empty``, ``window_busy``), timeouts,
  and every close the bench did not ask for.

Kiosks, operators and the manager do not look inside the events they receive (only boards
measure them): a push to them is recognised by its first bytes and dropped unparsed, which
keeps the bench's own CPU down.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import random
import secrets
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any, Final

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from queue_protocol import messages as m
from queue_protocol.codec import MAX_SERVER_FRAME, PROTOCOL_VERSION, ProtocolError, encode, parse_server
from queue_protocol.enums import EventType, Result
from queue_protocol.replies import ErrorReply, EventMessage, Reply, Snapshot

from .region import ClientSpec, Kind
from .stats import Samples

EXPECTED_CODES: Final = frozenset({"queue_empty", "window_busy"})
EVENT_PREFIX: Final = '{"type":"event"'
MAX_KIOSK_INFLIGHT: Final = 8   # below the server's websockets max_queue (16), so its keepalive is never starved
MAX_TRACKED_TICKETS: Final = 500_000
MAX_TIMED_OUT: Final = 10_000
MANAGER_PING_S: Final = 10.0
TIMELINE_S: Final = 10

now = time.perf_counter


@dataclass(frozen=True, slots=True)
class Answer:
    ok: bool
    result: Any = None        # the reply's result (a dict) when ok
    code: str | None = None   # the error code when not
    sent: float = 0.0
    arrived: float = 0.0


class ConnectionLost(Exception):
    """The connection ended while a request waited for its reply."""


class Recorder:
    """Everything the run measures, shared by all clients (one asyncio thread: no locks)."""

    def __init__(self, cap: int = 500_000) -> None:
        self.cap = cap
        self.measure_from = math.inf
        self.measure_to = math.inf
        self.replies = Samples(cap)
        self.per_verb: dict[str, Samples] = {}
        self.timeline: dict[int, Samples] = {}              # reply latencies per 10 s of the measured window
        self.hello = Samples(cap)
        self.loop_lag = Samples(cap)
        self.commands = 0
        self.errors: Counter[str] = Counter()
        self.expected: Counter[str] = Counter()
        self.issued = 0
        self.issued_total = 0
        self.calls = 0
        self.calls_total = 0
        self.served = 0
        self.kiosk_skipped = 0
        self.frames = 0
        self.notices = 0
        self.gaps = 0
        self.duplicates = 0
        self.heads: dict[str, int] = {}
        self.call_sent: dict[str, tuple[str, float]] = {}   # ticket -> (office, send of call.next), measured calls
        self.arrivals: dict[str, list[float]] = {}          # ticket -> arrival of ticket.called at each board
        self.untracked = 0
        self.late_replies = 0

    def measuring(self, moment: float) -> bool:
        return self.measure_from <= moment < self.measure_to

    def error(self, code: str) -> None:
        self.errors[code] += 1

    def head(self, office: str, seq: int) -> None:
        if seq > self.heads.get(office, -1):
            self.heads[office] = seq

    def answered(self, verb: str, answer: Answer) -> None:
        if not self.measuring(answer.sent):
            return
        self.commands += 1
        latency = answer.arrived - answer.sent
        self.replies.add(latency)
        samples = self.per_verb.get(verb)
        if samples is None:
            samples = self.per_verb[verb] = Samples(self.cap)
        samples.add(latency)
        bucket = int((answer.sent - self.measure_from) // TIMELINE_S)
        slot = self.timeline.get(bucket)
        if slot is None:
            slot = self.timeline[bucket] = Samples(self.cap // 10)
        slot.add(latency)

    def refused(self, verb: str, code: str) -> None:
        if code in EXPECTED_CODES:
            self.expected[code] += 1
        else:
            self.error(f"{verb}:{code}")

    def called(self, office: str, ticket: str, sent: float) -> None:
        self.calls_total += 1
        if self.measuring(sent):
            self.calls += 1
            if len(self.call_sent) < MAX_TRACKED_TICKETS:
                self.call_sent[ticket] = (office, sent)

    def displayed(self, ticket: str, arrived: float) -> None:
        seen = self.arrivals.get(ticket)
        if seen is None:
            if len(self.arrivals) >= MAX_TRACKED_TICKETS:
                self.untracked += 1
                return
            seen = self.arrivals[ticket] = []
        seen.append(arrived)

    def call_to_display(self, boards_of: dict[str, int]) -> tuple[Samples, int]:
        """One sample per (measured call, board of its office); and how many boards never showed it."""
        samples = Samples(self.cap)
        not_shown = 0
        for ticket, (office, sent) in self.call_sent.items():
            seen = self.arrivals.get(ticket, [])
            samples.extend(arrived - sent for arrived in seen)
            not_shown += max(0, boards_of.get(office, 0) - len(seen))
        return samples, not_shown


class Client:
    """One websocket connection: hello, a reader task, request -> reply futures."""

    kind: Kind = Kind.BOARD
    parses_events = False

    def __init__(self, spec: ClientSpec, number: int, bench: Bench) -> None:
        self.spec = spec
        self.number = number
        self.bench = bench
        self.recorder = bench.recorder
        self.ws: ClientConnection | None = None
        self.reader: asyncio.Task[None] | None = None
        self.pending: dict[str, asyncio.Future[tuple[float, Reply | ErrorReply]]] = {}
        self.counter = 0
        self.closing = False
        self.lost = False
        self.timed_out: set[str] = set()
        self.snapshot: Snapshot | None = None
        self.got_snapshot = asyncio.Event()
        self.hello_result: dict[str, Any] = {}
        self.task: asyncio.Task[None] | None = None

    # -- connection ---------------------------------------------------------------------

    async def open(self, url: str, timeout: float) -> bool:
        """Connect, say hello, wait for the office's snapshot; False (and an error noted) on failure."""
        try:
            self.ws = await connect(url, compression=None, max_size=MAX_SERVER_FRAME, ping_interval=None,
                                    open_timeout=timeout, close_timeout=2)
        except Exception as problem:  # refused, reset, timed out, bad handshake: all count
            self.recorder.error(f"connect:{type(problem).__name__}")
            return False
        self.reader = asyncio.create_task(self._read())
        if self.spec.token is None:   # a password login: see Bench.login_gate
            async with self.bench.login_gate:
                answer = await self.request("hello", self._hello, timeout=timeout)
        else:
            answer = await self.request("hello", self._hello, timeout=timeout)
        if not answer.ok:
            return False
        self.recorder.hello.add(answer.arrived - answer.sent)
        self.hello_result = answer.result
        try:
            await asyncio.wait_for(self.got_snapshot.wait(), timeout)
        except TimeoutError:
            self.recorder.error("no_snapshot")
            return False
        return True

    def _hello(self, request_id: str) -> m.Hello:
        spec = self.spec
        if spec.token is not None:
            return m.Hello(id=request_id, protocol=PROTOCOL_VERSION, token=spec.token, client="talon-bench")
        return m.Hello(id=request_id, protocol=PROTOCOL_VERSION, username=spec.login, password=self.bench.password,
                       client="talon-bench")

    async def close(self) -> None:
        self.closing = True
        if self.ws is not None:
            with contextlib.suppress(Exception):  # closing what may already be gone
                await self.ws.close()
        if self.reader is not None:
            try:
                await asyncio.wait_for(self.reader, 5)
            except (TimeoutError, asyncio.CancelledError):
                self.reader.cancel()

    async def _read(self) -> None:
        assert self.ws is not None
        try:
            async for frame in self.ws:
                self._on_frame(frame, now())
        except ConnectionClosed:
            pass
        finally:
            self.lost = True
            if not self.closing:
                code, reason = self.ws.close_code, (self.ws.close_reason or "")[:40]
                self.recorder.error(f"closed:{code if code is not None else 'lost'}:{reason}")
            for future in self.pending.values():
                if not future.done():
                    future.set_exception(ConnectionLost())
            self.pending.clear()

    def _on_frame(self, frame: str | bytes, arrived: float) -> None:
        self.recorder.frames += 1
        if not self.parses_events and isinstance(frame, str) and frame.startswith(EVENT_PREFIX):
            return
        try:
            message = parse_server(frame)
        except ProtocolError as problem:
            self.recorder.error(f"bad_frame:{problem.code}")
            return
        if isinstance(message, Reply | ErrorReply):
            future = self.pending.pop(message.re, None) if message.re is not None else None
            if future is None and message.re in self.timed_out:
                self.timed_out.discard(message.re)
                self.recorder.late_replies += 1   # its timeout was counted already
            elif future is None:
                self.recorder.error("unmatched_reply" if message.re is not None
                                    else f"reply_without_id:{getattr(message, 'error', None)}")
            elif not future.done():
                future.set_result((arrived, message))
        elif isinstance(message, Snapshot):
            self.on_snapshot(message)
        elif isinstance(message, EventMessage):
            self.on_event(message, arrived)
        else:  # print and printer notices: not in the event log, nothing to check
            self.recorder.notices += 1

    def on_snapshot(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.recorder.head(snapshot.office, snapshot.seq)
        self.got_snapshot.set()

    def on_event(self, message: EventMessage, arrived: float) -> None:
        pass

    # -- requests -----------------------------------------------------------------------

    async def request(self, verb: str, build: Any, timeout: float | None = None) -> Answer:
        """Send ``build(request_id)`` and wait for its reply; ``Answer(ok=False, code=...)`` otherwise."""
        if self.ws is None or self.lost:
            return Answer(False, code="connection_lost")   # the close was counted once, by the reader
        self.counter += 1
        request_id = f"{self.bench.nonce}-{self.number}-{self.counter}"
        future: asyncio.Future[tuple[float, Reply | ErrorReply]] = asyncio.get_running_loop().create_future()
        self.pending[request_id] = future
        frame = encode(build(request_id))
        sent = now()
        try:
            await self.ws.send(frame)
            arrived, reply = await asyncio.wait_for(future, timeout or self.bench.timeout)
        except TimeoutError:
            self.pending.pop(request_id, None)
            if len(self.timed_out) < MAX_TIMED_OUT:
                self.timed_out.add(request_id)
            self.recorder.error(f"{verb}:timeout")
            return Answer(False, code="timeout", sent=sent)
        except (ConnectionClosed, ConnectionLost):
            self.pending.pop(request_id, None)   # the close itself is counted by the reader
            return Answer(False, code="connection_lost", sent=sent)
        if isinstance(reply, ErrorReply):
            answer = Answer(False, code=reply.error.code, sent=sent, arrived=arrived)
            self.recorder.refused(verb, reply.error.code)
        else:
            answer = Answer(True, result=reply.result, sent=sent, arrived=arrived)
            seq = reply.result.get("seq") if isinstance(reply.result, dict) else None
            if isinstance(seq, int):
                self.recorder.head(self.spec.office, seq)
        if verb != "hello":
            self.recorder.answered(verb, answer)
        return answer

    # -- behaviour ----------------------------------------------------------------------

    async def prepare(self) -> None:
        """After every client is connected, before the load starts."""

    async def run(self) -> None:
        """The load; returns soon after ``bench.stop`` is set."""


class Board(Client):
    """A hall or window board: receives every event of its office and checks the sequence."""

    kind = Kind.BOARD
    parses_events = True

    def __init__(self, spec: ClientSpec, number: int, bench: Bench) -> None:
        super().__init__(spec, number, bench)
        self.last: dict[str, int] = {}

    def on_snapshot(self, snapshot: Snapshot) -> None:
        self.last[snapshot.office] = snapshot.seq
        super().on_snapshot(snapshot)

    def on_event(self, message: EventMessage, arrived: float) -> None:
        recorder = self.recorder
        last = self.last.get(message.office)
        if last is None:
            recorder.error("event_before_snapshot")
        elif message.seq <= last:
            recorder.duplicates += 1
            return
        elif message.seq > last + 1:
            recorder.gaps += message.seq - last - 1
        self.last[message.office] = message.seq
        recorder.head(message.office, message.seq)
        event = message.event
        if event.type == EventType.TICKET_CALLED and event.ticket is not None:
            recorder.displayed(event.ticket, arrived)

    def behind(self) -> int:
        """Events of its office this board has not seen yet (by the highest seq anyone saw)."""
        office = self.spec.office
        return max(0, self.recorder.heads.get(office, 0) - self.last.get(office, 0))


class Kiosk(Client):
    """Issues tickets at ``rate`` per second (Poisson or evenly spaced) for services an open window serves."""

    kind = Kind.KIOSK

    def __init__(self, spec: ClientSpec, number: int, bench: Bench) -> None:
        super().__init__(spec, number, bench)
        self.rate = 0.0
        self.services: list[str] = []
        self.weights: list[float] = []
        self.inflight: set[asyncio.Task[None]] = set()
        self.random = random.Random(f"{bench.seed}-{number}")

    def choose_services(self, windows: set[int]) -> None:
        """A window chosen evenly among ``windows`` (the ones operators staff), then one of its services by weight."""
        assert self.snapshot is not None
        staffed = [w for w in self.snapshot.state.windows if w.number in windows and w.services]
        weights: dict[str, float] = {}
        for window in staffed:
            total = sum(window.services.values())
            for service, weight in window.services.items():
                weights[service] = weights.get(service, 0.0) + weight / total / len(staffed)
        self.services, self.weights = list(weights), list(weights.values())

    def _gap(self) -> float:
        return self.random.expovariate(self.rate) if self.bench.arrivals == "poisson" else 1.0 / self.rate

    async def run(self) -> None:
        if self.rate <= 0 or not self.services:
            return
        bench = self.bench
        next_at = bench.started + (self._gap() if bench.arrivals == "poisson" else self.random.uniform(0, 1 / self.rate))
        while await bench.pause_until(next_at) and not self.lost:
            if len(self.inflight) >= MAX_KIOSK_INFLIGHT:
                self.recorder.kiosk_skipped += 1
            else:
                service = self.random.choices(self.services, self.weights)[0]
                task = asyncio.create_task(self._issue(service))
                self.inflight.add(task)
                task.add_done_callback(self.inflight.discard)
            next_at += self._gap()
        if self.inflight:
            await asyncio.gather(*self.inflight, return_exceptions=True)

    async def _issue(self, service: str) -> None:
        answer = await self.request("ticket.issue", lambda rid: m.TicketIssue(id=rid, service=service))
        if answer.ok:
            self.recorder.issued_total += 1
            if self.recorder.measuring(answer.sent):
                self.recorder.issued += 1


class Manager(Client):
    """Follows the office with the staff's view; pings now and then, as a console does."""

    kind = Kind.MANAGER

    async def run(self) -> None:
        bench = self.bench
        next_at = bench.started + random.Random(self.number).uniform(0, MANAGER_PING_S)
        while await bench.pause_until(next_at) and not self.lost:
            await self.request("ping", lambda rid: m.Ping(id=rid))
            next_at += MANAGER_PING_S


class Operator(Client):
    """Opens its window, then call.next -> ticket.start -> ticket.finish once per ``interval``."""

    kind = Kind.OPERATOR

    def __init__(self, spec: ClientSpec, number: int, bench: Bench) -> None:
        super().__init__(spec, number, bench)
        self.current: str | None = None   # a ticket at the window whose service did not end cleanly
        self.ready = False

    async def prepare(self) -> None:
        window = self.spec.window
        assert window is not None
        if self.hello_result.get("window") == window:
            self.ready = True
            return
        answer = await self.request("window.open", lambda rid: m.WindowOpen(id=rid, window=window))
        self.ready = answer.ok

    async def run(self) -> None:
        if not self.ready:
            return
        bench = self.bench
        interval = bench.operator_interval
        next_at = bench.started + random.Random(self.number).uniform(0, interval)
        while await bench.pause_until(next_at) and not self.lost:
            if self.current is not None:
                await self._serve(self.current)
            answer = await self.request("call.next", lambda rid: m.CallNext(id=rid))
            if answer.ok:
                ticket = str(answer.result["ticket"])
                self.recorder.called(self.spec.office, ticket, answer.sent)
                await self._serve(ticket)
            next_at = max(next_at + interval, now() - interval)  # no burst to catch up after a stall

    async def _serve(self, ticket: str) -> None:
        """Start and finish ``ticket``; what fails stays in ``current`` and is retried next round."""
        self.current = ticket
        answer = await self.request("ticket.start", lambda rid: m.TicketStart(id=rid, ticket=ticket))
        if not answer.ok and answer.code != "ticket_serving":
            if answer.code in ("ticket_finished", "ticket_cancelled", "ticket_no_show"):
                self.current = None
            return
        answer = await self.request("ticket.finish", lambda rid: m.TicketFinish(id=rid, ticket=ticket, result=Result.DONE))
        if answer.ok or answer.code in ("ticket_finished", "ticket_cancelled", "ticket_no_show"):
            self.current = None
            if answer.ok:
                self.recorder.served += 1


ROLE_CLASSES: Final[dict[Kind, type[Client]]] = {
    Kind.KIOSK: Kiosk, Kind.BOARD: Board, Kind.MANAGER: Manager, Kind.OPERATOR: Operator,
}


class Bench:
    """What every client shares: the target, the clock marks, the stop signal, the recorder."""

    def __init__(self, url: str, *, password: str, timeout: float, seed: int, arrivals: str, cap: int,
                 login_concurrency: int = 4) -> None:
        self.url = url
        # Password logins at most this many at a time: the server's brake counts a password check in
        # flight as a failure until it succeeds, per login and per peer address, and refuses the 5th.
        self.login_gate = asyncio.Semaphore(login_concurrency)
        self.password = password
        self.timeout = timeout
        self.seed = seed
        self.arrivals = arrivals
        self.nonce = secrets.token_hex(4)   # request ids differ from any earlier run's on the same database
        self.recorder = Recorder(cap)
        self.stop = asyncio.Event()
        self.closing = False
        self.started = 0.0
        self.operator_interval = math.inf

    async def pause_until(self, moment: float) -> bool:
        """Sleep until ``moment`` (perf_counter) unless stopped first; False once stopped."""
        if self.stop.is_set():
            return False
        delay = moment - now()
        if delay > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.stop.wait(), delay)
        return not self.stop.is_set()
