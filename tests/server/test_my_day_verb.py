"""``stats.my_day`` against a real server, on SQLite and on PostgreSQL.

Two operators work over the wire; each one's figures are checked against a computation made
here, independently, from the events a manager's connection received (the timestamps the
server stored, to the microsecond): services start -> finish, waits issue -> first call, and
window time from the window's opening up to the answer's ``as_of``.
"""

from __future__ import annotations

from typing import Any

from support.event_time import US, assert_figures, micros


def operator_day(events: list[dict[str, Any]], operator: str, as_of: str) -> dict[str, Any]:
    """``operator``'s visits, services, waits and window time, from the raw events."""
    window = None
    opened = 0
    issued: dict[str, int] = {}
    called: dict[str, int] = {}            # ticket -> the call of its visit now
    started: dict[str, int] = {}
    first_caller: dict[str, tuple[str, int]] = {}
    services: list[int] = []
    ends = {"ticket.no_show": 0, "ticket.transferred": 0}
    serving = calling = 0
    for message in events:
        event = message["event"]
        kind, at, ticket = event["type"], micros(event["at"]), event.get("ticket")
        if kind == "window.opened" and event.get("operator") == operator:
            window, opened = event["window"], at
        if kind == "ticket.issued":
            issued[ticket] = at
        if ticket is None or event.get("window") != window or window is None:
            continue
        if kind == "ticket.called":
            called[ticket] = at
            first_caller.setdefault(ticket, (operator, at))
        elif kind == "ticket.started":
            started[ticket] = at
            calling += at - called[ticket]
        elif kind in ("ticket.finished", "ticket.no_show", "ticket.transferred"):
            if ticket in started:
                serving += at - started[ticket]
                if kind == "ticket.finished":
                    services.append(at - started.pop(ticket))
                else:
                    started.pop(ticket)
            else:
                calling += at - called[ticket]
            if kind in ends:
                ends[kind] += 1
    waits = [at - issued[t] for t, (_who, at) in first_caller.items()]
    ordered = sorted(services)
    at_work = micros(as_of) - opened
    return {
        "served": len(services), "no_shows": ends["ticket.no_show"], "transfers": ends["ticket.transferred"],
        "service_mean_s": sum(services) / len(services) / US if services else None,
        "service_median_s": ((ordered[(len(ordered) - 1) // 2] + ordered[len(ordered) // 2]) / 2 / US
                             if ordered else None),
        "called_first": len(waits), "wait_mean_s": sum(waits) / len(waits) / US if waits else None,
        "serving_s": serving / US, "calling_s": calling / US, "at_work_s": at_work / US,
        "idle_s": (at_work - serving - calling) / US, "on_break_s": 0.0,
    }



async def test_each_operator_gets_their_own_day(start_server, db_url) -> None:
    server = start_server(db=db_url)
    manager = await server.login("manager")
    kiosk = await server.kiosk()
    op = await server.login("operator2")
    await op.ok("window.open", window=2)                      # passport
    other = await server.login("operator7")
    await other.ok("window.open", window=7)                   # registration
    p1, p2, p3, p4 = [(await kiosk.ok("ticket.issue", service="passport"))["ticket"] for _ in range(4)]
    r1 = (await kiosk.ok("ticket.issue", service="registration"))["ticket"]
    for ticket in (p1, p2):
        await op.ok("call.ticket", ticket=ticket)
        await op.ok("ticket.start", ticket=ticket)
        await op.ok("ticket.finish", ticket=ticket, result="done")
    await op.ok("call.ticket", ticket=p3)
    await op.ok("ticket.no_show", ticket=p3)
    await op.ok("call.ticket", ticket=p4)
    await op.ok("ticket.start", ticket=p4)
    await op.ok("ticket.transfer", ticket=p4, to_service="registration")     # waits again, at window 7
    await other.ok("call.ticket", ticket=r1)
    await other.ok("ticket.start", ticket=r1)
    head = (await other.ok("ticket.finish", ticket=r1, result="done"))["seq"]
    await manager.until(lambda: any(e["seq"] == head for e in manager.events()), what="the last finish")

    mine = await op.ok("stats.my_day")
    assert mine["operator"] == "operator2" and mine["office"] == "demo" and mine["head_seq"] >= head
    want = operator_day(manager.events(), "operator2", mine["as_of"])
    assert want["served"] == 2 and want["no_shows"] == 1 and want["transfers"] == 1 and want["called_first"] == 4
    assert_figures(mine, want)
    theirs = await other.ok("stats.my_day")
    assert theirs["operator"] == "operator7"
    want7 = operator_day(manager.events(), "operator7", theirs["as_of"])
    assert want7["served"] == 1 and want7["no_shows"] == 0 and want7["called_first"] == 1   # p4 was called first at 2
    assert_figures(theirs, want7)
    assert (await manager.ok("stats.my_day"))["served"] == 0       # a manager has no window: an empty day
    server.assert_clean_log()


async def test_my_day_roles(shared_server) -> None:
    operator = await shared_server.login("operator12")
    kiosk = await shared_server.kiosk()
    board = await shared_server.board()
    assert await kiosk.refused("stats.my_day") == "forbidden"
    assert await board.refused("stats.my_day") == "forbidden"
    assert "stats.my_day" in operator.hello_result["verbs"] and "stats.my_day" not in kiosk.hello_result["verbs"]
    assert await operator.refused("stats.my_day", office="elsewhere") == "wrong_office"
    assert (await operator.ok("stats.my_day"))["operator"] == "operator12"
    shared_server.assert_clean_log()
