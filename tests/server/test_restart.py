"""DESIGN.md §7 "Nothing is lost" and docs/protocol.md "Resync" / "Idempotency", across a crash.

With a board and an operator connected, the server is killed (SIGKILL) and started again on
the same port and data; the clients reconnect as the real apps will (hello with ``last_seq``,
the operator with its session) and nothing issued or called before the kill is lost or
duplicated.  ``talon-server db check`` then replays the log against the tables.
"""

from __future__ import annotations

import asyncio
import base64
import os
import socket
import time
from collections.abc import Callable
from typing import Any

import pytest

from .conftest import Client, ServerProcess


async def reconnect(server: ServerProcess, attempt: Callable[[], Any], timeout: float = 30.0) -> Any:
    """Retry ``attempt`` (a coroutine factory) until the server answers; bounded."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        try:
            return await attempt()
        except (OSError, TimeoutError):
            if loop.time() > deadline:
                raise
            await asyncio.sleep(0.2)


def tickets_of(manager: Client) -> dict[str, tuple[str, str]]:
    return {t["id"]: (t["label"], t["state"]) for t in manager.snapshot()["state"]["tickets"]}


async def test_kill_9_and_restart_loses_and_duplicates_nothing(start_server: Callable[..., ServerProcess],
                                                               db_url: str) -> None:
    server = start_server(db=db_url)
    board = await server.board()
    operator = await server.login("operator1")
    session = operator.hello_result["session"]
    await operator.ok("window.open", window=1)
    kiosk = await server.kiosk()
    issued = [await kiosk.ok("ticket.issue", service="passport") for _ in range(6)]
    issued.append(await operator.ok("ticket.issue", service="passport_foreign"))
    called = await operator.ok("call.next")
    await operator.ok("ticket.start", ticket=called["ticket"])
    last_request, last_frame = kiosk.frame("ticket.issue", service="passport")
    await kiosk.send_raw(last_frame)
    last_raw, last_reply = await kiosk.reply_raw(last_request)
    issued.append(last_reply["result"])
    head = last_reply["result"]["seq"]
    await board.wait_event(head)
    board.assert_in_order()
    manager = await server.login("manager")
    before = tickets_of(manager)
    assert {t["ticket"] for t in issued} == set(before)
    await manager.close()

    server.kill()
    for client in (board, operator, kiosk):
        assert await client.wait_closed(10) in (None, 1006, 1011)
    server.start()  # same port, same data

    board_again = await reconnect(server, lambda: server.board(last_seq={"demo": board.head()}))
    operator_again = await reconnect(server, lambda: server.hello("operator1", session=session))
    assert operator_again.hello_result["window"] == 1, "the console is bound to its open window again"
    manager = await server.login("manager")
    assert manager.snapshot()["seq"] == head, "every event committed before the kill is there"
    assert tickets_of(manager) == before, "no ticket lost, none duplicated, none changed"
    assert not board_again.snapshots() and not [e for e in board_again.events() if e["seq"] <= head]

    # the kiosk retries its last request after the crash: the original reply, no second ticket
    kiosk_again = await reconnect(server, lambda: server.kiosk())
    await kiosk_again.send_raw(last_frame)
    assert (await kiosk_again.reply_raw(last_request))[0] == last_raw

    # the operator goes on where it stopped; numbering goes on with no reused label
    await operator_again.ok("ticket.finish", ticket=called["ticket"], result="done")
    fresh = await kiosk_again.ok("ticket.issue", service="passport")
    assert fresh["label"] not in {label for label, _ in before.values()}
    assert fresh["number"] == max(t["number"] for t in issued if t["service"] == "passport") + 1
    assert fresh["seq"] == head + 2
    await board_again.wait_event(fresh["seq"])
    assert [e["seq"] for e in board_again.events()] == [head + 1, head + 2]

    for client in (board_again, operator_again, manager, kiosk_again):
        await client.close()
    assert server.stop() == 0
    check = server.db_check()
    assert check.returncode == 0, check.stdout + check.stderr
    assert f"demo: consistent (last seq {head + 2})" in check.stdout


async def test_a_planned_stop_closes_clients_with_4100(start_server: Callable[..., ServerProcess]) -> None:
    server = start_server()
    board = await server.board()
    operator = await server.login("operator2")
    stop = asyncio.create_task(asyncio.to_thread(server.stop))
    assert await board.wait_closed(15) == 4100
    assert await operator.wait_closed(15) == 4100
    assert await stop == 0
    server.assert_clean_log()


async def test_two_server_processes_share_one_postgresql_office(start_server: Callable[..., ServerProcess],
                                                               db_url: str) -> None:
    """DESIGN.md §3 and §6 with several processes: call.next is atomic across them, a board on one
    process sees what the other did, and a request retried on the other process gets the original reply."""
    if not db_url.startswith("postgresql"):
        pytest.skip("several server processes share PostgreSQL, not SQLite")
    one, two = start_server(db=db_url), start_server(db=db_url)
    board = await one.board()
    kiosk_one, kiosk_two = await one.kiosk(), await two.kiosk()
    operators = []
    for server, n in ((one, 1), (two, 2)):
        operator = await server.login(f"operator{n}")
        await operator.ok("window.open", window=n)
        operators.append(operator)
    for _ in range(3):
        issued = await kiosk_two.ok("ticket.issue", service="passport")
        await board.wait_event(issued["seq"], timeout=10)  # committed by the other process
        ids = [await o.send("call.next") for o in operators]  # both press at once
        replies = [await o.reply(i) for o, i in zip(operators, ids, strict=True)]
        winners = [r for r in replies if r["ok"]]
        assert len(winners) == 1, replies
        assert [r["error"]["code"] for r in replies if not r["ok"]] == ["queue_empty"]
        winner = operators[replies.index(winners[0])]
        assert winners[0]["result"]["ticket"] == issued["ticket"]
        await winner.ok("ticket.start", ticket=issued["ticket"])
        await winner.ok("ticket.finish", ticket=issued["ticket"], result="done")
    request_id, frame = kiosk_two.frame("ticket.issue", service="passport")
    await kiosk_two.send_raw(frame)
    raw, reply = await kiosk_two.reply_raw(request_id)
    await kiosk_one.send_raw(frame)
    assert (await kiosk_one.reply_raw(request_id))[0] == raw
    last = await kiosk_one.ok("ticket.issue", service="passport")
    assert last["seq"] == reply["result"]["seq"] + 1 and last["number"] == reply["result"]["number"] + 1
    await board.wait_event(last["seq"])
    board.assert_in_order()


def silent_client(port: int) -> socket.socket:
    """A websocket client that opens the connection and then never reads or answers again."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    assert sock.recv(4096).startswith(b"HTTP/1.1 101")
    return sock


async def test_a_stop_waits_for_silent_clients_together_not_one_after_another(
        start_server: Callable[..., ServerProcess]) -> None:
    """Each silent client holds the stop for the websocket close timeout (10 s): in parallel, once."""
    server = start_server()
    silent = [silent_client(server.port) for _ in range(3)]
    try:
        began = time.monotonic()
        assert await asyncio.to_thread(server.stop, 60.0) == 0
        took = time.monotonic() - began
    finally:
        for sock in silent:
            sock.close()
    assert took < 20, f"the stop took {took:.1f} s: the silent clients were waited for one by one"
