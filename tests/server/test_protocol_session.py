"""docs/protocol.md, "Connection lifecycle", "Sessions", "Close codes", "Transport": the session rules.

Failed logins are braked per login *and per peer address*, and every test connects from
127.0.0.1: the tests that fail logins on purpose get a server of their own, so the brake
never spills into another test.
"""

from __future__ import annotations

import asyncio
import json
import time
from datetime import timedelta

import pytest

from queue_protocol.codec import MAX_BAD_FRAMES, MAX_FRAME
from queue_protocol.wire_time import parse_utc

from .conftest import TIMESTAMP, ServerProcess


@pytest.mark.slow
async def test_no_hello_within_10_s_closes_4002_and_other_verbs_are_not_authenticated(
        shared_server: ServerProcess) -> None:
    started = time.monotonic()
    client = await shared_server.connect()
    assert await client.refused("ping") == "not_authenticated"
    assert await client.refused("ticket.issue", service="passport") == "not_authenticated"
    await asyncio.sleep(2)
    assert await client.refused("call.next") == "not_authenticated", "the connection stays open until the timeout"
    assert await client.wait_closed(20) == 4002
    assert 9.0 <= time.monotonic() - started <= 14.0


async def test_not_authenticated_then_hello_works(shared_server: ServerProcess) -> None:
    client = await shared_server.connect()
    for verb, fields in (("ping", {}), ("resync", {"office": "demo", "after_seq": 0}),
                         ("board.set_text", {"text": "x"}), ("call.next", {})):
        assert await client.refused(verb, **fields) == "not_authenticated", verb
    await client.say_hello(token="demo-display")
    assert await client.ok("ping")


async def test_already_authenticated(shared_server: ServerProcess) -> None:
    operator = await shared_server.login("operator18")
    assert await operator.refused("hello", protocol=1, username="operator18", password="demo") == "already_authenticated"
    assert await operator.refused("hello", protocol=1, token="demo-kiosk") == "already_authenticated"
    assert operator.hello_result["role"] == "operator" and await operator.ok("ping")


async def test_auth_failed_closes_4001(shared_server: ServerProcess) -> None:
    server = shared_server  # two failed logins: under the brake's five per peer and minute
    for credentials in ({"token": "not-a-device-token"}, {"username": "operator1", "password": "wrong"},
                        {"username": "nobody", "password": "demo"}):
        client = await server.connect()
        assert await client.refused("hello", protocol=1, **credentials) == "auth_failed", credentials
        assert await client.wait_closed() == 4001, credentials
        assert not client.pushes, "nothing of an office before a successful hello"


async def test_protocol_version_closes_4009(shared_server: ServerProcess) -> None:
    client = await shared_server.connect()
    assert await client.refused("hello", protocol=2, token="demo-kiosk") == "protocol_version"
    assert await client.wait_closed() == 4009


async def test_password_login_gives_a_session_that_restores_the_open_window(shared_server: ServerProcess) -> None:
    operator = await shared_server.login("operator19")
    hello = operator.hello_result
    token = hello["session"]
    assert isinstance(token, str) and len(token) >= 22 and " " not in token, "random, at least 128 bits"
    assert TIMESTAMP.match(hello["session_expires_at"])
    lifetime = parse_utc(hello["session_expires_at"]) - parse_utc(hello["server_time"])
    assert timedelta(hours=11, minutes=59) <= lifetime <= timedelta(hours=12, minutes=1)
    assert hello["window"] is None
    await operator.ok("window.open", window=19)
    await operator.close()

    resumed = await shared_server.hello("operator19", session=token)
    again = resumed.hello_result
    assert (again["role"], again["user"], again["window"]) == ("operator", "operator19", 19)
    assert again["session"] is None, "session tokens are sent once, in the password hello's reply"
    assert again["session_expires_at"] == hello["session_expires_at"]
    assert token not in "".join(str(f) for f in resumed.frames)
    # bound to window 19 again: operator verbs act there
    issued = await resumed.ok("ticket.issue", service="consult")
    called = await resumed.ok("call.next")
    assert (called["ticket"], called["window"]) == (issued["ticket"], 19)
    # a password login while the window is still open is bound to it too
    other = await shared_server.login("operator19")
    assert other.hello_result["window"] == 19 and other.hello_result["session"] != token


async def test_unknown_session_is_session_expired_4003(shared_server: ServerProcess) -> None:
    client = await shared_server.connect()
    assert await client.refused("hello", protocol=1, session="s3cr3t-Bq9xTz2LmV7pRw4K") == "session_expired"
    assert await client.wait_closed() == 4003


async def test_six_wrong_passwords_are_rate_limited_4029(server: ServerProcess) -> None:
    for attempt in range(1, 6):
        client = await server.connect()
        assert await client.refused("hello", protocol=1, username="operator2", password=f"guess{attempt}") == "auth_failed"
        assert await client.wait_closed() == 4001
    client = await server.connect()
    assert await client.refused("hello", protocol=1, username="operator2", password="guess6") == "rate_limited"
    assert await client.wait_closed() == 4029
    # the brake holds even for the right password now; devices are not braked
    client = await server.connect()
    assert await client.refused("hello", protocol=1, username="operator2", password="demo") == "rate_limited"
    assert await client.wait_closed() == 4029
    kiosk = await server.kiosk()
    assert await kiosk.ok("ping")


async def test_wrong_passwords_in_parallel_are_braked_too(server: ServerProcess) -> None:
    """The brake holds for a guesser who opens many connections at once, not only one after another."""
    clients = [await server.connect(f"guesser{n}") for n in range(12)]
    ids = [await c.send("hello", protocol=1, username="operator4", password=f"guess{n}") for n, c in enumerate(clients)]
    codes = [(await c.reply(i, timeout=30))["error"]["code"] for c, i in zip(clients, ids, strict=True)]
    assert set(codes) <= {"auth_failed", "rate_limited"}
    assert codes.count("auth_failed") <= 5, f"{codes.count('auth_failed')} passwords were tried: {codes}"


async def test_twenty_bad_frames_in_a_row_close_4008(shared_server: ServerProcess) -> None:
    kiosk = await shared_server.kiosk()
    for _ in range(MAX_BAD_FRAMES - 1):
        await kiosk.send_raw("{not json")
        assert (await kiosk.reply(None))["error"]["code"] == "bad_json"
    assert await kiosk.ok("ping"), "a good frame resets the count"
    assert await kiosk.refused("call.next") == "forbidden", "refusals that are not parse errors do not count"
    for _ in range(MAX_BAD_FRAMES - 1):
        await kiosk.send_raw("[]")
        assert (await kiosk.reply(None))["error"]["code"] == "not_an_object"
    assert not kiosk.closed
    await kiosk.send_raw("[]")
    assert (await kiosk.reply(None))["error"]["code"] == "not_an_object"
    assert await kiosk.wait_closed() == 4008


async def test_bad_frames_before_hello_count_too(shared_server: ServerProcess) -> None:
    client = await shared_server.connect()
    for _ in range(MAX_BAD_FRAMES):
        await client.send_raw(b"\x00binary")
    codes = [(await client.reply(None))["error"]["code"] for _ in range(MAX_BAD_FRAMES)]
    assert set(codes) == {"binary_frame"}
    assert await client.wait_closed() == 4008


async def test_frame_limits(shared_server: ServerProcess) -> None:
    board = await shared_server.board()
    await board.send_raw(b'{"type": "ping", "id": "bin-1"}')
    reply = await board.reply(None)
    assert reply["error"]["code"] == "binary_frame" and reply["re"] is None
    just_fits = json.dumps({"type": "ping", "id": "big-1"})
    just_fits = just_fits[:-1] + " " * (MAX_FRAME - len(just_fits)) + "}"
    assert len(just_fits.encode()) == MAX_FRAME
    await board.send_raw(just_fits)
    assert (await board.reply("big-1"))["ok"] is True
    too_big = json.dumps({"type": "board.set_text", "id": "big-2", "text": "я" * (MAX_FRAME // 2)})
    await board.send_raw(too_big)
    reply = await board.reply(None)
    assert reply["error"]["code"] == "frame_too_large" and reply["re"] is None
    await board.send_raw("x" * 900_000)  # over MAX_FRAME, under the transport's 1 MiB: a reply
    assert (await board.reply(None))["error"]["code"] == "frame_too_large"
    assert await board.ok("ping")
    await board.send_raw("x" * (1024 * 1024 + 1))
    assert await board.wait_closed() == 1009


@pytest.mark.parametrize(("frame", "code", "re_"), [
    ("", "bad_json", None),
    ("{\"type\": \"ping\", \"id\": \"p1\"", "bad_json", None),
    ("\"ping\"", "not_an_object", None),
    ("null", "not_an_object", None),
    ("{\"id\": \"p2\"}", "missing_field", "p2"),
    ("{\"type\": \"ping\"}", "missing_field", None),
    ("{\"type\": \"pong\", \"id\": \"p3\"}", "unknown_type", "p3"),
    ("{\"type\": 5, \"id\": \"p4\"}", "unknown_type", "p4"),
    ("{\"type\": \"ping\", \"id\": \"has space\"}", "bad_value", None),
    ("{\"type\": \"ping\", \"id\": \"" + "x" * 65 + "\"}", "bad_value", None),
    ("{\"type\": \"ping\", \"id\": \"\"}", "bad_value", None),
    ("[" * 5000 + "]" * 5000, "bad_json", None),
    ("{\"type\": \"ping\", \"id\": \"p5\", \"extra\": {\"a\": " + "[" * 3000 + "]" * 3000 + "}}", "bad_json", None),
])
async def test_protocol_codes(shared_server: ServerProcess, frame: str, code: str, re_: str | None) -> None:
    client = await shared_server.kiosk()
    await client.send_raw(frame)
    reply = await client.reply(re_)
    assert reply["ok"] is False and reply["error"]["code"] == code, reply
    assert await client.ok("ping")


async def test_replies_come_in_request_order_and_before_the_events_they_caused(shared_server: ServerProcess) -> None:
    manager = await shared_server.login("manager")
    ids = []
    for n in range(30):
        if n % 3 == 0:
            ids.append(await manager.send("board.set_text", text=f"конвейер {n}"))
        elif n % 3 == 1:
            ids.append(await manager.send("ping"))
        else:
            ids.append(await manager.send("call.next"))  # no window: no_window
    await manager.until(lambda: all(manager.replies.get(i) for i in ids), 15, "every reply")
    replies = [json.loads(f) for f in manager.frames if '"re"' in str(f)[:6]]
    assert [r["re"] for r in replies[1:]] == ids, "replies in request order"
    for request_id in ids[::3]:
        position = next(i for i, f in enumerate(manager.frames) if f'"re":"{request_id}"' in str(f))
        seq = json.loads(manager.frames[position])["result"]["seq"]
        event_at = next(i for i, f in enumerate(manager.frames) if '"type":"event"' in str(f) and f'"seq":{seq},' in str(f))
        assert position < event_at, "a reply comes before the events its command caused"
    manager.assert_in_order()


async def test_same_request_id_of_different_principals_is_not_shared(shared_server: ServerProcess) -> None:
    one = await shared_server.login("operator16")
    await one.ok("window.open", window=16)
    two = await shared_server.login("manager")
    first = await one.ok("ticket.issue", "shared-id-1", service="registration")
    second = await two.ok("ticket.issue", "shared-id-1", service="registration")
    assert first["ticket"] != second["ticket"]


async def test_a_client_vanishing_mid_request_leaves_no_traceback(shared_server: ServerProcess) -> None:
    server = shared_server
    operator = await server.login("operator1")
    await operator.ok("window.open", window=1)
    for round_ in range(15):
        kiosk = await server.kiosk()
        for n in range(5):
            await kiosk.send("ticket.issue", f"vanish-{round_}-{n}", service="passport")
        kiosk.ws.transport.abort()  # gone without a close frame, replies still on their way
        kiosk.closed = True
    await asyncio.sleep(1.0)
    check = await server.kiosk()
    assert await check.ok("ping")
    server.assert_clean_log()


async def test_nothing_of_an_office_comes_before_its_snapshot(shared_server: ServerProcess) -> None:
    """Connection lifecycle, rule 3: after the hello reply, nothing of an office before its snapshot.

    A kiosk keeps taking tickets (each a print job: the demo printer is offline, so each job
    fails and the spool tells the kiosk and the managers) while managers connect again and again.
    """
    operator = await shared_server.login("operator3")
    await operator.ok("window.open", window=3)
    kiosk = await shared_server.kiosk()
    printing = True

    async def keep_printing() -> None:
        while printing:
            await kiosk.send("ticket.issue", service="passport")
            await asyncio.sleep(0.01)

    printer = asyncio.create_task(keep_printing())
    early: list[list[str]] = []
    try:
        for _ in range(40):
            manager = await shared_server.login("manager")
            parsed = [json.loads(f) for f in manager.frames]
            first = next(i for i, p in enumerate(parsed) if p.get("type") == "snapshot")
            before = [p.get("type", "reply") for p in parsed[1:first]]
            if before:
                early.append(before)
            await manager.close()
    finally:
        printing = False
        await printer
    assert not early, f"pushes between the hello reply and the snapshot: {early[:3]}"
