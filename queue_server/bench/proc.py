"""The server process seen from outside, through /proc (Linux): RSS, CPU time, threads.

``listening_pid(port)`` finds the process that listens on a TCP port of this machine (it
must be ours to read its file descriptors), so ``--server-pid auto`` needs no pid at all.
Everything returns None instead of raising when /proc does not say: numbers are optional.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
LISTEN = "0A"


def rss_mb(pid: int) -> float | None:
    """Resident set size of ``pid`` in MiB (VmRSS)."""
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _cpu_of(stat_path: Path) -> float | None:
    try:
        text = stat_path.read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()
    # after "pid (comm) ": state is field 3 of stat(5), so utime (14) and stime (15) are [11], [12]
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds ``pid`` has used, all threads."""
    return _cpu_of(PROC / str(pid) / "stat")


@dataclass(frozen=True)
class ThreadCpu:
    tid: int
    name: str
    seconds: float          # on a CPU
    waiting: float = 0.0    # runnable but waiting for a CPU (schedstat): other processes had the cores


def _schedstat(task: Path) -> tuple[float, float] | None:
    try:
        run_ns, wait_ns, _ = (task / "schedstat").read_text().split()
    except (OSError, ValueError):
        return None
    return int(run_ns) / 1e9, int(wait_ns) / 1e9


def own_runqueue_s() -> float | None:
    """Seconds this process's main thread (the bench's event loop) waited for a CPU while runnable."""
    sched = _schedstat(PROC / "self")
    return sched[1] if sched is not None else None


def thread_cpu(pid: int) -> dict[int, ThreadCpu]:
    """CPU seconds (and run-queue seconds, when schedstat is there) per thread of ``pid``."""
    found: dict[int, ThreadCpu] = {}
    try:
        tasks = list((PROC / str(pid) / "task").iterdir())
    except OSError:
        return found
    for task in tasks:
        sched = _schedstat(task)
        seconds = sched[0] if sched is not None else _cpu_of(task / "stat")
        try:
            name = (task / "comm").read_text().strip()
        except OSError:
            continue
        if seconds is not None:
            found[int(task.name)] = ThreadCpu(int(task.name), name, seconds, sched[1] if sched is not None else 0.0)
    return found


def thread_shares(before: dict[int, ThreadCpu], after: dict[int, ThreadCpu], wall_s: float,
                  pid: int | None = None, top: int = 4) -> dict[str, dict[str, float]]:
    """Per thread, percent of the wall time between two ``thread_cpu`` readings spent on a CPU
    (``cpu``) and runnable but waiting for one (``runq``); the rest it slept (I/O, the GIL, idle).

    Keys are ``main`` for the process's first thread (tid == ``pid``) and ``<name>/<tid>`` for
    the others (Python does not name OS threads, so they all carry the process's name); the
    ``top`` busiest threads are listed.
    """
    shares: dict[str, dict[str, float]] = {}
    if wall_s <= 0:
        return shares
    rows = []
    for tid, now in after.items():
        was = before.get(tid, ThreadCpu(tid, now.name, 0.0, 0.0))
        used, waited = now.seconds - was.seconds, now.waiting - was.waiting
        if used > 0:
            rows.append((used, "main" if tid == pid else f"{now.name}/{tid}", waited))
    for used, name, waited in sorted(rows, reverse=True)[:top]:
        shares[name] = {"cpu": round(100 * used / wall_s, 1), "runq": round(100 * waited / wall_s, 1)}
    return shares


def _listening_inodes(port: int) -> set[str]:
    inodes: set[str] = set()
    for table in ("tcp", "tcp6"):
        try:
            lines = (PROC / "net" / table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if len(parts) > 9 and parts[3] == LISTEN and int(parts[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(parts[9])
    return inodes


def listening_pid(port: int) -> int | None:
    """The pid of the process (of ours) listening on TCP ``port``, or None."""
    inodes = {f"socket:[{inode}]" for inode in _listening_inodes(port)}
    if not inodes:
        return None
    for entry in PROC.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            for fd in (entry / "fd").iterdir():
                if os.readlink(fd) in inodes:
                    return int(entry.name)
        except OSError:
            continue
    return None


def host_cpu() -> tuple[float, float] | None:
    """(busy, total) CPU seconds of the whole machine, all cores (/proc/stat)."""
    try:
        fields = (PROC / "stat").read_text().splitlines()[0].split()[1:]
        ticks = [int(f) for f in fields]
    except (OSError, ValueError, IndexError):
        return None
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)  # idle + iowait
    total = sum(ticks[:8])
    return (total - idle) / CLOCK_TICKS, total / CLOCK_TICKS


def cpu_pressure_s() -> float | None:
    """Seconds some runnable task waited for a CPU, machine-wide (PSI ``some total``)."""
    try:
        for line in (PROC / "pressure" / "cpu").read_text().splitlines():
            if line.startswith("some"):
                return int(line.rsplit("total=", 1)[1]) / 1e6
    except (OSError, ValueError, IndexError):
        return None
    return None
