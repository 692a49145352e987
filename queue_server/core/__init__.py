"""The queue domain, sans-I/O: standard library only, commands and time in, events out."""

from .commands import Command
from .engine import QueueEngine
from .errors import DomainError, IllegalTransition, NotAllowed, NotFound, Unavailable
from .events import Event, EventType
from .model import Office
from .office_state import OfficeState, Ticket, WindowState, apply_event
from .states import TicketState, WindowStatus

__all__ = [
    "Command", "DomainError", "Event", "EventType", "IllegalTransition", "NotAllowed", "NotFound",
    "Office", "OfficeState", "QueueEngine", "Ticket", "TicketState", "Unavailable", "WindowState",
    "WindowStatus", "apply_event",
]
