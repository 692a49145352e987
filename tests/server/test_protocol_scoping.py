"""docs/protocol.md, "Roles", "Snapshot" and "Events": what each role may see.

One scenario sets the office up: operator1 at window 1 with a visitor called, operator2 on a
break («обед №7»), operator3 has finished a visitor and postponed another with a reason, and
transferred a third with a comment.  Then a kiosk, a hall board, an operator and a manager
look at it.  Public screens never receive a ticket list, free text or a staff login.
"""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from queue_protocol.replies import Snapshot

from .conftest import PUBLIC_DATA, Client, ServerProcess

LOGINS = ("operator1", "operator2", "operator3", "manager")
SECRETS = ("обед №7", "оплата пошлины №7", "нужна справка №7")


async def scenario(server: ServerProcess) -> dict[str, Any]:
    one = await server.login("operator1")
    await one.ok("window.open", window=1)
    called = await one.ok("call.ticket", ticket=(await one.ok("ticket.issue", service="passport"))["ticket"])
    two = await server.login("operator2")
    await two.ok("window.open", window=2)
    await two.ok("window.break", reason="обед №7")
    three = await server.login("operator3")
    await three.ok("window.open", window=3)
    finished = await three.ok("call.ticket", ticket=(await three.ok("ticket.issue", service="passport"))["ticket"])
    await three.ok("ticket.start", ticket=finished["ticket"])
    await three.ok("ticket.finish", ticket=finished["ticket"], result="done")
    postponed = await three.ok("call.ticket", ticket=(await three.ok("ticket.issue", service="passport"))["ticket"])
    await three.ok("ticket.postpone", ticket=postponed["ticket"], reason="оплата пошлины №7", minutes=30)
    moved = await three.ok("call.ticket", ticket=(await three.ok("ticket.issue", service="registration"))["ticket"])
    await three.ok("ticket.transfer", ticket=moved["ticket"], to_window=3, comment="нужна справка №7")
    kiosk = await server.kiosk()
    waiting = await kiosk.ok("ticket.issue", service="passport", priority="disabled_1_2")
    return {"called": called, "finished": finished, "postponed": postponed, "moved": moved, "waiting": waiting}


@pytest.fixture(scope="module")
def office(shared_server: ServerProcess) -> dict[str, Any]:
    import asyncio

    from .conftest import _run_async_test

    found: dict[str, Any] = {}

    async def set_up() -> None:
        found.update(await scenario(shared_server))

    asyncio.run(_run_async_test(set_up, {}, 60))
    return found


def assert_no_staff_data(client: Client) -> None:
    text = "".join(str(f) for f in client.frames)
    for login in LOGINS:
        assert f'"{login}"' not in text, f"{client.label} received the login {login}"
    for secret in SECRETS:
        assert secret not in text, f"{client.label} received the staff text {secret!r}"


async def test_kiosk_snapshot_has_no_tickets_and_no_staff(shared_server: ServerProcess, office: dict[str, Any]) -> None:
    kiosk = await shared_server.kiosk()
    raw = next(f for f in kiosk.frames if '"type":"snapshot"' in str(f))
    state = msgspec.json.decode(raw, type=Snapshot).state  # the documented shape
    assert state.tickets is None and state.calls == []
    for window in state.windows:
        assert (window.operator, window.operator_name, window.reason) == (None, None, ""), window
    assert {w.number: w.status.value for w in state.windows}[2] == "break"
    assert {w.number: w.label for w in state.windows}[1] == office["called"]["label"]
    assert "Оператор" not in str(raw), "no staff names on a kiosk"
    passport = next(s for s in state.services if s.id == "passport")
    assert passport.unavailable is None and passport.waiting >= 1
    assert_no_staff_data(kiosk)


async def test_display_snapshot_has_names_but_no_logins_and_no_tickets(shared_server: ServerProcess,
                                                                        office: dict[str, Any]) -> None:
    board = await shared_server.board()
    raw = next(f for f in board.frames if '"type":"snapshot"' in str(f))
    state = msgspec.json.decode(raw, type=Snapshot).state
    assert state.tickets is None
    windows = {w.number: w for w in state.windows}
    assert (windows[1].operator, windows[1].operator_name, windows[1].label) == (None, "Оператор 1",
                                                                                 office["called"]["label"])
    assert (windows[2].operator, windows[2].operator_name, windows[2].reason) == (None, "Оператор 2", "")
    assert windows[20].operator_name is None
    labels = [c.label for c in state.calls]
    assert office["called"]["label"] in labels and len(state.calls) <= 20
    assert [c.at for c in state.calls] == sorted((c.at for c in state.calls), reverse=True), "newest first"
    assert_no_staff_data(board)


async def test_operator_sees_live_tickets_and_manager_the_whole_day(shared_server: ServerProcess,
                                                                     office: dict[str, Any]) -> None:
    operator = await shared_server.login("operator4")
    manager = await shared_server.login("manager")
    for client in (operator, manager):
        state = msgspec.json.decode(next(f for f in client.frames if '"type":"snapshot"' in str(f)), type=Snapshot).state
        windows = {w.number: w for w in state.windows}
        assert (windows[1].operator, windows[2].operator, windows[2].reason) == ("operator1", "operator2", "обед №7")
        assert state.tickets is not None
        tickets = {t.id: t for t in state.tickets}
        assert tickets[office["called"]["ticket"]].state.value == "called"
        assert tickets[office["postponed"]["ticket"]].state.value == "postponed"
        assert tickets[office["moved"]["ticket"]].comment == "нужна справка №7"
        assert tickets[office["moved"]["ticket"]].target_window == 3
        assert tickets[office["waiting"]["ticket"]].priority == "disabled_1_2"
        if client is operator:
            assert office["finished"]["ticket"] not in tickets, "operators get the live tickets only"
            assert all(t.state.value in ("waiting", "called", "serving", "postponed") for t in state.tickets)
        else:
            assert tickets[office["finished"]["ticket"]].state.value == "finished", "managers get the day"


async def test_events_to_public_screens_carry_no_operator_and_only_public_data(shared_server: ServerProcess,
                                                                                office: dict[str, Any]) -> None:
    kiosk = await shared_server.kiosk()
    board = await shared_server.board()
    manager = await shared_server.login("manager")
    head = manager.snapshot()["seq"]
    operator = await shared_server.login("operator5")
    await operator.ok("window.open", window=5)
    issued = await kiosk.ok("ticket.issue", service="passport_foreign", priority="hero")
    called = await operator.ok("call.next")
    await operator.ok("ticket.recall", ticket=called["ticket"])
    await operator.ok("ticket.postpone", ticket=called["ticket"], reason="оплата пошлины №7")
    await operator.ok("call.ticket", ticket=called["ticket"])
    await operator.ok("ticket.start", ticket=called["ticket"])
    await operator.ok("ticket.transfer", ticket=called["ticket"], to_operator="operator3", comment="нужна справка №7",
                      return_to_me=True)
    await manager.ok("ticket.set_priority", ticket=issued["ticket"], priority=None)
    await operator.ok("window.break", reason="обед №7")
    await operator.ok("window.resume")
    await operator.ok("window.close")
    await manager.ok("window.set_services", window=5, services={"passport_foreign": 1.0})
    await manager.ok("service.set_active", service="business", active=False)
    last = await manager.ok("board.set_text", text="Добро пожаловать")
    for client in (kiosk, board, manager):
        await client.wait_event(last["seq"])
        client.assert_in_order()
    staff = {e["seq"]: e["event"] for e in manager.events() if e["seq"] > head}
    assert len(staff) == last["seq"] - head
    for client in (kiosk, board):
        public = {e["seq"]: e["event"] for e in client.events() if e["seq"] > head}
        assert sorted(public) == sorted(staff), f"{client.label} gets every event"
        for seq, event in public.items():
            whole = staff[seq]
            assert event["operator"] is None, event
            allowed = PUBLIC_DATA.get(event["type"], frozenset())
            assert event["data"] == {k: v for k, v in whole["data"].items() if k in allowed}, (event, whole)
            assert {k: v for k, v in event.items() if k not in ("operator", "data")} == \
                   {k: v for k, v in whole.items() if k not in ("operator", "data")}
        assert_no_staff_data(client)
    postponed = next(e for e in board.events() if e["event"]["type"] == "ticket.postponed" and e["seq"] > head)
    assert postponed["event"]["data"] == {"minutes": 10}, "no reason on a board; the office's default minutes"
    types = {e["type"] for e in staff.values()}
    assert {"ticket.issued", "ticket.called", "ticket.recalled", "ticket.postponed", "ticket.started",
            "ticket.transferred", "ticket.priority_changed", "window.opened", "window.paused", "window.resumed",
            "window.closed", "window.services_changed", "service.active_changed",
            "office.running_text_changed"} <= types
    assert any(e["data"].get("issued_by") == "kiosk-1" for e in staff.values()), "staff see who issued"
