"""Time alone can change what a kiosk may offer (opening hours, a new day, a daily limit):
no event says so, so the server sends a fresh snapshot when a service's availability moves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from queue_server.config import demo_site
from queue_server.net.server import TalonServer
from queue_server.site_db import install_site
from queue_server.store import Store


def test_the_tick_reports_an_office_whose_availability_time_changed(tmp_path, monkeypatch) -> None:
    store = Store.open(f"sqlite:///{tmp_path}/t.sqlite3")
    site = demo_site()
    install_site(store, site)
    server = TalonServer(site, store)
    try:
        _, moved = server._tick_all()
        assert moved == [], "the first look only remembers"
        later = datetime.now(UTC) + timedelta(days=1)

        class Tomorrow(datetime):
            @classmethod
            def now(cls, tz=None):
                return later

        monkeypatch.setattr("queue_server.net.server.datetime", Tomorrow)
        _, moved = server._tick_all()
        assert moved == ["demo"], "a new local day is a new availability"
    finally:
        server.db.shutdown()
        store.close()
