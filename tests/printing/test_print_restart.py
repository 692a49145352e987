"""A server SIGKILLed with print jobs in flight prints the fresh ones after restart.

The printer is dead while the first server runs, so job A hangs in ``printing`` and jobs B and
C wait ``queued`` behind it; then the server is killed. C is aged past the minute (the visitor
has left); the printer comes back; a second server on the same database prints A and B, in
order, and fails C as ``expired``. A retried ticket.issue after the restart still gets its
original reply and no new job.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import create_engine, update

from queue_server.store.database import normalize_url
from queue_server.store.schema import PrintJobRow


def age_job(db_url: str, job_id: str, minutes: float) -> None:
    engine = create_engine(normalize_url(db_url))
    try:
        with engine.begin() as conn:
            old = datetime.now(UTC) - timedelta(minutes=minutes)
            conn.execute(update(PrintJobRow).where(PrintJobRow.id == job_id).values(created_at=old, updated_at=old))
    finally:
        engine.dispose()


def test_sigkilled_server_prints_fresh_jobs_after_restart(db_url: str, emulator: Any, start_server: Any,
                                                          connect_as: Any, print_jobs: Any, run: Any) -> None:
    first = start_server(emulator.url, db_url)

    async def before_crash() -> list[dict[str, Any]]:
        async with connect_as(first, "operator1") as op, connect_as(first, "kiosk") as kiosk:
            await op.ok("window.open", window=1)
            assert await kiosk.known_status() == "ok"
            emulator.printer.set_state("dead")
            replies = [await kiosk.rpc("ticket.issue", request_id=f"crash-{n}", service="passport") for n in "ABC"]
            await kiosk.wait_push(lambda f: f.get("type") == "print" and f["job"] == replies[0]["result"]["print_job"]
                                  and f["state"] == "printing", 5)
            return replies

    replies = run(before_crash())
    first.kill()  # SIGKILL while A hangs in its first status wait
    a, b, c = (reply["result"] for reply in replies)
    states = {j.id: j.state for j in print_jobs(first)}
    assert states == {a["print_job"]: "printing", b["print_job"]: "queued", c["print_job"]: "queued"}
    assert emulator.printer.printed == 0
    age_job(db_url, c["print_job"], minutes=5)

    emulator.printer.set_state("ok")
    second = start_server(emulator.url, db_url)
    tickets = emulator.printer.wait_for_tickets(2, 15)
    assert [t.find(a["label"]) is not None for t in tickets] == [True, False]
    assert [t.find(b["label"]) is not None for t in tickets] == [False, True]

    async def after_restart() -> dict[str, Any]:
        async with connect_as(second, "kiosk") as kiosk:
            retried = await kiosk.rpc("ticket.issue", request_id="crash-A", service="passport")
            await kiosk.drain(0.5)
            return retried

    retried = run(after_restart())
    assert retried == replies[0]  # the original reply, no second job
    jobs = {j.id: (j.state, j.reason) for j in print_jobs(second)}
    assert jobs == {a["print_job"]: ("printed", ""), b["print_job"]: ("printed", ""),
                    c["print_job"]: ("failed", "expired")}
    assert emulator.printer.printed == 2 and not any(t.find(c["label"]) for t in emulator.printer.tickets)
