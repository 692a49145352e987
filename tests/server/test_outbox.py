"""The outbox: a connection's frames coalesced into one write, in order, with flow control kept.

A real ``websockets`` server and client on 127.0.0.1: the server side's ``Outbox`` writes what
the test queues; the client reads it (or, as a client that does not read, stops reading: then
the kernel's buffers fill, the transport pauses, and frames wait in the outbox up to its limit).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from websockets.asyncio.client import ClientConnection, connect
from websockets.asyncio.server import ServerConnection, serve

from queue_server.net.outbox import Flusher, Outbox

BIG = "x" * 10_000   # frames that fill the socket buffers quickly


@asynccontextmanager
async def pair(limit: int, max_queue: int = 16) -> AsyncIterator[tuple[Outbox, ClientConnection, list[int]]]:
    """A server connection with an outbox, the client of it, and a list that counts overflows."""
    accepted: asyncio.Future[Outbox] = asyncio.get_running_loop().create_future()
    overflows: list[int] = []
    done = asyncio.Event()

    async def handler(ws: ServerConnection) -> None:
        accepted.set_result(Outbox(ws, Flusher(), limit, lambda: overflows.append(len(outbox_frames()))))
        await done.wait()

    def outbox_frames() -> list[bytes]:
        return accepted.result().frames

    async with serve(handler, "127.0.0.1", 0, compression=None, max_size=None) as server:
        port = server.sockets[0].getsockname()[1]
        async with connect(f"ws://127.0.0.1:{port}/", compression=None, max_size=None, max_queue=max_queue) as client:
            outbox = await asyncio.wait_for(accepted, 5)
            try:
                yield outbox, client, overflows
            finally:
                done.set()


async def bounded(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.01)


async def test_frames_queued_in_one_iteration_go_out_in_one_write_and_in_order() -> None:
    async with pair(limit=1000) as (outbox, client, overflows):
        for burst in range(5):
            for i in range(40):
                outbox.put(json.dumps({"burst": burst, "i": i}))
            await asyncio.sleep(0)          # the flush runs after this iteration's callbacks
        received = [json.loads(await asyncio.wait_for(client.recv(), 5)) for _ in range(200)]
        assert received == [{"burst": b, "i": i} for b in range(5) for i in range(40)]
        assert outbox.writes <= 5           # one write a burst, not one a frame
        assert overflows == []


async def test_a_client_that_stops_reading_holds_frames_here_then_gets_all_in_order() -> None:
    async with pair(limit=10_000, max_queue=1) as (outbox, client, overflows):
        for i in range(2000):               # 20 MB: more than loopback's socket buffers hold
            outbox.put(f'{{"i": {i}, "pad": "{BIG}"}}')
            if i % 50 == 0:
                await asyncio.sleep(0)
        await bounded(lambda: len(outbox.frames) > 0)   # the transport paused: frames wait here
        waiting = len(outbox.frames)
        got = [json.loads(await asyncio.wait_for(client.recv(), 10))["i"] for _ in range(2000)]
        assert got == list(range(2000)) and waiting > 0 and overflows == []
        assert outbox.empty()


async def test_a_client_that_does_not_read_is_cut_off_at_the_limit_and_memory_stays_bounded() -> None:
    async with pair(limit=100, max_queue=1) as (outbox, _reads_nothing, overflows):
        high = 0
        for i in range(5000):
            outbox.put(f'{{"i": {i}, "pad": "{BIG}"}}')
            high = max(high, len(outbox.frames))
            if i % 50 == 0:
                await asyncio.sleep(0.001)
            if overflows:
                break
        assert overflows == [0], "the owner is told once, with the queue dropped"
        assert high <= 100 and outbox.overflowed
        outbox.put("late")                  # nothing more is queued for a connection being dropped
        assert outbox.empty()
