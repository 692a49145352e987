"""Group commit in the server: the real ``Dispatcher`` and ``Batcher`` on a real store.

Commands waiting together run in one transaction; each still gets its own reply: a refused
one leaves no trace (a retry is executed again), a retry inside the same batch gets the first
reply, and one that fails unexpectedly costs only its own reply while the others commit.  The
batcher takes what waits (bounded), answers in arrival order, and adds no batch when idle.
A server killed while commands are being committed together loses none it acknowledged.
"""

from __future__ import annotations

import asyncio
import random
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest
from support.offices import T0, small_office
from websockets.exceptions import ConnectionClosed

from queue_protocol import messages as m
from queue_protocol.enums import Role
from queue_server.net.batcher import Batcher
from queue_server.net.dispatch import Dispatcher, Outcome, Request
from queue_server.net.principal import Principal
from queue_server.store import Store
from queue_server.store.consistency import check_office

from .conftest import Client, Closed, ServerProcess
from .test_restart import reconnect


class NoPrinters:
    """An office without printers (the ``Printers`` the dispatcher asks)."""

    def has_printer(self, office: str, printer: str | None) -> bool:
        return False

    def status_of(self, office: str, printer: str) -> str | None:
        return None


@pytest.fixture
def dispatcher(db_url: str) -> Iterator[Dispatcher]:
    store = Store.open(db_url)
    store.ensure_office(small_office())
    yield Dispatcher(store, NoPrinters())
    store.close()


def staff(login: str) -> Principal:
    return Principal(Role.OPERATOR, login, login, "test", ("test",))


def kiosk(n: int = 1) -> Principal:
    return Principal(Role.KIOSK, f"kiosk{n}", "kiosk", "test", ("test",))


def at(seconds: float) -> datetime:
    return T0 + timedelta(seconds=seconds)


def run(dispatcher: Dispatcher, requests: list[Request]) -> list[Outcome]:
    outcomes = dispatcher.execute_batch(requests)
    assert all(isinstance(o, Outcome) for o in outcomes), outcomes
    for outcome in outcomes:
        assert isinstance(outcome, Outcome)
        if outcome.after is not None:
            outcome.after()
    return outcomes  # type: ignore[return-value]


def open_windows(dispatcher: Dispatcher, *logins: str) -> list[Principal]:
    people = [staff(login) for login in logins]
    run(dispatcher, [(p, m.WindowOpen(id=f"open-{p.user}", window=n), at(0)) for n, p in enumerate(people, 1)])
    return people


def test_a_refused_command_in_a_batch_leaves_no_trace_and_the_others_commit(dispatcher: Dispatcher) -> None:
    op1, op2 = open_windows(dispatcher, "op1", "op2")
    op3 = staff("op3")  # no window yet
    head = dispatcher.store.head("test")
    outcomes = run(dispatcher, [
        (kiosk(1), m.TicketIssue(id="k1", service="passport"), at(1)),
        (op3, m.CallNext(id="x3"), at(2)),                        # refused by the session: no window
        (op1, m.CallNext(id="c1"), at(3)),
        (op2, m.CallTicket(id="c2", ticket="no-such-ticket"), at(4)),  # refused by the engine
        (kiosk(2), m.TicketIssue(id="k2", service="results"), at(5)),
    ])
    assert [o.reply["ok"] for o in outcomes] == [True, False, True, False, True]
    assert [o.reply["error"]["code"] for o in outcomes if not o.reply["ok"]] == ["no_window", "unknown_ticket"]
    assert outcomes[2].reply["result"]["ticket"] == outcomes[0].reply["result"]["ticket"]
    seqs = [e.seq for o in outcomes for e in o.events]
    assert seqs == list(range(head + 1, head + 4)), "issued, called, issued: one gapless run, in arrival order"
    assert not outcomes[1].events and not outcomes[3].events
    assert dispatcher.store.head("test") == head + 3
    # the refusal was not remembered: the same request, once the window is open, is executed
    run(dispatcher, [(op3, m.WindowOpen(id="open-op3", window=3), at(6))])
    (again,) = run(dispatcher, [(op3, m.CallNext(id="x3"), at(7))])
    assert again.reply["ok"] and again.reply["result"]["ticket"] == outcomes[4].reply["result"]["ticket"]
    assert check_office(dispatcher.store, small_office()) == []


def test_a_retry_inside_the_batch_gets_the_first_reply(dispatcher: Dispatcher) -> None:
    open_windows(dispatcher, "op1")
    head = dispatcher.store.head("test")
    first, retry, reused = run(dispatcher, [
        (kiosk(), m.TicketIssue(id="r1", service="passport"), at(1)),
        (kiosk(), m.TicketIssue(id="r1", service="passport"), at(2)),
        (kiosk(), m.TicketIssue(id="r1", service="results"), at(3)),
    ])
    assert retry.reply == first.reply and not retry.events
    assert reused.reply["error"]["code"] == "id_reused"
    assert dispatcher.store.head("test") == head + 1, "one ticket, not two"
    (later,) = run(dispatcher, [(kiosk(), m.TicketIssue(id="r1", service="passport"), at(4))])
    assert later.reply == first.reply, "and the reply was committed with it"


def test_an_unexpected_failure_costs_only_its_own_reply(dispatcher: Dispatcher) -> None:
    open_windows(dispatcher, "op1")
    head = dispatcher.store.head("test")
    naive = datetime(2026, 3, 5, 9, 0)  # the engine takes aware UTC only: a ValueError, not a refusal
    outcomes = dispatcher.execute_batch([
        (kiosk(1), m.TicketIssue(id="a", service="passport"), at(1)),
        (kiosk(2), m.TicketIssue(id="b", service="passport"), naive),
        (kiosk(3), m.TicketIssue(id="c", service="passport"), at(3)),
    ])
    assert isinstance(outcomes[1], ValueError)
    assert isinstance(outcomes[0], Outcome) and isinstance(outcomes[2], Outcome)
    assert outcomes[0].reply["ok"] and outcomes[2].reply["ok"]
    assert [e.seq for o in (outcomes[0], outcomes[2]) for e in o.events] == [head + 1, head + 2]
    assert dispatcher.store.head("test") == head + 2
    assert check_office(dispatcher.store, small_office()) == []


async def test_the_batcher_runs_what_waits_together_and_answers_in_order(dispatcher: Dispatcher) -> None:
    open_windows(dispatcher, "op1")
    head = dispatcher.store.head("test")
    db = ThreadPoolExecutor(max_workers=1)
    batcher = Batcher(db, dispatcher.execute_batch, max_batch=8)
    try:
        gate = threading.Event()
        db.submit(gate.wait, 10)  # the database thread is busy: commands queue up behind it
        submitted = [asyncio.create_task(batcher.submit(kiosk(n), m.TicketIssue(id=f"q{n}", service="passport"), at(n)))
                     for n in range(20)]
        await asyncio.sleep(0.05)
        gate.set()
        outcomes = await asyncio.wait_for(asyncio.gather(*submitted), 30)
        assert (batcher.batches, batcher.commands) == (3, 20), "8 + 8 + 4: every batch as full as allowed"
        assert [o.reply["result"]["seq"] for o in outcomes] == list(range(head + 1, head + 21))
        alone = await asyncio.wait_for(batcher.submit(kiosk(), m.TicketIssue(id="alone", service="passport"), at(30)), 30)
        assert batcher.batches == 4 and alone.reply["result"]["seq"] == head + 21, "idle: a command runs at once, alone"
    finally:
        db.shutdown(wait=True)


async def test_a_kill_in_the_middle_of_batches_loses_no_acknowledged_command(start_server: Callable[..., ServerProcess],
                                                                            db_url: str) -> None:
    """Twelve kiosks issue as fast as the server answers (so commands wait together and share
    commits); the server is SIGKILLed at a random moment, three times: every ticket a reply
    acknowledged is there after the restart, and the log replays to the tables."""
    server = start_server(db=db_url)
    operator = await server.login("operator1")
    await operator.ok("window.open", window=1)  # tickets are taken while a window serves the service
    await operator.close()
    rng = random.Random(7)
    acknowledged: list[str] = []
    for _ in range(3):
        kiosks = [await reconnect(server, lambda: server.kiosk()) for _ in range(12)]
        stop = asyncio.Event()

        async def issue(client: Client, stop: asyncio.Event = stop) -> None:
            for _ in range(2000):
                if stop.is_set():
                    return
                try:
                    reply = await client.request("ticket.issue", service="passport")
                except (Closed, ConnectionClosed, AssertionError):
                    return
                if reply.get("ok"):
                    acknowledged.append(reply["result"]["ticket"])

        tasks = [asyncio.create_task(issue(k)) for k in kiosks]
        await asyncio.sleep(rng.uniform(0.5, 1.5))
        server.kill()
        stop.set()
        await asyncio.wait_for(asyncio.gather(*tasks), 30)
        server.start()
    manager = await reconnect(server, lambda: server.login("manager"))
    present = {t["id"] for t in manager.snapshot()["state"]["tickets"]}
    assert len(acknowledged) > 50 and set(acknowledged) <= present
    assert server.stop() == 0
    check = server.db_check()
    assert check.returncode == 0 and "demo: consistent" in check.stdout, check.stdout + check.stderr


async def test_two_processes_on_postgresql_still_serialize_each_office(start_server: Callable[..., ServerProcess],
                                                                       db_url: str) -> None:
    """Both processes commit batches into one office at once: kiosks on both issue, operators on
    both race ``call.next``; every ticket is called exactly once and the log replays clean."""
    if not db_url.startswith("postgresql"):
        pytest.skip("several server processes share PostgreSQL, not SQLite")
    one, two = start_server(db=db_url), start_server(db=db_url)
    operators = []
    for i, window in enumerate((1, 2, 3, 4, 6)):  # the windows that serve passports
        operator = await (one, two)[i % 2].login(f"operator{window}")
        await operator.ok("window.open", window=window)
        operators.append(operator)
    kiosks = [await server.kiosk() for server in (one, two, one, two)]
    issued: list[str] = []
    called: list[str] = []

    async def issue(kiosk: Client) -> None:
        for _ in range(15):
            issued.append((await kiosk.ok("ticket.issue", service="passport"))["ticket"])

    async def serve(operator: Client) -> None:
        for _ in range(400):
            reply = await operator.request("call.next")
            if reply["ok"]:
                ticket = reply["result"]["ticket"]
                called.append(ticket)
                await operator.ok("ticket.start", ticket=ticket)
                await operator.ok("ticket.finish", ticket=ticket, result="done")
                continue
            assert reply["error"]["code"] == "queue_empty", reply
            if len(called) == 60:
                return
            await asyncio.sleep(0.02)

    await asyncio.wait_for(asyncio.gather(*map(issue, kiosks), *map(serve, operators)), 120)
    assert len(called) == len(set(called)) == 60 and set(called) == set(issued)
    for client in (*operators, *kiosks):
        await client.close()
    assert one.stop() == 0 and two.stop() == 0
    check = one.db_check()
    assert check.returncode == 0 and "demo: consistent" in check.stdout, check.stdout + check.stderr
