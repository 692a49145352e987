"""A ticket of the queue -> the printed ticket's layout (DOMAIN.md, "The ticket")."""

from __future__ import annotations

import hashlib

from printers import PrinterProfile, TicketLayout
from queue_server.config import PrinterSpec
from queue_server.core.model import Office
from queue_server.core.office_state import Ticket

FOOTER_RU = "Следите за табло. Талон действителен сегодня."


def pin_of(ticket: Ticket) -> str:
    """A four-digit PIN to ask about the ticket at the desk: from its id, stable across reprints."""
    return f"{int(hashlib.sha256(ticket.id.encode()).hexdigest()[:8], 16) % 10_000:04d}"


def ticket_layout(office: Office, ticket: Ticket, people_ahead: int | None, wait_s: float | None) -> TicketLayout:
    service = next(s for s in office.services if s.id == ticket.service_id)
    category = next((p for p in office.priority_categories if p.id == ticket.priority_id), None)
    return TicketLayout(
        office_name=office.name, service_name=service.name_ru, number=ticket.label, issued_at=ticket.issued_at,
        timezone=office.timezone, people_ahead=people_ahead,
        estimated_wait_min=round(wait_s / 60) if wait_s is not None else None,
        qr_payload=f"TALON:{office.id}:{ticket.label}:{pin_of(ticket)}", pin=pin_of(ticket), footer=FOOTER_RU,
        priority_note=f"Льготная категория: {category.name_ru}. Документ проверят в окне." if category else None,
    )


def profile_for(spec: PrinterSpec) -> PrinterProfile:
    return PrinterProfile.for_model(spec.model.value, **spec.profile_overrides())
