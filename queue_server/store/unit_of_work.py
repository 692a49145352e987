"""One command, one transaction (DESIGN.md §3), on one office.

Theory of operation
-------------------
``Store.office(office_id)`` opens a write transaction and locks the office's row
(``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE`` takes the database's
write lock).  Holding that lock, it makes sure the in-process engine for the office is exactly
at the row's ``last_seq``: an engine left behind by another process catches up by applying the
events it missed, a missing or doubtful one is rebuilt from the tables.  The caller runs
commands through ``tx.handle``; on leaving the block the events get the next sequence numbers,
and events, changed tickets, windows, counters and the office row are written and committed
together.  Ticket rows are updated compare-and-set on their version, the office row on its
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
        self.events: list[Event] = []
        self.committed: list[Event] = []
        self.on_persist: list[Callable[[Connection], None]] = []  # rows that refer to this command's tickets

    @property
    def state(self) -> Any:
        return self.engine.state

    def handle(self, command: Command, now: datetime) -> list[Event]:
        events = self.engine.handle(command, now)
        self.events.extend(events)
        return events

    def stored_reply(self, key: str) -> dict[str, Any] | None:
        row = self.conn.execute(select(ReplyRow.reply).where(ReplyRow.key == key)).scalar_one_or_none()
        return dict(row) if row is not None else None

    def save_reply(self, key: str, reply: dict[str, Any], now: datetime) -> None:
        self.conn.execute(insert(ReplyRow).values(key=key, office_id=self.office_id, at=now, reply=reply))

    # -- called by the store on the way out ---------------------------------------------

    def persist(self) -> list[Event]:
        """Number the events and write everything they changed; returns the numbered events."""
        if not self.events:
            for write in self.on_persist:
                write(self.conn)
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
        for write in self.on_persist:
            write(conn)
        state.last_seq = last
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


