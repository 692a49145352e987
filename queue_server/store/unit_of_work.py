"""The open transaction of one office (DESIGN.md §3).

Theory of operation
-------------------
``Store.office(office_id)`` (or ``Store.transaction(ids)`` for several: group commit)
opens a write transaction and locks the office's row (``SELECT ... FOR UPDATE`` on
PostgreSQL, offices in sorted order so two processes never deadlock; SQLite's
``BEGIN IMMEDIATE`` takes the database's write lock).  Holding that lock, it makes sure the
in-process engine for the office is exactly at the row's ``last_seq``: an engine left behind
by another process catches up by applying the events it missed, a missing or doubtful one is
rebuilt from the tables.  The caller runs commands through ``tx.handle``.  On leaving the
block (or earlier, ``flush``, when a command must read back what the transaction wrote) the
pending events get the next sequence numbers, and the rows they changed (events, tickets,
windows, counters, the office row), the print jobs of ``print_jobs`` and the saved replies
are written — for all offices of the transaction together, one statement a kind
(``writes.py``) — and committed at once.  Ticket rows are updated compare-and-set on their
version, the office row on its ``last_seq``; a mismatch (which the lock makes impossible
unless someone bypasses it) aborts the transaction with :class:`ConcurrencyConflict`.  If
anything fails after a command changed the engine, the cached engine is dropped, so memory
never runs ahead of the database.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from queue_server.core.commands import Command
from queue_server.core.engine import QueueEngine
from queue_server.core.events import Event, EventType
from queue_server.core.office_state import OfficeState

from .mapping import event_values, ticket_changes, ticket_values, window_values
from .writes import ConcurrencyConflict, Writes, stored_replies, where


class OfficeTransaction:
    """The open transaction of one office; see the module docstring for the life cycle."""

    def __init__(self, conn: Connection, engine: QueueEngine, office_id: str, start_seq: int) -> None:
        self.conn = conn
        self.engine = engine
        self.office_id = office_id
        self.start_seq = start_seq
        self.events: list[Event] = []      # handled, not yet numbered and written
        self.committed: list[Event] = []   # numbered and written (committed once the block ends)
        self.print_jobs: list[dict[str, Any]] = []   # rows that refer to this transaction's tickets
        self._replies: dict[str, tuple[dict[str, Any], datetime]] = {}   # saved, not yet written
        self._known: dict[str, dict[str, Any] | None] = {}              # looked up or written already

    @property
    def position(self) -> int:
        """How many events this transaction has handled: ``committed[a:b]`` after the block."""
        return len(self.committed) + len(self.events)

    @property
    def changed(self) -> bool:
        """Whether the cached engine moved: a rollback must then drop it."""
        return bool(self.committed or self.events)

    @property
    def state(self) -> OfficeState:
        return self.engine.state

    def handle(self, command: Command, now: datetime) -> list[Event]:
        events = self.engine.handle(command, now)
        self.events.extend(events)
        return events

    # -- replies kept for retries -------------------------------------------------------

    def known_replies(self, keys: list[str], found: dict[str, dict[str, Any]]) -> None:
        """What one query for a whole batch (``writes.stored_replies``) found of ``keys``: then
        ``stored_reply`` needs no query of its own."""
        self._known.update({key: found.get(key) for key in keys if key not in self._known})

    def stored_reply(self, key: str) -> dict[str, Any] | None:
        if key in self._replies:
            return self._replies[key][0]
        if key not in self._known:
            self.known_replies([key], stored_replies(self.conn, [key]))
        return self._known[key]

    def save_reply(self, key: str, reply: dict[str, Any], now: datetime) -> None:
        """Kept with the command's events and written with them."""
        self._replies[key] = (reply, now)

    # -- writing ------------------------------------------------------------------------

    def flush(self) -> None:
        """Write what is pending now (a command that must read it back); the store flushes at the end."""
        writes = Writes()
        self.collect(writes)
        writes.execute(self.conn)

    def collect(self, writes: Writes) -> None:
        """Number the pending events and add every row they changed, the print jobs and the replies
        to ``writes``; the events move to ``committed``."""
        if self.events:
            numbered = [replace(e, seq=self.start_seq + i + 1) for i, e in enumerate(self.events)]
            self._collect_rows(writes, numbered)
            self.state.last_seq = self.start_seq = numbered[-1].seq
            self.committed += numbered
            self.events = []
        writes.print_jobs += self.print_jobs
        self.print_jobs = []
        for key, (reply, at) in self._replies.items():
            writes.replies.append({"key": key, "office_id": self.office_id, "at": at, "reply": reply})
            self._known[key] = reply
        self._replies = {}

    def _collect_rows(self, writes: Writes, numbered: list[Event]) -> None:
        office_id, state = self.office_id, self.engine.state
        writes.events += [event_values(e, office_id) for e in numbered]
        per_ticket = Counter(e.ticket_id for e in numbered if e.ticket_id is not None)
        issued = {e.ticket_id for e in numbered if e.type is EventType.TICKET_ISSUED}
        for ticket_id, count in per_ticket.items():
            ticket = state.tickets[ticket_id]
            if ticket_id in issued:
                writes.new_tickets.append(ticket_values(ticket, office_id))
            else:
                writes.tickets.append(where(ticket_changes(ticket), id=ticket_id, version=ticket.version - count))
        for number in sorted({e.window for e in numbered if e.window is not None}):
            writes.windows.append(where(window_values(state.windows[number], office_id), office_id=office_id, number=number))
        latest: dict[tuple[str, str], int] = {}
        for e in numbered:
            if e.type is EventType.TICKET_ISSUED:
                latest[(e.data["group"], e.data["local_day"])] = e.data["number"]
        for (group, day_iso), number in latest.items():
            day = datetime.fromisoformat(day_iso).date()
            writes.counters.append(where({"office_id": office_id, "grp": group, "day": day, "last_number": number},
                                         office_id=office_id, grp=group, day=day))
        writes.offices.append(where({"last_seq": numbered[-1].seq, "running_text": state.running_text,
                                     "service_active": dict(state.service_active), "issued_total": state.issued_total},
                                    id=office_id, last_seq=self.start_seq))


__all__ = ["ConcurrencyConflict", "OfficeTransaction"]
