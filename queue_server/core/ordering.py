"""Which waiting ticket a window calls next.

Theory of operation
-------------------
A window may take a waiting ticket whose service it serves, unless the ticket is addressed to
one window or one operator (a transfer), in which case only that window or operator may.
If that window or operator is no longer staffed, any window serving the ticket's service may
take it, so a visitor is never stranded behind a closed window.  Eligible tickets fall into
classes, served highest first:

    FRONT     a return placed at the front (from the postponed pool, a transfer-back, ...)
    AGED      any ticket, priority or not, that has waited ``ageing_min`` in its queue
              (0 = ageing off)
    PRIORITY  a ticket with a priority category
    NORMAL    everything else

FRONT and AGED are first-in first-out by queue time.  So a priority visitor goes ahead of
everyone who has not yet waited ``ageing_min``, and nobody waits much longer than that because
of priority visitors: ageing is the office's cap on what priority may cost the others.  When
every wait exceeds it (an overloaded day) service becomes first-come first-served; measured
with the simulator, priority visitors then lose their advantage, so pick ``ageing_min`` well
above the norm (or leave it off and use INTERLEAVE, which cannot starve normal tickets either).
Between PRIORITY and NORMAL the office chooses: STRICT (priority first) or INTERLEAVE p:n (p
priority calls, then n normal ones, while both classes wait; the position in that cycle is
kept per window).  Within PRIORITY and NORMAL the ticket with the highest score wins: seconds
in the queue x the window's weight for its service (x the category's weight for priority
tickets).  With equal weights that is plain first-in first-out.  Ties go to the earlier queue
time, then the earlier issue time, then the office-wide issue order, then the ticket id, so the choice is total
and never depends on dictionary or database order.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from datetime import datetime

from .model import OrderingMode, OrderingPolicy, PriorityCategory
from .office_state import Ticket, WindowState


class QueueClass(enum.IntEnum):
    NORMAL = 0
    PRIORITY = 1
    AGED = 2
    FRONT = 3


def may_take(window: WindowState, ticket: Ticket, staffed: Mapping[int, str | None] | None = None) -> bool:
    """Whether ``window`` (with its current operator) may call ``ticket``.

    ``staffed`` maps each staffed window to its operator; without it, addressed tickets are
    only ever for their window or operator.
    """
    if ticket.target_operator is not None:
        if ticket.target_operator == window.operator:
            return True
        if staffed is None or ticket.target_operator in staffed.values():
            return False
    elif ticket.target_window is not None:
        if ticket.target_window == window.number:
            return True
        if staffed is None or ticket.target_window in staffed:
            return False
    return ticket.service_id in window.services


def is_aged(ticket: Ticket, policy: OrderingPolicy, now: datetime) -> bool:
    """Ageing counts the time in the current queue: a return placed at the end starts afresh."""
    return policy.ageing_min > 0 and (now - _queued_at(ticket)).total_seconds() >= policy.ageing_min * 60


def queue_class(ticket: Ticket, policy: OrderingPolicy, now: datetime) -> QueueClass:
    if ticket.front:
        return QueueClass.FRONT
    if is_aged(ticket, policy, now):
        return QueueClass.AGED
    if ticket.priority_id is not None:
        return QueueClass.PRIORITY
    return QueueClass.NORMAL


def _queued_at(ticket: Ticket) -> datetime:
    return ticket.queued_at or ticket.issued_at


def fifo_key(ticket: Ticket) -> tuple[datetime, datetime, int, str]:
    """First in, first out: queue time, then issue time, the office-wide issue order and the id."""
    return (_queued_at(ticket), ticket.issued_at, ticket.order, ticket.id)


def rank_key(ticket: Ticket, klass: QueueClass, categories: Mapping[str, PriorityCategory], now: datetime,
             service_weight: float = 1.0) -> tuple[float, datetime, datetime, int, str]:
    """Within one class, smaller goes first: FRONT and AGED by queue time, the others by score."""
    if klass in (QueueClass.FRONT, QueueClass.AGED):
        return (0.0, *fifo_key(ticket))
    score = (now - _queued_at(ticket)).total_seconds() * service_weight
    if ticket.priority_id is not None and ticket.priority_id in categories:
        score *= categories[ticket.priority_id].weight
    return (-score, *fifo_key(ticket))


def _best(
    tickets: list[Ticket], window: WindowState, categories: Mapping[str, PriorityCategory], now: datetime
) -> Ticket:
    return min(tickets, key=lambda t: rank_key(t, QueueClass.NORMAL, categories, now,
                                               window.services.get(t.service_id, 1.0)))


def choose_next(
    window: WindowState,
    waiting: Iterable[Ticket],
    policy: OrderingPolicy,
    categories: Mapping[str, PriorityCategory],
    now: datetime,
    staffed: Mapping[int, str | None] | None = None,
) -> tuple[Ticket | None, int]:
    """The ticket ``window`` calls next (None if nobody waits for it) and its new cycle position."""
    by_class: dict[QueueClass, list[Ticket]] = {}
    for ticket in waiting:
        if may_take(window, ticket, staffed):
            by_class.setdefault(queue_class(ticket, policy, now), []).append(ticket)
    for fifo_class in (QueueClass.FRONT, QueueClass.AGED):
        if fifo_class in by_class:
            return min(by_class[fifo_class], key=fifo_key), window.cycle_pos
    priority = by_class.get(QueueClass.PRIORITY)
    normal = by_class.get(QueueClass.NORMAL)
    if not priority and not normal:
        return None, window.cycle_pos
    if not normal:
        assert priority
        return _best(priority, window, categories, now), window.cycle_pos
    if not priority:
        return _best(normal, window, categories, now), window.cycle_pos
    if policy.mode is OrderingMode.STRICT:
        return _best(priority, window, categories, now), window.cycle_pos
    cycle = max(1, policy.interleave_priority) + max(1, policy.interleave_normal)
    position = window.cycle_pos % cycle
    chosen = priority if position < max(1, policy.interleave_priority) else normal
    return _best(chosen, window, categories, now), (position + 1) % cycle
