"""``stats.today``, ``stats.my_day`` and ``stats.report``: the statistics (queue_server/stats).

``stats.today`` and ``stats.report`` are for managers; ``stats.my_day`` is the signed-in
account's own figures, for operators (and managers) — nobody asks for another's.
All only read.  They run off the event loop *and* off the single database thread (which
serialises the commands): in a worker thread, on the store's read engine — SQLite in WAL mode
lets a reader run beside the writer, PostgreSQL has its pool.  A report is made one at a time
per server (a month of a big office takes seconds of CPU); a request that finds one running
waits for it.  The reply of ``stats.report`` carries the file in base64; a file that would
not fit the clients' largest frame is refused with ``report_too_large``.
"""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING, Any

import msgspec

from queue_protocol import messages as m
from queue_protocol.codec import MAX_SERVER_FRAME, ErrorCode
from queue_protocol.replies import Reply
from queue_protocol.views import ReportFileResult, ServiceStats, StatsFigures, StatsMyDayResult, StatsTodayResult
from queue_protocol.wire_time import format_utc
from queue_server.core.model import Office
from queue_server.stats.my_day import MyDayFigures, my_day_figures
from queue_server.stats.today import GroupFigures, TodayFigures, today_figures

from .dispatch import Outcome, RequestRefused, error, office_of
from .principal import Principal

if TYPE_CHECKING:
    from .server import SpecialVerb, TalonServer

Work = Callable[[Office, Principal, m.ClientMessage], Awaitable[Any]]   # office, who, request -> a View or an Outcome
REPLY_ROOM = 4096               # the reply's JSON around the base64 text
TODAY_AT_ONCE = 2               # stats.today / stats.my_day computations running together, at most
SOURCE = "конфигурация сервера"  # where a report's names and norms come from (printed in it)


class StatsVerbs:
    """The verbs of one server; :meth:`handlers` goes into ``TalonServer.special_verbs``."""

    def __init__(self, server: TalonServer) -> None:
        self.server = server
        self._report_lock = asyncio.Lock()
        self._today_slots = asyncio.Semaphore(TODAY_AT_ONCE)

    def handlers(self) -> dict[str, SpecialVerb]:
        return {"stats.today": partial(self._answer, self._today), "stats.my_day": partial(self._answer, self._my_day),
                "stats.report": partial(self._answer, self._report)}

    async def _answer(self, work: Work, p: Principal, message: m.ClientMessage) -> Outcome:
        """The office the request names (or the principal's), then ``work``: a result or an error reply."""
        try:
            office = self.server.site.office(office_of(p, message)).office
        except RequestRefused as refused:
            return Outcome(error(message.id, refused.code, str(refused)))
        result = await work(office, p, message)
        if isinstance(result, Outcome):
            return result
        return Outcome(msgspec.to_builtins(Reply(re=message.id, result=result)))

    async def _today(self, office: Office, p: Principal, message: m.ClientMessage) -> StatsTodayResult:
        async with self._today_slots:
            started = time.perf_counter()
            figures = await asyncio.to_thread(self._read_today, office, datetime.now(UTC))
            elapsed_ms = (time.perf_counter() - started) * 1000
        return today_view(figures, office, elapsed_ms)

    def _read_today(self, office: Office, now: datetime) -> TodayFigures:
        with self.server.store.engines.read.connect() as conn:
            return today_figures(conn, office, now)

    async def _my_day(self, office: Office, p: Principal, message: m.ClientMessage) -> StatsMyDayResult:
        async with self._today_slots:
            started = time.perf_counter()
            figures = await asyncio.to_thread(self._read_my_day, office, p.user, datetime.now(UTC))
            elapsed_ms = (time.perf_counter() - started) * 1000
        return my_day_view(figures, elapsed_ms)

    def _read_my_day(self, office: Office, operator: str, now: datetime) -> MyDayFigures:
        with self.server.store.engines.read.connect() as conn:
            return my_day_figures(conn, office, operator, now)

    async def _report(self, office: Office, p: Principal, message: m.ClientMessage) -> ReportFileResult | Outcome:
        assert isinstance(message, m.StatsReport)
        async with self._report_lock:
            data = await asyncio.to_thread(self._make_report, office, message, datetime.now(UTC))
        encoded = base64.b64encode(data).decode("ascii")
        if len(encoded) + REPLY_ROOM > MAX_SERVER_FRAME:
            return Outcome(error(message.id, ErrorCode.REPORT_TOO_LARGE,
                                 f"the {message.format} file has {len(data)} bytes, more than a reply can carry: "
                                 "choose a shorter period or another format"))
        return ReportFileResult(
            office=office.id, first=message.first.isoformat(), last=message.last.isoformat(), format=message.format,
            file_name=f"talon-{office.id}-{message.first:%Y%m%d}-{message.last:%Y%m%d}.{message.format}",
            content_type=content_type(message.format), size=len(data), data=encoded)

    def _make_report(self, office: Office, message: m.StatsReport, now: datetime) -> bytes:
        from queue_server.stats.build import report_of
        from queue_server.stats.writers import report_bytes

        configured = {o.id: o.office for o in self.server.site.offices}
        with self.server.store.engines.read.connect() as conn:
            report = report_of(conn, message.first, message.last, offices=[office.id],
                               catalogues=(configured, office, SOURCE), now=now)
        return report_bytes(report, message.format)


def content_type(fmt: str) -> str:
    from queue_server.stats.writers import CONTENT_TYPES

    return CONTENT_TYPES[fmt]


def figures_view(group: GroupFigures) -> dict[str, Any]:
    f = group.figures
    return {
        "issued": f["tickets"], "waiting": group.waiting, "served": f["served"], "no_shows": f["no_shows"],
        "cancelled": f["cancelled"], "called": f["called"], "wait_mean_s": f["wait_mean"],
        "wait_median_s": f["wait_median"], "wait_p90_s": f["wait_p90"], "wait_max_s": f["wait_max"],
        "norm_counted": f["norm_counted"], "within_norm": f["within_norm"], "within_norm_pct": f["within_norm_pct"],
        "longest_wait_s": group.longest_wait_s,
    }


def today_view(figures: TodayFigures, office: Office, computed_ms: float) -> StatsTodayResult:
    services = {s.id: s for s in office.services}
    rows = []
    for service_id, group in figures.services:
        service = services.get(service_id)
        names: dict[str, Any] = {"name_ru": service.name_ru, "name_en": service.name_en,
                                 "norm_walk_in_min": service.norm_walk_in_min,
                                 "norm_appointment_min": service.norm_appointment_min} if service is not None else {}
        rows.append(ServiceStats(service=service_id, **names, **figures_view(group)))
    return StatsTodayResult(
        office=figures.office_id, local_day=figures.day.isoformat(), as_of=format_utc(figures.as_of),
        head_seq=figures.seq, total=StatsFigures(**figures_view(figures.office)), services=rows,
        computed_ms=round(computed_ms, 1))


def my_day_view(figures: MyDayFigures, computed_ms: float) -> StatsMyDayResult:
    v, t, w = figures.visits, figures.time, figures.first_called
    return StatsMyDayResult(
        office=figures.office_id, operator=figures.operator, local_day=figures.day.isoformat(),
        as_of=format_utc(figures.as_of), head_seq=figures.seq,
        served=v["completed"], no_shows=v["visit_no_shows"], transfers=v["visit_transfers"],
        postponed=v["visit_postponed"], service_mean_s=v["service_mean"], service_median_s=v["service_median"],
        called_first=w["called"], wait_mean_s=w["wait_mean"],
        serving_s=t["serving"], calling_s=t["calling"], idle_s=t["idle"], on_break_s=t["on_break"],
        at_work_s=t["at_work"], computed_ms=round(computed_ms, 1))
