"""Migration 0004 (info print jobs) keeps the ticket jobs a site already has, both ways."""

from __future__ import annotations

from alembic import command
from sqlalchemy import insert, select
from support.offices import T0

from queue_server.core import commands as c
from queue_server.printing import jobs
from queue_server.store import Store
from queue_server.store.migrate import alembic_config
from queue_server.store.schema import PrintJobRow


def _downgrade(store: Store, revision: str) -> None:
    config = alembic_config(store.engines.write)
    with store.engines.write.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def test_ticket_jobs_survive_0004_down_and_up_and_info_jobs_go_down_cleanly(store: Store) -> None:
    with store.office("test") as tx:
        tx.handle(c.OpenWindow(1, "op1"), T0)
        tx.handle(c.IssueTicket("t1", "passport"), T0)
        tx.print_jobs.append(jobs.job_row("pj-ticket", "test", "p1", "kiosk-1", T0, ticket_id="t1"))
    with store.engines.write.begin() as conn:
        conn.execute(insert(PrintJobRow), jobs.job_row("pj-info", "test", "p1", "kiosk-1", T0, service_id="passport", lang="en"))
    loaded = jobs.load(store, "pj-info")
    assert loaded is not None and loaded[1] is None and (loaded[0].kind, loaded[0].lang) == ("info", "en")

    _downgrade(store, "0003")   # an info page has no ticket: the old table cannot hold it
    store.upgrade()
    with store.engines.read.connect() as conn:
        rows = conn.execute(select(PrintJobRow.id, PrintJobRow.kind, PrintJobRow.ticket_id, PrintJobRow.service_id,
                                   PrintJobRow.lang)).all()
    assert [tuple(r) for r in rows] == [("pj-ticket", "ticket", "t1", None, "ru")]
    ticket_job = jobs.load(store, "pj-ticket")
    assert ticket_job is not None and ticket_job[1] is not None and ticket_job[1].label == "А001"
