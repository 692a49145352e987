"""One websocket connection: hello, then requests in order, replies and live events out.

Call order: ``serve()`` runs the connection to its end.  Everything sent goes through one
``Outbox`` (``outbox.py``: the frames queued in a loop iteration go out in one write), so a
command's reply is queued before the events it caused (the fan-out runs after the reply is
queued) and a snapshot before any later event of its office.  While an office's snapshot or
missed events are being read, live events of that office are held and then released above the
``seq`` the catch-up reached (the floor), so the client sees every event exactly once and in
order.  The connection deregisters from the fan-out in ``finally``, whatever ends it.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import msgspec
from websockets.asyncio.server import ServerConnection
from websockets.exceptions import ConnectionClosed

from queue_protocol import messages as m
from queue_protocol.codec import (
    HELLO_TIMEOUT_S,
    MAX_BAD_FRAMES,
    PROTOCOL_VERSION,
    CloseCode,
    ErrorCode,
    ProtocolError,
    encode,
    parse_client,
)
from queue_protocol.replies import Reply
from queue_protocol.views import HelloResult, PingResult, ResyncResult
from queue_protocol.wire_time import format_utc

from .auth import AuthError
from .dispatch import Outcome, error
from .outbox import Outbox
from .principal import Principal

if TYPE_CHECKING:
    from .server import TalonServer

log = logging.getLogger("talon.connection")
MAX_OUTBOX = 10_000       # frames queued for a client that does not read: then it is dropped
CLOSE_FOR_AUTH = {ErrorCode.AUTH_FAILED: CloseCode.AUTH_FAILED, ErrorCode.SESSION_EXPIRED: CloseCode.SESSION_EXPIRED,
                  ErrorCode.RATE_LIMITED: CloseCode.RATE_LIMITED, ErrorCode.PROTOCOL_VERSION: CloseCode.PROTOCOL_VERSION}


def _json(value: Any) -> str:
    return msgspec.json.encode(value).decode()


class Connection:
    def __init__(self, server: TalonServer, ws: ServerConnection) -> None:
        self.server = server
        self.ws = ws
        self.principal: Principal | None = None
        self.public = False      # a kiosk or a board (the fan-out asks for each event)
        self.outbox = Outbox(ws, server.flusher, MAX_OUTBOX, self._too_slow)
        self._closer: asyncio.Task[None] | None = None
        self.floors: dict[str, int] = {}
        self.holding: dict[str, list[tuple[int, bytes]]] = {}
        self.held_notices: dict[str, list[str | bytes]] = {}
        self.bad_frames = 0
        self.peer = str(ws.remote_address[0]) if ws.remote_address else "?"

    # -- the fan-out's side -------------------------------------------------------------

    def push_event(self, office: str, seq: int, frame: bytes) -> None:
        held = self.holding.get(office)
        if held is not None:
            held.append((seq, frame))
        elif seq > self.floors.get(office, 0):
            self.floors[office] = seq
            self.send(frame)

    def push_notice(self, office: str, frame: str | bytes) -> None:
        """A print or printer notice: never before the office's snapshot (lifecycle rule 3)."""
        if office in self.holding or office not in self.floors:
            self.held_notices.setdefault(office, []).append(frame)
        else:
            self.send(frame)

    def send(self, frame: str | bytes) -> None:
        self.outbox.put(frame)

    def _too_slow(self) -> None:
        log.warning("%s does not read; dropping it (it will resync)", self.peer)
        self.holding.clear()
        self._closer = asyncio.get_running_loop().create_task(self.ws.close(1001, "too slow: reconnect and resync"))

    # -- the client's side --------------------------------------------------------------

    async def serve(self) -> None:
        try:
            if await self._hello():
                async for frame in self.ws:
                    if not await self._request(frame):
                        break
        except ConnectionClosed:
            pass
        finally:
            self.server.fanout.unsubscribe(self)
            await self._drain()

    async def _drain(self, timeout: float = 2.0) -> None:
        """Let queued frames go out (an error reply before a close), then write no more."""
        deadline = time.monotonic() + timeout
        while not self.outbox.empty() and not self.outbox.overflowed and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        self.outbox.discard()

    async def _close(self, code: int, reason: str) -> None:
        deadline = time.monotonic() + 2.0
        while not self.outbox.empty() and time.monotonic() < deadline:
            await asyncio.sleep(0.01)
        await self.ws.close(code, reason)

    def _parse(self, frame: str | bytes) -> m.ClientMessage | None:
        try:
            message = parse_client(frame)
        except ProtocolError as problem:
            self.bad_frames += 1
            self.send(encode(problem.to_reply()))
            return None
        self.bad_frames = 0
        return message

    async def _hello(self) -> bool:
        deadline = time.monotonic() + HELLO_TIMEOUT_S
        while True:
            try:
                frame = await asyncio.wait_for(self.ws.recv(), max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                await self._close(CloseCode.AUTH_TIMEOUT, "no hello in time")
                return False
            message = self._parse(frame)
            if message is None:
                if self.bad_frames >= MAX_BAD_FRAMES:
                    await self._close(CloseCode.TOO_MANY_ERRORS, "too many bad frames")
                    return False
                continue
            if not isinstance(message, m.Hello):
                self.send(_json(error(message.id, ErrorCode.NOT_AUTHENTICATED, "send hello first")))
                continue
            try:
                result = await self._authenticate(message)
            except AuthError as refused:
                self.send(_json(error(message.id, refused.code, str(refused))))
                await self._close(CLOSE_FOR_AUTH.get(ErrorCode(refused.code), CloseCode.AUTH_FAILED), str(refused))
                return False
            self.send(encode(Reply(re=message.id, result=result)))
            assert self.principal is not None
            for office in self.principal.offices:
                await self._follow(office, (message.last_seq or {}).get(office))
            return True

    async def _authenticate(self, hello: m.Hello) -> HelloResult:
        server, auth = self.server, self.server.auth
        now = datetime.now(UTC)
        if hello.protocol != PROTOCOL_VERSION:
            raise AuthError(ErrorCode.PROTOCOL_VERSION, f"this server speaks protocol {PROTOCOL_VERSION}")
        session = expires = None
        if hello.token is not None:
            principal = auth.device(hello.token)
        elif hello.session is not None:
            principal, expires = await server.in_db(auth.resume_session, hello.session, now)
        else:
            assert hello.username is not None and hello.password is not None
            account, peer = f"login:{hello.username.casefold()}", f"peer:{self.peer}"
            if auth.brake.blocked(account, peer):
                raise AuthError(ErrorCode.RATE_LIMITED, "too many failed logins; wait a minute")
            # counted before the slow check, so parallel guesses at one account are braked too; the
            # address counts only real failures, so a hall of consoles behind one NAT can sign in at once
            auth.brake.failed(account)
            try:
                principal = await asyncio.to_thread(auth.check_password, hello.username, hello.password)
            except AuthError:
                auth.brake.failed(peer)
                raise
            auth.brake.forgive(account)
            opened = await server.in_db(auth.open_session, principal, now)
            session, expires = opened.token, opened.expires_at
        if principal.device_window is None and not principal.is_public:
            principal.window = await server.in_db(server.open_window_of, principal.office, principal.user)
        self.principal, self.public = principal, principal.is_public
        server.authenticated(self)
        return HelloResult(
            protocol=PROTOCOL_VERSION, role=principal.role, user=principal.user, name=principal.name,
            office=principal.office, offices=list(principal.offices),
            window=principal.window if principal.window is not None else principal.device_window,
            printer=principal.printer, verbs=sorted(server.verbs_of(principal)), session=session,
            session_expires_at=format_utc(expires) if expires else None, server_time=format_utc(now),
        )

    async def _follow(self, office: str, after: int | None) -> tuple[str, int]:
        """Send the office's snapshot or missed events, then its live events from there on."""
        assert self.principal is not None
        self.holding[office] = []
        self.server.fanout.subscribe(office, self)
        mode, frames, upto = await self.server.in_db(self.server.catch_up, office, self.principal.role, after)
        return mode, self._release(office, frames, upto)

    async def refresh(self, office: str) -> None:
        """A fresh snapshot of ``office`` (time changed what it shows), in order with the live events."""
        await self._follow(office, None)

    def _release(self, office: str, frames: list[str], upto: int) -> int:
        for frame in frames:
            self.send(frame)
        self.floors[office] = upto
        for seq, event_frame in self.holding.pop(office, []):
            if seq > self.floors[office]:
                self.floors[office] = seq
                self.send(event_frame)
        for notice_frame in self.held_notices.pop(office, []):
            self.send(notice_frame)
        return upto

    async def _request(self, frame: str | bytes) -> bool:
        """Handle one frame; False when the connection must end."""
        message = self._parse(frame)
        if message is None:
            if self.bad_frames >= MAX_BAD_FRAMES:
                await self._close(CloseCode.TOO_MANY_ERRORS, "too many bad frames")
                return False
            return True
        principal = self.principal
        assert principal is not None
        if isinstance(message, m.Hello):
            self.send(_json(error(message.id, ErrorCode.ALREADY_AUTHENTICATED, "this connection is authenticated")))
            return True
        if principal.role not in m.ROLES_FOR_VERB[message.verb]:
            self.send(_json(error(message.id, ErrorCode.FORBIDDEN, f"a {principal.role.value} may not send {message.verb}")))
            return True
        try:
            await self._dispatch(message, principal)
        except Exception:
            log.exception("internal error on %s from %s", message.verb, principal.user)
            self.send(_json(error(message.id, ErrorCode.INTERNAL_ERROR, "internal error; logged on the server")))
        return True

    async def _dispatch(self, message: m.ClientMessage, principal: Principal) -> None:
        now = datetime.now(UTC)
        if isinstance(message, m.Ping):
            self.send(encode(Reply(re=message.id, result=PingResult(server_time=format_utc(now)))))
            return
        if isinstance(message, m.Resync):
            await self._resync(message, principal)
            return
        handler = self.server.special_verbs.get(message.verb)
        outcome: Outcome = (await handler(principal, message) if handler is not None
                            else await self.server.batcher.submit(principal, message, now))
        self.send(_json(outcome.reply))
        if outcome.after is not None:
            outcome.after()
        if outcome.office is not None and outcome.events:
            self.server.fanout.publish(outcome.office, outcome.events)
        for order in outcome.prints:
            self.server.spool.submit(order.office, order.printer, order.job, order.people_ahead, order.wait_s)
        for job_id in outcome.replayed_jobs:   # a retry: its first notices may have gone to a lost connection
            notice = await self.server.spool.ended_notice(job_id)
            if notice is not None:
                self.push_notice(notice.office, encode(notice))

    async def _resync(self, message: m.Resync, principal: Principal) -> None:
        if message.office not in principal.offices:
            self.send(_json(error(message.id, ErrorCode.WRONG_OFFICE, f"not following office {message.office!r}")))
            return
        self.holding[message.office] = []
        mode, frames, upto = await self.server.in_db(self.server.catch_up, message.office, principal.role,
                                                     message.after_seq)
        result = ResyncResult(office=message.office, mode=mode, after_seq=message.after_seq, to_seq=upto)
        self.send(encode(Reply(re=message.id, result=result)))
        self._release(message.office, frames, upto)
