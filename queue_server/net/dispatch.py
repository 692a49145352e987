"""Verbs to core commands, with their replies kept for retries; several commands a transaction.

Runs on the database thread.  ``execute_batch`` takes the commands waiting at that moment
(group commit, see ``batcher.py``), opens one transaction over their offices (each office
row locked once) and, for each request in arrival order: returns the stored reply if this
principal already sent this request id (or ``id_reused`` if it sent different content under
it), lets time act (``Tick``), runs the command, builds the result from the state it left and
saves the reply beside the events.  Then everything is written and committed at once; only
then are the replies released, so every reply is durable.  A refused command (a domain error)
changes nothing (the engine decides before it applies), so it leaves only what time did and
is not remembered, and a retry is executed again (docs/protocol.md, "Idempotency").

If anything unexpected fails, the whole transaction rolls back (the cached engines of its
offices are dropped) and the batch runs again one command a transaction, so one faulty
command costs only its own reply; nothing was replied before, so re-running is safe.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

import msgspec

from queue_protocol import messages as m
from queue_protocol.codec import ErrorCode
from queue_protocol.enums import PrinterStatus, Role
from queue_protocol.enums import WindowStatus as WireWindowStatus
from queue_protocol.replies import ErrorBody, ErrorReply, Reply
from queue_protocol.views import PrintInfoResult, ReprintResult, ServiceResult, TextResult, WindowResult
from queue_server.core import commands as c
from queue_server.core.errors import DomainError, IllegalTransition
from queue_server.core.events import Event
from queue_server.core.model import Channel
from queue_server.core.office_state import Ticket
from queue_server.core.states import TicketState
from queue_server.ids import random_hex
from queue_server.printing import jobs
from queue_server.printing.layouts import pin_of
from queue_server.store import OfficeTransaction, Store
from queue_server.store.writes import stored_replies

from .office_views import is_live, issue_result, ticket_result
from .principal import Principal

log = logging.getLogger("talon.dispatch")
REPRINT_WINDOW = timedelta(minutes=10)
Request = tuple[Principal, m.ClientMessage, datetime]


class RequestRefused(Exception):
    """A session-level refusal (wrong office, no window, forbidden): an error reply."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class PrintOrder:
    """A job committed with the command, for the spool to print once the reply is out."""

    office: str
    printer: str
    job: str
    people_ahead: int | None = None
    wait_s: float | None = None


class Printers(Protocol):
    def has_printer(self, office: str, printer: str | None) -> bool: ...

    def status_of(self, office: str, printer: str) -> str | None: ...


@dataclass
class Outcome:
    reply: dict[str, Any]
    office: str | None = None
    events: list[Event] = field(default_factory=list)
    after: Callable[[], None] | None = None   # session changes to make once committed
    prints: list[PrintOrder] = field(default_factory=list)
    replayed_jobs: list[str] = field(default_factory=list)   # print jobs of a stored reply sent again


def error(request_id: str | None, code: str, message: str) -> dict[str, Any]:
    reply: dict[str, Any] = msgspec.to_builtins(ErrorReply(re=request_id, error=ErrorBody(code=code, message=message)))
    return reply


def fingerprint(message: m.ClientMessage) -> str:
    return hashlib.sha256(msgspec.json.encode(msgspec.structs.replace(message, id=""))).hexdigest()


def _look_up_replies(txs: dict[str, OfficeTransaction], keys: list[tuple[str, str]]) -> None:
    """The stored replies of a batch's requests, in one query (after the locks: a reply another
    process committed for the same request is seen)."""
    found = stored_replies(next(iter(txs.values())).conn, [key for _, key in keys])
    for office_id, tx in txs.items():
        tx.known_replies([key for office, key in keys if office == office_id], found)


def request_key(principal: Principal, message: m.ClientMessage) -> str:
    return f"{principal.key}:{message.id}"


def office_of(principal: Principal, message: m.ClientMessage) -> str:
    wanted = getattr(message, "office", None)
    if wanted is None:
        if len(principal.offices) > 1:
            raise RequestRefused(ErrorCode.OFFICE_REQUIRED, "this account follows several offices: name one")
        return principal.office
    if wanted not in principal.offices:
        raise RequestRefused(ErrorCode.WRONG_OFFICE, f"this connection does not follow office {wanted!r}")
    return str(wanted)


def window_of(principal: Principal) -> int:
    if principal.window is None:
        raise RequestRefused(ErrorCode.NO_WINDOW, "open a window first (window.open)")
    return principal.window


class Dispatcher:
    def __init__(self, store: Store, printers: Printers) -> None:
        self.store = store
        self.printers = printers

    def execute(self, principal: Principal, message: m.ClientMessage, now: datetime) -> Outcome:
        """One command in a transaction of its own.  Blocking: the database thread only."""
        return self._together([(principal, message, now)])[0]

    def execute_batch(self, requests: list[Request]) -> list[Outcome | Exception]:
        """The requests in one transaction; an outcome (or the exception) for each, in order."""
        try:
            return list(self._together(requests))
        except Exception as failure:
            if len(requests) == 1:
                return [failure]
            log.warning("a batch of %d commands failed (%r); running them one by one", len(requests), failure)
            return [self._alone(request) for request in requests]

    def _alone(self, request: Request) -> Outcome | Exception:
        try:
            return self._together([request])[0]
        except Exception as failure:
            return failure

    def _together(self, requests: list[Request]) -> list[Outcome]:
        outcomes: list[Outcome | None] = [None] * len(requests)
        placed: list[tuple[int, str]] = []
        for i, (principal, message, _now) in enumerate(requests):
            try:
                placed.append((i, office_of(principal, message)))
            except RequestRefused as refused:
                outcomes[i] = Outcome(error(message.id, refused.code, str(refused)))
        spans: list[tuple[Outcome, OfficeTransaction, int, int]] = []
        if placed:
            with self.store.transaction(office for _, office in placed) as txs:
                _look_up_replies(txs, [(office_id, request_key(*requests[i][:2])) for i, office_id in placed])
                for i, office_id in placed:
                    tx = txs[office_id]
                    start = tx.position
                    outcome = outcomes[i] = self._in_office(tx, office_id, *requests[i])
                    spans.append((outcome, tx, start, tx.position))
            for outcome, tx, start, end in spans:  # numbered now, and committed
                outcome.events = tx.committed[start:end]
        return [outcome for outcome in outcomes if outcome is not None]

    def _in_office(self, tx: OfficeTransaction, office_id: str, principal: Principal, message: m.ClientMessage,
                   now: datetime) -> Outcome:
        key = request_key(principal, message)
        stored = tx.stored_reply(key)
        if stored is not None:
            if stored["fingerprint"] != fingerprint(message):
                return Outcome(error(message.id, ErrorCode.ID_REUSED, f"request id {message.id!r} was used for another request"))
            result = stored["reply"].get("result")
            job = result.get("print_job") if isinstance(result, dict) else None
            return Outcome(stored["reply"], office_id, replayed_jobs=[job] if job else [])
        tx.handle(c.Tick(), now)
        prints: list[PrintOrder] = []
        try:
            result, after = self._run(tx, principal, message, office_id, now, prints)
        except (DomainError, RequestRefused) as refused:  # what time did stays; the refused command left no trace
            return Outcome(error(message.id, refused.code, str(refused)), office_id)
        reply = msgspec.to_builtins(Reply(re=message.id, result=result))
        tx.save_reply(key, {"fingerprint": fingerprint(message), "reply": reply}, now)
        return Outcome(reply, office_id, [], after, prints)

    # -- the verbs ----------------------------------------------------------------------

    def _order_print(self, tx: OfficeTransaction, p: Principal, office_id: str, ticket: Ticket, printer: str | None,
                     now: datetime, prints: list[PrintOrder], ahead: int | None = None,
                     wait_s: float | None = None) -> str | None:
        """Queue a durable job for ``ticket`` in this transaction; None when there is no printer."""
        if printer is None or not self.printers.has_printer(office_id, printer):
            return None
        job_id, device = jobs.new_job_id(), p.user if p.is_public else ""
        tx.print_jobs.append(jobs.job_row(job_id, office_id, printer, device, now, ticket_id=ticket.id))
        prints.append(PrintOrder(office_id, printer, job_id, ahead, wait_s))
        return job_id

    def _print_info(self, tx: OfficeTransaction, p: Principal, msg: m.ServicePrintInfo, office_id: str, now: datetime,
                    prints: list[PrintOrder]) -> PrintInfoResult:
        """Queue a service's info page: a kiosk on its own printer, a manager on the one named.

        Printed whatever the service's availability now: what to bring matters for another day too.
        """
        service = tx.engine.service(msg.service)
        if service.is_category:
            raise DomainError(f"{msg.service!r} is a category, not a service", code="not_a_service")
        if p.is_public and msg.printer not in (None, p.printer):
            raise RequestRefused(ErrorCode.FORBIDDEN, "a kiosk prints only on its own printer")
        printer = p.printer if p.is_public else msg.printer
        if printer is None or not self.printers.has_printer(office_id, printer):
            raise RequestRefused(ErrorCode.NO_PRINTER, "no such printer" if printer else "no printer to print on")
        job_id, device = jobs.new_job_id(), p.user if p.is_public else ""
        tx.print_jobs.append(jobs.job_row(job_id, office_id, printer, device, now, service_id=service.id,
                                          lang=msg.lang.value))
        prints.append(PrintOrder(office_id, printer, job_id))
        status = self.printers.status_of(office_id, printer)
        return PrintInfoResult(office=office_id, service=service.id, printer=printer, print_job=job_id,
                               printer_status=PrinterStatus(status) if status else None)

    def _reprint(self, tx: OfficeTransaction, p: Principal, msg: m.TicketReprint, office_id: str, now: datetime,
                 prints: list[PrintOrder]) -> ReprintResult:
        ticket = tx.engine.ticket(msg.ticket)
        tx.flush()  # the ticket's first job may be a row this transaction has yet to write
        origin = jobs.issued_by(tx.conn, ticket.id)
        if p.is_public:
            if origin is None or origin[0] != p.user:
                raise RequestRefused(ErrorCode.FORBIDDEN, "a kiosk reprints only the tickets it issued")
            if now - ticket.issued_at > REPRINT_WINDOW:
                raise RequestRefused(ErrorCode.FORBIDDEN, "too late to reprint: ask at the desk")
            if ticket.state is not TicketState.WAITING:
                raise IllegalTransition(f"ticket {ticket.label} is {ticket.state.value}", code=f"ticket_{ticket.state.value}")
            printer = p.printer
        else:
            if not is_live(ticket):
                raise IllegalTransition(f"ticket {ticket.label} is {ticket.state.value}", code=f"ticket_{ticket.state.value}")
            printer = origin[1] if origin else None
        job_id = self._order_print(tx, p, office_id, ticket, printer, now, prints)
        if job_id is None:
            raise RequestRefused(ErrorCode.NO_PRINTER, "no printer for this ticket")
        return ReprintResult(ticket=ticket.id, label=ticket.label, print_job=job_id)

    def _run(self, tx: OfficeTransaction, p: Principal, msg: m.ClientMessage, office_id: str,
             now: datetime, prints: list[PrintOrder]) -> tuple[Any, Callable[[], None] | None]:
        engine = tx.engine

        def seq() -> int:
            return tx.start_seq + len(tx.events)

        def on_ticket(command: Any, ticket_id: str | None = None) -> Any:
            events = tx.handle(command, now)
            ticket = engine.ticket(ticket_id or events[-1].ticket_id or "")
            return ticket_result(office_id, ticket, seq())

        def on_window(command: Any, number: int) -> Any:
            tx.handle(command, now)
            window = engine.state.windows[number]
            return WindowResult(office=office_id, window=number, status=WireWindowStatus(window.status.value),
                                services=dict(window.services), seq=seq())

        if isinstance(msg, m.TicketIssue):
            ticket_id = "t" + random_hex()
            tx.handle(c.IssueTicket(ticket_id, msg.service, msg.priority, Channel(msg.channel.value), p.user), now)
            ticket = engine.ticket(ticket_id)
            result = msgspec.structs.replace(issue_result(engine, office_id, ticket, now, seq()), pin=pin_of(ticket))
            printer = p.printer if p.role is Role.KIOSK else None
            job_id = self._order_print(tx, p, office_id, ticket, printer, now, prints, result.people_ahead,
                                       result.estimated_wait_s)
            if job_id is not None and printer is not None:
                status = self.printers.status_of(office_id, printer)
                result = msgspec.structs.replace(result, print_job=job_id,
                                                 printer_status=PrinterStatus(status) if status else None)
            return result, None
        if isinstance(msg, m.ServicePrintInfo):
            return self._print_info(tx, p, msg, office_id, now, prints), None
        if isinstance(msg, m.TicketReprint):
            return self._reprint(tx, p, msg, office_id, now, prints), None
        if isinstance(msg, m.WindowOpen):
            result = on_window(c.OpenWindow(msg.window, p.user), msg.window)
            return result, lambda: setattr(p, "window", msg.window)
        if isinstance(msg, m.WindowSetServices):
            return on_window(c.SetWindowServices(msg.window, dict(msg.services), p.user), msg.window), None
        if isinstance(msg, m.ServiceSetActive):
            tx.handle(c.SetServiceActive(msg.service, msg.active, p.user), now)
            return ServiceResult(office=office_id, service=msg.service, active=msg.active, seq=seq()), None
        if isinstance(msg, m.BoardSetText):
            tx.handle(c.SetRunningText(msg.text, p.user), now)
            return TextResult(office=office_id, text=msg.text, seq=seq()), None
        if isinstance(msg, m.TicketCancel):
            ticket = engine.ticket(msg.ticket)
            if not p.is_manager and (p.window is None or ticket.window != p.window):
                raise RequestRefused(ErrorCode.FORBIDDEN, "an operator may cancel only the ticket at their window")
            return on_ticket(c.CancelTicket(msg.ticket, p.user, msg.reason), msg.ticket), None
        if isinstance(msg, m.TicketReactivate):
            return on_ticket(c.ReactivateTicket(msg.ticket, p.user), msg.ticket), None
        if isinstance(msg, m.TicketSetPriority):
            return on_ticket(c.ChangePriority(msg.ticket, msg.priority, p.user), msg.ticket), None
        window = window_of(p)
        if isinstance(msg, m.WindowBreak):
            return on_window(c.PauseWindow(window, p.user, msg.reason), window), None
        if isinstance(msg, m.WindowResume):
            return on_window(c.ResumeWindow(window, p.user), window), None
        if isinstance(msg, m.WindowClose):
            return on_window(c.CloseWindow(window, p.user), window), lambda: setattr(p, "window", None)
        if isinstance(msg, m.CallNext):
            return on_ticket(c.CallNext(window, p.user)), None
        ticket_commands: dict[type, Callable[[Any], Any]] = {
            m.CallTicket: lambda x: c.CallTicket(window, p.user, x.ticket),
            m.TicketRecall: lambda x: c.Recall(window, p.user, x.ticket),
            m.TicketStart: lambda x: c.StartService(window, p.user, x.ticket),
            m.TicketFinish: lambda x: c.FinishService(window, p.user, x.ticket, x.result.value),
            m.TicketNoShow: lambda x: c.MarkNoShow(window, p.user, x.ticket),
            m.TicketPostpone: lambda x: c.Postpone(window, p.user, x.ticket, x.reason, x.minutes),
            m.TicketTransfer: lambda x: c.Transfer(window, p.user, x.ticket, x.to_service, x.to_window,
                                                   x.to_operator, x.comment, x.return_to_me),
        }
        make = ticket_commands.get(type(msg))
        if make is None:
            raise RequestRefused(ErrorCode.FORBIDDEN, f"{msg.verb} is not served by this version")
        return on_ticket(make(msg), getattr(msg, "ticket", None)), None
