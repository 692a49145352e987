"""QueueClient against the real server (a subprocess on 127.0.0.1; see conftest.py).

Requests and replies, timeouts, idempotent retries across a dropped connection, resume from
``last_seq``, a SIGKILLed server restarted under a connected client, credentials, and the
mirror of every role against a fresh snapshot after a busy morning.  Every wait is bounded.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import signal
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any

import msgspec
import pytest
from websockets.asyncio.client import connect

from queue_protocol.backoff import Backoff
from queue_protocol.client import (
    AuthError,
    ConnectionState,
    Credentials,
    DeviceToken,
    PasswordLogin,
    QueueClient,
    RequestError,
    RequestTimeout,
    SessionToken,
)
from queue_protocol.codec import CloseCode
from queue_protocol.enums import EventType
from queue_protocol.replies import EventMessage
from queue_protocol.views import IssueResult, OfficeView, PingResult

if TYPE_CHECKING:   # tests/client/conftest.py; the module name "conftest" is tests/conftest.py's at run time
    from conftest import ServerProcess

OFFICE = "demo"
KIOSK_TOKEN = "demo-kiosk"
DISPLAY_TOKEN = "demo-display"
PASSWORD = "demo"
SCENARIO_TIMEOUT_S = 90.0


def run(scenario: Coroutine[Any, Any, None]) -> None:
    asyncio.run(asyncio.wait_for(scenario, SCENARIO_TIMEOUT_S))


class Recorder:
    """What the client told the app, in order."""

    def __init__(self) -> None:
        self.states: list[tuple[ConnectionState, str]] = []
        self.snapshots: list[tuple[str, OfficeView]] = []
        self.events: list[EventMessage] = []
        self.sent: list[tuple[str, str]] = []

    def kwargs(self) -> dict[str, Any]:
        return {"on_state": lambda s, d: self.states.append((s, d)),
                "on_snapshot": lambda o, v: self.snapshots.append((o, v)),
                "on_event": lambda o, e: self.events.append(e),
                "on_sent": lambda i, v: self.sent.append((i, v))}


async def online(url: str, credentials: Credentials, **kwargs: Any) -> QueueClient:
    client = QueueClient(url, credentials, client_name="talon tests", **kwargs)
    client.start()
    await client.wait_online(15)
    return client


async def staff(url: str, login: str, **kwargs: Any) -> QueueClient:
    return await online(url, PasswordLogin(login, PASSWORD), **kwargs)


async def until(predicate: Callable[[], bool], what: str, timeout: float = 15.0) -> None:
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.01)
    assert predicate(), what


async def close_all(*clients: QueueClient) -> None:
    await asyncio.gather(*(c.close() for c in clients))


def comparable(view: OfficeView | None) -> dict[str, Any]:
    """A view as plain data, minus what the contract says is "as of the snapshot" (estimates)."""
    assert view is not None
    data: dict[str, Any] = msgspec.to_builtins(view)
    for service in data["services"]:
        service.pop("estimated_wait_s")
    return data


async def same_as_fresh(client: QueueClient, credentials: Credentials) -> None:
    """The client's mirror equals what a brand-new connection with these credentials is sent."""
    fresh = await online(client.url, credentials)
    try:
        head = fresh.last_seq[OFFICE]
        await until(lambda: client.last_seq.get(OFFICE, -1) >= head and client.state is ConnectionState.ONLINE,
                    f"the client to reach seq {head}")
        await until(lambda: fresh.last_seq[OFFICE] == client.last_seq[OFFICE], "both at the same seq")
        assert comparable(client.view(OFFICE)) == comparable(fresh.view(OFFICE))
    finally:
        await fresh.close()


class Longest(random.Random):
    """Full jitter that always draws the top of the window: a reconnect delay we can plan around."""

    def uniform(self, a: float, b: float) -> float:
        return b


# -- requests and replies --------------------------------------------------------------------

def test_requests_get_their_replies_and_refusals_their_codes(talon_server: ServerProcess) -> None:
    async def scenario() -> None:
        kiosk = await online(talon_server.url, DeviceToken(KIOSK_TOKEN))
        try:
            assert kiosk.hello is not None and (kiosk.hello.role, kiosk.hello.office) == ("kiosk", OFFICE)
            pong = await kiosk.request("ping")
            assert pong["server_time"].endswith("Z")
            typed = await kiosk.request_as(PingResult, "ping")
            assert typed.server_time >= pong["server_time"]
            with pytest.raises(RequestError) as refused:
                await kiosk.request("ticket.issue", service="passport")   # no window is open yet
            assert refused.value.code == "no_open_window" and refused.value.request_id
            with pytest.raises(RequestError) as forbidden:
                await kiosk.request("call.next")
            assert forbidden.value.code == "forbidden"
            with pytest.raises(RequestError) as local:                    # the codec refuses it: never sent
                await kiosk.request("ticket.issue", service="passport", colour="red")
            assert local.value.code == "unknown_field"
            with pytest.raises(ValueError):
                await kiosk.request("resync", office=OFFICE, after_seq=0)   # the client's own verb
            # pipelined requests each get their own reply
            pongs = await asyncio.gather(*(kiosk.request("ping") for _ in range(20)))
            assert len({p["server_time"] for p in pongs}) >= 1 and kiosk.pending_count == 0
            assert kiosk.state is ConnectionState.ONLINE
        finally:
            await kiosk.close()

    run(scenario())


def test_a_request_the_server_does_not_answer_in_time_raises_request_timeout(talon_server: ServerProcess) -> None:
    async def scenario() -> None:
        kiosk = await online(talon_server.url, DeviceToken(KIOSK_TOKEN))
        assert talon_server.proc is not None
        os.kill(talon_server.proc.pid, signal.SIGSTOP)   # the server is frozen: the socket stays open
        try:
            with pytest.raises(RequestTimeout) as late:
                await kiosk.request("ping", timeout=0.5)
            assert late.value.verb == "ping" and late.value.timeout == 0.5
        finally:
            os.kill(talon_server.proc.pid, signal.SIGCONT)
        assert kiosk.pending_count == 0
        assert "server_time" in await kiosk.request("ping")   # the late reply was dropped, the next one matches
        await kiosk.close()
        with pytest.raises(Exception, match="closed"):
            await kiosk.request("ping")

    run(scenario())


# -- idempotency across a dropped connection -------------------------------------------------

def test_a_retried_issue_after_the_reply_was_lost_returns_the_original_ticket(talon_server: ServerProcess) -> None:
    """The first attempt is executed, its reply never read; the retry with the same id gets it."""
    async def scenario() -> None:
        watcher = Recorder()
        operator = await staff(talon_server.url, "operator1")
        await operator.request("window.open", window=1)
        manager = await staff(talon_server.url, "manager", **watcher.kwargs())
        request_id = "kiosk-test-000001"
        async with connect(talon_server.url, compression=None) as raw:
            await raw.send(json.dumps({"type": "hello", "id": "h1", "protocol": 1, "token": KIOSK_TOKEN}))
            assert json.loads(await raw.recv())["ok"] is True
            await raw.send(json.dumps({"type": "ticket.issue", "id": request_id, "service": "passport"}))
            await until(lambda: any(e.event.type is EventType.TICKET_ISSUED for e in watcher.events), "the ticket")
        # the raw connection is gone with the reply unread; the kiosk app retries with the same id
        kiosk = await online(talon_server.url, DeviceToken(KIOSK_TOKEN))
        retried = await kiosk.request_as(IssueResult, "ticket.issue", request_id=request_id, service="passport")
        issued = [e for e in watcher.events if e.event.type is EventType.TICKET_ISSUED]
        assert len(issued) == 1
        assert (retried.ticket, retried.seq, retried.label) == (issued[0].event.ticket, issued[0].seq, "А001")
        with pytest.raises(RequestError) as reused:   # the same id for other content
            await kiosk.request("ticket.issue", request_id=request_id, service="passport_foreign")
        assert reused.value.code == "id_reused"
        await asyncio.sleep(0.2)
        assert len([e for e in watcher.events if e.event.type is EventType.TICKET_ISSUED]) == 1
        await close_all(kiosk, manager, operator)

    run(scenario())


def test_a_request_in_flight_when_the_socket_drops_is_resent_with_its_id_and_makes_one_ticket(
        talon_server: ServerProcess) -> None:
    async def scenario() -> None:
        watcher, recorder = Recorder(), Recorder()
        operator = await staff(talon_server.url, "operator1")
        await operator.request("window.open", window=1)
        manager = await staff(talon_server.url, "manager", **watcher.kwargs())
        kiosk: QueueClient | None = None

        def drop_after_issue(request_id: str, verb: str) -> None:
            recorder.sent.append((request_id, verb))
            if verb == "ticket.issue" and len(recorder.sent) == 1:
                assert kiosk is not None
                kiosk.drop_connection()   # right after the frame went to the socket, before any reply

        kiosk = await online(talon_server.url, DeviceToken(KIOSK_TOKEN), on_sent=drop_after_issue,
                             on_state=lambda s, d: recorder.states.append((s, d)))
        result = await kiosk.request_as(IssueResult, "ticket.issue", service="passport", timeout=20)
        assert [v for _, v in recorder.sent] == ["ticket.issue", "ticket.issue"]
        assert recorder.sent[0][0] == recorder.sent[1][0]                       # the same request id
        assert ConnectionState.OFFLINE in [s for s, _ in recorder.states]      # it did reconnect
        await until(lambda: manager.last_seq.get(OFFICE, 0) >= result.seq, "the manager to see the ticket")
        issued = [e for e in watcher.events if e.event.type is EventType.TICKET_ISSUED]
        assert [e.event.ticket for e in issued] == [result.ticket]
        view = manager.view(OFFICE)
        assert view is not None and [t.id for t in view.tickets or []] == [result.ticket]
        await close_all(kiosk, manager, operator)

    run(scenario())


def test_requests_made_while_offline_wait_and_go_out_after_the_reconnect(talon_server: ServerProcess) -> None:
    async def scenario() -> None:
        operator = await staff(talon_server.url, "operator1")
        await operator.request("window.open", window=1)
        kiosk = await online(talon_server.url, DeviceToken(KIOSK_TOKEN),
                             backoff=Backoff(base_s=1.0, cap_s=1.0, rng=Longest()))
        kiosk.drop_connection()
        await kiosk.wait_for_state(ConnectionState.OFFLINE, timeout=5)
        issues = [asyncio.ensure_future(kiosk.request("ticket.issue", service="passport")) for _ in range(3)]
        await asyncio.sleep(0.2)
        assert kiosk.state is ConnectionState.OFFLINE and not any(i.done() for i in issues)
        labels = [r["label"] for r in await asyncio.gather(*issues)]
        assert labels == ["А001", "А002", "А003"]   # sent in the order they were made
        await close_all(kiosk, operator)

    run(scenario())


# -- resume ----------------------------------------------------------------------------------

def test_a_client_that_was_away_gets_the_fifty_events_it_missed_in_order_none_twice(
        talon_server: ServerProcess) -> None:
    async def scenario() -> None:
        recorder = Recorder()
        operator = await staff(talon_server.url, "operator1")
        await operator.request("window.open", window=1)
        board = await online(talon_server.url, DeviceToken(DISPLAY_TOKEN), **recorder.kwargs(),
                             backoff=Backoff(base_s=3.0, cap_s=3.0, rng=Longest()))
        kiosk = await online(talon_server.url, DeviceToken(KIOSK_TOKEN))
        await until(lambda: board.last_seq.get(OFFICE) == kiosk.last_seq.get(OFFICE), "the board to settle")
        before = board.last_seq[OFFICE]
        snapshots_before = len(recorder.snapshots)
        board.drop_connection()
        await board.wait_for_state(ConnectionState.OFFLINE, timeout=5)
        results = [await kiosk.request("ticket.issue", service="passport") for _ in range(50)]
        assert board.state is ConnectionState.OFFLINE, "the 50 events must happen while the board is away"
        assert [r["seq"] for r in results] == list(range(before + 1, before + 51))
        await board.wait_online(15)
        await until(lambda: board.last_seq[OFFICE] == before + 50, "the board to catch up")
        missed = [e for e in recorder.events if e.seq > before]
        assert [e.seq for e in missed] == list(range(before + 1, before + 51))   # in order, none twice
        assert [e.event.label for e in missed] == [f"А{n:03d}" for n in range(1, 51)]
        assert len(recorder.snapshots) == snapshots_before    # resumed by events, not by a new snapshot
        await same_as_fresh(board, DeviceToken(DISPLAY_TOKEN))
        await close_all(board, kiosk, operator)

    run(scenario())


def test_a_sigkilled_server_restarted_on_the_same_port_is_rejoined_by_itself(talon_server: ServerProcess) -> None:
    async def scenario() -> None:
        recorders = {name: Recorder() for name in ("kiosk", "board", "operator")}
        operator = await staff(talon_server.url, "operator1", **recorders["operator"].kwargs())
        await operator.request("window.open", window=1)
        kiosk = await online(talon_server.url, DeviceToken(KIOSK_TOKEN), **recorders["kiosk"].kwargs())
        board = await online(talon_server.url, DeviceToken(DISPLAY_TOKEN), **recorders["board"].kwargs())
        first = await kiosk.request("ticket.issue", service="passport")
        await operator.request("call.next")
        clients = (kiosk, board, operator)
        await until(lambda: all(c.last_seq.get(OFFICE) == first["seq"] + 1 for c in clients), "all to settle")

        talon_server.kill()
        await until(lambda: all(c.state in (ConnectionState.OFFLINE, ConnectionState.CONNECTING) for c in clients),
                    "every client to notice", timeout=10)
        pending = asyncio.ensure_future(kiosk.request("ticket.issue", service="passport", timeout=40))
        await asyncio.sleep(0.5)
        talon_server.start()

        second = await pending                     # made while the server was dead, answered after
        assert second["label"] == "А002" and second["seq"] == first["seq"] + 2
        for client in clients:
            await client.wait_online(30)
        assert operator.hello is not None and operator.hello.window == 1   # the session and window survived
        assert isinstance(operator.session, SessionToken)
        await same_as_fresh(kiosk, DeviceToken(KIOSK_TOKEN))
        await same_as_fresh(board, DeviceToken(DISPLAY_TOKEN))
        await same_as_fresh(operator, PasswordLogin("operator2", PASSWORD))
        for name, recorder in recorders.items():
            seqs = [e.seq for e in recorder.events]
            assert seqs == sorted(set(seqs)), f"{name} saw an event twice or out of order"
        await close_all(*clients)

    run(scenario())


def test_a_gap_is_filled_with_resync(talon_server: ServerProcess) -> None:
    """Make a gap by hand: put the manager's mirror back to an older seq, as if three events
    had been lost on the way; the next event is then a gap, and the client resyncs."""
    async def scenario() -> None:
        operator = await staff(talon_server.url, "operator1")
        await operator.request("window.open", window=1)
        kiosk = await online(talon_server.url, DeviceToken(KIOSK_TOKEN))
        recorder = Recorder()
        manager = await staff(talon_server.url, "manager", **recorder.kwargs())
        await until(lambda: manager.last_seq.get(OFFICE) == kiosk.last_seq.get(OFFICE), "the manager to settle")
        older_seq, older_view = manager.last_seq[OFFICE], manager.view(OFFICE)
        seqs = [(await kiosk.request("ticket.issue", service="passport"))["seq"] for _ in range(3)]
        await until(lambda: manager.last_seq.get(OFFICE) == seqs[-1], "the manager to see the tickets")
        feed = manager._feeds[OFFICE]   # white box: forget the three events
        assert feed.mirror is not None and older_view is not None
        feed.mirror.load(older_view)
        feed.last_seq = older_seq
        snapshots_before = len(recorder.snapshots)
        last = (await kiosk.request("ticket.issue", service="passport"))["seq"]
        await until(lambda: manager.last_seq[OFFICE] == last and manager.state is ConnectionState.ONLINE,
                    "the manager to resync")
        assert len(recorder.snapshots) == snapshots_before          # filled with the missing events
        replayed = [e.seq for e in recorder.events if e.seq > older_seq]
        assert replayed == [*seqs, *seqs, last]                    # the three twice: live, then the catch-up
        await same_as_fresh(manager, PasswordLogin("manager", PASSWORD))
        await close_all(kiosk, manager, operator)

    run(scenario())


# -- every role's mirror against the server --------------------------------------------------

def test_after_a_busy_morning_every_roles_mirror_equals_a_fresh_snapshot(talon_server: ServerProcess) -> None:
    async def scenario() -> None:
        url = talon_server.url
        kiosk = await online(url, DeviceToken(KIOSK_TOKEN))
        board = await online(url, DeviceToken(DISPLAY_TOKEN))
        watcher = await staff(url, "operator5")
        manager = await staff(url, "manager")
        op1 = await staff(url, "operator1")
        op3 = await staff(url, "operator3")
        await op1.request("window.open", window=1)
        await op3.request("window.open", window=3)

        async def issue(service: str, **fields: Any) -> str:
            return str((await kiosk.request("ticket.issue", service=service, **fields))["ticket"])

        tickets = [await issue("passport") for _ in range(4)] + [await issue("registration")]
        await issue("passport", priority="disabled_1_2")
        await manager.request("ticket.set_priority", ticket=tickets[3], priority="ww2_veteran")
        first = await op1.request("call.next")
        await op1.request("ticket.recall", ticket=first["ticket"])
        await op1.request("ticket.start", ticket=first["ticket"])
        await op1.request("ticket.finish", ticket=first["ticket"], result="done")
        second = await op1.request("call.next")
        await op1.request("ticket.postpone", ticket=second["ticket"], reason="оплата госпошлины", minutes=5)
        third = await op3.request("call.next")
        await op3.request("ticket.start", ticket=third["ticket"])
        await op3.request("ticket.transfer", ticket=third["ticket"], to_service="registration", comment="прописка",
                          return_to_me=True)
        fourth = await op1.request("call.next")
        await op1.request("ticket.no_show", ticket=fourth["ticket"])
        await manager.request("ticket.reactivate", ticket=fourth["ticket"])
        fifth = await op1.request("call.next")
        await op1.request("ticket.cancel", ticket=fifth["ticket"], reason="ушёл")
        await op1.request("window.break", reason="обед")
        await manager.request("board.set_text", text="С 1 апреля МФЦ работает до 21:00")
        await manager.request("service.set_active", service="passport_foreign", active=False)
        await manager.request("window.set_services", window=3, services={"registration": 1.0, "passport": 2.0})
        back = await op3.request("call.next")
        await op3.request("ticket.start", ticket=back["ticket"])
        await op3.request("ticket.finish", ticket=back["ticket"], result="consulted")
        await op1.request("window.resume")
        await op1.request("window.close")

        await same_as_fresh(kiosk, DeviceToken(KIOSK_TOKEN))
        await same_as_fresh(board, DeviceToken(DISPLAY_TOKEN))
        await same_as_fresh(watcher, PasswordLogin("operator6", PASSWORD))
        await same_as_fresh(manager, PasswordLogin("manager", PASSWORD))
        view = manager.view(OFFICE)
        assert view is not None and view.office.running_text.startswith("С 1 апреля")
        await close_all(kiosk, board, watcher, manager, op1, op3)

    run(scenario())


# -- credentials -----------------------------------------------------------------------------

def test_a_wrong_password_fails_for_good_and_pending_requests_fail_with_it(talon_server: ServerProcess) -> None:
    async def scenario() -> None:
        recorder = Recorder()
        client = QueueClient(talon_server.url, PasswordLogin("operator1", "wrong"), client_name="tests",
                             **recorder.kwargs())
        client.start()
        waiting = asyncio.ensure_future(client.request("ping", timeout=10))
        with pytest.raises(AuthError):
            await client.wait_online(15)
        assert client.state is ConnectionState.AUTH_FAILED and "auth_failed" in client.detail
        with pytest.raises(AuthError):
            await waiting
        with pytest.raises(AuthError):
            await client.request("ping")
        await asyncio.sleep(0.5)   # no retries with the same bad credentials
        assert [s for s, _ in recorder.states].count(ConnectionState.CONNECTING) == 1
        client.login("operator1", PASSWORD)
        await client.wait_online(15)
        await client.close()

    run(scenario())


def test_an_expired_session_asks_for_the_password_and_a_login_recovers(talon_server: ServerProcess) -> None:
    async def scenario() -> None:
        client = QueueClient(talon_server.url, SessionToken("no-such-session-0123456789", "operator1"),
                             client_name="tests")
        client.start()
        state = await client.wait_for_state(ConnectionState.AUTH_REQUIRED, ConnectionState.ONLINE, timeout=15)
        assert state is ConnectionState.AUTH_REQUIRED and "session_expired" in client.detail
        client.login("operator1", PASSWORD)
        await client.wait_online(15)
        session = client.session
        assert session is not None and session.username == "operator1" and session.expires_at
        await client.close()

    run(scenario())


def test_a_password_login_reconnects_with_its_session_token(talon_server: ServerProcess) -> None:
    async def scenario() -> None:
        recorder = Recorder()
        client = await staff(talon_server.url, "operator1", **recorder.kwargs())
        await client.request("window.open", window=1)
        session = client.session
        assert session is not None and "demo" not in repr(session)   # secrets are not in reprs
        client.drop_connection()
        await client.wait_for_state(ConnectionState.OFFLINE, timeout=5)
        await client.wait_online(15)
        assert client.session == session                   # the same session resumed: no new login
        assert client.hello is not None and client.hello.window == 1 and client.hello.session is None
        await client.close()

    run(scenario())


def test_close_codes_map_to_states() -> None:
    from queue_protocol.client import _classify_close

    assert _classify_close(CloseCode.AUTH_FAILED, "").next_state is ConnectionState.AUTH_FAILED
    assert _classify_close(CloseCode.CREDENTIALS_REVOKED, "").next_state is ConnectionState.AUTH_FAILED
    assert _classify_close(CloseCode.PROTOCOL_VERSION, "").next_state is ConnectionState.AUTH_FAILED
    assert _classify_close(CloseCode.SESSION_EXPIRED, "").next_state is ConnectionState.AUTH_REQUIRED
    limited = _classify_close(CloseCode.RATE_LIMITED, "")
    assert limited.next_state is ConnectionState.OFFLINE and limited.slow
    for code in (CloseCode.SERVER_RESTART, 1001, 1006, 1011, None):
        outcome = _classify_close(code, "server stopping")
        assert outcome.next_state is ConnectionState.OFFLINE and not outcome.slow
    assert _classify_close(1000, "").slow   # unexpected, but a kiosk must come back by itself
