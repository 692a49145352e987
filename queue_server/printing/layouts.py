"""A ticket of the queue -> the printed ticket's layout (DOMAIN.md, "The ticket"); a service ->
its printed info page ("what to bring", from the configuration)."""

from __future__ import annotations

import hashlib
from datetime import datetime
from itertools import groupby
from typing import Literal

from printers import InfoLayout, PrinterProfile, TicketLayout
from queue_server.config import PrinterSpec
from queue_server.config.hours import format_intervals
from queue_server.core.model import Office, OpeningHours, Service, text_lines
from queue_server.core.office_state import Ticket

FOOTER_RU = "Следите за табло. Талон действителен сегодня."
INFO_FOOTER = {"ru": "Список документов может измениться — уточняйте у специалиста в окне.",
               "en": "The list may change: please check with the specialist at the window."}
DAY_NAMES = {"ru": ("Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс"), "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")}
CLOSED = {"ru": "выходной", "en": "closed"}
Lang = Literal["ru", "en"]


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


def hours_lines(hours: OpeningHours, lang: Lang) -> tuple[str, ...]:
    """The weekly hours as printed: runs of days with the same hours ("Пн-Пт 08:00-20:00"); none
    when the configuration gives no hours at all (an office that is simply always open)."""
    if not any(hours.weekly.get(day) for day in range(7)):
        return ()
    names, lines = DAY_NAMES[lang], []
    for intervals, run in groupby(range(7), key=lambda day: tuple(hours.weekly.get(day, ()))):
        days = list(run)
        when = names[days[0]] if len(days) == 1 else f"{names[days[0]]}-{names[days[-1]]}"
        lines.append(f"{when} {', '.join(format_intervals(intervals)) if intervals else CLOSED[lang]}")
    return tuple(lines)


def info_layout(office: Office, service: Service, lang: Lang, now: datetime) -> InfoLayout:
    """The info page of ``service`` in ``lang`` (Russian where the configuration has no English)."""
    english = lang == "en"

    def pick(ru: str, en: str) -> str:
        return en if english and en.strip() else ru

    documents = pick(service.documents_ru, service.documents_en)
    return InfoLayout(
        office_name=pick(office.name, office.name_en), service_name=pick(service.name_ru, service.name_en),
        description=pick(service.description_ru, service.description_en),
        documents=tuple(text_lines(documents)),
        hours=hours_lines(office.hours, lang), printed_on=office.local(now).strftime("%d.%m.%Y"),
        footer=INFO_FOOTER[lang], lang=lang,
    )
