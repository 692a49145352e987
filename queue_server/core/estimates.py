"""People ahead and the estimated wait, per service.

People ahead of a ticket are the waiting tickets of its service that rank before it now (a
higher class, or the same class and first in the call order: the same scores as ``ordering``).
The estimated wait is people ahead x
the mean of the service's recent service times (the configured expectation until there are
any) / the number of staffed windows serving it, each counted by the share of its weight that
goes to this service.  With no staffed window the estimate is unknown (None).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from statistics import fmean

from .model import Office, OrderingPolicy, PriorityCategory
from .office_state import OfficeState, Ticket
from .ordering import queue_class, rank_key
from .states import WindowStatus


def people_ahead(state: OfficeState, policy: OrderingPolicy, ticket: Ticket, now: datetime,
                 categories: Mapping[str, PriorityCategory] | None = None) -> int:
    """Waiting tickets of the same service that the call order puts first (ordering.rank_key)."""
    categories = categories or {}
    mine = queue_class(ticket, policy, now)
    mine_key = rank_key(ticket, mine, categories, now)
    ahead = 0
    for other in state.waiting.values():
        if other.id == ticket.id or other.service_id != ticket.service_id:
            continue
        theirs = queue_class(other, policy, now)
        if theirs > mine or (theirs == mine and rank_key(other, theirs, categories, now) < mine_key):
            ahead += 1
    return ahead


def service_capacity(state: OfficeState, service_id: str) -> float:
    """Staffed windows serving ``service_id``, each weighted by its share for the service."""
    capacity = 0.0
    for window in state.windows.values():
        if window.status is WindowStatus.CLOSED or service_id not in window.services:
            continue
        total = sum(window.services.values()) or 1.0
        capacity += window.services[service_id] / total
    return capacity


def mean_service_seconds(state: OfficeState, office: Office, service_id: str) -> float:
    recent = state.service_times.get(service_id)
    if recent:
        return fmean(recent)
    for service in office.services:
        if service.id == service_id:
            return service.expected_service_min * 60
    return 15 * 60.0


def estimated_wait_seconds(state: OfficeState, office: Office, service_id: str, ahead: int) -> float | None:
    capacity = service_capacity(state, service_id)
    if capacity <= 0:
        return None
    return ahead * mean_service_seconds(state, office, service_id) / capacity
