"""The store keeps what the core decided: one command, one transaction, a gapless log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from support.offices import T0, small_office

from queue_server.core import commands as c
from queue_server.core.errors import DomainError
from queue_server.core.states import TicketState
from queue_server.store import Store
from queue_server.store.consistency import check_office
from queue_server.store.schema import Base


def test_migrations_create_exactly_the_models(store: Store) -> None:
    with store.engines.write.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == []


def test_commands_survive_a_new_process(store: Store, db_url: str) -> None:
    with store.office("test") as tx:
        tx.handle(c.OpenWindow(1, "op1"), T0)
    for i in range(5):
        with store.office("test") as tx:
            tx.handle(c.IssueTicket(f"t{i}", "passport"), T0 + timedelta(seconds=i))
    with store.office("test") as tx:
        tx.handle(c.CallNext(1, "op1"), T0 + timedelta(minutes=1))
    again = Store.open(db_url)
    again.ensure_office(small_office())
    try:
        with again.office("test") as tx:
            state = tx.state
            assert state.tickets["t0"].state is TicketState.CALLED
            assert state.windows[1].current == "t0"
            assert sorted(state.waiting) == ["t1", "t2", "t3", "t4"]
            events = tx.handle(c.IssueTicket("t5", "passport"), T0 + timedelta(minutes=2))
        assert events[0].label == "А006"
        assert tx.committed[0].seq == 8
        assert check_office(again, small_office()) == []
    finally:
        again.close()


def test_refused_command_writes_nothing(store: Store) -> None:
    head = store.head("test")
    with pytest.raises(DomainError) as refused, store.office("test") as tx:
        tx.handle(c.CallNext(1, "op1"), T0)
    assert refused.value.code == "not_at_window"
    assert store.head("test") == head
    with store.office("test") as tx:
        tx.handle(c.OpenWindow(1, "op1"), T0)
    assert [e.seq for e in tx.committed] == [head + 1]


def test_failure_after_the_command_rolls_back_and_forgets_the_cache(store: Store) -> None:
    with store.office("test") as tx:
        tx.handle(c.OpenWindow(1, "op1"), T0)
    with pytest.raises(RuntimeError), store.office("test") as tx:
        tx.handle(c.IssueTicket("lost", "passport"), T0)
        raise RuntimeError("the connection died before commit")
    with store.office("test") as tx:
        assert "lost" not in tx.state.tickets
        tx.handle(c.IssueTicket("kept", "passport"), T0)
    assert tx.committed[0].label == "А001"
    assert check_office(store, small_office()) == []


def test_a_second_store_catches_up_from_the_log(store: Store, db_url: str) -> None:
    other = Store.open(db_url)
    other.ensure_office(small_office())
    try:
        with store.office("test") as tx:
            tx.handle(c.OpenWindow(1, "op1"), T0)
        with other.office("test") as tx:
            tx.handle(c.IssueTicket("a", "passport"), T0)
        with store.office("test") as tx:
            assert "a" in tx.state.waiting
            tx.handle(c.CallNext(1, "op1"), T0 + timedelta(seconds=5))
        with other.office("test") as tx:
            assert tx.state.windows[1].current == "a"
    finally:
        other.close()


def test_replies_are_kept_with_the_command(store: Store) -> None:
    with store.office("test") as tx:
        assert tx.stored_reply("kiosk-1:r1") is None
        tx.handle(c.OpenWindow(1, "op1"), T0)
        tx.save_reply("kiosk-1:r1", {"ok": True, "n": 1}, T0)
    with store.office("test") as tx:
        assert tx.stored_reply("kiosk-1:r1") == {"ok": True, "n": 1}


def test_times_come_back_aware_utc_with_microseconds(store: Store) -> None:
    moment = T0 + timedelta(microseconds=123456)
    with store.office("test") as tx:
        tx.handle(c.OpenWindow(1, "op1"), moment)
    (event,) = store.events_since("test", 0)
    assert event.at == moment and event.at.utcoffset() == timedelta(0)
