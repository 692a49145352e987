"""Call-next is atomic across processes, and a killed process loses nothing.

Real processes against the real database: two processes of ten threads each race "call
next" over 2,000 waiting tickets; a process issuing and serving tickets is SIGKILLed twenty
times at random moments and the store is checked after each restart.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from support.offices import T0, small_office

from queue_server.core import commands as c
from queue_server.core.events import EventType
from queue_server.store import Store
from queue_server.store.consistency import check_office

WORKER = str(Path(__file__).resolve().parent.parent / "support" / "store_worker.py")


@pytest.mark.slow
def test_two_processes_racing_call_next_call_every_ticket_once(db_url: str) -> None:
    office = small_office(windows=20)
    store = Store.open(db_url)
    store.ensure_office(office)
    with store.office(office.id) as tx:
        for window in range(1, 21):
            tx.handle(c.OpenWindow(window, f"op{window}"), T0)
        for i in range(2000):
            tx.handle(c.IssueTicket(f"t{i:04d}", "passport" if i % 3 else "results"), T0 + timedelta(milliseconds=i))
    workers = [subprocess.Popen([sys.executable, WORKER, "call", db_url, str(a), str(b)], stdout=subprocess.PIPE, text=True)
               for a, b in ((1, 10), (11, 20))]
    called: list[str] = []
    for worker in workers:
        out, _ = worker.communicate(timeout=300)
        assert worker.returncode == 0
        called += json.loads(out)
    counts = Counter(called)
    assert len(counts) == 2000 and set(counts.values()) == {1}
    call_events = Counter(e.ticket_id for e in store.events_since(office.id, 0, limit=100_000)
                          if e.type is EventType.TICKET_CALLED)
    assert set(call_events.values()) == {1} and len(call_events) == 2000
    assert check_office(store, office) == []
    store.close()


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_nothing(db_url: str) -> None:
    office = small_office()
    store = Store.open(db_url)
    store.ensure_office(office)
    rng = random.Random(20)
    heads = []
    for _ in range(20):
        worker = subprocess.Popen([sys.executable, WORKER, "churn", db_url], stdout=subprocess.PIPE, text=True)
        try:
            assert worker.stdout is not None and worker.stdout.readline().strip() == "ready"
            time.sleep(rng.uniform(0.05, 0.8))
        finally:
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(timeout=30)
            if worker.stdout is not None:
                worker.stdout.close()
        assert check_office(store, office) == []
        heads.append(store.head(office.id))
    assert heads == sorted(heads) and heads[-1] > heads[0]
    store.close()
