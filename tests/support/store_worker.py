"""A separate process that drives the store, for the concurrency and crash tests.

    python store_worker.py call URL FIRST_WINDOW LAST_WINDOW   # one thread per window: call,
        start and finish until the queue is empty; prints the called ticket ids as JSON
    python store_worker.py churn URL                            # issue and serve tickets until
        killed (at most 60 s); prints "ready" after its first commit
    python store_worker.py pairs URL ORDER COUNT                # COUNT transactions over offices
        "a" and "b" (named in ORDER, e.g. "ba"), issuing a ticket in each; prints the ids as JSON
"""

from __future__ import annotations

import json
import sys
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from queue_server.core import commands as c
from queue_server.core.errors import DomainError
from queue_server.store import Store
from support.offices import small_office

MAX_SECONDS = 120.0


def call_loop(store: Store, window: int, called: list[str], deadline: float) -> None:
    operator = f"op{window}"
    for _ in range(5000):
        if time.monotonic() > deadline:
            return
        try:
            with store.office("test") as tx:
                (event,) = tx.handle(c.CallNext(window, operator), datetime.now(UTC))
        except DomainError as error:
            if error.code == "queue_empty":
                return
            raise
        assert event.ticket_id is not None
        called.append(event.ticket_id)
        with store.office("test") as tx:
            now = datetime.now(UTC)
            tx.handle(c.StartService(window, operator, event.ticket_id), now)
            tx.handle(c.FinishService(window, operator, event.ticket_id), now)


def call(url: str, first: int, last: int) -> None:
    store = Store.open(url, upgrade=False)
    store.ensure_office(small_office(windows=20))
    called: list[str] = []
    deadline = time.monotonic() + MAX_SECONDS
    threads = [threading.Thread(target=call_loop, args=(store, w, called, deadline)) for w in range(first, last + 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(MAX_SECONDS + 10)
    print(json.dumps(called))


def churn(url: str) -> None:
    store = Store.open(url, upgrade=False)
    store.ensure_office(small_office())
    for window in (1, 2):
        try:
            with store.office("test") as tx:
                tx.handle(c.OpenWindow(window, f"op{window}"), datetime.now(UTC))
        except DomainError:
            pass  # open since an earlier life
    deadline = time.monotonic() + 60
    for i in range(100_000):
        if time.monotonic() > deadline:
            break
        with store.office("test") as tx:
            tx.handle(c.IssueTicket(uuid.uuid4().hex, "passport" if i % 2 else "results"), datetime.now(UTC))
        window = 1 + i % 2
        try:
            with store.office("test") as tx:
                now = datetime.now(UTC)
                current = tx.state.windows[window].current
                if current is None:
                    tx.handle(c.CallNext(window, f"op{window}"), now)
                elif tx.state.tickets[current].state.value == "called":
                    tx.handle(c.StartService(window, f"op{window}", current), now)
                else:
                    tx.handle(c.FinishService(window, f"op{window}", current), now)
        except DomainError:
            pass
        if i == 0:
            print("ready", flush=True)


def pairs(url: str, order: str, count: int) -> None:
    """Group commit across offices: each transaction locks both offices, named in ``order``."""
    store = Store.open(url, upgrade=False)
    for office_id in "ab":
        store.ensure_office(small_office(office_id=office_id))
    issued: list[str] = []
    deadline = time.monotonic() + MAX_SECONDS
    for _ in range(count):
        if time.monotonic() > deadline:
            break
        ids = {office: f"{office}-{uuid.uuid4().hex}" for office in order}
        with store.transaction(list(order)) as txs:
            for office in order:
                txs[office].handle(c.IssueTicket(ids[office], "passport"), datetime.now(UTC))
        issued += ids.values()
    print(json.dumps(issued))


if __name__ == "__main__":
    if sys.argv[1] == "call":
        call(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif sys.argv[1] == "pairs":
        pairs(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        churn(sys.argv[2])
