"""docs/protocol.md, "Verbs" and "Idempotency": every verb of ROLES_FOR_VERB against the real server.

Per verb: the happy path (the result's shape as ``views.RESULT_FOR_VERB`` says, decoded with
``codec.result_as``; the event it caused as a board and a manager receive it), the same
request id again (the byte-identical reply and no second event), the same id with other
content (``id_reused``), a malformed variant (missing field, wrong type, unknown field, out
of bounds: the stable code, and the connection lives on), the wrong role (``forbidden``) and
the wrong office (``wrong_office``, with ``--offices 2``).

The happy paths share one server per module: each test works at its own window with its
own operator (operator N at window N) and its own tickets, so the order of the tests does
not matter.  ``call.next`` uses window 17, the only window that serves nothing but
``business``, and is the only test that takes ``business`` tickets.
"""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

import msgspec
import pytest

from queue_protocol import messages as m
from queue_protocol.codec import result_as
from queue_protocol.enums import Role
from queue_protocol.replies import Reply
from queue_protocol.views import RESULT_FOR_VERB

from .conftest import PUBLIC_DATA, TIMESTAMP, Client, ServerProcess

# A well-formed message of every verb (fields besides type and id).
SAMPLES: dict[str, dict[str, Any]] = {
    "hello": {"protocol": 1, "token": "demo-kiosk"},
    "ping": {},
    "resync": {"office": "demo", "after_seq": 0},
    "ticket.issue": {"service": "passport"},
    "ticket.reprint": {"ticket": "t0000"},
    "printer.status": {},
    "service.print_info": {"service": "passport"},
    "call.next": {},
    "call.ticket": {"ticket": "t0000"},
    "ticket.recall": {"ticket": "t0000"},
    "ticket.start": {"ticket": "t0000"},
    "ticket.finish": {"ticket": "t0000", "result": "done"},
    "ticket.no_show": {"ticket": "t0000"},
    "ticket.postpone": {"ticket": "t0000", "reason": "", "minutes": 5},
    "ticket.transfer": {"ticket": "t0000", "to_service": "consult"},
    "ticket.cancel": {"ticket": "t0000"},
    "window.open": {"window": 20},
    "window.break": {"reason": "обед №7"},
    "window.resume": {},
    "window.close": {},
    "ticket.reactivate": {"ticket": "t0000"},
    "ticket.set_priority": {"ticket": "t0000", "priority": None},
    "window.set_services": {"window": 20, "services": {"consult": 1.0}},
    "service.set_active": {"service": "passport", "active": True},
    "board.set_text": {"text": ""},
    "config.reload": {},
    "stats.today": {},
    "stats.my_day": {},
    "stats.report": {"from": "2026-03-01", "to": "2026-03-01", "format": "csv"},
}

# A field of the verb with a value of the wrong JSON type (id, for verbs without fields).
WRONG_TYPE: dict[str, tuple[str, Any]] = {
    "hello": ("protocol", "1"),
    "ping": ("id", 17),
    "resync": ("after_seq", "12"),
    "ticket.issue": ("service", 12345),
    "ticket.reprint": ("ticket", ["t0000"]),
    "printer.status": ("printer", 9100),
    "service.print_info": ("lang", 1),
    "call.next": ("id", 17),
    "call.ticket": ("ticket", 1),
    "ticket.recall": ("ticket", None),
    "ticket.start": ("ticket", {"id": "t0000"}),
    "ticket.finish": ("result", 1),
    "ticket.no_show": ("ticket", True),
    "ticket.postpone": ("minutes", "15"),
    "ticket.transfer": ("return_to_me", "yes"),
    "ticket.cancel": ("reason", 7),
    "window.open": ("window", "3"),
    "window.break": ("reason", ["обед"]),
    "window.resume": ("id", 17),
    "window.close": ("id", 17),
    "ticket.reactivate": ("ticket", 3.5),
    "ticket.set_priority": ("priority", 1),
    "window.set_services": ("services", ["passport"]),
    "service.set_active": ("active", "false"),
    "board.set_text": ("text", None),
    "config.reload": ("id", 17),
    "stats.today": ("office", 5),
    "stats.my_day": ("office", 5),
    "stats.report": ("from", 20260301),
}

# A value out of the documented bounds ("Requests and replies", Bounds): bad_value.
OUT_OF_BOUNDS: dict[str, tuple[str, Any]] = {
    "hello": ("client", "x" * 101),
    "resync": ("after_seq", 2**53),
    "ticket.issue": ("service", "паспорт"),
    "ticket.reprint": ("ticket", "t" * 65),
    "printer.status": ("printer", "-printer"),
    "service.print_info": ("lang", "de"),
    "call.ticket": ("ticket", "t 1"),
    "ticket.recall": ("ticket", ""),
    "ticket.start": ("ticket", "t/1"),
    "ticket.finish": ("result", "great"),
    "ticket.no_show": ("ticket", "t" * 65),
    "ticket.postpone": ("minutes", 481),
    "ticket.transfer": ("comment", "к" * 501),
    "ticket.cancel": ("reason", "x" * 201),
    "window.open": ("window", 0),
    "window.break": ("reason", "x" * 201),
    "ticket.reactivate": ("office", "demo office"),
    "ticket.set_priority": ("priority", "льготник"),
    "stats.today": ("office", "demo office"),
    "stats.my_day": ("office", "demo office"),
    "stats.report": ("to", "2027-03-02"),     # 367 days
    "window.set_services": ("services", {"passport": 100.5}),
    "service.set_active": ("service", ".passport"),
    "board.set_text": ("text", "т" * 501),
}


def fields_of(verb: str) -> list[msgspec.structs.FieldInfo]:
    return [f for f in msgspec.structs.fields(m.MESSAGE_FOR_VERB[verb]) if f.name != "id"]


def result_of(verb: str, reply: dict[str, Any]) -> Any:
    """The reply's result decoded as the verb's view: a wrong shape fails here."""
    assert set(reply) == {"re", "ok", "result"} and reply["ok"] is True, reply
    cls = RESULT_FOR_VERB[verb]
    decoded = result_as(Reply(re=reply["re"], result=reply["result"]), cls)
    documented = {f.encode_name for f in msgspec.structs.fields(cls)}
    assert documented <= set(reply["result"]), f"{verb}: missing {documented - set(reply['result'])}"
    return decoded


def assert_public(event_message: dict[str, Any]) -> None:
    """An event as a kiosk or board gets it: no operator, only the public part of data."""
    event = event_message["event"]
    assert event["operator"] is None, event
    assert set(event["data"]) <= PUBLIC_DATA.get(event["type"], frozenset()), event
    assert TIMESTAMP.match(event["at"]), event


async def observers(server: ServerProcess) -> tuple[Client, Client]:
    return await server.board(), await server.login("manager")


async def at_window(server: ServerProcess, n: int) -> Client:
    """operator<n>, logged in, at window n (open)."""
    operator = await server.login(f"operator{n}")
    await operator.ok("window.open", window=n)
    return operator


async def called_ticket(operator: Client, service: str) -> dict[str, Any]:
    """A ticket for ``service`` issued and called to the operator's window (call.ticket)."""
    issued = await operator.ok("ticket.issue", service=service)
    return await operator.ok("call.ticket", ticket=issued["ticket"])


async def exercise(client: Client, verb: str, board: Client, manager: Client, *, event: str,
                   other: tuple[str, dict[str, Any]], **fields: Any) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Send ``verb`` and check the contract around it; (result, board's event, manager's event).

    - the reply decodes as the verb's result view; its ``seq`` names the event the command caused;
    - a board gets that event public (no operator, public data only), a manager gets it whole;
    - the same frame again gets the byte-identical reply and causes no event;
    - the same id with ``other`` content (a verb and its fields) gets ``id_reused``.
    """
    request_id, frame = client.frame(verb, **fields)
    await client.send_raw(frame)
    raw, reply = await client.reply_raw(request_id)
    result_of(verb, reply)
    result = reply["result"]
    seq = result["seq"]
    seen_by_board = await board.wait_event(seq)
    seen_by_manager = await manager.wait_event(seq)
    assert seen_by_board["event"]["type"] == seen_by_manager["event"]["type"] == event
    assert_public(seen_by_board)
    board.assert_in_order()
    manager.assert_in_order()

    await client.send_raw(frame)
    raw_again, _ = await client.reply_raw(request_id)
    assert raw_again == raw, "a retried request must get the original reply, byte for byte"
    resync = await manager.ok("resync", office="demo", after_seq=seq)
    assert (resync["mode"], resync["to_seq"]) == ("events", seq), "the retried request caused events"

    other_verb, other_fields = other
    assert await client.refused(other_verb, request_id, **other_fields) == "id_reused"
    return result, seen_by_board["event"], seen_by_manager["event"]


# -- happy paths, retries and id reuse ---------------------------------------------------------

async def test_hello_each_role_says_who_it_is(shared_server: ServerProcess) -> None:
    expected = {
        "kiosk": ({"token": "demo-kiosk"}, "kiosk-1", None, "kiosk-printer"),
        "display": ({"token": "demo-display"}, "hall-board", None, None),
        "window board": ({"token": "demo-window-1"}, "window-1-board", 1, None),
        "operator": ({"username": "operator1", "password": "demo"}, "operator1", None, None),
        "manager": ({"username": "manager", "password": "demo"}, "manager", None, None),
        "admin": ({"username": "admin", "password": "demo"}, "admin", None, None),
    }
    for what, (credentials, user, window, printer) in expected.items():
        client = await shared_server.connect(what.replace(" ", "-"))
        reply = await client.request("hello", protocol=1, client="talon-tests 0.1", **credentials)
        hello = result_of("hello", reply)
        assert (hello.user, hello.office, hello.offices, hello.window, hello.printer) == (user, "demo", ["demo"],
                                                                                          window, printer), what
        assert hello.protocol == 1 and TIMESTAMP.match(hello.server_time)
        assert hello.verbs == sorted(m.verbs_for(hello.role)), what
        assert (hello.session is not None) == ("password" in credentials), what
        await client.until(lambda c=client: c.snapshots(), 10, "the snapshot")
        assert '"re"' in str(client.frames[0]), "the hello reply comes first"
        assert next(p["type"] for p in client.pushes if p["type"] in ("snapshot", "event")) == "snapshot"
        await client.close()


async def test_ping_answers_the_server_time_and_is_executed_again(shared_server: ServerProcess) -> None:
    kiosk = await shared_server.kiosk()
    first = result_of("ping", await kiosk.request("ping", "p-1"))
    again = await kiosk.request("ping", "p-1")
    assert again["ok"] is True, "ping is read-only: a repeated id is executed again"
    assert TIMESTAMP.match(first.server_time)
    assert await kiosk.ok("ping") is not None


async def test_resync_announces_the_events_that_follow(shared_server: ServerProcess) -> None:
    manager = await shared_server.login("manager")
    head = manager.snapshot()["seq"]
    await manager.ok("board.set_text", text="resync 1")
    await manager.ok("board.set_text", text="resync 2")
    board = await shared_server.board()
    base = board.snapshot()["seq"]
    reply = await board.request("resync", office="demo", after_seq=head)
    resync = result_of("resync", reply)
    assert (resync.office, resync.mode, resync.after_seq, resync.to_seq) == ("demo", "events", head, base)
    await board.until(lambda: board.event(base), 10, "the announced events")
    replayed = [e["seq"] for e in board.events()]
    assert replayed == list(range(head + 1, base + 1))
    # read-only: the same id again is executed again (not answered from a cache)
    await manager.ok("board.set_text", text="resync 3")
    again = result_of("resync", await board.request("resync", reply["re"], office="demo", after_seq=head))
    assert again.to_seq == base + 1


async def test_ticket_issue(shared_server: ServerProcess) -> None:
    board, manager = await observers(shared_server)
    await at_window(shared_server, 6)  # someone serves passports: tickets may be taken
    kiosk = await shared_server.kiosk()
    local_day = kiosk.snapshot()["state"]["office"]["local_day"]
    result, public, staff = await exercise(kiosk, "ticket.issue", board, manager, event="ticket.issued",
                                           other=("ticket.issue", {"service": "results"}),
                                           service="passport", channel="walk_in")
    issued = result_of("ticket.issue", {"re": "x", "ok": True, "result": result})
    assert issued.label.startswith("А") and issued.label.endswith(f"{issued.number:03d}")
    assert (issued.office, issued.service, issued.priority, issued.channel.value) == ("demo", "passport", None, "walk_in")
    assert issued.local_day == local_day and TIMESTAMP.match(issued.issued_at)
    assert issued.people_ahead >= 0
    assert re.fullmatch(m.ID_PATTERN, issued.ticket), "ticket ids follow the id rule"
    assert issued.print_job is not None, "a kiosk's ticket is queued for its printer"
    assert public["data"] == {"number": issued.number, "local_day": local_day}
    assert (public["ticket"], public["label"], public["to"]) == (issued.ticket, issued.label, "waiting")
    assert staff["data"]["issued_by"] == "kiosk-1" and staff["operator"] is None
    # the label is Cyrillic on the wire, never \u escaped
    assert f'"label":"{issued.label}"' in kiosk.frames[-1] or any(f'"{issued.label}"' in str(f) for f in kiosk.frames)
    assert not any("\\u04" in str(f) for f in kiosk.frames)
    # staff issue tickets too, unprinted
    operator = await shared_server.login("operator6")
    by_operator = result_of("ticket.issue", await operator.request("ticket.issue", service="passport"))
    assert by_operator.print_job is None and by_operator.number == issued.number + 1


async def test_call_next_and_a_refused_request_may_be_retried(shared_server: ServerProcess) -> None:
    board, manager = await observers(shared_server)
    operator = await at_window(shared_server, 17)
    assert await operator.refused("call.next", "o17-next") == "queue_empty"
    issued = await operator.ok("ticket.issue", service="business")
    result, public, staff = await exercise(operator, "call.next", board, manager, event="ticket.called",
                                           other=("window.resume", {}), request_id="o17-next")
    assert (result["ticket"], result["state"], result["window"], result["recalls"]) == (issued["ticket"], "called", 17, 0)
    assert (public["window"], public["to"], public["data"]) == (17, "called", {})
    assert (staff["operator"], staff["data"]["specific"]) == ("operator17", False)
    assert await operator.refused("call.next") == "window_busy"


async def test_call_next_never_gives_one_ticket_twice(region_server: ServerProcess) -> None:
    """Four operators of office demo-2 press call.next as fast as they can: each ticket is called once."""
    kiosk = await region_server.kiosk("demo-kiosk-2")
    operators = []
    for n in (1, 2, 3, 4):
        operator = await region_server.login(f"operator{n}-2")
        await operator.ok("window.open", window=n)
        operators.append(operator)
    issued = {(await kiosk.ok("ticket.issue", service="passport"))["ticket"] for _ in range(16)}
    called: list[str] = []

    async def serve(operator: Client) -> None:
        for _ in range(40):
            reply = await operator.request("call.next")
            if not reply["ok"]:
                assert reply["error"]["code"] == "queue_empty", reply
                return
            ticket = reply["result"]["ticket"]
            called.append(ticket)
            await operator.ok("ticket.start", ticket=ticket)
            await operator.ok("ticket.finish", ticket=ticket, result="done")

    await asyncio.gather(*(serve(o) for o in operators))
    assert sorted(called) == sorted(issued), "every ticket called exactly once"


async def test_finishing_a_return_to_me_transfer_sends_the_ticket_back(shared_server: ServerProcess) -> None:
    board, manager = await observers(shared_server)
    first = await at_window(shared_server, 20)
    second = await at_window(shared_server, 18)
    called = await called_ticket(first, "results")
    await first.ok("ticket.transfer", ticket=called["ticket"], to_service="consult", to_window=18, return_to_me=True)
    await second.ok("call.ticket", ticket=called["ticket"])
    await second.ok("ticket.start", ticket=called["ticket"])
    result = await second.ok("ticket.finish", ticket=called["ticket"], result="consulted")
    assert (result["state"], result["window"]) == ("waiting", None)
    public = (await board.wait_event(result["seq"]))["event"]
    staff = (await manager.wait_event(result["seq"]))["event"]
    assert public["type"] == staff["type"] == "ticket.sent_back"
    assert public["service"] == staff["service"] == "results", "the service the ticket goes back to"
    assert public["data"] == {} and public["operator"] is None
    assert staff["data"]["to_operator"] == "operator20" and staff["data"]["result"] == "consulted"
    again = await first.ok("call.ticket", ticket=called["ticket"])
    assert (again["state"], again["window"], again["service"]) == ("called", 20, "results")


async def test_a_double_click_and_a_reordered_retry_get_the_original_reply(shared_server: ServerProcess) -> None:
    manager = await shared_server.login("manager")
    request_id, frame = manager.frame("board.set_text", text="двойной щелчок", office="demo")
    await manager.send_raw(frame)
    await manager.send_raw(frame)  # pipelined: the second arrives before the first is answered
    first_raw, first = await manager.reply_raw(request_id)
    second_raw, _ = await manager.reply_raw(request_id)
    assert first["ok"] is True and second_raw == first_raw
    reordered = json.dumps({"office": "demo", "text": "двойной щелчок", "id": request_id, "type": "board.set_text"},
                           ensure_ascii=True, indent=1)
    await manager.send_raw(reordered)
    assert (await manager.reply_raw(request_id))[0] == first_raw, "same content, other spelling: the original reply"
    resync = await manager.ok("resync", office="demo", after_seq=first["result"]["seq"])
    assert resync["to_seq"] == first["result"]["seq"], "one event for three sends"


async def test_call_ticket(shared_server: ServerProcess) -> None:
    board, manager = await observers(shared_server)
    operator = await at_window(shared_server, 7)
    first = await operator.ok("ticket.issue", service="registration")
    second = await operator.ok("ticket.issue", service="registration")
    result, public, staff = await exercise(operator, "call.ticket", board, manager, event="ticket.called",
                                           other=("call.ticket", {"ticket": first["ticket"]}), ticket=second["ticket"])
    assert (result["ticket"], result["label"], result["state"], result["window"]) == (
        second["ticket"], second["label"], "called", 7)
    assert staff["data"]["specific"] is True and public["data"] == {}


async def test_ticket_recall(shared_server: ServerProcess) -> None:
    board, manager = await observers(shared_server)
    operator = await at_window(shared_server, 8)
    called = await called_ticket(operator, "rosreestr")
    result, public, staff = await exercise(operator, "ticket.recall", board, manager, event="ticket.recalled",
                                           other=("ticket.start", {"ticket": called["ticket"]}), ticket=called["ticket"])
    assert (result["state"], result["recalls"]) == ("called", 1)
    assert public["data"] == {"recalls": 1} and staff["operator"] == "operator8"
    # past max_recalls (3 in the demo) a recall marks a no-show
    for _ in range(2):
        await operator.ok("ticket.recall", ticket=called["ticket"])
    assert (await operator.ok("ticket.recall", ticket=called["ticket"]))["state"] == "no_show"


async def test_ticket_start(shared_server: ServerProcess) -> None:
    board, manager = await observers(shared_server)
    operator = await at_window(shared_server, 9)
    called = await called_ticket(operator, "rosreestr")
    result, public, _ = await exercise(operator, "ticket.start", board, manager, event="ticket.started",
                                       other=("ticket.no_show", {"ticket": called["ticket"]}), ticket=called["ticket"])
    assert (result["state"], result["window"]) == ("serving", 9)
    assert (public["from"], public["to"]) == ("called", "serving")


async def test_ticket_finish(shared_server: ServerProcess) -> None:
    board, manager = await observers(shared_server)
    operator = await at_window(shared_server, 10)
    called = await called_ticket(operator, "rosreestr")
    await operator.ok("ticket.start", ticket=called["ticket"])
    result, public, staff = await exercise(operator, "ticket.finish", board, manager, event="ticket.finished",
                                           other=("ticket.finish", {"ticket": called["ticket"], "result": "refused"}),
                                           ticket=called["ticket"], result="done")
    assert (result["state"], result["window"]) == ("finished", None)
    assert public["data"] == {} and staff["data"] == {"result": "done"}


async def test_ticket_no_show(shared_server: ServerProcess) -> None:
    board, manager = await observers(shared_server)
    operator = await at_window(shared_server, 11)
    called = await called_ticket(operator, "results")
    result, public, staff = await exercise(operator, "ticket.no_show", board, manager, event="ticket.no_show",
                                           other=("ticket.recall", {"ticket": called["ticket"]}), ticket=called["ticket"])
    assert result["state"] == "no_show"
    assert public["data"] == {} and staff["data"]["reason"] == "operator"


async def test_ticket_postpone(shared_server: ServerProcess) -> None:
    board, manager = await observers(shared_server)
    operator = await at_window(shared_server, 12)
    called = await called_ticket(operator, "results")
    result, public, staff = await exercise(operator, "ticket.postpone", board, manager, event="ticket.postponed",
                                           other=("ticket.postpone", {"ticket": called["ticket"], "reason": "оплата пошлины №7",
                                                                      "minutes": 16}),
                                           ticket=called["ticket"], reason="оплата пошлины №7", minutes=15)
    assert result["state"] == "postponed"
    assert public["data"] == {"minutes": 15}, "a board never sees the reason"
    assert staff["data"] == {"minutes": 15, "reason": "оплата пошлины №7"}
    assert "пошлины №7" not in "".join(str(f) for f in board.frames)


async def test_ticket_transfer(shared_server: ServerProcess) -> None:
    board, manager = await observers(shared_server)
    operator = await at_window(shared_server, 13)
    called = await called_ticket(operator, "results")
    result, public, staff = await exercise(
        operator, "ticket.transfer", board, manager, event="ticket.transferred",
        other=("ticket.transfer", {"ticket": called["ticket"], "to_service": "consult"}),
        ticket=called["ticket"], to_service="consult", to_window=None, to_operator=None, comment="нужна справка №7",
        return_to_me=True,
    )
    assert (result["state"], result["service"], result["window"]) == ("waiting", "consult", None)
    assert public["service"] == "consult" and public["data"] == {"to_window": None}
    assert staff["data"]["comment"] == "нужна справка №7" and staff["data"]["from_service"] == "results"
    assert "справка №7" not in "".join(str(f) for f in board.frames)


async def test_ticket_cancel(shared_server: ServerProcess) -> None:
    board, manager = await observers(shared_server)
    operator = await at_window(shared_server, 14)
    waiting = await operator.ok("ticket.issue", service="social")
    assert await operator.refused("ticket.cancel", ticket=waiting["ticket"]) == "forbidden", \
        "an operator cancels only the ticket at their window"
    called = await called_ticket(operator, "social")
    result, public, staff = await exercise(operator, "ticket.cancel", board, manager, event="ticket.cancelled",
                                           other=("ticket.cancel", {"ticket": called["ticket"], "reason": "другое"}),
                                           ticket=called["ticket"], reason="посетитель ушёл")
    assert result["state"] == "cancelled"
    assert public["data"] == {} and staff["data"] == {"reason": "посетитель ушёл"}
    by_manager = await manager.ok("ticket.cancel", ticket=waiting["ticket"], office="demo")
    assert by_manager["state"] == "cancelled"
    assert await manager.refused("ticket.cancel", ticket=waiting["ticket"]) == "ticket_cancelled"


async def test_window_open(shared_server: ServerProcess) -> None:
    board, manager = await observers(shared_server)
    operator = await shared_server.login("operator2")
    result, public, staff = await exercise(operator, "window.open", board, manager, event="window.opened",
                                           other=("window.open", {"window": 3}), window=2)
    assert result == {"office": "demo", "window": 2, "status": "open",
                      "services": {"passport": 1.0, "passport_foreign": 0.5}, "seq": result["seq"]}
    assert (public["window"], public["operator"], staff["operator"]) == (2, None, "operator2")
    assert public["data"] == {"operator_name": "Оператор 2"}, "boards show the display name, never the login"
    assert await operator.refused("window.open", window=4) == "operator_busy"


async def test_window_break(shared_server: ServerProcess) -> None:
    board, manager = await observers(shared_server)
    operator = await at_window(shared_server, 3)
    result, public, staff = await exercise(operator, "window.break", board, manager, event="window.paused",
                                           other=("window.break", {"reason": "перерыв"}), reason="обед №7")
    assert (result["window"], result["status"]) == (3, "break")
    assert public["data"] == {} and staff["data"] == {"reason": "обед №7"}
    assert await operator.refused("call.next") == "window_break"


async def test_window_resume(shared_server: ServerProcess) -> None:
    board, manager = await observers(shared_server)
    operator = await at_window(shared_server, 4)
    assert await operator.refused("window.resume") == "window_open"
    await operator.ok("window.break", reason="")
    result, public, _ = await exercise(operator, "window.resume", board, manager, event="window.resumed",
                                       other=("window.close", {}))
    assert (result["window"], result["status"]) == (4, "open") and public["window"] == 4


async def test_window_close_unbinds_the_session(shared_server: ServerProcess) -> None:
    board, manager = await observers(shared_server)
    operator = await at_window(shared_server, 5)
    result, public, staff = await exercise(operator, "window.close", board, manager, event="window.closed",
                                           other=("window.resume", {}))
    assert (result["window"], result["status"]) == (5, "closed")
    assert public["data"] == {} and staff["data"] == {"was": "operator5"}
    assert await operator.refused("call.next") == "no_window"


async def test_ticket_reactivate(shared_server: ServerProcess) -> None:
    board, manager = await observers(shared_server)
    operator = await at_window(shared_server, 15)
    called = await called_ticket(operator, "social")
    await operator.ok("ticket.no_show", ticket=called["ticket"])
    result, public, _ = await exercise(manager, "ticket.reactivate", board, manager, event="ticket.reactivated",
                                       other=("ticket.reactivate", {"ticket": called["ticket"], "office": "demo"}),
                                       ticket=called["ticket"])
    assert (result["ticket"], result["state"]) == (called["ticket"], "waiting")
    assert (public["from"], public["to"], public["data"]) == ("no_show", "waiting", {})
    assert await manager.refused("ticket.reactivate", ticket=called["ticket"]) == "ticket_waiting"


async def test_ticket_set_priority(shared_server: ServerProcess) -> None:
    board, manager = await observers(shared_server)
    operator = await at_window(shared_server, 16)
    waiting = await operator.ok("ticket.issue", service="registration")
    category = manager.snapshot()["state"]["priorities"][0]["id"]
    result, public, staff = await exercise(manager, "ticket.set_priority", board, manager,
                                           event="ticket.priority_changed",
                                           other=("ticket.set_priority", {"ticket": waiting["ticket"], "priority": None}),
                                           ticket=waiting["ticket"], priority=category)
    assert (result["ticket"], result["state"]) == (waiting["ticket"], "waiting")
    assert public["data"] == {}, "no priority categories on public screens"
    assert staff["data"] == {"priority": category, "previous": None}
    assert await manager.refused("ticket.set_priority", ticket=waiting["ticket"], priority="no_such") == "unknown_priority"


async def test_window_set_services(shared_server: ServerProcess) -> None:
    board, manager = await observers(shared_server)
    result, public, _ = await exercise(manager, "window.set_services", board, manager,
                                       event="window.services_changed",
                                       other=("window.set_services", {"window": 19, "services": {"consult": 2.0}}),
                                       window=19, services={"consult": 1.0, "results": 2.5})
    assert (result["window"], result["status"], result["services"]) == (19, "closed", {"consult": 1.0, "results": 2.5})
    assert public["data"] == {"services": {"consult": 1.0, "results": 2.5}}
    assert await manager.refused("window.set_services", window=19, services={"passports": 1.0}) == "not_a_service"
    assert await manager.refused("window.set_services", window=9999, services={}) == "unknown_window"


async def test_service_set_active(shared_server: ServerProcess) -> None:
    board, manager = await observers(shared_server)
    result, public, _ = await exercise(manager, "service.set_active", board, manager, event="service.active_changed",
                                       other=("service.set_active", {"service": "passport_foreign", "active": True}),
                                       service="passport_foreign", active=False)
    assert result == {"office": "demo", "service": "passport_foreign", "active": False, "seq": result["seq"]}
    assert public["data"] == {"active": False} and public["service"] == "passport_foreign"
    assert await manager.refused("service.set_active", service="passports", active=False) == "not_a_service"
    kiosk = await shared_server.kiosk()
    assert await kiosk.refused("ticket.issue", service="passport_foreign") == "service_inactive"
    await manager.ok("service.set_active", service="passport_foreign", active=True)


async def test_board_set_text(shared_server: ServerProcess) -> None:
    board, manager = await observers(shared_server)
    text = "Уважаемые посетители! С 1 апреля МФЦ работает до 21:00."
    result, public, _ = await exercise(manager, "board.set_text", board, manager,
                                       event="office.running_text_changed",
                                       other=("board.set_text", {"text": "другой текст"}), text=text)
    assert result == {"office": "demo", "text": text, "seq": result["seq"]}
    assert public["data"] == {"text": text}
    assert any(text in str(f) for f in board.frames), "non-ASCII goes out as UTF-8, not \\u escapes"


async def test_config_reload(shared_server: ServerProcess) -> None:
    admin = await shared_server.login("admin")
    reply = await admin.request("config.reload")
    reload = result_of("config.reload", reply)
    assert reload.offices == ["demo"] and reload.changed == []


async def test_ticket_reprint(shared_server: ServerProcess) -> None:
    await at_window(shared_server, 1)
    kiosk = await shared_server.kiosk()
    manager = await shared_server.login("manager")
    issued = await kiosk.ok("ticket.issue", service="passport")
    request_id, frame = kiosk.frame("ticket.reprint", ticket=issued["ticket"])
    await kiosk.send_raw(frame)
    raw, reply = await kiosk.reply_raw(request_id)
    reprint = result_of("ticket.reprint", reply)
    assert (reprint.ticket, reprint.label) == (issued["ticket"], issued["label"])
    assert reprint.print_job != issued["print_job"], "a reprint is a new print job"
    await kiosk.send_raw(frame)
    assert (await kiosk.reply_raw(request_id))[0] == raw, "a retried reprint never prints twice"
    assert await kiosk.refused("ticket.reprint", request_id, ticket=issued["ticket"], office="demo") == "id_reused"
    # a kiosk reprints only tickets it issued; managers any live ticket
    operator = await shared_server.login("operator1")
    by_operator = await operator.ok("ticket.issue", service="passport")
    assert await kiosk.refused("ticket.reprint", ticket=by_operator["ticket"]) == "forbidden"
    by_manager = result_of("ticket.reprint", await manager.request("ticket.reprint", ticket=issued["ticket"]))
    assert by_manager.ticket == issued["ticket"]
    assert await kiosk.refused("ticket.reprint", ticket="t-no-such-ticket") == "unknown_ticket"
    called = await operator.ok("call.ticket", ticket=issued["ticket"])
    assert await kiosk.refused("ticket.reprint", ticket=called["ticket"]) in ("ticket_called", "forbidden"), \
        "a kiosk reprints only tickets still waiting"


async def test_printer_status(shared_server: ServerProcess) -> None:
    kiosk = await shared_server.kiosk()
    reply = await kiosk.request("printer.status", "ps-1")
    mine = result_of("printer.status", reply)
    assert [(p.printer, p.office) for p in mine.printers] == [("kiosk-printer", "demo")]
    assert all(p.checked_at is None or TIMESTAMP.match(p.checked_at) for p in mine.printers)
    # read-only: the same id, even with other content, is executed again
    assert (await kiosk.request("printer.status", "ps-1", printer="kiosk-printer"))["ok"] is True
    assert await kiosk.refused("printer.status", printer="other-printer") == "forbidden"
    manager = await shared_server.login("manager")
    every = result_of("printer.status", await manager.request("printer.status", printer=None))
    assert [p.printer for p in every.printers] == ["kiosk-printer"]
    assert await manager.refused("printer.status", printer="no-such-printer") == "no_printer"


# -- malformed: the stable code, and the connection lives on -----------------------------------

async def assert_alive(client: Client) -> None:
    reply = await client.request("ping")
    assert reply["ok"] is True or reply["error"]["code"] == "not_authenticated", reply


@pytest.mark.parametrize("verb", sorted(m.ROLES_FOR_VERB))
async def test_malformed(shared_server: ServerProcess, verb: str) -> None:
    client = await (shared_server.connect("raw") if verb == "hello" else shared_server.login("admin"))
    sample = {"type": verb, "id": "bad-1", **SAMPLES[verb]}
    cases: list[tuple[str, dict[str, Any], str, str | None]] = []
    required = [f.encode_name for f in fields_of(verb) if f.required]
    if required:
        cases.append(("missing", {k: v for k, v in sample.items() if k != required[0]}, "missing_field", "bad-1"))
    else:
        cases.append(("missing id", {k: v for k, v in sample.items() if k != "id"}, "missing_field", None))
    name, value = WRONG_TYPE[verb]
    cases.append(("wrong type", {**sample, name: value}, "bad_value", None if name == "id" else "bad-1"))
    cases.append(("unknown field", {**sample, "windw": 3}, "unknown_field", "bad-1"))
    if verb in OUT_OF_BOUNDS:
        name, value = OUT_OF_BOUNDS[verb]
        cases.append(("out of bounds", {**sample, name: value}, "bad_value", "bad-1"))
    for what, message, code, re_ in cases:
        await client.send_raw(msgspec.json.encode(message).decode())
        reply = await client.reply(re_)
        assert reply["ok"] is False and reply["error"]["code"] == code, (what, message, reply)
        assert reply["error"]["message"], what
        await assert_alive(client)
    assert not client.closed


async def test_hello_needs_exactly_one_credential(shared_server: ServerProcess) -> None:
    client = await shared_server.connect()
    for fields in ({"token": "demo-kiosk", "username": "manager", "password": "demo"},
                   {"username": "manager"}, {"password": "demo"}, {},
                   {"token": "demo-kiosk", "session": "abcdefgh12345"}):
        assert await client.refused("hello", protocol=1, **fields) == "bad_value", fields
    await client.say_hello(token="demo-kiosk")


# -- the wrong role ----------------------------------------------------------------------------

ROLE_LOGINS: dict[Role, dict[str, str]] = {
    Role.KIOSK: {"token": "demo-kiosk"},
    Role.DISPLAY: {"token": "demo-display"},
    Role.OPERATOR: {"username": "operator20", "password": "demo"},
    Role.MANAGER: {"username": "manager", "password": "demo"},
}


@pytest.mark.parametrize("verb", sorted(v for v, roles in m.ROLES_FOR_VERB.items() if set(ROLE_LOGINS) - roles))
async def test_wrong_role_is_forbidden(shared_server: ServerProcess, verb: str) -> None:
    for role in sorted(set(ROLE_LOGINS) - m.ROLES_FOR_VERB[verb]):
        client = await shared_server.hello(role.value, **ROLE_LOGINS[role])
        head = client.snapshot()["seq"]
        assert await client.refused(verb, **SAMPLES[verb]) == "forbidden", role
        await assert_alive(client)
        assert not [e for e in client.events() if e["seq"] > head and e["event"]["type"] != "office.running_text_changed"]
        await client.close()


async def test_second_hello_is_already_authenticated(shared_server: ServerProcess) -> None:
    kiosk = await shared_server.kiosk()
    assert await kiosk.refused("hello", protocol=1, token="demo-kiosk") == "already_authenticated"
    await assert_alive(kiosk)


# -- the wrong office --------------------------------------------------------------------------

OFFICE_VERBS = sorted(v for v in m.ROLES_FOR_VERB if any(f.name == "office" for f in fields_of(v)))


@pytest.mark.parametrize("verb", OFFICE_VERBS)
async def test_wrong_office(region_server: ServerProcess, verb: str) -> None:
    manager = await region_server.login("manager-2")
    assert manager.hello_result["offices"] == ["demo-2"]
    assert await manager.refused(verb, **{**SAMPLES[verb], "office": "demo"}) == "wrong_office"
    await assert_alive(manager)


async def test_offices_do_not_see_each_other(region_server: ServerProcess) -> None:
    board = await region_server.board("demo-display-2")
    manager = await region_server.login("manager-2")
    operator = await region_server.login("operator1")
    await operator.ok("window.open", window=1)
    mine = await operator.ok("ticket.issue", service="passport")
    head = manager.snapshot("demo-2")["seq"]
    assert await manager.refused("ticket.cancel", ticket=mine["ticket"]) == "unknown_ticket"
    assert await manager.refused("ticket.reactivate", ticket=mine["ticket"]) == "unknown_ticket"
    other = await region_server.login("operator6-2")
    await other.ok("window.open", window=6)
    assert await other.refused("call.ticket", ticket=mine["ticket"]) == "unknown_ticket"
    await board.settle(0.5)
    assert not board.events("demo") and not board.snapshots("demo")
    assert [e["seq"] for e in board.events("demo-2")] == [head + 1]  # only operator6-2's window.opened
    assert mine["ticket"] not in json.dumps(board.pushes + manager.pushes), "nothing of office demo reaches demo-2"
