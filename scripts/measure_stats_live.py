"""Measure ``stats.today`` and ``stats.report`` against a running server (docs/statistics.md, "Live").

    talon-server simulate --seed 7 --visitors 3000 --windows 55 --day $(date +%F) --db sqlite:///var/busy.sqlite3
    talon-server run --demo --db sqlite:///var/busy.sqlite3 --port 8765 &
    python scripts/measure_stats_live.py ws://127.0.0.1:8765/

Signs in as the demo manager; asks ``stats.today`` 18 times (10 alone, 8 while another
connection pings, to see that the event loop stays free), then the day's report as XLSX and
PDF.  Prints one JSON object.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import time
from typing import Any

from queue_protocol.client import PasswordLogin, QueueClient


def manager(url: str, name: str) -> QueueClient:
    return QueueClient(url, PasswordLogin("manager", "demo"), client_name=name, request_timeout=300)


async def measure(url: str) -> dict[str, Any]:
    async with manager(url, "measure") as client, manager(url, "measure pings") as pinging:
        await client.wait_online(30)
        await pinging.wait_online(30)
        computed, round_trips, pings = [], [], []
        for _ in range(10):
            started = time.perf_counter()
            today = await client.request("stats.today")
            round_trips.append((time.perf_counter() - started) * 1000)
            computed.append(today["computed_ms"])

        async def ping() -> None:
            for _ in range(40):
                started = time.perf_counter()
                await pinging.request("ping")
                pings.append((time.perf_counter() - started) * 1000)
                await asyncio.sleep(0.01)

        async def load() -> None:
            for _ in range(8):
                computed.append((await client.request("stats.today"))["computed_ms"])

        await asyncio.gather(ping(), load())
        reports = {}
        for fmt in ("xlsx", "pdf"):
            started = time.perf_counter()
            file = await client.request("stats.report", **{"from": today["local_day"], "to": today["local_day"],
                                                           "format": fmt})
            reports[fmt] = {"ms": round((time.perf_counter() - started) * 1000), "bytes": file["size"]}
    return {
        "tickets": today["total"]["issued"], "events": today["head_seq"],
        "computed_ms": {"median": statistics.median(computed), "max": max(computed), "n": len(computed)},
        "round_trip_ms": {"median": round(statistics.median(round_trips), 1), "max": round(max(round_trips), 1)},
        "ping_while_computing_ms": {"median": round(statistics.median(pings), 2), "max": round(max(pings), 1)},
        "report": reports,
    }


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python scripts/measure_stats_live.py ws://127.0.0.1:PORT/")
    print(json.dumps(asyncio.run(measure(sys.argv[1])), ensure_ascii=False))
