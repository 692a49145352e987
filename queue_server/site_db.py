"""Putting a configured site into the database: ``talon-server init`` and every server start.

Idempotent: offices and windows are created or renamed (their live state is kept); accounts
are upserted and those no longer in the file deactivated, not deleted (sessions refer to
them); devices, which nothing refers to, are replaced as a whole.  Only token digests and
password hashes are stored.
"""

from __future__ import annotations

from sqlalchemy import delete, insert, select, update

from queue_server.config import Site
from queue_server.store import Store
from queue_server.store.schema import AccountRow, DeviceRow
from queue_server.store.store import sha256


def install_site(store: Store, site: Site) -> dict[str, int]:
    """Make the database match ``site``; returns counts for the log."""
    for office_config in site.offices:
        store.ensure_office(office_config.office, config={"source": site.source})
    with store.engines.write.begin() as conn:
        known = set(conn.execute(select(AccountRow.login)).scalars())
        for account in site.accounts:
            values = {"office_id": account.office_id, "role": account.role.value, "display_name": account.display_name,
                      "password_hash": account.password_hash, "active": True}
            if account.login in known:
                conn.execute(update(AccountRow).where(AccountRow.login == account.login).values(**values))
            else:
                conn.execute(insert(AccountRow).values(login=account.login, **values))
        gone = known - {a.login for a in site.accounts}
        if gone:
            conn.execute(update(AccountRow).where(AccountRow.login.in_(gone)).values(active=False))
        conn.execute(delete(DeviceRow))
        if site.devices:
            conn.execute(insert(DeviceRow), [
                {"id": f"{d.office_id}/{d.id}", "office_id": d.office_id, "kind": d.kind.value,
                 "token_sha256": sha256(d.token), "active": True,
                 "settings": {"name": d.name, "printer": d.printer, "window": d.window,
                              "layout": d.layout.value if d.layout else None}}
                for d in site.devices
            ])
    return {"offices": len(site.offices), "accounts": len(site.accounts), "devices": len(site.devices)}
