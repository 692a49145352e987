"""A burst of commands, fanned out with coalesced writes: every screen sees every event, in order.

Two kiosks send their requests back to back without waiting (so the server commits them in
batches and writes each connection's frames of a batch together); every board and the manager
(and the operator) must receive each event once, with seq = previous + 1, and each kiosk its reply before the
event its command caused.
"""

from __future__ import annotations

import asyncio

from .conftest import ServerProcess

BURST = 40   # tickets per kiosk


async def test_every_screen_receives_every_event_of_a_burst_in_order(server: ServerProcess) -> None:
    operator = await server.login("operator1")
    await operator.ok("window.open", window=1)      # passport is served: tickets can be issued
    boards = [await server.board() for _ in range(4)]
    manager = await server.login("manager")
    kiosks = [await server.kiosk(), await server.kiosk()]
    start = boards[0].head()
    sent = {kiosk: [await kiosk.send("ticket.issue", service="passport") for _ in range(BURST)] for kiosk in kiosks}
    replies = {kiosk: [await kiosk.reply(request_id) for request_id in ids] for kiosk, ids in sent.items()}
    assert all(reply.get("ok") is True for answered in replies.values() for reply in answered), replies
    results = {kiosk: [reply["result"] for reply in answered] for kiosk, answered in replies.items()}
    end = start + 2 * BURST
    for screen in (*boards, manager, operator, *kiosks):
        await screen.until(lambda screen=screen: screen.head() >= end, 15, f"{screen.label} reaching seq {end}")
        screen.assert_in_order()
        assert [e["seq"] for e in screen.events() if e["seq"] > start] == list(range(start + 1, end + 1))
    for kiosk, ids in sent.items():
        for request_id, result in zip(ids, results[kiosk], strict=True):
            caused = [e for e in kiosk.pushes_after(request_id) if e["type"] == "event" and e["seq"] == result["seq"]]
            assert caused, f"the event of {request_id} came before its reply"
    await asyncio.gather(*(client.close() for client in (*boards, manager, operator, *kiosks)))
