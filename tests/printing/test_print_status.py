"""Each emulated printer state through the server: the job's fate, the notices, ``printer.status``.

One server and one emulator for the module (a server start costs seconds); window 1 is opened
once, then each state is one kiosk session that sets the state and issues a ticket. The printer
URL carries ``timeout=1``; the worker's status query waits at most 1 s.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from websockets.asyncio.client import connect

# state -> (job state, reason, printer status the server reports)
EXPECTED = {
    "ok": ("printed", "", "ok"),
    "near_end": ("printed", "", "near_end"),
    "out": ("failed", "paper_out", "paper_out"),
    "cover_open": ("failed", "cover_open", "cover_open"),
    "dead": ("failed", "timeout", "unknown"),
}
STATUS_TIMEOUT = 1.0  # PrinterWorker's status_timeout (the URL's timeout=1 bounds connect and write)
RETRY_SLEEPS = 1.0 + 3.0  # spool.RETRY_DELAYS: a timeout is tried again after 1 s and 3 s
SLACK = 1.5


@pytest.fixture(scope="module")
def window_open(shared_server: Any) -> Any:
    """Window 1 opened once for the module (it stays open when the operator disconnects)."""

    async def open_window() -> None:
        async with connect(shared_server.ws_url, open_timeout=10) as ws:
            for message in ({"type": "hello", "id": "h", "protocol": 1, "username": "operator1", "password": "demo"},
                            {"type": "window.open", "id": "w", "window": 1}):
                await ws.send(json.dumps(message))
                while True:
                    frame = json.loads(await asyncio.wait_for(ws.recv(), 10))
                    if frame.get("re") == message["id"]:
                        assert frame["ok"] is True, frame
                        break

    asyncio.run(open_window())
    return shared_server


@pytest.fixture(scope="module")
def outcome(window_open: Any, shared_emulator: Any, connect_as: Any, run: Any,
            print_jobs: Any) -> Callable[[str], dict[str, Any]]:
    """``outcome(state)``: a kiosk's ticket issued in that state and all the server said about it.
    Run once per state and kept, so several tests can look at the dead printer's 7 s job."""
    server, printer = window_open, shared_emulator.printer
    done: dict[str, dict[str, Any]] = {}

    async def scenario(state: str) -> dict[str, Any]:
        async with connect_as(server, "kiosk") as kiosk:
            before = await kiosk.known_status()
            printer.set_state(state)
            printed_before = printer.printed
            issued_at = time.monotonic()
            issued = await kiosk.ok("ticket.issue", service="passport")
            reply_s = time.monotonic() - issued_at
            job = issued["print_job"]
            await kiosk.wait_push(lambda f: f.get("type") == "print" and f["job"] == job and f["state"] == "printing",
                                  5)
            started = time.monotonic()
            status_replies = []
            if state == "dead":  # while the job hangs, printer.status answers at once
                for _ in range(5):
                    asked = time.monotonic()
                    await kiosk.ok("printer.status")
                    status_replies.append(time.monotonic() - asked)
            end = await kiosk.job_done(job, 3 * (STATUS_TIMEOUT + SLACK) + RETRY_SLEEPS)
            took = time.monotonic() - started
            expected_status = EXPECTED[state][2]
            notice = None
            if before != expected_status:
                notice = await kiosk.wait_push(
                    lambda f: f.get("type") == "printer" and f["status"] == expected_status, 2)
            return dict(issued=issued, reply_s=reply_s, done=end, took=took, status=await kiosk.printer_status(),
                        notice=notice, status_replies=status_replies, printed_before=printed_before)

    def get(state: str) -> dict[str, Any]:
        if state not in done:
            result = run(scenario(state))
            [row] = [j for j in print_jobs(server) if j.id == result["issued"]["print_job"]]
            done[state] = {**result, "row": row}
        return done[state]

    return get


@pytest.mark.parametrize("state", list(EXPECTED))
def test_each_emulated_state(state: str, outcome: Callable[[str], dict[str, Any]], shared_emulator: Any) -> None:
    printer = shared_emulator.printer
    job_state, reason, status = EXPECTED[state]
    r = outcome(state)
    assert r["reply_s"] < 1.0, "ticket.issue must not wait for the printer"
    assert (r["done"]["state"], r["done"]["reason"], r["done"]["printer_status"]) == (job_state, reason, status)
    assert r["status"] == status  # printer.status
    if r["notice"] is not None:  # a `printer` notice for every change
        assert r["notice"]["printer"] == "kiosk-printer" and r["notice"]["office"] == "demo"
    assert (r["row"].state, r["row"].reason) == (job_state, reason)
    if state == "dead":  # three tries, each bounded by the 1 s status wait, 1 s and 3 s apart
        assert RETRY_SLEEPS + 3 * STATUS_TIMEOUT - 0.5 <= r["took"] <= RETRY_SLEEPS + 3 * STATUS_TIMEOUT + SLACK
        assert max(r["status_replies"]) < 0.2
    else:
        assert r["took"] < STATUS_TIMEOUT + SLACK
    if job_state == "printed":
        tickets = printer.wait_for_tickets(r["printed_before"] + 1, 5)
        assert any(t.find(r["issued"]["label"]) for t in tickets)
    else:
        assert printer.lost == 0  # nothing was sent to a printer that cannot print
        assert not any(t.find(r["issued"]["label"]) for t in printer.tickets)


def test_attempts_counts_every_try(outcome: Callable[[str], dict[str, Any]]) -> None:
    assert outcome("ok")["row"].attempts == 1
    assert outcome("out")["row"].attempts == 1  # paper out: given up at once
    assert outcome("dead")["row"].attempts == 3  # a timeout is tried three times


def test_back_to_ok_after_a_failed_job(window_open: Any, shared_emulator: Any, connect_as: Any, run: Any) -> None:
    """A kiosk reprints the ticket a failed job left on screen once the printer is fixed."""
    server, printer = window_open, shared_emulator.printer

    async def scenario() -> tuple[str, dict[str, Any]]:
        async with connect_as(server, "kiosk") as kiosk:
            printer.set_state("cover_open")
            nonlocal printed_before
            printed_before = printer.printed
            issued = await kiosk.ok("ticket.issue", service="passport")
            failed = await kiosk.job_done(issued["print_job"], 5)
            assert failed["state"] == "failed"
            printer.set_state("ok")
            reprint = await kiosk.ok("ticket.reprint", ticket=issued["ticket"])
            return issued["label"], await kiosk.job_done(reprint["print_job"], 5)

    printed_before = 0
    label, done = run(scenario())
    assert done["state"] == "printed" and done["printer_status"] == "ok"
    # "printed" means the bytes were written; the emulator decodes them a moment later
    assert printer.wait_for_tickets(printed_before + 1, 5)[-1].find(label) is not None
