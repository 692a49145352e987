"""The print spool: every printed ticket (or info page) is a durable job; nothing on the event loop blocks.

Theory of operation
-------------------
A kiosk's ``ticket.issue`` writes the ticket and its print job (``queued``) in one
transaction; ``service.print_info`` writes an info page's job with its reply.  After the
reply, the job is handed to its printer's lane: one asyncio task per printer that takes jobs
in order, marks them ``printing``, renders the ticket or the info page (in a thread: raster
mode draws an image) and gives the bytes to the printer's ``PrinterWorker`` thread, which
checks the printer's status (DLE EOT) and writes with short timeouts.  A printer that
reports paper out, cover open or offline fails the job at once; a timeout or an I/O error is
tried again after 1 s and 3 s — but once a job timed out, the jobs behind it get one try each
until the printer answers again, so a dead printer does not hold every kiosk for 7 s a ticket.
Every change of a job is a ``print`` notice to the kiosk that
issued the ticket (``failed`` = show the ticket on screen) and to staff; every change of a
printer's status (polled every 30 s and after each job) is a ``printer`` notice.  On start,
jobs a crash left behind are printed if they are under a minute old, else failed ("expired").
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from printers import PrinterProfile, PrinterStatus, PrinterWorker, PrintFailed, render_info, render_ticket
from queue_protocol.enums import PrinterStatus as WireStatus
from queue_protocol.enums import PrintJobKind, PrintJobState
from queue_protocol.replies import PrinterNotice, PrintNotice
from queue_protocol.views import PrinterView
from queue_protocol.wire_time import format_utc
from queue_server.config import PrinterSpec, Site
from queue_server.core.office_state import Ticket
from queue_server.store import Store

from . import jobs
from .layouts import Lang, info_layout, profile_for, ticket_layout

log = logging.getLogger("talon.spool")
RETRY_DELAYS = (1.0, 3.0)
GIVE_UP_AT_ONCE = {"paper_out", "cover_open", "offline"}
STATUS_POLL_S = 30.0
FRESH = timedelta(minutes=1)

InDb = Callable[..., Awaitable[Any]]
Notify = Callable[[str, Any, str | None], None]   # (office, notice, device id or None for "printer users")


@dataclass
class Lane:
    spec: PrinterSpec
    worker: PrinterWorker
    queue: asyncio.Queue[tuple[str, int | None, float | None]]
    status: PrinterStatus = PrinterStatus.UNKNOWN
    checked_at: datetime | None = None
    task: asyncio.Task[None] | None = None
    unanswered: bool = False   # the last job timed out: the next ones get one try until it answers


class Spool:
    def __init__(self, site: Site, store: Store, in_db: InDb, notify: Notify) -> None:
        self.site = site
        self.store = store
        self.in_db = in_db
        self.notify = notify
        self.lanes: dict[tuple[str, str], Lane] = {}

    # -- life cycle ---------------------------------------------------------------------

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        for office_config in self.site.offices:
            for spec in office_config.printers:
                key = (office_config.id, spec.id)
                worker = PrinterWorker(spec.url, name=f"printer-{spec.office_id}-{spec.id}")
                lane = Lane(spec, worker, asyncio.Queue())
                worker.on_status = self._status_from_thread(loop, key)
                worker.start()
                lane.task = asyncio.create_task(self._run(key, lane))
                self.lanes[key] = lane
        fresh, stale = await self.in_db(jobs.unfinished, self.store, datetime.now(UTC), FRESH)
        for job in stale:
            await self.in_db(jobs.mark, self.store, job.id, PrintJobState.FAILED, datetime.now(UTC), "expired")
        for job in fresh:
            self.submit(job.office_id, job.printer_id, job.id)
        self._poller = asyncio.create_task(self._poll_status())

    async def stop(self) -> None:
        tasks = [lane.task for lane in self.lanes.values() if lane.task] + [getattr(self, "_poller", None)]
        for task in tasks:
            if task is not None:
                task.cancel()
        for lane in self.lanes.values():
            await asyncio.to_thread(lane.worker.stop)

    # -- what the server asks -----------------------------------------------------------

    def has_printer(self, office: str, printer: str | None) -> bool:
        return printer is not None and (office, printer) in self.lanes

    def status_of(self, office: str, printer: str) -> str | None:
        lane = self.lanes.get((office, printer))
        return lane.status.value if lane else None

    def submit(self, office: str, printer: str, job_id: str, people_ahead: int | None = None,
               wait_s: float | None = None) -> None:
        lane = self.lanes.get((office, printer))
        if lane is None:
            log.error("job %s names unknown printer %s/%s", job_id, office, printer)
            return
        lane.queue.put_nowait((job_id, people_ahead, wait_s))

    def views(self, office: str, printer: str | None = None) -> list[PrinterView]:
        return [
            PrinterView(printer=spec_id, office=office_id, status=WireStatus(lane.status.value),
                        checked_at=format_utc(lane.checked_at) if lane.checked_at else None,
                        queued_jobs=lane.queue.qsize())
            for (office_id, spec_id), lane in sorted(self.lanes.items())
            if office_id == office and (printer is None or spec_id == printer)
        ]

    # -- the lanes ----------------------------------------------------------------------

    async def _run(self, key: tuple[str, str], lane: Lane) -> None:
        while True:
            job_id, people_ahead, wait_s = await lane.queue.get()
            try:
                await self._print(key, lane, job_id, people_ahead, wait_s)
            except Exception:
                log.exception("print job %s crashed the lane; the job is failed", job_id)
                await self.in_db(jobs.mark, self.store, job_id, PrintJobState.FAILED, datetime.now(UTC), "internal")
                loaded = await self.in_db(jobs.load, self.store, job_id)
                if loaded is not None:
                    self._job_notice(loaded[0], _label(loaded[1]), PrintJobState.FAILED, "internal")

    async def _print(self, key: tuple[str, str], lane: Lane, job_id: str, people_ahead: int | None,
                     wait_s: float | None) -> None:
        loaded = await self.in_db(jobs.load, self.store, job_id)
        if loaded is None or loaded[0].state not in (PrintJobState.QUEUED, PrintJobState.PRINTING):
            return
        job, ticket = loaded
        label = _label(ticket)
        self._job_notice(job, label, PrintJobState.PRINTING)
        data = await asyncio.to_thread(self._render, job, ticket, profile_for(lane.spec), people_ahead, wait_s)
        reason = "timeout"
        tries = 1 if lane.unanswered else len(RETRY_DELAYS) + 1
        for attempt in range(tries):
            await self.in_db(jobs.mark, self.store, job_id, PrintJobState.PRINTING, datetime.now(UTC), "", True)
            future: Future[Any] = lane.worker.print(data)
            try:
                await asyncio.wrap_future(future)
            except PrintFailed as failed:
                reason = failed.reason
                if reason in GIVE_UP_AT_ONCE or attempt == tries - 1:
                    break
                await asyncio.sleep(RETRY_DELAYS[attempt])
                continue
            lane.unanswered = False
            await self.in_db(jobs.mark, self.store, job_id, PrintJobState.PRINTED, datetime.now(UTC))
            self._job_notice(job, label, PrintJobState.PRINTED)
            return
        lane.unanswered = reason == "timeout"
        await self.in_db(jobs.mark, self.store, job_id, PrintJobState.FAILED, datetime.now(UTC), reason)
        self._job_notice(job, label, PrintJobState.FAILED, reason)

    def _render(self, job: jobs.Job, ticket: Ticket | None, profile: PrinterProfile, people_ahead: int | None,
                wait_s: float | None) -> bytes:
        """The job's bytes (in a thread: raster mode draws an image)."""
        office = self.site.office(job.office_id).office
        if job.kind is PrintJobKind.INFO:
            service = next((s for s in office.services if s.id == job.service_id), None)
            if service is None:   # a configuration reload removed it since
                raise LookupError(f"info job {job.id}: no service {job.service_id!r} any more")
            lang: Lang = "en" if job.lang == "en" else "ru"
            return render_info(info_layout(office, service, lang, datetime.now(UTC)), profile)
        assert ticket is not None, f"ticket job {job.id} without its ticket"
        return render_ticket(ticket_layout(office, ticket, people_ahead, wait_s), profile)

    async def ended_notice(self, job_id: str) -> PrintNotice | None:
        """How a job ended, if it did: for a client whose retry was answered from the stored reply,
        which may have missed the notice on the connection it lost."""
        loaded = await self.in_db(jobs.load, self.store, job_id)
        if loaded is None or loaded[0].state not in (PrintJobState.PRINTED, PrintJobState.FAILED):
            return None   # still on its way: its next notices reach every connection of the device
        job, ticket = loaded
        return self._notice(job, _label(ticket), PrintJobState(job.state), job.reason)

    def _job_notice(self, job: jobs.Job, label: str, state: PrintJobState, reason: str = "") -> None:
        self.notify(job.office_id, self._notice(job, label, state, reason), job.device_id)

    def _notice(self, job: jobs.Job, label: str, state: PrintJobState, reason: str) -> PrintNotice:
        status = self.status_of(job.office_id, job.printer_id)
        return PrintNotice(office=job.office_id, job=job.id, kind=job.kind, ticket=job.ticket_id or "", label=label,
                           service=job.service_id, printer=job.printer_id, state=state, reason=reason,
                           printer_status=WireStatus(status) if status else None)

    # -- printer status -----------------------------------------------------------------

    def _status_from_thread(self, loop: asyncio.AbstractEventLoop, key: tuple[str, str]) -> Callable[[PrinterStatus], None]:
        """The worker thread's status callback: hands each status to ``_status_seen`` on the loop."""
        def seen(status: PrinterStatus) -> None:
            loop.call_soon_threadsafe(self._status_seen, key, status)
        return seen

    def _status_seen(self, key: tuple[str, str], status: PrinterStatus) -> None:
        lane = self.lanes[key]
        lane.checked_at = datetime.now(UTC)
        if status.can_print:
            lane.unanswered = False
        if status is lane.status:
            return
        log.info("printer %s/%s: %s -> %s", *key, lane.status.value, status.value)
        lane.status = status
        notice = PrinterNotice(office=key[0], printer=key[1], status=WireStatus(status.value),
                               checked_at=format_utc(lane.checked_at), queued_jobs=lane.queue.qsize())
        self.notify(key[0], notice, None)

    async def _poll_status(self) -> None:
        while True:
            for key, lane in list(self.lanes.items()):
                try:
                    status = await asyncio.wrap_future(lane.worker.status())
                    self._status_seen(key, status)
                except Exception:
                    log.exception("status of printer %s/%s", *key)
            await asyncio.sleep(STATUS_POLL_S)


def _label(ticket: Ticket | None) -> str:
    """The ticket's label for its notices; "" for an info page."""
    return ticket.label if ticket is not None else ""
