"""The open transaction of one office (DESIGN.md §3).

Theory of operation
-------------------
``Store.office(office_id)`` (or ``Store.transaction(ids)`` for several: group commit)
opens a write transaction and locks the office's row (``SELECT ... FOR UPDATE`` on
PostgreSQL, offices in sorted order so two processes never deadlock; SQLite's
``BEGIN IMMEDIATE`` takes the database's write lock).  Holding that lock, it makes sure the
in-process engine for the office is exactly at the row's ``last_seq``: an engine left behind
by another process catches up by applying the events it missed, a missing or doubtful one is
rebuilt from the tables.  The caller runs commands through ``tx.handle``; ``flush`` (called on
leaving the block, or earlier by a command that must read what the transaction wrote) gives
the pending events the next sequence numbers and writes them with the changed tickets,
windows, counters, the office row, the saved replies and the rows of ``on_persist``, all in
the one transaction that the store then commits.  Ticket rows are updated compare-and-set on their version, the office row on its
``last_seq``; a mismatch (which the lock makes impossible unless someone bypasses it) aborts
the transaction with :class:`ConcurrencyConflict`.  If anything fails after a command changed
the engine, the cached engine is dropped, so memory never runs ahead of the database.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from queue_server.core.commands import Command
from queue_server.core.engine import QueueEngine
from queue_server.core.events import Event, EventType

from .mapping import event_values, ticket_values, window_values
from .schema import CounterRow, EventRow, OfficeRow, ReplyRow, TicketRow, WindowRow


class ConcurrencyConflict(Exception):
    """A row changed under a transaction that held the office lock: retry the command."""


class OfficeTransaction:
    """The open transaction of one office; see the module docstring for the life cycle."""

    def __init__(self, conn: Connection, engine: QueueEngine, office_id: str, start_seq: int) -> None:
        self.conn = conn
        self.engine = engine
        self.office_id = office_id
        self.start_seq = start_seq
        self.events: list[Event] = []      # handled, not yet numbered and written
        self.committed: list[Event] = []   # numbered and written (committed once the block ends)
        self.on_persist: list[Callable[[Connection], None]] = []  # rows that refer to this command's tickets
        self._replies: dict[str, tuple[dict[str, Any], datetime]] = {}

    @property
    def position(self) -> int:
        """How many events this transaction has handled: ``committed[a:b]`` after the block."""
        return len(self.committed) + len(self.events)

    @property
    def changed(self) -> bool:
        """Whether the cached engine moved: a rollback must then drop it."""
        return bool(self.committed or self.events)

    @property
    def state(self) -> Any:
        return self.engine.state

    def handle(self, command: Command, now: datetime) -> list[Event]:
        events = self.engine.handle(command, now)
        self.events.extend(events)
        return events

    def stored_reply(self, key: str) -> dict[str, Any] | None:
        if key in self._replies:
            return self._replies[key][0]
        row = self.conn.execute(select(ReplyRow.reply).where(ReplyRow.key == key)).scalar_one_or_none()
        return dict(row) if row is not None else None

    def save_reply(self, key: str, reply: dict[str, Any], now: datetime) -> None:
        """Kept with the command's events; written by ``flush`` (one statement for a batch's replies)."""
        self._replies[key] = (reply, now)

    def flush(self) -> None:
        """Write what is pending; the events move to ``committed`` with their sequence numbers."""
        self.committed += self._persist_events()
        for write in self.on_persist:
            write(self.conn)
        self.on_persist = []
        if self._replies:
            self.conn.execute(insert(ReplyRow), [{"key": key, "office_id": self.office_id, "at": at, "reply": reply}
                                                 for key, (reply, at) in self._replies.items()])
            self._replies = {}

    def _persist_events(self) -> list[Event]:
        """Number the pending events and write everything they changed; returns the numbered events."""
        if not self.events:
            return []
        numbered = [replace(e, seq=self.start_seq + i + 1) for i, e in enumerate(self.events)]
        conn, office_id, state = self.conn, self.office_id, self.engine.state
        conn.execute(insert(EventRow), [event_values(e, office_id) for e in numbered])
        self._write_tickets(numbered)
        windows = {e.window for e in numbered if e.window is not None}
        for number in sorted(windows):
            values = window_values(state.windows[number], office_id)
            if conn.execute(update(WindowRow).where(
                    WindowRow.office_id == office_id, WindowRow.number == number).values(**values)).rowcount == 0:
                conn.execute(insert(WindowRow).values(**values))
        self._write_counters(numbered)
        last = numbered[-1].seq
        result = conn.execute(
            update(OfficeRow).where(OfficeRow.id == office_id, OfficeRow.last_seq == self.start_seq)
            .values(last_seq=last, running_text=state.running_text, service_active=dict(state.service_active),
                    issued_total=state.issued_total)
        )
        if result.rowcount != 1:
            raise ConcurrencyConflict(f"office {office_id} moved past seq {self.start_seq}")
        state.last_seq = self.start_seq = last
        self.events = []
        return numbered

    def _write_tickets(self, numbered: list[Event]) -> None:
        state = self.engine.state
        per_ticket = Counter(e.ticket_id for e in numbered if e.ticket_id is not None)
        issued = {e.ticket_id for e in numbered if e.type is EventType.TICKET_ISSUED}
        new_rows = [ticket_values(state.tickets[t], self.office_id) for t in per_ticket if t in issued]
        if new_rows:
            self.conn.execute(insert(TicketRow), new_rows)
        for ticket_id, count in per_ticket.items():
            if ticket_id in issued:
                continue
            ticket = state.tickets[ticket_id]
            result = self.conn.execute(
                update(TicketRow).where(TicketRow.id == ticket_id, TicketRow.version == ticket.version - count)
                .values(**ticket_values(ticket, self.office_id))
            )
            if result.rowcount != 1:
                raise ConcurrencyConflict(f"ticket {ticket.label} changed under the office lock")

    def _write_counters(self, numbered: list[Event]) -> None:
        latest: dict[tuple[str, str], int] = {}
        for e in numbered:
            if e.type is EventType.TICKET_ISSUED:
                latest[(e.data["group"], e.data["local_day"])] = e.data["number"]
        for (group, day_iso), number in latest.items():
            day = datetime.fromisoformat(day_iso).date()
            key = (CounterRow.office_id == self.office_id, CounterRow.grp == group, CounterRow.day == day)
            if self.conn.execute(update(CounterRow).where(*key).values(last_number=number)).rowcount == 0:
                self.conn.execute(insert(CounterRow).values(office_id=self.office_id, grp=group, day=day,
                                                            last_number=number))


