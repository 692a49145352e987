"""``QueueClient``: one app's connection to the Talon server, kept alive (docs/protocol.md).

Kiosks, operator consoles and hall boards each hold one.  The client connects, says ``hello``,
keeps every office it follows current (an :class:`~queue_protocol.office_mirror.OfficeFeed`
with its mirror per office), answers ``request()`` calls with the matching reply, and when the
connection drops it reconnects by itself (backoff with full jitter, forever until
:meth:`QueueClient.close`), resumes from ``last_seq`` and re-sends unanswered requests with
their original ids, so the server's idempotency (docs/protocol.md, "Idempotency") makes a
retried ``ticket.issue`` return the original ticket.

Theory of operation
-------------------
One task (``_run``) owns the connection.  Each round: connect (``compression=None``,
``max_size=MAX_SERVER_FRAME``, the library's keepalive pings every 20 s with a 20 s timeout),
start the reader, send ``hello`` with ``last_seq`` of every office it has a mirror of, and
wait for its reply.  Then it re-sends the pending requests in the order they were made, and a
``ping`` whose reply marks the end of hello's catch-up (replies come in request order, after
the pushes hello announced).  The state is RESYNCING until that ping is answered and every
office is current, ONLINE after.  The reader dispatches each frame: replies resolve the
pending request with the same ``re``; snapshots and events go to their office's feed, which
applies them in ``seq`` order; a gap sends ``resync`` (state RESYNCING until it is filled).
When the connection ends the close code decides: bad credentials stop (AUTH_FAILED, or
AUTH_REQUIRED when only the session ran out), anything else goes OFFLINE and reconnects after
a backoff delay (``rate_limited`` waits longer).

``request()`` never sends on a connection that has not finished ``hello``: made while
offline, a request waits (bounded by its timeout) and is sent after the reconnect.  A request
that was sent but not answered when the connection dropped is sent again on the next one,
with the same id.  A request the codec refuses is refused locally, with the code the server
would have used, and never sent.

Credentials: a device token (kiosks, boards), a username + password (staff; the returned
session token replaces the password in memory at once, and reconnects use it), or a session
token.  An expired session moves to AUTH_REQUIRED; the app asks for the password and calls
:meth:`QueueClient.login`.

The lifecycle enum, the credentials, the exceptions and the callback types are in
:mod:`queue_protocol.client_types` and re-exported here (see its docstring for the exception
tree).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, TypeVar

import msgspec
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidURI, WebSocketException
from websockets.uri import parse_uri

from .backoff import Backoff
from .client_types import (
    TRANSITIONS,
    AuthError,
    ClientClosed,
    ConnectionState,
    Credentials,
    DeviceToken,
    EventCallback,
    Notice,
    NoticeCallback,
    PasswordLogin,
    QueueClientError,
    RequestError,
    RequestTimeout,
    SentCallback,
    SessionToken,
    SnapshotCallback,
    StateCallback,
    hello_fields,
)
from .codec import (
    MAX_SERVER_FRAME,
    PROTOCOL_VERSION,
    CloseCode,
    ErrorCode,
    ProtocolError,
    parse_client,
    parse_server,
    result_as,
    should_reconnect,
)
from .enums import Role
from .messages import MAX_CLIENT_LEN
from .office_mirror import FORCE_SNAPSHOT_AFTER, FeedVerdict, OfficeFeed, OfficeMirror
from .replies import ErrorReply, EventMessage, Reply, Snapshot
from .views import HelloResult, OfficeView, ResyncResult

__all__ = [
    "AuthError", "Backoff", "ClientClosed", "ConnectionState", "Credentials", "DeviceToken", "EventCallback",
    "Notice", "NoticeCallback", "PasswordLogin", "QueueClient", "QueueClientError", "RequestError",
    "RequestTimeout", "SentCallback", "SessionToken", "SnapshotCallback", "StateCallback",
]

log = logging.getLogger("talon.client")

KEEPALIVE_INTERVAL_S: Final = 20.0   # docs/protocol.md, "Transport": pings every 20 s ...
KEEPALIVE_TIMEOUT_S: Final = 20.0    # ... and a peer that does not answer within 20 s is dropped
INTERNAL_VERBS: Final = frozenset({"hello", "resync"})   # the client sends these itself

V = TypeVar("V", bound=msgspec.Struct)


class _ConnectionLost(Exception):
    """Internal: a connection-bound request lost its connection."""


@dataclass(eq=False)
class _Pending:
    id: str
    verb: str
    frame: str
    future: asyncio.Future[Reply]
    internal: bool = False                                 # connection-bound: never replayed
    on_reply: Callable[[Reply | ErrorReply | None], None] | None = None   # internal ones: None = lost
    sent_on: int = 0                                       # the connection generation it was sent on


@dataclass(frozen=True)
class _Outcome:
    """How a connection round ended, and so what the run loop does next."""

    next_state: ConnectionState            # OFFLINE (retry), AUTH_REQUIRED or AUTH_FAILED
    detail: str
    slow: bool = False                     # rate limited: back off longer


_REFUSED_FOR_GOOD: Final = {CloseCode.AUTH_FAILED, CloseCode.CREDENTIALS_REVOKED, CloseCode.PROTOCOL_VERSION}
_REFUSAL_CODES: Final = {ErrorCode.AUTH_FAILED, ErrorCode.PROTOCOL_VERSION}


class QueueClient:
    """A kept-alive connection to ``url`` (``ws://host:port/``).  Use in one asyncio loop.

    Call order: ``start()`` (in a running loop) or ``async with client:``; then any number of
    ``await request(...)``; finally ``await close()``.  Callbacks run in the loop, synchronously,
    in wire order: ``on_state(state, detail)`` on every change; ``on_snapshot(office, view)`` and
    ``on_event(office, message)`` after the office's mirror changed; ``on_notice(office,
    notice)`` for print and printer notices; ``on_sent(request_id, verb)`` when a request frame
    was handed to the socket (logs, tests).  A callback that raises is logged and ignored.
    """

    def __init__(
        self, url: str, credentials: Credentials, *, client_name: str, request_timeout: float = 10.0,
        on_state: StateCallback | None = None, on_snapshot: SnapshotCallback | None = None,
        on_event: EventCallback | None = None, on_notice: NoticeCallback | None = None,
        on_sent: SentCallback | None = None,
        backoff: Backoff | None = None, open_timeout: float = 10.0,
        keepalive_interval: float | None = KEEPALIVE_INTERVAL_S, keepalive_timeout: float | None = KEEPALIVE_TIMEOUT_S,
    ) -> None:
        try:
            parse_uri(url)
        except InvalidURI as error:
            raise ValueError(f"not a websocket URL: {url!r}") from error
        self.url = url
        self.client_name = client_name[:MAX_CLIENT_LEN]
        self.request_timeout = request_timeout
        self.open_timeout = open_timeout
        self.keepalive_interval = keepalive_interval
        self.keepalive_timeout = keepalive_timeout
        self.backoff = backoff if backoff is not None else Backoff()
        self._credentials: Credentials = credentials
        self._on_state = on_state
        self._on_snapshot = on_snapshot
        self._on_event = on_event
        self._on_notice = on_notice
        self._on_sent = on_sent
        self._state = ConnectionState.OFFLINE
        self._detail = ""
        self._hello: HelloResult | None = None
        self._feeds: dict[str, OfficeFeed] = {}
        self._pending: dict[str, _Pending] = {}
        self._ws: ClientConnection | None = None
        self._generation = 0
        self._ready = False              # hello done and pending requests replayed on this connection
        self._caught_up = False          # the ping after hello was answered
        self._run_task: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._wake: asyncio.Event | None = None
        self._state_waiters: set[asyncio.Future[None]] = set()

    # -- lifecycle ---------------------------------------------------------------------

    def start(self) -> None:
        """Begin connecting (and keep reconnecting).  Needs a running loop."""
        if self._run_task is not None:
            raise RuntimeError("start() was already called")
        if self._state is ConnectionState.CLOSED:
            raise ClientClosed("the client is closed")
        self._wake = asyncio.Event()
        self._run_task = asyncio.get_running_loop().create_task(self._run(), name=f"talon-client {self.url}")

    async def close(self) -> None:
        """Stop for good: close the connection, fail the pending requests with :class:`ClientClosed`."""
        if self._state is ConnectionState.CLOSED:
            return
        self._set_state(ConnectionState.CLOSED, "closed by the app")
        if self._run_task is not None:
            self._run_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._run_task
        for task in list(self._tasks):
            task.cancel()
        for pending in list(self._pending.values()):
            if not pending.future.done():
                pending.future.set_exception(ClientClosed("the client was closed"))
                pending.future.exception()   # retrieved: no "never retrieved" warning if nobody waits

    async def __aenter__(self) -> QueueClient:
        self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def set_credentials(self, credentials: Credentials) -> None:
        """New credentials for the next hello; leaves AUTH_REQUIRED / AUTH_FAILED at once."""
        self._credentials = credentials
        if self._state in (ConnectionState.AUTH_REQUIRED, ConnectionState.AUTH_FAILED) and self._run_task is not None:
            self._set_state(ConnectionState.CONNECTING, "new credentials")
        if self._wake is not None:
            self._wake.set()

    def login(self, username: str, password: str) -> None:
        """The password again, after AUTH_REQUIRED (or a first login)."""
        self.set_credentials(PasswordLogin(username, password))

    def drop_connection(self) -> None:
        """Abort the current connection as if the network failed (the client reconnects by itself).

        For a "network changed" button and for tests; does nothing while not connected.
        """
        if self._ws is not None:
            self._ws.transport.abort()

    # -- what the app reads ------------------------------------------------------------

    @property
    def state(self) -> ConnectionState:
        return self._state

    @property
    def detail(self) -> str:
        """Why the state is what it is (a close code, an error), for people and logs."""
        return self._detail

    @property
    def hello(self) -> HelloResult | None:
        """The last hello reply: role, user, offices, window, printer, verbs."""
        return self._hello

    @property
    def session(self) -> SessionToken | None:
        """The session token in use (staff), e.g. to keep it across an app restart."""
        return self._credentials if isinstance(self._credentials, SessionToken) else None

    @property
    def offices(self) -> list[str]:
        return list(self._feeds)

    def mirror(self, office: str) -> OfficeMirror | None:
        feed = self._feeds.get(office)
        return feed.mirror if feed is not None else None

    def view(self, office: str) -> OfficeView | None:
        """The office as the client knows it now (``None`` before its first snapshot)."""
        mirror = self.mirror(office)
        return mirror.view() if mirror is not None else None

    @property
    def last_seq(self) -> dict[str, int]:
        return {o: f.last_seq for o, f in self._feeds.items() if f.mirror is not None and f.last_seq is not None}

    @property
    def pending_count(self) -> int:
        return sum(1 for p in self._pending.values() if not p.internal)

    async def wait_for_state(self, *states: ConnectionState, timeout: float) -> ConnectionState:
        """Wait until the state is one of ``states``; raises ``TimeoutError`` after ``timeout`` s."""
        loop = asyncio.get_running_loop()
        async with asyncio.timeout(timeout):
            while self._state not in states:
                waiter: asyncio.Future[None] = loop.create_future()
                self._state_waiters.add(waiter)
                try:
                    await waiter
                finally:
                    self._state_waiters.discard(waiter)
        return self._state

    async def wait_online(self, timeout: float) -> None:
        """Wait for ONLINE; raises :class:`AuthError` if the credentials are refused, ``TimeoutError``."""
        state = await self.wait_for_state(ConnectionState.ONLINE, ConnectionState.AUTH_FAILED,
                                          ConnectionState.AUTH_REQUIRED, ConnectionState.CLOSED, timeout=timeout)
        if state is ConnectionState.CLOSED:
            raise ClientClosed("the client is closed")
        if state is not ConnectionState.ONLINE:
            raise AuthError(state.value, self._detail)

    # -- requests ----------------------------------------------------------------------

    def new_request_id(self) -> str:
        """A fresh request id (unique per principal: a UUID)."""
        return uuid.uuid4().hex

    async def request(
        self, verb: str, /, *, request_id: str | None = None, timeout: float | None = None, **fields: Any,
    ) -> dict[str, Any]:
        """Send ``{"type": verb, "id": ..., **fields}`` and return the reply's ``result``.

        Raises :class:`RequestError` (``ok: false``, or refused by the codec before sending),
        :class:`RequestTimeout` after ``timeout`` (default ``request_timeout``) seconds counted
        from this call, offline time included, :class:`AuthError`, :class:`ClientClosed`.
        Pass ``request_id`` to retry a request whose outcome is unknown.
        """
        reply = await self._request(verb, request_id, timeout, fields)
        result = reply.result
        return dict(result) if isinstance(result, Mapping) else {}

    async def request_as(
        self, cls: type[V], verb: str, /, *, request_id: str | None = None, timeout: float | None = None,
        **fields: Any,
    ) -> V:
        """:meth:`request`, with the result typed as ``cls`` (``views.RESULT_FOR_VERB[verb]``)."""
        reply = await self._request(verb, request_id, timeout, fields)
        try:
            return result_as(reply, cls)
        except ProtocolError as error:
            raise RequestError(error.code, error.message, reply.re) from None

    async def _request(self, verb: str, request_id: str | None, timeout: float | None,
                       fields: dict[str, Any]) -> Reply:
        if self._state is ConnectionState.CLOSED:
            raise ClientClosed("the client is closed")
        if verb in INTERNAL_VERBS:
            raise ValueError(f"{verb} is sent by the client itself")
        rid = request_id if request_id is not None else self.new_request_id()
        if rid in self._pending:
            raise ValueError(f"request id {rid!r} is already waiting for its reply")
        frame = _encode(verb, rid, fields)
        if self._state is ConnectionState.AUTH_FAILED:
            raise AuthError(ErrorCode.AUTH_FAILED, self._detail, rid)
        limit = self.request_timeout if timeout is None else timeout
        pending = _Pending(rid, verb, frame, asyncio.get_running_loop().create_future())
        self._pending[rid] = pending
        try:
            async with asyncio.timeout(limit):
                await self._transmit(pending)
                return await pending.future
        except TimeoutError:
            raise RequestTimeout(rid, verb, limit) from None
        finally:
            self._pending.pop(rid, None)

    async def _transmit(self, pending: _Pending) -> None:
        """Send now if this connection is ready; otherwise the next replay sends it."""
        ws = self._ws
        if ws is None or not self._ready:
            return
        pending.sent_on = self._generation
        try:
            await ws.send(pending.frame)
        except ConnectionClosed:
            return   # the reconnect replays it
        self._notify_sent(pending)

    def _send_internal(self, verb: str, fields: dict[str, Any],
                       on_reply: Callable[[Reply | ErrorReply | None], None]) -> None:
        """Send a connection-bound request (resync, the catch-up ping); ``on_reply(None)`` if lost."""
        ws = self._ws
        rid = self.new_request_id()
        loop = asyncio.get_running_loop()
        pending = _Pending(rid, verb, _encode(verb, rid, fields), loop.create_future(), internal=True,
                           on_reply=on_reply, sent_on=self._generation)
        if ws is None:
            on_reply(None)
            return
        self._pending[rid] = pending

        async def send() -> None:
            try:
                await ws.send(pending.frame)
            except ConnectionClosed:
                return   # the connection's end fails it
            self._notify_sent(pending)

        self._spawn(send())

    # -- the connection loop -----------------------------------------------------------

    async def _run(self) -> None:
        assert self._wake is not None
        while True:
            if self._state in (ConnectionState.AUTH_REQUIRED, ConnectionState.AUTH_FAILED):
                self._wake.clear()
                await self._wake.wait()
            self._wake.clear()
            self._set_state(ConnectionState.CONNECTING, "")
            try:
                outcome = await self._connect_once()
            except Exception as error:   # a bug of ours must not end the reconnecting for good
                log.exception("%s: connection round failed", self.url)
                outcome = _Outcome(ConnectionState.OFFLINE, f"client error: {error!r}", slow=True)
            self._set_state(outcome.next_state, outcome.detail)
            if outcome.next_state is ConnectionState.AUTH_FAILED:
                self._fail_pending(AuthError(ErrorCode.AUTH_FAILED, outcome.detail))
                continue
            if outcome.next_state is ConnectionState.AUTH_REQUIRED:
                continue
            delay = self.backoff.slow_delay() if outcome.slow else self.backoff.next_delay()
            log.info("%s: offline (%s); reconnecting in %.2f s", self.url, outcome.detail, delay)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), delay)

    async def _connect_once(self) -> _Outcome:
        try:
            ws = await connect(
                self.url, compression=None, max_size=MAX_SERVER_FRAME, open_timeout=self.open_timeout,
                ping_interval=self.keepalive_interval, ping_timeout=self.keepalive_timeout, close_timeout=2.0,
                user_agent_header=f"{self.client_name or 'talon-client'} (websockets)",
            )
        except (OSError, TimeoutError, WebSocketException) as error:
            return _Outcome(ConnectionState.OFFLINE, f"cannot connect: {error or type(error).__name__}")
        self._generation += 1
        self._ws = ws
        connected_at: float | None = None
        reader = asyncio.get_running_loop().create_task(self._read(ws), name="talon-client reader")
        try:
            outcome = await self._hello_round(ws)
            if outcome is not None:
                return outcome
            connected_at = time.monotonic()
            await self._after_hello(ws)
            await reader
            return _classify_close(ws.close_code, ws.close_reason)
        except ConnectionClosed:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(reader, 1.0)
            return _classify_close(ws.close_code, ws.close_reason)
        finally:
            self._ws = None
            self._ready = self._caught_up = False
            reader.cancel()
            ws.transport.abort()
            await asyncio.gather(reader, return_exceptions=True)
            self._connection_ended()
            if connected_at is not None:
                self.backoff.connection_ended(time.monotonic() - connected_at)

    async def _hello_round(self, ws: ClientConnection) -> _Outcome | None:
        """Send hello and wait for its reply; ``None`` when accepted, else how the round ends.

        The reply is handled in the reader, synchronously (``on_hello``): the snapshots that
        follow it must find the role and the offices in place.
        """
        loop = asyncio.get_running_loop()
        decided: asyncio.Future[_Outcome | None] = loop.create_future()

        def on_hello(reply: Reply | ErrorReply | None) -> None:
            if decided.done():
                return
            if reply is None:
                decided.set_result(_classify_close(ws.close_code, ws.close_reason))
            elif isinstance(reply, ErrorReply):
                decided.set_result(self._refused(reply.error.code, reply.error.message))
            else:
                try:
                    hello = result_as(reply, HelloResult)
                except ProtocolError as error:
                    decided.set_result(_Outcome(ConnectionState.OFFLINE, f"unreadable hello reply: {error}", slow=True))
                    return
                self._accept_hello(hello)
                decided.set_result(None)

        rid = self.new_request_id()
        fields: dict[str, Any] = {"protocol": PROTOCOL_VERSION, **hello_fields(self._credentials),
                                  "client": self.client_name}
        if self.last_seq:
            fields["last_seq"] = self.last_seq
        pending = _Pending(rid, "hello", _encode("hello", rid, fields), loop.create_future(), internal=True,
                           on_reply=on_hello, sent_on=self._generation)
        self._pending[rid] = pending
        try:
            await ws.send(pending.frame)
            async with asyncio.timeout(self.request_timeout):
                return await decided
        except TimeoutError:
            return _Outcome(ConnectionState.OFFLINE, "no reply to hello")
        finally:
            self._pending.pop(rid, None)

    def _refused(self, code: str, message: str) -> _Outcome:
        detail = f"{code}: {message}"
        if code in _REFUSAL_CODES:
            return _Outcome(ConnectionState.AUTH_FAILED, detail)
        if code == ErrorCode.SESSION_EXPIRED:
            return _Outcome(ConnectionState.AUTH_REQUIRED, detail)
        return _Outcome(ConnectionState.OFFLINE, detail, slow=code == ErrorCode.RATE_LIMITED)

    def _accept_hello(self, hello: HelloResult) -> None:
        self._hello = hello
        if hello.session is not None:
            username = getattr(self._credentials, "username", None) or hello.user
            self._credentials = SessionToken(hello.session, username, hello.session_expires_at)
        for office in [o for o in self._feeds if o not in hello.offices]:
            del self._feeds[office]
        for office in hello.offices:
            feed = self._feeds.setdefault(office, OfficeFeed(office, hello.role))
            if feed.role is not Role(hello.role):   # the same client, another role: start that office afresh
                self._feeds[office] = OfficeFeed(office, hello.role)
        self._set_state(ConnectionState.RESYNCING, "")

    async def _after_hello(self, ws: ClientConnection) -> None:
        """Re-send the pending requests in order, then the catch-up ping; then the reader runs on."""
        generation = self._generation
        while True:
            unsent = [p for p in self._pending.values()
                      if not p.internal and p.sent_on != generation and not p.future.done()]
            if not unsent:
                break
            for pending in unsent:
                pending.sent_on = generation
                await ws.send(pending.frame)
                self._notify_sent(pending)
        self._ready = True   # no await since the last check: nothing can slip in between

        def caught_up(reply: Reply | ErrorReply | None) -> None:
            if reply is not None:
                self._caught_up = True
                self._update_sync_state()

        self._send_internal("ping", {}, caught_up)

    async def _read(self, ws: ClientConnection) -> None:
        try:
            async for frame in ws:
                try:
                    self._on_frame(frame)
                except Exception:   # one bad frame (or a bug of ours) must not stop the reader
                    log.exception("%s: failed to handle a server frame", self.url)
        except ConnectionClosed:
            pass
        finally:
            self._connection_ended()

    def _connection_ended(self) -> None:
        """Fail what was bound to the connection (hello, resync, the catch-up ping); idempotent."""
        lost = [p for p in self._pending.values() if p.internal]
        for pending in lost:
            self._pending.pop(pending.id, None)
            if pending.on_reply is not None:
                pending.on_reply(None)
            if not pending.future.done():
                pending.future.set_exception(_ConnectionLost())
                pending.future.exception()
        for feed in self._feeds.values():
            feed.connection_lost()

    def _fail_pending(self, error: Exception) -> None:
        for pending in list(self._pending.values()):
            if not pending.future.done():
                pending.future.set_exception(error)
                pending.future.exception()

    # -- incoming frames ---------------------------------------------------------------

    def _on_frame(self, frame: str | bytes) -> None:
        try:
            message = parse_server(frame)
        except ProtocolError as error:
            log.warning("%s: unreadable server frame (%s)", self.url, error)
            return
        if isinstance(message, Reply | ErrorReply):
            self._on_reply(message)
        elif isinstance(message, Snapshot):
            self._on_push_snapshot(message)
        elif isinstance(message, EventMessage):
            self._on_push_event(message)
        else:   # print / printer notices: not in the event log, no seq; the latest one wins
            self._notify(self._on_notice, message.office, message)

    def _on_reply(self, reply: Reply | ErrorReply) -> None:
        if isinstance(reply, ErrorReply) and reply.re is None:
            log.error("%s: the server could not read a frame of ours: %s", self.url, reply.error.message)
            return
        assert reply.re is not None
        pending = self._pending.get(reply.re)
        if pending is None or pending.future.done():
            log.debug("%s: reply to %s, which nobody waits for", self.url, reply.re)
            return
        if pending.on_reply is not None:
            self._pending.pop(pending.id, None)
            pending.on_reply(reply)
            pending.future.cancel()
            return
        if isinstance(reply, Reply):
            pending.future.set_result(reply)
        else:
            pending.future.set_exception(RequestError(reply.error.code, reply.error.message, reply.re))

    def _feed(self, office: str) -> OfficeFeed | None:
        feed = self._feeds.get(office)
        if feed is None and self._hello is not None:   # an office the hello did not name: follow it anyway
            feed = self._feeds[office] = OfficeFeed(office, self._hello.role)
        return feed

    def _on_push_snapshot(self, snapshot: Snapshot) -> None:
        feed = self._feed(snapshot.office)
        if feed is None:
            log.warning("%s: a snapshot before the hello reply; dropped", self.url)
            return
        feed.on_snapshot(snapshot)
        assert feed.mirror is not None
        self._notify(self._on_snapshot, snapshot.office, feed.mirror.view())
        self._update_sync_state()

    def _on_push_event(self, message: EventMessage) -> None:
        feed = self._feed(message.office)
        if feed is None:
            log.warning("%s: an event before the hello reply; dropped", self.url)
            return
        verdict = feed.on_event(message)
        if verdict in (FeedVerdict.APPLIED, FeedVerdict.NEED_SNAPSHOT):
            self._notify(self._on_event, message.office, message)
        if verdict is FeedVerdict.GAP:
            log.info("%s: %s seq %d after %s: resync", self.url, message.office, message.seq, feed.last_seq)
            self._resync(feed, feed.resync_after())
        elif verdict is FeedVerdict.NEED_SNAPSHOT:
            self._resync(feed, FORCE_SNAPSHOT_AFTER)
        self._update_sync_state()

    def _resync(self, feed: OfficeFeed, after_seq: int) -> None:
        def done(reply: Reply | ErrorReply | None) -> None:
            if isinstance(reply, Reply):
                try:
                    result = result_as(reply, ResyncResult)
                except ProtocolError as error:
                    log.warning("%s: unreadable resync reply: %s", self.url, error)
                    feed.resync_failed()
                else:
                    feed.on_resync_result(result.mode, result.to_seq)
            else:
                if reply is not None:
                    log.warning("%s: resync of %s refused: %s", self.url, feed.office, reply.error.message)
                feed.resync_failed()
            self._update_sync_state()

        self._send_internal("resync", {"office": feed.office, "after_seq": after_seq}, done)

    # -- state and notifications -------------------------------------------------------

    def _update_sync_state(self) -> None:
        if self._state not in (ConnectionState.RESYNCING, ConnectionState.ONLINE) or self._hello is None:
            return
        current = self._caught_up and all(
            office in self._feeds and self._feeds[office].current for office in self._hello.offices)
        target = ConnectionState.ONLINE if current else ConnectionState.RESYNCING
        if target is not self._state:
            self._set_state(target, "")

    def _set_state(self, state: ConnectionState, detail: str) -> None:
        if state is self._state and detail == self._detail:
            return
        if state is not self._state and state not in TRANSITIONS[self._state]:
            raise AssertionError(f"illegal connection state change {self._state} -> {state}")
        self._state, self._detail = state, detail
        for waiter in self._state_waiters:
            if not waiter.done():
                waiter.set_result(None)
        self._notify(self._on_state, state, detail)

    def _notify(self, callback: Callable[..., None] | None, *args: Any) -> None:
        if callback is None:
            return
        try:
            callback(*args)
        except Exception:
            log.exception("%s: a callback of the app failed", self.url)

    def _notify_sent(self, pending: _Pending) -> None:
        if not pending.internal:
            self._notify(self._on_sent, pending.id, pending.verb)

    def _spawn(self, coro: Any) -> None:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


def _encode(verb: str, request_id: str, fields: Mapping[str, Any]) -> str:
    """The request frame, checked by the same codec the server parses it with."""
    frame = msgspec.json.encode({"type": verb, "id": request_id, **fields}).decode("utf-8")
    try:
        parse_client(frame)
    except ProtocolError as error:
        raise RequestError(error.code, error.message, request_id) from None
    return frame


def _classify_close(code: int | None, reason: str | None) -> _Outcome:
    detail = f"closed {code}" + (f" ({reason})" if reason else "") if code is not None else "connection lost"
    if code in _REFUSED_FOR_GOOD:
        return _Outcome(ConnectionState.AUTH_FAILED, detail)
    if code == CloseCode.SESSION_EXPIRED:
        return _Outcome(ConnectionState.AUTH_REQUIRED, detail)
    if code == CloseCode.RATE_LIMITED:
        return _Outcome(ConnectionState.OFFLINE, detail, slow=True)
    # Codes should_reconnect() does not list (1000 from the server, 1002, 1008, ...) say
    # "something is off"; a kiosk must still come back by itself, so retry, but slowly.
    return _Outcome(ConnectionState.OFFLINE, detail, slow=not should_reconnect(code))
