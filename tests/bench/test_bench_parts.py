"""The bench's parts without a server: percentiles, the region plan, the boards' sequence checks, /proc."""

from __future__ import annotations

import os
import socket

import pytest

from queue_protocol.replies import EventMessage, Snapshot, WireEvent
from queue_protocol.views import OfficeInfo, OfficeView
from queue_server.bench import proc
from queue_server.bench.region import Kind, office_sizes, plan_office, plan_region
from queue_server.bench.roles import Bench, Board
from queue_server.bench.stats import Samples, percentile

AT = "2026-03-14T06:30:00.000000Z"


def test_percentiles_interpolate_between_ranks() -> None:
    assert percentile([], 50) is None
    assert percentile([7.0], 99) == 7.0
    assert percentile([4, 1, 3, 2], 50) == 2.5
    values = list(range(1, 101))   # 1..100
    assert percentile(values, 0) == 1
    assert percentile(values, 100) == 100
    assert percentile(values, 50) == pytest.approx(50.5)
    assert percentile(values, 99) == pytest.approx(99.01)
    with pytest.raises(ValueError):
        percentile(values, 101)


def test_samples_are_bounded_but_count_and_max_stay_exact() -> None:
    samples = Samples(cap=100, seed=3)
    samples.extend(float(i) for i in range(10_000))
    assert samples.count == 10_000 and len(samples.values) == 100
    assert samples.max == 9999.0
    p50, = samples.percentiles(50)
    assert p50 is not None and 3000 < p50 < 7000   # a uniform reservoir of 0..9999
    exact = Samples()
    exact.extend([0.001, 0.002, 0.003, 0.004])
    assert exact.summary(1000) == {"count": 4, "p50": 2.5, "p99": 3.97, "max": 4.0}
    assert Samples().summary(1000) == {"count": 0, "p50": None, "p99": None, "max": None}


def test_a_region_looks_like_kiosks_boards_a_manager_and_operators() -> None:
    office = plan_office(1, 15)
    kinds = [spec.kind for spec in office]
    assert kinds.count(Kind.KIOSK) == 2 and kinds.count(Kind.BOARD) == 2 and kinds.count(Kind.MANAGER) == 1
    assert [spec.window for spec in office if spec.kind is Kind.OPERATOR] == list(range(1, 11))

    big = plan_office(7, 40)   # beyond 25 clients: 20 operators, the rest more boards
    assert sum(s.kind is Kind.OPERATOR for s in big) == 20
    assert sum(s.kind is Kind.BOARD for s in big) == 17
    assert {s.token for s in big if s.kind is Kind.BOARD} == {"demo-display-7", "demo-window-1-7"}
    assert {s.office for s in big} == {"demo-7"}
    assert "operator3-7" in {s.login for s in big} and "manager-7" in {s.login for s in big}
    assert plan_office(1, 6)[0].token == "demo-kiosk" and plan_office(1, 6)[-1].login == "operator1"

    assert [s.kind for s in plan_office(2, 3)] == [Kind.KIOSK, Kind.BOARD, Kind.OPERATOR]
    assert office_sizes(10, 3) == [4, 3, 3]
    assert len(plan_region(2000, 50)) == 2000
    with pytest.raises(ValueError):
        plan_region(5, 2)


def _event(seq: int, kind: str = "ticket.issued", ticket: str = "t1") -> EventMessage:
    return EventMessage(office="demo", seq=seq, event=WireEvent(type=kind, at=AT, ticket=ticket))  # type: ignore[arg-type]


def test_a_board_counts_gaps_and_duplicates_and_notes_calls() -> None:
    bench = Bench("ws://127.0.0.1:1/", password="demo", timeout=1, seed=1, arrivals="even", cap=1000)
    board = Board(plan_office(1, 6)[2], 1, bench)
    view = OfficeView(office=OfficeInfo(id="demo", name="x", timezone="Europe/Moscow", local_day="2026-03-14"))
    board.on_snapshot(Snapshot(office="demo", seq=10, state=view))
    board.on_event(_event(11), 1.0)
    board.on_event(_event(11), 1.1)                          # duplicate
    board.on_event(_event(14, "ticket.called", "t9"), 1.5)   # 12 and 13 never came
    assert (bench.recorder.gaps, bench.recorder.duplicates) == (2, 1)
    assert board.last["demo"] == 14 and board.behind() == 0
    bench.recorder.head("demo", 16)
    assert board.behind() == 2

    recorder = bench.recorder
    recorder.measure_from, recorder.measure_to = 0.0, 100.0
    recorder.called("demo", "t9", 1.25)
    samples, not_shown = recorder.call_to_display({"demo": 3})   # three boards; only this one showed it
    assert samples.count == 1 and samples.max == pytest.approx(0.25)
    assert not_shown == 2


def test_proc_reads_our_own_process_and_finds_a_listener() -> None:
    rss = proc.rss_mb(os.getpid())
    assert rss is not None and rss > 1
    assert proc.cpu_seconds(os.getpid()) is not None
    assert any(t.name for t in proc.thread_cpu(os.getpid()).values())
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        assert proc.listening_pid(listener.getsockname()[1]) == os.getpid()
    assert proc.rss_mb(2**22 + 12345) is None
