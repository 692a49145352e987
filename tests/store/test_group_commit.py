"""Group commit at the store: several offices, one transaction, one commit (``Store.transaction``).

Each office keeps its own gapless log and its own lock; a failure anywhere rolls back every
office of the transaction and forgets their cached engines; a command that must read back
what the transaction wrote (``flush``) sees it, and the numbering stays contiguous.  Two
processes locking the same offices named in opposite orders neither deadlock nor interleave.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, select
from support.offices import T0, small_office

from queue_server.core import commands as c
from queue_server.printing import jobs
from queue_server.store import Store
from queue_server.store.consistency import check_office
from queue_server.store.schema import PrintJobRow

WORKER = str(Path(__file__).resolve().parent.parent / "support" / "store_worker.py")
OFFICES = ("a", "b", "c")


@pytest.fixture
def region(db_url: str) -> Iterator[Store]:
    store = Store.open(db_url)
    for office_id in OFFICES:
        store.ensure_office(small_office(office_id=office_id))
        with store.office(office_id) as tx:
            tx.handle(c.OpenWindow(1, "op1"), T0)
    yield store
    store.close()


def test_several_offices_commit_together_each_with_its_own_gapless_log(region: Store) -> None:
    with region.transaction(["c", "a", "b"]) as txs:
        assert list(txs) == ["a", "b", "c"], "locked in sorted order, whatever order they were named in"
        for i, office_id in enumerate(OFFICES):
            txs[office_id].handle(c.IssueTicket(f"{office_id}1", "passport"), T0 + timedelta(seconds=i))
        txs["b"].handle(c.CallNext(1, "op1"), T0 + timedelta(seconds=5))
    assert [e.seq for e in txs["a"].committed] == [2] and [e.seq for e in txs["b"].committed] == [2, 3]
    assert {o: region.head(o) for o in OFFICES} == {"a": 2, "b": 3, "c": 2}
    for office_id in OFFICES:
        assert check_office(region, small_office(office_id=office_id)) == []


def test_a_failure_rolls_back_every_office_and_forgets_their_caches(region: Store) -> None:
    with pytest.raises(RuntimeError), region.transaction(OFFICES) as txs:
        for office_id in OFFICES:
            txs[office_id].handle(c.IssueTicket(f"{office_id}-lost", "passport"), T0)
        txs["a"].flush()   # written, but not committed
        raise RuntimeError("the connection died before commit")
    assert {o: region.head(o) for o in OFFICES} == {"a": 1, "b": 1, "c": 1}
    with region.transaction(OFFICES) as txs:
        for office_id in OFFICES:
            assert f"{office_id}-lost" not in txs[office_id].state.tickets
            txs[office_id].handle(c.IssueTicket(f"{office_id}-kept", "passport"), T0)
    assert [txs[o].committed[0].label for o in OFFICES] == ["А001"] * 3
    for office_id in OFFICES:
        assert check_office(region, small_office(office_id=office_id)) == []


def test_a_flush_writes_early_and_the_numbering_goes_on(region: Store) -> None:
    with region.office("a") as tx:
        tx.handle(c.OpenWindow(2, "op2"), T0)
        tx.save_reply("kiosk:r1", {"n": 1}, T0)
        tx.flush()
        assert region.head("a") == 1, "not committed yet: another connection does not see it"
        assert tx.conn.exec_driver_sql("SELECT last_seq FROM offices WHERE id = 'a'").scalar_one() == 2
        assert tx.stored_reply("kiosk:r1") == {"n": 1}
        tx.handle(c.IssueTicket("t1", "passport"), T0 + timedelta(seconds=1))
        tx.save_reply("kiosk:r2", {"n": 2}, T0)
    assert [e.seq for e in tx.committed] == [2, 3]
    with region.office("a") as tx:
        assert tx.stored_reply("kiosk:r1") == {"n": 1} and tx.stored_reply("kiosk:r2") == {"n": 2}
    assert check_office(region, small_office(office_id="a")) == []


@pytest.mark.slow
def test_two_processes_locking_offices_in_opposite_orders_neither_deadlock_nor_interleave(region: Store,
                                                                                          db_url: str) -> None:
    workers = [subprocess.Popen([sys.executable, WORKER, "pairs", db_url, order, "150"], stdout=subprocess.PIPE, text=True)
               for order in ("ab", "ba")]
    issued: list[str] = []
    for worker in workers:
        out, _ = worker.communicate(timeout=300)
        assert worker.returncode == 0
        issued += json.loads(out)
    assert len(issued) == len(set(issued)) == 600
    for office_id in "ab":
        office = small_office(office_id=office_id)
        assert check_office(region, office) == []
        with region.office(office_id) as tx:
            assert {t for t in tx.state.tickets if t.startswith(office_id)} == {t for t in issued if t.startswith(office_id)}
            numbers = sorted(t.number for t in tx.state.tickets.values())
        assert numbers == list(range(1, 301)), "each office numbered its 300 tickets once, in one sequence"


@contextmanager
def statements_of(store: Store) -> Iterator[list[str]]:
    """The SQL the store's writer sends inside the block, whitespace normalised."""
    statements: list[str] = []

    def seen(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        statements.append(" ".join(statement.split()))

    event.listen(store.engines.write, "before_cursor_execute", seen)
    try:
        yield statements
    finally:
        event.remove(store.engines.write, "before_cursor_execute", seen)


def test_the_offices_are_locked_and_the_print_jobs_written_one_statement_each_whatever_their_number(region: Store) -> None:
    with statements_of(region) as statements, region.transaction(OFFICES) as txs:
        for office_id in OFFICES:
            txs[office_id].handle(c.IssueTicket(f"{office_id}1", "passport"), T0)
            txs[office_id].print_jobs.append(jobs.job_row(f"pj-{office_id}", office_id, "p1", "kiosk-1", T0,
                                                          ticket_id=f"{office_id}1"))
    locks = [s for s in statements if s.startswith("SELECT offices.id, offices.last_seq FROM offices")]
    assert len(locks) == 1 and "ORDER BY offices.id" in locks[0]
    assert len([s for s in statements if s.startswith("INSERT INTO print_jobs")]) == 1
    with region.engines.read.connect() as conn:
        rows = conn.execute(select(PrintJobRow.id, PrintJobRow.office_id, PrintJobRow.ticket_id).order_by(PrintJobRow.id)).all()
    assert [tuple(r) for r in rows] == [("pj-a", "a", "a1"), ("pj-b", "b", "b1"), ("pj-c", "c", "c1")]


def test_a_transaction_over_an_office_without_a_row_fails_and_changes_nothing(region: Store) -> None:
    region.offices["ghost"] = small_office(office_id="ghost")
    with pytest.raises(LookupError), region.transaction(["a", "ghost"]) as txs:
        txs["a"].handle(c.IssueTicket("a-never", "passport"), T0)
    assert region.head("a") == 1


def test_a_ticket_update_sets_no_key_so_the_rows_referring_to_the_ticket_are_not_checked(region: Store) -> None:
    with region.office("a") as tx:
        tx.handle(c.IssueTicket("a1", "passport"), T0)
        tx.print_jobs.append(jobs.job_row("pj-a1", "a", "p1", "kiosk-1", T0, ticket_id="a1"))
    with statements_of(region) as statements, region.office("a") as tx:
        tx.handle(c.CallNext(1, "op1"), T0 + timedelta(seconds=1))
    [update] = [s for s in statements if s.startswith("UPDATE tickets SET")]
    assigned = update.split(" SET ")[1].split(" WHERE ")[0]
    assert "state=" in assigned.replace(" ", "")
    assert not {"id", "office_id"} & {part.split("=")[0].strip() for part in assigned.split(",")}
    assert region.events_since("a", 2)[0].ticket_id == "a1" and check_office(region, small_office(office_id="a")) == []
