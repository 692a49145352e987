"""Live events to every connection of an office, in ``seq`` order, none missed, none twice.

Theory of operation
-------------------
Events reach the fan-out from the commands this process commits (right after the reply is
queued) and from a poller that reads the log for events other server processes committed
(PostgreSQL deployments) or that a crash of delivery left behind.  ``publish`` accepts events
in any order and any number of times: it keeps the last delivered ``seq`` per office, holds
events that arrive ahead of a gap until the gap fills, and drops what it already delivered.
Each event is encoded once per audience (public screens, staff), to UTF-8 bytes, and queued on every
subscribed connection; a connection that is still receiving its snapshot holds live events
and releases those after the snapshot's ``seq`` (see ``Connection``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from queue_protocol.codec import encode_bytes
from queue_server.core.events import Event

from .office_views import wire_event


class Subscriber(Protocol):
    @property
    def public(self) -> bool: ...

    def push_event(self, office: str, seq: int, frame: bytes) -> None: ...


class Fanout:
    def __init__(self, heads: dict[str, int]) -> None:
        self.delivered = dict(heads)
        self._held: dict[str, dict[int, Event]] = {office: {} for office in heads}
        self._subscribers: dict[str, set[Subscriber]] = {office: set() for office in heads}

    def add_office(self, office: str, head: int) -> None:
        """An office a configuration reload added: its events start after ``head``."""
        self.delivered[office] = head
        self._held[office] = {}
        self._subscribers[office] = set()

    def subscribe(self, office: str, subscriber: Subscriber) -> None:
        self._subscribers[office].add(subscriber)

    def unsubscribe(self, subscriber: Subscriber) -> None:
        for subscribers in self._subscribers.values():
            subscribers.discard(subscriber)

    def subscribers(self, office: str) -> int:
        return len(self._subscribers.get(office, ()))

    def has_gap(self, office: str) -> bool:
        return bool(self._held.get(office))

    def publish(self, office: str, events: Iterable[Event]) -> None:
        held = self._held.setdefault(office, {})
        last = self.delivered.setdefault(office, 0)
        for event in events:
            if event.seq > last:
                held[event.seq] = event
        while last + 1 in held:
            last += 1
            self._deliver(office, held.pop(last))
            self.delivered[office] = last

    def _deliver(self, office: str, event: Event) -> None:
        subscribers = self._subscribers.get(office)
        if not subscribers:
            return
        frames: dict[bool, bytes] = {}
        for subscriber in list(subscribers):
            public = subscriber.public
            if public not in frames:
                frames[public] = encode_bytes(wire_event(office, event, public=public))
            subscriber.push_event(office, event.seq, frames[public])
