"""PrinterWorker against the emulator: jobs succeed, fail fast with a reason, never hang."""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import Future
from pathlib import Path

import pytest

from printers import (
    EmulatedPrinter,
    PrinterConfigError,
    PrinterProfile,
    PrinterStatus,
    PrinterWorker,
    PrintFailed,
    TicketLayout,
    render_ticket,
)


def failure(future: Future[object], within: float) -> PrintFailed:
    started = time.monotonic()
    with pytest.raises(PrintFailed) as caught:
        future.result(timeout=within)
    assert time.monotonic() - started < within
    return caught.value


@pytest.fixture
def data(ticket: TicketLayout) -> bytes:
    return render_ticket(ticket, PrinterProfile())


def test_print_ok(emulator: EmulatedPrinter, tcp_url: str, data: bytes) -> None:
    with PrinterWorker(tcp_url) as worker:
        result = worker.print(data).result(timeout=5)
        assert result.status == PrinterStatus.OK and result.bytes_sent == len(data)
    assert emulator.wait_for_tickets(1, timeout=5)[0].find("Д015")


def test_print_over_serial(emulator: EmulatedPrinter, pty_url: str, data: bytes) -> None:
    with PrinterWorker(pty_url, keep_open=True) as worker:
        for _ in range(3):
            assert worker.print(data).result(timeout=5).status == PrinterStatus.OK
    assert len(emulator.wait_for_tickets(3, timeout=5)) == 3


@pytest.mark.parametrize(("state", "reason"), [("out", "paper_out"), ("cover_open", "cover_open")])
def test_unprintable_printer_fails_fast_with_the_reason(emulator: EmulatedPrinter, tcp_url: str,
                                                        data: bytes, state: str, reason: str) -> None:
    emulator.set_state(state)
    with PrinterWorker(tcp_url) as worker:
        assert failure(worker.print(data), within=5).reason == reason
        assert worker.last_status.value == reason
    assert emulator.printed == 0 and emulator.lost == 0  # nothing was even sent


def test_dead_printer_times_out_without_hanging(emulator: EmulatedPrinter, tcp_url: str, data: bytes) -> None:
    emulator.set_state("dead")
    with PrinterWorker(tcp_url, status_timeout=0.5) as worker:
        futures = [worker.print(data) for _ in range(3)]
        for future in futures:
            assert failure(future, within=5).reason == "timeout"
        assert worker.status().result(timeout=5) == PrinterStatus.UNKNOWN


def test_nothing_listening_is_offline(closed_port: int, data: bytes) -> None:
    with PrinterWorker(f"tcp://127.0.0.1:{closed_port}?timeout=1") as worker:
        assert failure(worker.print(data), within=5).reason == "offline"
        assert worker.status().result(timeout=5) == PrinterStatus.OFFLINE


def test_near_end_prints_and_says_so(emulator: EmulatedPrinter, tcp_url: str, data: bytes) -> None:
    emulator.set_state("near_end")
    seen: list[PrinterStatus] = []
    with PrinterWorker(tcp_url, on_status=seen.append) as worker:
        assert worker.print(data).result(timeout=5).status == PrinterStatus.NEAR_END
    assert emulator.wait_for_tickets(1, timeout=5) and seen == [PrinterStatus.NEAR_END]


def test_recovers_when_the_paper_is_replaced(emulator: EmulatedPrinter, tcp_url: str, data: bytes) -> None:
    emulator.set_state("out")
    with PrinterWorker(tcp_url, keep_open=True) as worker:
        assert failure(worker.print(data), within=5).reason == "paper_out"
        emulator.set_state("ok")
        assert worker.print(data).result(timeout=5).status == PrinterStatus.OK


def test_reconnects_after_the_printer_restarts(ticket: TicketLayout, data: bytes) -> None:
    first = EmulatedPrinter()
    host, port = first.start_tcp()
    with PrinterWorker(f"tcp://{host}:{port}?timeout=1", keep_open=True) as worker:
        try:
            assert worker.print(data).result(timeout=5).status == PrinterStatus.OK
            first.wait_for_tickets(1, timeout=5)
        finally:
            first.stop()  # power cycle: the worker's open connection is now dead
        with EmulatedPrinter() as second:
            second.start_tcp(host, port)
            assert worker.print(data).result(timeout=5).status == PrinterStatus.OK
            assert second.wait_for_tickets(1, timeout=5)[0].find("Д015")


def test_write_only_file_prints_with_unknown_status(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "lp0"
    with PrinterWorker(f"file://{path}") as worker:
        assert worker.print(data).result(timeout=5).status == PrinterStatus.UNKNOWN
    assert path.read_bytes() == data


def test_jobs_run_in_order(emulator: EmulatedPrinter, tcp_url: str, make_ticket: object) -> None:
    numbers = [f"Б{n:03d}" for n in range(1, 9)]
    with PrinterWorker(tcp_url) as worker:
        futures = [worker.print(render_ticket(make_ticket(number=n), PrinterProfile()))  # type: ignore[operator]
                   for n in numbers]
        for future in futures:
            future.result(timeout=5)
    assert [t.lines[4].text for t in emulator.wait_for_tickets(8, timeout=5)] == numbers


def test_stop_fails_queued_jobs_and_later_ones(emulator: EmulatedPrinter, tcp_url: str, data: bytes) -> None:
    emulator.set_state("dead")
    worker = PrinterWorker(tcp_url, status_timeout=0.5).start()
    futures = [worker.print(data) for _ in range(5)]
    worker.stop(timeout=5)
    reasons = [failure(f, within=1).reason for f in futures]
    assert reasons[0] in ("timeout", "offline")  # the running job finishes on its own timeout
    assert reasons[1:] == ["offline"] * 4  # queued ones fail at once
    assert failure(worker.print(data), within=1).reason == "offline"


def test_futures_work_with_asyncio(emulator: EmulatedPrinter, tcp_url: str, data: bytes) -> None:
    async def main() -> tuple[PrinterStatus, PrinterStatus]:
        with PrinterWorker(tcp_url) as worker:
            status = await asyncio.wait_for(asyncio.wrap_future(worker.status()), 5)
            result = await asyncio.wait_for(asyncio.wrap_future(worker.print(data)), 5)
            return status, result.status

    assert asyncio.run(main()) == (PrinterStatus.OK, PrinterStatus.OK)


def test_bad_url_fails_at_construction() -> None:
    with pytest.raises(PrinterConfigError):
        PrinterWorker("tcp://printer:notaport")
