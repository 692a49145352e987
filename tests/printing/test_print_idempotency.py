"""A retried ticket.issue (same request id) never queues a second print job, however it arrives."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from typing import Any


def test_retried_issue_and_reprint_print_once(db_url: str, emulator: Any, start_server: Any, connect_as: Any,
                                              print_jobs: Any, run: Any) -> None:
    server = start_server(emulator.url, db_url)
    issue = {"type": "ticket.issue", "id": "kiosk-retry-1", "service": "passport"}

    async def scenario() -> dict[str, Any]:
        async with connect_as(server, "operator1") as op:
            await op.ok("window.open", window=1)
        async with connect_as(server, "kiosk") as kiosk:
            first = await kiosk.rpc("ticket.issue", request_id=issue["id"], service="passport")
            await kiosk.job_done(first["result"]["print_job"], 5)
            again = await kiosk.rpc("ticket.issue", request_id=issue["id"], service="passport")  # same session
            other = await kiosk.rpc("ticket.issue", request_id=issue["id"], service="passport_foreign")
        async with connect_as(server, "kiosk") as kiosk:  # the kiosk reconnected and retries
            reconnected = await kiosk.rpc("ticket.issue", request_id=issue["id"], service="passport")
            reprint = await kiosk.rpc("ticket.reprint", request_id="kiosk-reprint-1",
                                      ticket=first["result"]["ticket"])
            reprint_again = await kiosk.rpc("ticket.reprint", request_id="kiosk-reprint-1",
                                            ticket=first["result"]["ticket"])
            await kiosk.job_done(reprint["result"]["print_job"], 5)
        # the same new request on two connections at once (a kiosk that reconnected mid-request)
        async with connect_as(server, "kiosk") as one, connect_as(server, "kiosk") as two:
            frame = {"type": "ticket.issue", "id": "kiosk-retry-2", "service": "passport"}
            await asyncio.gather(one.send(frame), two.send(frame))
            raced = await asyncio.gather(one.reply_to(frame["id"]), two.reply_to(frame["id"]))
            await one.job_done(raced[0]["result"]["print_job"], 5)
            await asyncio.gather(one.drain(0.5), two.drain(0.5))  # time for a second job, were there one
            pushes = one.pushes + two.pushes
        return dict(first=first, again=again, other=other, reconnected=reconnected, reprint=reprint,
                    reprint_again=reprint_again, raced=raced, pushes=pushes)

    r = run(scenario())
    assert r["first"]["ok"] is True and r["first"]["result"]["print_job"]
    assert json.dumps(r["again"]) == json.dumps(r["first"])  # byte for byte the original reply
    assert json.dumps(r["reconnected"]) == json.dumps(r["first"])
    assert r["other"]["ok"] is False and r["other"]["error"]["code"] == "id_reused"
    assert r["reprint"]["ok"] is True and r["reprint_again"] == r["reprint"]
    assert r["raced"][0] == r["raced"][1] and r["raced"][0]["ok"] is True
    jobs = print_jobs(server)
    per_ticket = Counter(j.ticket_id for j in jobs)
    assert per_ticket == {r["first"]["result"]["ticket"]: 2, r["raced"][0]["result"]["ticket"]: 1}
    assert {j.id for j in jobs} == {r["first"]["result"]["print_job"], r["reprint"]["result"]["print_job"],
                                    r["raced"][0]["result"]["print_job"]}
    assert all(j.state == "printed" for j in jobs)
    printed = emulator.printer.wait_for_tickets(3, 5)
    assert emulator.printer.printed == 3
    assert [t.find(r["first"]["result"]["label"]) is not None for t in printed] == [True, True, False]
    raced_job = r["raced"][0]["result"]["print_job"]
    # each of the two connections of the kiosk hears the one raced job once: printing, printed
    assert Counter(f["state"] for f in r["pushes"] if f.get("type") == "print" and f["job"] == raced_job) == {
        "printing": 2, "printed": 2}
