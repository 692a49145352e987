"""Write a simulated day into a store: the office (and its windows) and every event, numbered.

One function, :func:`write_to_db`, so the CLI's ``--db URL`` is one call.  The store gives the
events their per-office sequence numbers in one transaction (``Store.import_events``).

A simulated day numbers its tickets from the start of each range, as the engine does on a
fresh day, so it is refused for an office that already has tickets on that day in the store:
use a fresh database, another day, or another office.
"""

from __future__ import annotations

from .sim import SimulationResult


class DayTaken(ValueError):
    """The store already has tickets of this office on the simulated day."""


def write_to_db(url: str, result: SimulationResult) -> int:
    """Store ``result.office`` and ``result.events`` at ``url``; returns the store's head seq."""
    from queue_server.store import Store  # imported here: the simulator itself needs no database

    office = result.office
    store = Store.open(url)
    try:
        store.ensure_office(office)
        with store.office(office.id) as tx:
            state = tx.engine.state
            if any(day == result.day for _, day in state.counters) or any(
                    t.local_day == result.day for t in state.tickets.values()):
                raise DayTaken(f"office {office.id} already has tickets on {result.day.isoformat()} in this "
                               "store; write the simulated day to a fresh database, another day or office")
        store.import_events(office, result.events)
        return store.head(office.id)
    finally:
        store.close()
