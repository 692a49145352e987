"""``PrinterWorker``: one thread per printer, so blocking printer I/O never blocks the server.

Call order: ``worker = PrinterWorker(url)`` (validates the URL), ``worker.start()`` (or the
first job starts it), then any number of ``worker.print(data)`` / ``worker.status()`` from any
thread; each returns a ``concurrent.futures.Future`` at once (an asyncio server awaits it with
``asyncio.wrap_future``). Jobs run one at a time in submission order. ``worker.stop()`` fails
jobs still queued with ``PrintFailed("offline")``.

A print job connects, asks DLE EOT status, and only sends the ticket when the printer can
print: paper_out / cover_open / offline (no connection, or the printer says so) fail with that
reason, no status answer fails with "timeout" (a hung printer never looks healthy), a stalled
write with "timeout", a broken connection mid-ticket with "io_error". A near-end printer
prints and the result says ``near_end``. Write-only links (file://, cups://) cannot answer, so
their jobs are sent and the result status is ``unknown``. A failed write is never retried here:
part of the ticket may be on paper, and the durable spool above decides about retries.

Every wait is bounded by the URL's timeout (default 3 s) and ``status_timeout`` (1 s), so a
future resolves within a few seconds whatever the printer does.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from .connections import DEFAULT_TIMEOUT, Transport, parse_url
from .errors import ConnectError, FailReason, PrintFailed, TransportError, TransportTimeout
from .status import PrinterStatus, StatusReport, query_status_report

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PrintResult:
    """A job that was sent. ``status`` is the pre-print status: ok, near_end or unknown."""

    status: PrinterStatus
    bytes_sent: int
    seconds: float


_Job = tuple[str, bytes, "Future[Any]"]

# Why a job fails, by the status seen before sending; UNKNOWN (no answer) is "timeout".
FAIL_REASON: dict[PrinterStatus, FailReason] = {
    PrinterStatus.PAPER_OUT: "paper_out",
    PrinterStatus.COVER_OPEN: "cover_open",
    PrinterStatus.OFFLINE: "offline",
}


class PrinterWorker:
    """Owns the connection to one printer URL and runs its jobs on a daemon thread."""

    def __init__(self, url: str, *, timeout: float = DEFAULT_TIMEOUT, status_timeout: float = 1.0,
                 keep_open: bool = False, name: str | None = None,
                 on_status: Callable[[PrinterStatus], None] | None = None) -> None:
        """``keep_open=False`` (default) connects per job: port 9100 serves one client at a
        time, and printers silently drop idle connections. ``on_status`` is called on the
        worker thread whenever the observed status changes."""
        parse_url(url, timeout)  # raises PrinterConfigError now, not inside a job
        self.url, self.timeout, self.status_timeout = url, timeout, status_timeout
        self.keep_open, self.on_status = keep_open, on_status
        self.name = name or url
        self.last_status = PrinterStatus.UNKNOWN
        self._queue: queue.Queue[_Job | None] = queue.Queue()
        self._transport: Transport | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._stopped = False

    # -- caller side (any thread) -----------------------------------------------------------

    def start(self) -> PrinterWorker:
        with self._lock:
            if self._thread is None and not self._stopped:
                self._thread = threading.Thread(target=self._run, daemon=True,
                                                name=f"printer-{self.name}")
                self._thread.start()
        return self

    def print(self, data: bytes) -> Future[PrintResult]:
        """Queue ESC/POS bytes; the future fails with ``PrintFailed(reason)`` (see module doc)."""
        return self._submit("print", bytes(data))

    def status(self) -> Future[PrinterStatus]:
        """Queue a status query; the future never fails for printer reasons (OFFLINE/UNKNOWN)."""
        return self._submit("status", b"")

    def _submit(self, kind: str, data: bytes) -> Future[Any]:
        future: Future[Any] = Future()
        with self._lock:
            stopped = self._stopped
            if not stopped:
                self._queue.put((kind, data, future))
        if stopped:
            future.set_exception(PrintFailed("offline", f"{self.name}: worker stopped"))
        else:
            self.start()
        return future

    def stop(self, timeout: float = 5.0) -> None:
        """Fail queued jobs, let the running one finish (bounded by its timeouts), close."""
        with self._lock:
            self._stopped = True
            pending: list[_Job] = []
            while True:
                try:
                    job = self._queue.get_nowait()
                except queue.Empty:
                    break
                if job is not None:
                    pending.append(job)
            self._queue.put(None)
            thread = self._thread
        for _, _, future in pending:
            if future.set_running_or_notify_cancel():
                future.set_exception(PrintFailed("offline", f"{self.name}: worker stopped"))
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)
        if thread is None:
            self._disconnect()

    def __enter__(self) -> PrinterWorker:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- worker thread ------------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                break
            kind, data, future = job
            if not future.set_running_or_notify_cancel():
                continue
            try:
                result: Any = self._print(data) if kind == "print" else self._status()
            except PrintFailed as exc:
                future.set_exception(exc)
            except Exception as exc:  # our bug: keep the thread alive, report it
                log.exception("printer %s: unexpected error in a %s job", self.name, kind)
                future.set_exception(exc)
            else:
                future.set_result(result)
            finally:
                if not self.keep_open:
                    self._disconnect()
        self._disconnect()

    def _observe(self, status: PrinterStatus) -> None:
        if status != self.last_status:
            log.info("printer %s: %s -> %s", self.name, self.last_status.value, status.value)
            self.last_status = status
            if self.on_status is not None:
                try:
                    self.on_status(status)
                except Exception:  # a callback must not kill the worker
                    log.exception("printer %s: on_status callback failed", self.name)

    def _connect(self) -> tuple[Transport, bool]:
        """The open transport and whether it was opened just now (a reused one may be stale)."""
        if self._transport is not None:
            return self._transport, False
        transport = parse_url(self.url, self.timeout)
        transport.open()
        self._transport = transport
        return transport, True

    def _disconnect(self) -> None:
        if self._transport is not None:
            self._transport.close()
            self._transport = None

    def _query(self) -> tuple[Transport, StatusReport]:
        """Connect and ask status; a reused connection that fails is replaced once."""
        try:
            transport, fresh = self._connect()
            report = query_status_report(transport, self.status_timeout)
            if report.error and not fresh:
                self._disconnect()
                transport, _ = self._connect()
                report = query_status_report(transport, self.status_timeout)
        except ConnectError as exc:
            self._disconnect()
            self._observe(PrinterStatus.OFFLINE)
            raise PrintFailed("offline", str(exc)) from exc
        if report.status in (PrinterStatus.UNKNOWN, PrinterStatus.OFFLINE) and transport.bidirectional:
            self._disconnect()  # a late answer must not be read as the next job's status
        self._observe(report.status)
        return transport, report

    def _status(self) -> PrinterStatus:
        try:
            return self._query()[1].status
        except PrintFailed:
            return PrinterStatus.OFFLINE

    def _print(self, data: bytes) -> PrintResult:
        started = time.monotonic()
        transport, report = self._query()
        status = report.status
        if transport.bidirectional and not status.can_print:
            detail = report.error or f"status {status.value}, answers {report.answers}"
            raise PrintFailed(FAIL_REASON.get(status, "timeout"), f"{self.name}: {detail}")
        try:
            transport.write(data)
        except TransportTimeout as exc:
            self._disconnect()
            raise PrintFailed("timeout", str(exc)) from exc
        except TransportError as exc:
            self._disconnect()
            raise PrintFailed("io_error", str(exc)) from exc
        return PrintResult(status, len(data), time.monotonic() - started)
