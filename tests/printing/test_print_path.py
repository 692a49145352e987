"""ticket.issue by a kiosk -> a durable job -> the emulator; paper out -> "show on screen"; reprint."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

PRINT_BOUND = 5.0  # seconds from the reply to a printed / failed-at-once notice


def test_kiosk_ticket_is_printed_by_the_emulator(db_url: str, emulator: Any, start_server: Any, connect_as: Any,
                                                 print_jobs: Callable[..., Any], run: Any) -> None:
    server = start_server(emulator.url, db_url)

    async def scenario() -> dict[str, Any]:
        async with connect_as(server, "operator1") as op, connect_as(server, "kiosk") as kiosk, \
                connect_as(server, "display") as board:
            await op.ok("window.open", window=1)
            issued = await kiosk.ok("ticket.issue", service="passport")
            done = await kiosk.job_done(issued["print_job"], PRINT_BOUND)
            await board.drain(0.3)
            assert not [f for f in board.pushes if f.get("type") in ("print", "printer")]  # not for boards
            assert kiosk.print_states(issued["print_job"]) == ["printing", "printed"]
            priority = await kiosk.ok("ticket.issue", service="passport", priority="disabled_1_2")
            await kiosk.job_done(priority["print_job"], PRINT_BOUND)
            return {"issued": issued, "done": done, "priority": priority}

    result = run(scenario())
    issued, done = result["issued"], result["done"]
    assert issued["print_job"] and issued["printer_status"] == "ok"
    assert done == {**done, "state": "printed", "reason": "", "label": issued["label"], "ticket": issued["ticket"],
                    "printer": "kiosk-printer", "printer_status": "ok"}
    ticket, priority_ticket = emulator.printer.wait_for_tickets(2, 5)
    texts = [line.text for line in ticket.lines]
    assert "Паспорт РФ" in texts and "Мои документы" in texts[0]
    note = priority_ticket.find("Льготная категория")
    assert note is not None and note.reverse and ticket.find("Льготная") is None
    assert priority_ticket.find(result["priority"]["label"]) is not None
    number = ticket.find(issued["label"])
    assert number is not None and number.width > 1  # the big number
    [qr] = ticket.qr_payloads
    match = re.fullmatch(r"TALON:demo:(\S+):(\d{4})", qr)
    assert match and match.group(1) == issued["label"]
    assert ticket.find(f"PIN-код: {match.group(2)}") is not None
    row, _ = print_jobs(server)
    assert (row.id, row.ticket_id, row.device_id, row.state, row.attempts) == (
        issued["print_job"], issued["ticket"], "kiosk-1", "printed", 1)


def test_paper_out_keeps_the_ticket_tells_the_kiosk_and_reprint_works_after(
        db_url: str, emulator: Any, start_server: Any, connect_as: Any, print_jobs: Callable[..., Any],
        run: Any) -> None:
    server = start_server(emulator.url, db_url)

    async def scenario() -> dict[str, Any]:
        async with connect_as(server, "operator1") as op, connect_as(server, "kiosk") as kiosk, \
                connect_as(server, "manager") as manager:
            await op.ok("window.open", window=1)
            assert await kiosk.known_status() == "ok"
            emulator.printer.set_state("out")  # the roll runs out
            issued = await kiosk.ok("ticket.issue", service="passport")
            failed = await kiosk.job_done(issued["print_job"], PRINT_BOUND)
            changed = await kiosk.wait_push(lambda f: f.get("type") == "printer" and f["status"] == "paper_out", 2)
            staff = await manager.job_done(issued["print_job"], 2)  # staff hear of it too
            status = await kiosk.ok("printer.status")
            emulator.printer.set_state("ok")  # someone loads a roll
            reprint = await kiosk.ok("ticket.reprint", ticket=issued["ticket"])
            reprinted = await kiosk.job_done(reprint["print_job"], PRINT_BOUND)
            status_after = await kiosk.ok("printer.status")
            called = await op.ok("call.next")  # the ticket was in the queue all along
            return dict(issued=issued, failed=failed, changed=changed, staff=staff, status=status, reprint=reprint,
                        reprinted=reprinted, status_after=status_after, called=called)

    r = run(scenario())
    # the issue succeeded; the job failed at once; the kiosk got the "show on screen" signal
    assert r["failed"]["state"] == "failed" and r["failed"]["reason"] == "paper_out"
    assert r["failed"]["label"] == r["issued"]["label"] and r["failed"]["printer_status"] == "paper_out"
    assert r["staff"]["state"] == "failed"
    assert r["changed"]["printer"] == "kiosk-printer"
    assert r["status"]["printers"][0]["status"] == "paper_out"
    # after paper is back, the reprint prints the same ticket (same number, same PIN)
    assert r["reprint"]["label"] == r["issued"]["label"] and r["reprint"]["print_job"] != r["issued"]["print_job"]
    assert r["reprinted"]["state"] == "printed"
    assert r["status_after"]["printers"][0]["status"] == "ok"
    assert r["called"]["ticket"] == r["issued"]["ticket"]
    [ticket] = emulator.printer.wait_for_tickets(1, 5)
    assert ticket.find(r["issued"]["label"]) is not None
    assert emulator.printer.lost == 0  # nothing was sent to the empty printer
    rows = print_jobs(server)
    assert [(j.id, j.state, j.reason, j.attempts) for j in rows] == [
        (r["issued"]["print_job"], "failed", "paper_out", 1),
        (r["reprint"]["print_job"], "printed", "", 1)]


def test_a_failed_print_notice_goes_only_to_the_kiosk_that_issued(emulator: Any, start_server: Any,
                                                                   connect_as: Any, run: Any) -> None:
    """An operator's ticket.issue prints nothing; a kiosk's failure reaches no operator."""
    server = start_server(emulator.url)
    emulator.printer.set_state("cover_open")

    async def scenario() -> None:
        async with connect_as(server, "operator1") as op, connect_as(server, "kiosk") as kiosk:
            await op.ok("window.open", window=1)
            by_operator = await op.ok("ticket.issue", service="passport")
            assert by_operator["print_job"] is None
            issued = await kiosk.ok("ticket.issue", service="passport")
            failed = await kiosk.job_done(issued["print_job"], PRINT_BOUND)
            assert (failed["state"], failed["reason"]) == ("failed", "cover_open")
            await op.drain(0.3)
            assert not [f for f in op.pushes if f.get("type") in ("print", "printer")]

    run(scenario())
