"""``talon-bench``: load a running Talon server with a region of clients and print the numbers.

    talon-bench --server ws://127.0.0.1:8765/ --offices K --clients N --rate R --duration S
                [--warmup W] [--server-pid PID|auto] [--json]

The server must run the demo region with at least K offices
(``talon-server run --demo --offices K``).  The bench connects N clients (``region.py``),
50 at a time (password logins 4 at a time: the server's login brake counts a check in flight
as a failure per peer address and refuses the 5th), opens the operators' windows, then runs
the load for W seconds of warm-up and S measured seconds: kiosks issue R tickets/s in total
(Poisson), operators call, start and finish about R tickets/s in total (each operator paced to
``--headroom`` x its share, so calls follow the tickets; ``queue_empty`` is expected).  It
stops by itself after a short drain, closes every connection and prints, as its last line, one
JSON object (see ``run`` below).  Progress goes to stderr; without ``--json`` a readable
summary precedes the JSON line on stdout.

The bench is one asyncio process.  It reports its own CPU (``bench_cpu_pct``, 100 = one core),
the time its event loop waited for a CPU (``bench_runq_pct``) and the lag of its loop: when the
bench itself is starved, its latencies say more about the bench than about the server.  With
``--server-pid`` (or ``auto``: the process listening on the URL's port) it reads the server's
RSS, and CPU and run-queue time per thread, from /proc; ``host_*`` and
``other_processes_cpu_pct`` say how much of the machine other processes took meanwhile.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import math
import os
import resource
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TextIO
from urllib.parse import urlsplit

from . import proc
from .region import Kind, plan_region
from .roles import ROLE_CLASSES, Bench, Board, Client, Kiosk, Operator, now
from .stats import Samples

CONNECT_ORDER = (Kind.BOARD, Kind.MANAGER, Kind.KIOSK, Kind.OPERATOR)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="talon-bench", description="Load a Talon server with a region of clients.")
    parser.add_argument("--server", required=True, metavar="URL", help="websocket URL, e.g. ws://127.0.0.1:8765/")
    parser.add_argument("--offices", type=int, default=1, metavar="K", help="demo offices to spread clients over")
    parser.add_argument("--clients", type=int, required=True, metavar="N", help="websocket clients in all")
    parser.add_argument("--rate", type=float, required=True, metavar="R",
                        help="tickets issued (and called) per second, region-wide")
    parser.add_argument("--duration", type=float, required=True, metavar="S", help="measured seconds")
    parser.add_argument("--warmup", type=float, default=5.0, metavar="W", help="seconds of load before measuring (default 5)")
    parser.add_argument("--drain", type=float, default=5.0, metavar="D",
                        help="at most this many seconds to let in-flight work and events settle (default 5)")
    parser.add_argument("--server-pid", metavar="PID", help="the server's pid for RSS and CPU, or 'auto' (the port's listener)")
    parser.add_argument("--concurrency", type=int, default=50, help="connections opened at a time (default 50)")
    parser.add_argument("--login-concurrency", type=int, default=4,
                        help="password logins at a time (default 4: the server brakes a 5th check in flight per address)")
    parser.add_argument("--timeout", type=float, default=10.0, help="seconds to wait for a reply (default 10)")
    parser.add_argument("--headroom", type=float, default=1.25,
                        help="operators' call capacity over the issue rate; calls follow the tickets (default 1.25)")
    parser.add_argument("--arrivals", choices=("poisson", "even"), default="poisson", help="ticket arrivals per kiosk")
    parser.add_argument("--password", default="demo", help="the operators' and managers' password (demo: 'demo')")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", action="store_true", help="print only the JSON line on stdout")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    return parser


def check_arguments(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    url = urlsplit(args.server)
    if url.scheme not in ("ws", "wss") or not url.hostname:
        parser.error("--server must be a ws:// or wss:// URL")
    if args.offices < 1 or args.clients < 1:
        parser.error("--offices and --clients must be positive")
    if args.rate < 0 or args.duration <= 0 or args.warmup < 0 or args.drain < 0 or args.concurrency < 1:
        parser.error("--rate, --warmup, --drain must not be negative; --duration and --concurrency must be positive")
    if args.login_concurrency < 1:
        parser.error("--login-concurrency must be positive")
    if args.headroom < 1:
        parser.error("--headroom must be at least 1")
    if args.server_pid not in (None, "auto") and not str(args.server_pid).isdigit():
        parser.error("--server-pid is a pid or 'auto'")


def raise_file_limit(wanted: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(hard, wanted)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Progress:
    def __init__(self, stream: TextIO | None) -> None:
        self.stream = stream
        self.t0 = time.monotonic()

    def __call__(self, text: str) -> None:
        if self.stream is not None:
            print(f"talon-bench [{time.monotonic() - self.t0:6.1f}s] {text}", file=self.stream, flush=True)


async def bounded(limit: int, jobs: Sequence[Callable[[], Awaitable[Any]]]) -> list[Any]:
    """Run ``jobs`` at most ``limit`` at a time; their results in order."""
    gate = asyncio.Semaphore(limit)

    async def one(job: Callable[[], Awaitable[Any]]) -> Any:
        async with gate:
            return await job()

    return await asyncio.gather(*(one(job) for job in jobs))


async def watch_loop(bench: Bench, lag: Samples, every: float = 0.05) -> None:
    """How late the event loop wakes up: the bench's own saturation."""
    while True:
        before = now()
        await asyncio.sleep(every)
        if bench.recorder.measuring(before):
            lag.add(max(0.0, now() - before - every))


async def watch_rss(bench: Bench, pid: int, peak: list[float], every: float = 0.25) -> None:
    """The server's RSS peak over the whole run (``peak[0]``) and over the measured window (``peak[1]``)."""
    while True:
        rss = proc.rss_mb(pid)
        if rss is not None:
            peak[0] = max(peak[0], rss)
            if bench.recorder.measuring(now()):
                peak[1] = max(peak[1], rss)
        await asyncio.sleep(every)


async def boards_caught_up(boards: Sequence[Board], deadline: float, stall_s: float = 3.0) -> int:
    """Wait until every board has seen its office's head; past ``deadline``, only while they still
    make progress (an overloaded server delivers late, it has not lost the events).  The events
    still missing."""
    behind = sum(b.behind() for b in boards)
    last_progress = now()
    while behind and (now() < deadline or now() - last_progress < stall_s):
        await asyncio.sleep(0.05)
        still = sum(b.behind() for b in boards)
        if still < behind:
            last_progress = now()
        behind = still
    return behind


async def sleep_until(moment: float) -> None:
    delay = moment - now()
    if delay > 0:
        await asyncio.sleep(delay)


async def run(args: argparse.Namespace, say: Progress) -> dict[str, Any]:
    plan = plan_region(args.clients, args.offices)
    bench = Bench(args.server, password=args.password, timeout=args.timeout, seed=args.seed, arrivals=args.arrivals,
                  cap=500_000, login_concurrency=args.login_concurrency)
    recorder = bench.recorder
    pid = resolve_pid(args)
    clients: list[Client] = [ROLE_CLASSES[spec.kind](spec, number, bench) for number, spec in enumerate(plan, start=1)]
    by_kind = {kind: [c for c in clients if c.kind is kind] for kind in Kind}
    rss_peak = [0.0, 0.0]
    helpers = [asyncio.create_task(watch_loop(bench, recorder.loop_lag))]
    if pid is not None:
        helpers.append(asyncio.create_task(watch_rss(bench, pid, rss_peak)))

    say(f"connecting {len(clients)} clients to {args.server} over {args.offices} offices "
        f"({', '.join(f'{len(by_kind[k])} {k.value}s' for k in Kind)}), {args.concurrency} at a time")
    t0 = now()
    ordered = [c for kind in CONNECT_ORDER for c in by_kind[kind]]
    opened = await bounded(args.concurrency, [functools.partial(c.open, args.server, args.timeout * 3) for c in ordered])
    connect_s = now() - t0
    connected = [c for c, ok in zip(ordered, opened, strict=True) if ok]
    say(f"{len(connected)}/{len(clients)} connected and logged in in {connect_s:.2f} s")

    operators = [c for c in connected if isinstance(c, Operator)]
    await bounded(args.concurrency, [op.prepare for op in operators])
    staffed = [op for op in operators if op.ready]
    windows: dict[str, set[int]] = {}
    for op in staffed:
        assert op.spec.window is not None
        windows.setdefault(op.spec.office, set()).add(op.spec.window)
    kiosks = [c for c in connected if isinstance(c, Kiosk)]
    kiosks_of: dict[str, int] = {}
    for kiosk in kiosks:
        kiosks_of[kiosk.spec.office] = kiosks_of.get(kiosk.spec.office, 0) + 1
    for kiosk in kiosks:
        office = kiosk.spec.office
        kiosk.choose_services(windows.get(office, set()))
        if staffed:
            kiosk.rate = args.rate * len(windows.get(office, ())) / len(staffed) / kiosks_of[office]
    bench.operator_interval = len(staffed) / (args.rate * args.headroom) if args.rate > 0 else math.inf
    boards = [c for c in connected if isinstance(c, Board)]
    boards_of: dict[str, int] = {}
    for board in boards:
        boards_of[board.spec.office] = boards_of.get(board.spec.office, 0) + 1
    say(f"{len(staffed)} windows open; each operator calls every {bench.operator_interval:.2f} s, "
        f"{len(kiosks)} kiosks issue {args.rate:g} tickets/s in all")

    bench.started = now() + 0.05
    recorder.measure_from = bench.started + args.warmup
    recorder.measure_to = recorder.measure_from + args.duration
    load = [asyncio.create_task(c.run()) for c in connected]
    say(f"load on: {args.warmup:g} s warm-up, then {args.duration:g} s measured")
    await sleep_until(recorder.measure_from)
    cpu_a, frames_a = own_cpu(), recorder.frames
    host_a, pressure_a, runq_a = proc.host_cpu(), proc.cpu_pressure_s(), proc.own_runqueue_s()
    server_a = proc.cpu_seconds(pid) if pid is not None else None
    threads_a = proc.thread_cpu(pid) if pid is not None else {}
    await sleep_until(recorder.measure_to)
    cpu_b, frames_b = own_cpu(), recorder.frames
    host_b, pressure_b, runq_b = proc.host_cpu(), proc.cpu_pressure_s(), proc.own_runqueue_s()
    server_b = proc.cpu_seconds(pid) if pid is not None else None
    threads_b = proc.thread_cpu(pid) if pid is not None else {}
    rss_end = proc.rss_mb(pid) if pid is not None else None
    bench.stop.set()

    say(f"measured; draining (at most {args.drain:g} s)")
    drain_deadline = now() + args.drain
    _, unfinished = await asyncio.wait(load, timeout=max(0.1, drain_deadline - now()))
    for task in unfinished:
        task.cancel()
    if unfinished:
        recorder.error("drain:unfinished_clients")
        await asyncio.gather(*unfinished, return_exceptions=True)
    tail_missed = await boards_caught_up(boards, drain_deadline)

    bench.closing = True
    await bounded(200, [c.close for c in connected])
    for helper in helpers:
        helper.cancel()
    await asyncio.gather(*helpers, return_exceptions=True)
    say("all connections closed")

    display, not_shown = recorder.call_to_display(boards_of)
    wall = recorder.measure_to - recorder.measure_from
    host = machine_figures(host_a, host_b, pressure_a, pressure_b, wall)
    if host.get("host_busy_pct") is not None:
        ours = (cpu_b - cpu_a) + ((server_b - server_a) if server_a is not None and server_b is not None else 0.0)
        host["other_processes_cpu_pct"] = round(max(0.0, host["host_busy_pct"] - 100 * ours / wall), 1)
    errors = sum(recorder.errors.values())
    missed = recorder.gaps + recorder.duplicates + tail_missed + not_shown
    result: dict[str, Any] = {
        "clients": args.clients,
        "offices": args.offices,
        "duration_s": args.duration,
        "commands": recorder.commands,
        "commands_per_s": round(recorder.commands / wall, 1),
        "reply_ms": recorder.replies.summary(1000),
        "call_to_display_ms": display.summary(1000),
        "missed_events": missed,
        "errors": errors,
        "server_rss_mb": round(rss_peak[0], 1) if pid is not None else None,
        # -- the rest: what explains the figures above
        "warmup_s": args.warmup,
        "rate": args.rate,
        "connect_s": round(connect_s, 2),
        "connected": len(connected),
        "roles": {kind.value: len(by_kind[kind]) for kind in Kind},
        "windows_open": len(staffed),
        "tickets_issued": recorder.issued,
        "tickets_issued_per_s": round(recorder.issued / wall, 1),
        "calls": recorder.calls,
        "calls_per_s": round(recorder.calls / wall, 1),
        "served_total": recorder.served,
        "expected_refusals": dict(recorder.expected),
        "per_verb_ms": {verb: samples.summary(1000) for verb, samples in sorted(recorder.per_verb.items())},
        "reply_p99_ms_per_10s": [slot.summary(1000)["p99"] for _, slot in sorted(recorder.timeline.items())],
        "hello_ms": recorder.hello.summary(1000),
        "event_gaps": recorder.gaps,
        "duplicate_events": recorder.duplicates,
        "tail_missed": tail_missed,
        "calls_not_displayed": not_shown,
        "error_codes": dict(recorder.errors.most_common(20)),
        "late_replies": recorder.late_replies,
        "frames_received_per_s": round((frames_b - frames_a) / wall, 1),
        "bench_cpu_pct": round(100 * (cpu_b - cpu_a) / wall, 1),
        "bench_loop_lag_ms": recorder.loop_lag.summary(1000),
        "bench_runq_pct": round(100 * (runq_b - runq_a) / wall, 1) if runq_a is not None and runq_b is not None else None,
        "server_pid": pid,
        "server_rss_measured_peak_mb": round(rss_peak[1], 1) if pid is not None else None,
        "server_rss_end_mb": round(rss_end, 1) if rss_end is not None else None,
        "server_cpu_pct": (round(100 * (server_b - server_a) / wall, 1)
                           if server_a is not None and server_b is not None else None),
        "server_threads_cpu_pct": proc.thread_shares(threads_a, threads_b, wall, pid) if pid is not None else None,
        **host,
        "kiosk_skipped": recorder.kiosk_skipped,
        "notices_received": recorder.notices,
    }
    return result


def machine_figures(host_a: tuple[float, float] | None, host_b: tuple[float, float] | None,
                    pressure_a: float | None, pressure_b: float | None, wall: float) -> dict[str, Any]:
    """The whole machine over the measured window: CPU busy (100 = one core) and CPU pressure.

    On a shared machine other processes take cores from the server and the bench; these say how
    much, so a slow run can be told from a slow server.
    """
    figures: dict[str, Any] = {"cpu_cores": os.cpu_count(), "host_busy_pct": None, "host_cpu_pressure_pct": None}
    if host_a is not None and host_b is not None and host_b[1] > host_a[1]:
        figures["host_busy_pct"] = round(100 * (host_b[0] - host_a[0]) / wall, 1)
    if pressure_a is not None and pressure_b is not None:
        figures["host_cpu_pressure_pct"] = round(100 * (pressure_b - pressure_a) / wall, 1)
    return figures


def resolve_pid(args: argparse.Namespace) -> int | None:
    if args.server_pid is None:
        return None
    if args.server_pid != "auto":
        return int(args.server_pid)
    url = urlsplit(args.server)
    port = url.port or (443 if url.scheme == "wss" else 80)
    return proc.listening_pid(port)


def summary_lines(result: dict[str, Any]) -> list[str]:
    reply, display = result["reply_ms"], result["call_to_display_ms"]
    lines = [
        f"clients {result['clients']} over {result['offices']} offices, {result['duration_s']:g} s measured "
        f"after {result['warmup_s']:g} s warm-up (connected in {result['connect_s']} s)",
        f"commands {result['commands']} ({result['commands_per_s']}/s): reply p50 {reply['p50']} ms, "
        f"p99 {reply['p99']} ms, max {reply['max']} ms",
        f"tickets {result['tickets_issued']} ({result['tickets_issued_per_s']}/s), calls {result['calls']} "
        f"({result['calls_per_s']}/s), expected refusals {result['expected_refusals']}",
        f"call -> every board: p50 {display['p50']} ms, p99 {display['p99']} ms, max {display['max']} ms "
        f"({display['count']} samples)",
        f"missed events {result['missed_events']} (gaps {result['event_gaps']}, duplicates {result['duplicate_events']}, "
        f"tail {result['tail_missed']}, calls not shown {result['calls_not_displayed']}); errors {result['errors']} "
        f"{result['error_codes'] or ''}",
        f"server RSS peak {result['server_rss_mb']} MB (measured window {result['server_rss_measured_peak_mb']} MB, "
        f"end {result['server_rss_end_mb']} MB), server CPU {result['server_cpu_pct']} % "
        f"{result['server_threads_cpu_pct'] or ''}",
        f"machine: {result['cpu_cores']} cores, busy {result['host_busy_pct']} % (other processes "
        f"{result.get('other_processes_cpu_pct')} %), CPU pressure {result['host_cpu_pressure_pct']} % of the time",
        f"bench CPU {result['bench_cpu_pct']} % of a core (waiting for a CPU {result['bench_runq_pct']} %), "
        f"loop lag p99 {result['bench_loop_lag_ms']['p99']} ms, "
        f"{result['frames_received_per_s']} frames/s received",
    ]
    for verb, figures in result["per_verb_ms"].items():
        lines.append(f"  {verb:14} n={figures['count']:<7} p50 {figures['p50']} ms  p99 {figures['p99']} ms  "
                     f"max {figures['max']} ms")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    check_arguments(parser, args)
    try:
        plan_region(args.clients, args.offices)
    except ValueError as problem:
        parser.error(str(problem))
    raise_file_limit(args.clients + 256)
    say = Progress(None if args.quiet else sys.stderr)
    try:
        result = asyncio.run(run(args, say))
    except KeyboardInterrupt:
        print("talon-bench: interrupted", file=sys.stderr)
        return 130
    if not args.json:
        for line in summary_lines(result):
            print(line)
    print(json.dumps(result, ensure_ascii=False), flush=True)
    return 0 if result["connected"] else 1


if __name__ == "__main__":
    sys.exit(main())
