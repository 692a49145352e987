"""The frames queued for one websocket, written together: one transport write a loop iteration.

Theory of operation
-------------------
The fan-out queues each event on the ~40 connections of its office; with ``websockets``'
``send`` every frame would cost a coroutine, a flow-control check and its own system call.
Here ``put`` only appends the frame; the first frame queued on an outbox in a loop iteration
marks it dirty with the server's one ``Flusher``, which runs once (``call_soon``) after every
callback of that iteration and flushes each dirty outbox: all frames queued meanwhile (a batch's
replies and events) become websocket frames through the sans-I/O protocol
(``protocol.send_text``, order kept) and go to the transport in one ``writelines``.

Flow control stays that of ``websockets``: once the transport's buffer is above its high-water
mark (``ws.paused``) nothing more is written; frames wait here until the client has read enough
(``ws.drain()``).  A client that does not read is cut off when ``limit`` frames wait: the owner's
``on_overflow`` decides what then (the connection closes it with 1001 and the client resyncs).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from websockets.asyncio.server import ServerConnection
from websockets.protocol import State

log = logging.getLogger("talon.outbox")


class Flusher:
    """The outboxes with frames to write, flushed together in one callback a loop iteration."""

    def __init__(self) -> None:
        self._dirty: list[Outbox] = []

    def mark(self, outbox: Outbox) -> None:
        if not self._dirty:
            asyncio.get_running_loop().call_soon(self._flush_all)
        self._dirty.append(outbox)

    def _flush_all(self) -> None:
        dirty, self._dirty = self._dirty, []
        for outbox in dirty:
            outbox.flush()


class Outbox:
    def __init__(self, ws: ServerConnection, flusher: Flusher, limit: int, on_overflow: Callable[[], None]) -> None:
        self.ws = ws
        self.flusher = flusher
        self.limit = limit
        self.on_overflow = on_overflow
        self.frames: list[bytes] = []
        self.overflowed = False
        self.writes = 0          # transport writes, for the tests and the profile
        self._scheduled = False
        self._blocked = False    # the transport is above its high-water mark: wait for the client to read
        self._unblock: asyncio.Task[None] | None = None

    def put(self, frame: str | bytes) -> None:
        if self.overflowed:
            return
        if len(self.frames) >= self.limit:
            self.overflowed = True
            self.frames.clear()
            self.on_overflow()
            return
        self.frames.append(frame.encode() if isinstance(frame, str) else frame)
        if not self._scheduled and not self._blocked:
            self._scheduled = True
            self.flusher.mark(self)

    def empty(self) -> bool:
        return not self.frames

    def discard(self) -> None:
        """The connection is over: nothing more is written."""
        self.overflowed = True
        self.frames.clear()
        if self._unblock is not None:
            self._unblock.cancel()

    def flush(self) -> None:
        self._scheduled = False
        if self._blocked or not self.frames:
            return
        ws = self.ws
        if ws.protocol.state is not State.OPEN:   # closing: websockets ends the connection; serve() returns
            self.frames.clear()
            return
        frames, self.frames = self.frames, []
        protocol = ws.protocol
        for frame in frames:
            protocol.send_text(frame)
        try:
            # send_text leaves only frame bytes (never the end-of-stream marker websockets' closing writes)
            ws.transport.writelines(protocol.data_to_send())
        except Exception:  # the socket failed under us: end the connection as websockets would
            log.warning("writing to a websocket failed; aborting it", exc_info=True)
            ws.transport.abort()
            return
        self.writes += 1
        if ws.paused:
            self._blocked = True
            self._unblock = asyncio.get_running_loop().create_task(self._wait_for_reader())

    async def _wait_for_reader(self) -> None:
        try:
            await self.ws.drain()
        except Exception:  # the connection was lost while paused: serve() ends and discards us
            return
        finally:
            self._blocked = False
            self._unblock = None
        self.flush()
