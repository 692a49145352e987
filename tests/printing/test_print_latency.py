"""A dead printer hangs its job for seconds; the server's event loop keeps answering everybody.

A board pings over its websocket every 10 ms for the whole life of a job to a dead printer
(three 1 s status waits, 1 s and 3 s apart); the kiosk meanwhile issues another ticket and asks
``printer.status``. The ping round trips must stay short: p99 < 200 ms. The numbers are
printed (``pytest -s``) and attached to the report as user properties.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import Any

P99_BOUND = 0.2
MAX_BOUND = 1.0  # the printer URL's timeout: no client waits as long as one printer call may


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def test_the_server_answers_while_a_job_to_a_dead_printer_hangs(
        emulator: Any, start_server: Any, connect_as: Any, run: Any,
        record_property: Any) -> None:
    server = start_server(emulator.url)

    async def scenario() -> dict[str, Any]:
        async with connect_as(server, "operator1") as op, connect_as(server, "kiosk") as kiosk, \
                connect_as(server, "display") as board:
            await op.ok("window.open", window=1)
            assert await kiosk.known_status() == "ok"
            emulator.printer.set_state("dead")
            rtts: list[float] = []
            hanging = asyncio.Event()

            async def pinger() -> None:
                while not hanging.is_set():
                    sent = time.monotonic()
                    await board.ok("ping")
                    rtts.append(time.monotonic() - sent)
                    await asyncio.sleep(0.01)

            pings = asyncio.create_task(pinger())
            try:
                started = time.monotonic()
                first = await kiosk.ok("ticket.issue", service="passport")
                issue_s = time.monotonic() - started
                await kiosk.wait_push(lambda f: f.get("type") == "print" and f["job"] == first["print_job"]
                                      and f["state"] == "printing", 5)
                await asyncio.sleep(0.5)  # well inside the first 1 s status wait
                asked = time.monotonic()
                second = await kiosk.ok("ticket.issue", service="passport")  # queued behind the hanging job
                second_s = time.monotonic() - asked
                asked = time.monotonic()
                status = await kiosk.printer_status()
                status_s = time.monotonic() - asked
                asked = time.monotonic()
                await op.ok("window.break", reason="обед")  # a database verb from an operator
                await op.ok("window.resume")
                staff_s = time.monotonic() - asked
                failed = await kiosk.job_done(first["print_job"], 12)
                hang_s = time.monotonic() - started
            finally:
                hanging.set()
                await asyncio.wait_for(pings, 5)
            emulator.printer.set_state("ok")
            # the job queued behind the hang had one try (fail fast): it printed only if the printer
            # was back in time; either way the lane recovers and the next ticket prints
            second_done = await kiosk.job_done(second["print_job"], 8)
            third = await kiosk.ok("ticket.issue", service="passport")
            printed = await kiosk.job_done(third["print_job"], 8)
            return dict(rtts=rtts, issue_s=issue_s, second_s=second_s, status=status, status_s=status_s,
                        staff_s=staff_s, failed=failed, printed=printed, hang_s=hang_s, second_done=second_done)

    r = run(scenario())
    rtts = r["rtts"]
    numbers = {"pings": len(rtts), "hang_s": round(r["hang_s"], 2),
               "p50_ms": round(statistics.median(rtts) * 1000, 2), "p99_ms": round(percentile(rtts, 0.99) * 1000, 2),
               "max_ms": round(max(rtts) * 1000, 2), "issue_ms": round(r["issue_s"] * 1000, 2),
               "second_issue_ms": round(r["second_s"] * 1000, 2), "printer_status_ms": round(r["status_s"] * 1000, 2),
               "operator_verbs_ms": round(r["staff_s"] * 1000, 2)}
    print(f"\nping latency during a dead-printer hang: {numbers}")
    for key, value in numbers.items():
        record_property(key, value)
    assert r["failed"]["state"] == "failed" and r["failed"]["reason"] == "timeout"
    assert r["hang_s"] > 6  # the job really did hang for its three tries
    assert len(rtts) > 200, "the pinger barely ran"
    assert percentile(rtts, 0.99) < P99_BOUND and max(rtts) < MAX_BOUND
    assert r["issue_s"] < P99_BOUND and r["second_s"] < P99_BOUND, "ticket.issue waited for the printer"
    assert r["status_s"] < P99_BOUND and r["status"] in ("ok", "unknown")  # what it last learned
    assert r["staff_s"] < 2 * P99_BOUND
    assert r["second_done"]["state"] in ("printed", "failed")
    assert r["printed"]["state"] == "printed"
    printed = emulator.printer.wait_for_tickets(1, 5)  # decoded a moment after the bytes were written
    assert printed[-1].find(r["printed"]["label"]) is not None


def test_jobs_behind_a_dead_printer_fail_fast(emulator: Any, start_server: Any, connect_as: Any, run: Any) -> None:
    server = start_server(emulator.url)

    async def scenario() -> None:
        async with connect_as(server, "operator1") as op, connect_as(server, "kiosk") as kiosk:
            await op.ok("window.open", window=1)
            assert await kiosk.known_status() == "ok"
            emulator.printer.set_state("dead")
            first = await kiosk.ok("ticket.issue", service="passport")
            second = await kiosk.ok("ticket.issue", service="passport")
            assert (await kiosk.job_done(first["print_job"], 10))["reason"] == "timeout"
            # the printer is known not to answer: the next job gets one try (a 1 s status wait), not three
            assert (await kiosk.job_done(second["print_job"], 1.0 + 2.0))["state"] == "failed"

    run(scenario())
