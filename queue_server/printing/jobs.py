"""Print job rows: created in the ticket's (or the info request's) transaction, then moved along by the spool."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, select, update
from sqlalchemy.orm import Session

from queue_protocol.enums import PrintJobKind, PrintJobState
from queue_server.core.office_state import Ticket
from queue_server.ids import random_hex
from queue_server.store import Store
from queue_server.store.mapping import ticket_from_row
from queue_server.store.schema import PrintJobRow, TicketRow


@dataclass(frozen=True)
class Job:
    id: str
    office_id: str
    ticket_id: str | None     # kind "ticket"
    printer_id: str
    device_id: str
    state: str
    attempts: int
    created_at: datetime
    kind: PrintJobKind = PrintJobKind.TICKET
    service_id: str | None = None   # kind "info"
    lang: str = "ru"
    reason: str = ""                # failed: why


def new_job_id() -> str:
    return "pj" + random_hex()


def job_row(job_id: str, office_id: str, printer_id: str, device_id: str, now: datetime, *, ticket_id: str | None = None,
            service_id: str | None = None, lang: str = "ru") -> dict[str, Any]:
    """A queued job's row, for ``OfficeTransaction.print_jobs`` (written with the batch's rows, after the
    tickets it refers to): a ticket's job has ``ticket_id``, a service's info page ``service_id``."""
    kind = PrintJobKind.TICKET if ticket_id is not None else PrintJobKind.INFO
    return {"id": job_id, "office_id": office_id, "kind": kind.value, "ticket_id": ticket_id, "service_id": service_id,
            "lang": lang, "printer_id": printer_id, "device_id": device_id, "state": PrintJobState.QUEUED.value,
            "attempts": 0, "reason": "", "created_at": now, "updated_at": now}


def mark(store: Store, job_id: str, state: PrintJobState, now: datetime, reason: str = "", attempt: bool = False) -> None:
    values: dict[str, object] = {"state": state.value, "reason": reason, "updated_at": now}
    if attempt:
        values["attempts"] = PrintJobRow.attempts + 1
    with store.engines.write.begin() as conn:
        conn.execute(update(PrintJobRow).where(PrintJobRow.id == job_id).values(**values))


def load(store: Store, job_id: str) -> tuple[Job, Ticket | None] | None:
    """The job and, for a ticket's job, its ticket (None for an info page)."""
    with Session(store.engines.read) as orm:
        row = orm.execute(select(PrintJobRow, TicketRow).outerjoin(TicketRow, TicketRow.id == PrintJobRow.ticket_id)
                          .where(PrintJobRow.id == job_id)).first()
        if row is None:
            return None
        job_row, ticket_row = row
        return _job(job_row), ticket_from_row(ticket_row) if ticket_row is not None else None


def _job(row: PrintJobRow) -> Job:
    return Job(row.id, row.office_id, row.ticket_id, row.printer_id, row.device_id, row.state, row.attempts,
               row.created_at, PrintJobKind(row.kind), row.service_id, row.lang, row.reason)


def issued_by(conn: Connection, ticket_id: str) -> tuple[str, str] | None:
    """(device id, printer id) of the first job of a ticket: where a reprint goes."""
    row = conn.execute(select(PrintJobRow.device_id, PrintJobRow.printer_id).where(PrintJobRow.ticket_id == ticket_id)
                       .order_by(PrintJobRow.created_at).limit(1)).first()
    return (row.device_id, row.printer_id) if row else None


def unfinished(store: Store, now: datetime, fresh: timedelta) -> tuple[list[Job], list[Job]]:
    """Jobs a crash left queued or printing: (young enough to print, too old: the visitor left)."""
    with Session(store.engines.read) as orm:
        jobs = [_job(r) for r in orm.scalars(select(PrintJobRow).where(
            PrintJobRow.state.in_([PrintJobState.QUEUED.value, PrintJobState.PRINTING.value]))
            .order_by(PrintJobRow.created_at))]
    return [j for j in jobs if now - j.created_at <= fresh], [j for j in jobs if now - j.created_at > fresh]

