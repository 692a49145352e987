"""Events: what happened, in the past tense.  The event log is the truth (DESIGN.md §2).

One small frozen class carries every kind, because every kind is stored as one row of the
same shape (ticket, type, from, to, service, window, operator, time, sequence) and replayed by
one function.  Kind-specific facts (the number, a result, a reason, a comment) are in ``data``,
a flat JSON-compatible mapping.  ``seq`` is 0 until the store gives the event its place in the
office's gapless sequence.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .states import Action, TicketState


class EventType(enum.StrEnum):
    TICKET_ISSUED = "ticket.issued"
    TICKET_CALLED = "ticket.called"
    TICKET_RECALLED = "ticket.recalled"
    TICKET_STARTED = "ticket.started"
    TICKET_FINISHED = "ticket.finished"
    TICKET_SENT_BACK = "ticket.sent_back"
    TICKET_NO_SHOW = "ticket.no_show"
    TICKET_POSTPONED = "ticket.postponed"
    TICKET_RETURNED = "ticket.returned"
    TICKET_TRANSFERRED = "ticket.transferred"
    TICKET_CANCELLED = "ticket.cancelled"
    TICKET_REACTIVATED = "ticket.reactivated"
    TICKET_PRIORITY_CHANGED = "ticket.priority_changed"
    WINDOW_OPENED = "window.opened"
    WINDOW_PAUSED = "window.paused"
    WINDOW_RESUMED = "window.resumed"
    WINDOW_CLOSED = "window.closed"
    WINDOW_SERVICES_CHANGED = "window.services_changed"
    SERVICE_ACTIVE_CHANGED = "service.active_changed"
    RUNNING_TEXT_CHANGED = "office.running_text_changed"

    @property
    def is_ticket_event(self) -> bool:
        return self.value.startswith("ticket.")


EVENT_OF_ACTION: dict[Action, EventType] = {
    Action.CALL: EventType.TICKET_CALLED,
    Action.RECALL: EventType.TICKET_RECALLED,
    Action.START: EventType.TICKET_STARTED,
    Action.FINISH: EventType.TICKET_FINISHED,
    Action.SEND_BACK: EventType.TICKET_SENT_BACK,
    Action.NO_SHOW: EventType.TICKET_NO_SHOW,
    Action.POSTPONE: EventType.TICKET_POSTPONED,
    Action.RETURN: EventType.TICKET_RETURNED,
    Action.TRANSFER: EventType.TICKET_TRANSFERRED,
    Action.CANCEL: EventType.TICKET_CANCELLED,
    Action.REACTIVATE: EventType.TICKET_REACTIVATED,
    Action.REPRIORITIZE: EventType.TICKET_PRIORITY_CHANGED,
}


@dataclass(frozen=True, slots=True)
class Event:
    type: EventType
    at: datetime
    ticket_id: str | None = None
    label: str | None = None            # the ticket's number as shown, e.g. "А015"
    from_state: TicketState | None = None
    to_state: TicketState | None = None
    service_id: str | None = None
    window: int | None = None
    operator: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    seq: int = 0
