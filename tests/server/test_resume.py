"""docs/protocol.md, "Resync" and "Idempotency": a client resumes from the last seq it applied.

Per office, on ``hello.last_seq`` or the ``resync`` verb, the server sends every missed event,
in order, none twice, then the live ones; or one fresh snapshot when the client is more than
1,000 events behind, is on an earlier local day, or is ahead of the office (a reset database).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from .conftest import PUBLIC_DATA, Client, ServerProcess

RESUME_LIMIT = 1000


async def fifty_events(server: ServerProcess) -> int:
    """Exactly 50 events of several kinds, made by a kiosk, an operator and a manager; the new head."""
    manager = await server.login("manager")
    operator = await server.login("operator3")
    kiosk = await server.kiosk()
    start = manager.head()
    await operator.ok("window.open", window=3)                                   # 1
    for _ in range(9):                                                          # 2..46
        issued = await kiosk.ok("ticket.issue", service="passport")
        await operator.ok("call.ticket", ticket=issued["ticket"])
        await operator.ok("ticket.recall", ticket=issued["ticket"])
        await operator.ok("ticket.start", ticket=issued["ticket"])
        await operator.ok("ticket.finish", ticket=issued["ticket"], result="done")
    await operator.ok("window.break", reason="обед")                            # 47
    await manager.ok("board.set_text", text="Скоро вернёмся")                   # 48
    await operator.ok("window.resume")                                          # 49
    last = await manager.ok("board.set_text", text="")                          # 50
    assert last["seq"] == start + 50
    for client in (manager, operator, kiosk):
        await client.close()
    return int(last["seq"])


def assert_public(events: list[dict[str, Any]]) -> None:
    for message in events:
        event = message["event"]
        assert event["operator"] is None and set(event["data"]) <= PUBLIC_DATA.get(event["type"], frozenset()), event


async def test_a_board_gets_the_50_events_it_missed_and_a_retry_gets_the_original_reply(
        start_server: Callable[..., ServerProcess], db_url: str) -> None:
    server = start_server(db=db_url)
    board = await server.board()
    kiosk = await server.kiosk()
    seen = board.snapshot()["seq"]
    await board.close()
    head = await fifty_events(server)

    board = await server.board(last_seq={"demo": seen})
    await board.wait_event(head)
    await board.settle(0.3)
    assert not board.snapshots(), "within reach: the missed events, no snapshot"
    assert [e["seq"] for e in board.events()] == list(range(seen + 1, head + 1)), "all 50, in order, none twice"
    assert_public(board.events())
    board.assert_in_order(after=seen)
    manager = await server.login("manager")
    live = await manager.ok("board.set_text", text="и дальше")
    await board.wait_event(live["seq"])
    assert [e["seq"] for e in board.events()] == list(range(seen + 1, live["seq"] + 1))

    # the kiosk that stayed connected saw the same 51 events, public
    await kiosk.wait_event(live["seq"])
    kiosk.assert_in_order()
    assert_public(kiosk.events())

    # a request retried after a reconnect gets the original reply, byte for byte; no second ticket
    request_id, frame = kiosk.frame("ticket.issue", service="passport")
    await kiosk.send_raw(frame)
    raw, reply = await kiosk.reply_raw(request_id)
    assert reply["ok"] is True, reply
    await kiosk.close()
    again = await server.kiosk()
    await again.send_raw(frame)
    raw_again, _ = await again.reply_raw(request_id)
    assert raw_again == raw
    resync = await manager.ok("resync", office="demo", after_seq=reply["result"]["seq"])
    assert (resync["mode"], resync["to_seq"]) == ("events", reply["result"]["seq"]), "the retry made no ticket"


async def pipelined(client: Client, count: int, text: str = "бегущая строка") -> int:
    """``count`` board.set_text sent without waiting, then every reply; the last seq."""
    ids = [await client.send("board.set_text", text=f"{text} {n}") for n in range(count)]
    await client.until(lambda: all(client.replies.get(i) for i in ids), 60, f"{count} replies")
    last = client.replies[ids[-1]][-1][1]
    assert last["ok"] is True, last
    return int(last["result"]["seq"])


@pytest.fixture(scope="module")
def long_office(shared_server: ServerProcess) -> ServerProcess:
    """The shared server with more than RESUME_LIMIT + 10 events in its log."""
    from .conftest import _run_async_test

    async def fill() -> None:
        manager = await shared_server.login("manager")
        await pipelined(manager, RESUME_LIMIT + 10)

    asyncio.run(_run_async_test(fill, {}, 120))
    return shared_server


async def head_of(server: ServerProcess) -> int:
    manager = await server.login("manager")
    head = manager.snapshot()["seq"]
    await manager.close()
    return int(head)


@pytest.mark.parametrize(("behind", "mode"), [(0, "events"), (3, "events"), (RESUME_LIMIT, "events"),
                                              (RESUME_LIMIT + 1, "snapshot"), (-1, "snapshot"),
                                              (-1_000_000, "snapshot")])
async def test_hello_last_seq(long_office: ServerProcess, behind: int, mode: str) -> None:
    head = await head_of(long_office)
    after = head - behind
    board = await long_office.board(last_seq={"demo": after})
    manager = await long_office.login("manager")
    live = await manager.ok("board.set_text", text="живое событие")
    await board.wait_event(live["seq"])
    shots = board.snapshots()
    events = [e["seq"] for e in board.events()]
    if mode == "events":
        assert not shots
        assert events == list(range(after + 1, live["seq"] + 1))
    else:
        assert [s["seq"] for s in shots] == [head], "one fresh snapshot"
        assert events == [live["seq"]]
    board.assert_in_order(after=after if mode == "events" else None)


async def test_an_office_missing_from_last_seq_gets_a_snapshot(long_office: ServerProcess) -> None:
    head = await head_of(long_office)
    board = await long_office.board(last_seq={"demo-9": 5})
    assert [s["seq"] for s in board.snapshots()] == [head] and not board.events()


@pytest.mark.parametrize(("behind", "mode"), [(0, "events"), (7, "events"), (RESUME_LIMIT, "events"),
                                              (RESUME_LIMIT + 1, "snapshot"), (-5, "snapshot")])
async def test_resync_verb(long_office: ServerProcess, behind: int, mode: str) -> None:
    board = await long_office.board()
    head = board.snapshot()["seq"]
    after = head - behind
    request_id = await board.send("resync", office="demo", after_seq=after)
    reply = await board.reply(request_id)
    assert reply["result"] == {"office": "demo", "mode": mode, "after_seq": after, "to_seq": head}
    manager = await long_office.login("manager")
    live = await manager.ok("board.set_text", text="после resync")
    await board.wait_event(live["seq"])
    pushes = board.pushes_after(request_id)
    if mode == "events":
        assert [p["type"] for p in pushes] == ["event"] * (behind + 1)
        assert [p["seq"] for p in pushes] == list(range(after + 1, live["seq"] + 1))
    else:
        assert [(p["type"], p["seq"]) for p in pushes] == [("snapshot", head), ("event", live["seq"])]
    assert await board.refused("resync", office="demo-2", after_seq=0) == "wrong_office"


async def test_resync_while_the_office_is_busy_loses_and_repeats_nothing(long_office: ServerProcess) -> None:
    board = await long_office.board()
    manager = await long_office.login("manager")
    start = board.snapshot()["seq"]
    busy = asyncio.create_task(pipelined(manager, 300, "поток"))
    await board.until(lambda: board.head() >= start + 40, 30, "some live events")
    request_id = await board.send("resync", office="demo", after_seq=start + 10)
    reply = await board.reply(request_id)
    last = await busy
    await board.until(lambda: board.head() >= last, 30, f"event {last}")
    await board.settle(0.3)
    assert reply["result"]["mode"] == "events" and reply["result"]["after_seq"] == start + 10
    later = board.pushes_after(request_id)
    assert all(p["type"] == "event" for p in later)
    assert [p["seq"] for p in later] == list(range(start + 11, last + 1)), \
        "after the reply: the announced events, then the live ones, with no gap and no duplicate"
    before = [e["seq"] for e in board.events()][: len(board.events()) - len(later)]
    assert before == list(range(start + 1, before[-1] + 1))


async def test_hello_with_last_seq_while_the_office_is_busy(long_office: ServerProcess) -> None:
    manager = await long_office.login("manager")
    watcher = await long_office.board()
    start = manager.snapshot()["seq"]
    busy = asyncio.create_task(pipelined(manager, 300, "переподключение"))
    await watcher.until(lambda: watcher.head() >= start + 30, 30, "some events")
    board = await long_office.board(last_seq={"demo": start + 5})
    last = await busy
    await board.until(lambda: board.head() >= last, 30, f"event {last}")
    await board.settle(0.3)
    assert not board.snapshots()
    assert [e["seq"] for e in board.events()] == list(range(start + 6, last + 1)), "no gap, no duplicate"


def yesterday_in_the_store(data_dir: Path) -> int:
    """The demo office with a day's work done yesterday (by the store, as a server would); the head."""
    from queue_server.config import demo_site
    from queue_server.core import commands as c
    from queue_server.site_db import install_site
    from queue_server.store import Store

    store = Store.open(f"sqlite:///{data_dir / 'demo.sqlite3'}")
    try:
        install_site(store, demo_site(1))
        yesterday = datetime.now(UTC) - timedelta(days=1)
        with store.office("demo") as tx:
            tx.handle(c.OpenWindow(1, "operator1"), yesterday)
            for n in range(3):
                tx.handle(c.IssueTicket(f"tyesterday{n}", "passport", issued_by="kiosk-1"), yesterday)
            tx.handle(c.CallNext(1, "operator1"), yesterday)
        return store.head("demo")
    finally:
        store.close()


async def test_last_seq_of_an_earlier_local_day_gets_a_snapshot(start_server: Callable[..., ServerProcess],
                                                                tmp_path: Path) -> None:
    data_dir = tmp_path / "yesterday"
    data_dir.mkdir()
    seen = yesterday_in_the_store(data_dir)
    server = start_server(data_dir=data_dir)
    manager = await server.login("manager")
    await manager.until(lambda: manager.head() > seen or None, 15, "yesterday's leftovers to expire")
    head = manager.head()
    board = await server.board(last_seq={"demo": seen - 2})  # two events of yesterday still missed
    await board.settle(0.5)
    assert [s["seq"] for s in board.snapshots()] == [head], "an earlier local day: one fresh snapshot"
    assert not board.events()
