"""Group commit: the commands waiting for the database run together, one transaction a batch.

Theory of operation
-------------------
Connections hand their commands to ``submit`` and await a future.  The first command that
finds no batch scheduled puts one drain job on the database thread's executor (so commands
keep their place among the thread's other work: logins, snapshots, ticks, print jobs).  When
the job runs it takes every command waiting by then, at most ``max_batch``, and executes them
in one transaction with one commit (``Dispatcher.execute_batch``); commands that arrived later
wait for the next job, which the drain schedules before it starts work.  When idle, a command
runs at once and alone: there is no timer, so batching adds no latency; under load each
commit, each lock of an office and each wake-up of the event loop is shared by many commands.
The outcomes go back to the loop in one ``call_soon_threadsafe`` a batch, in arrival order.
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import Executor
from datetime import datetime

from queue_protocol import messages as m

from .dispatch import Outcome, Request
from .principal import Principal

MAX_BATCH = 64

RunBatch = Callable[[list[Request]], list[Outcome | Exception]]


class Batcher:
    def __init__(self, executor: Executor, run: RunBatch, max_batch: int = MAX_BATCH) -> None:
        self.executor = executor
        self.run = run
        self.max_batch = max_batch
        self._waiting: deque[tuple[Request, asyncio.Future[Outcome]]] = deque()
        self._lock = threading.Lock()
        self._scheduled = False
        self.batches = 0     # counters for the load report and the tests
        self.commands = 0

    async def submit(self, principal: Principal, message: m.ClientMessage, now: datetime) -> Outcome:
        future: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        with self._lock:
            self._waiting.append(((principal, message, now), future))
            schedule, self._scheduled = not self._scheduled, True
        if schedule:
            self.executor.submit(self._drain, future.get_loop())
        return await future

    def _drain(self, loop: asyncio.AbstractEventLoop) -> None:
        """On the database thread: one batch, and the next drain if more are waiting."""
        with self._lock:
            taken = [self._waiting.popleft() for _ in range(min(self.max_batch, len(self._waiting)))]
            self._scheduled = bool(self._waiting)
        if self._scheduled:
            self.executor.submit(self._drain, loop)
        try:
            outcomes = self.run([request for request, _ in taken])
        except Exception as failure:  # execute_batch answers per command; this is a last resort
            outcomes = [failure] * len(taken)
        self.batches += 1
        self.commands += len(taken)
        loop.call_soon_threadsafe(_resolve, [future for _, future in taken], outcomes)


def _resolve(futures: list[asyncio.Future[Outcome]], outcomes: list[Outcome | Exception]) -> None:
    for future, outcome in zip(futures, outcomes, strict=True):
        if future.cancelled():
            continue
        if isinstance(outcome, Exception):
            future.set_exception(outcome)
        else:
            future.set_result(outcome)
