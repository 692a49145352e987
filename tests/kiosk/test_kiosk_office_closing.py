"""The home screen follows the office live: a service switched off, the office closing and opening.

The server here reads a copy of the demo configuration, so a test can close the office the way
an administrator would: an exception in ``[office.hours.exceptions]`` for today, then
``config.reload``.  No event says "the office closed"; the server's clock tick (every 5 s)
notices that availability changed and sends the kiosks a fresh snapshot.  The kiosk is never
restarted and never reconnects.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt

from queue_server.config.demo import DEMO_FILE

TICK_WAIT_MS = 15_000   # the server's tick is 5 s; a reload and a snapshot on top
OFFICE_TZ = ZoneInfo("Europe/Moscow")   # the demo office's time zone


@pytest.fixture(scope="module")
def server_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("kiosk-config") / "office.toml"
    path.write_text(DEMO_FILE.read_text(encoding="utf-8"), encoding="utf-8")
    return path


def closed_today(text: str) -> str:
    """The demo configuration with the office closed today (and the days around it, whatever the hour)."""
    today = datetime.now(UTC).astimezone(OFFICE_TZ).date()
    days = [(today + timedelta(days=d)).isoformat() for d in (-1, 0, 1)]
    for day in days:   # a holiday of the demo's own on one of these days would be a duplicate key
        text = re.sub(rf'^"{day}" = .*\n', "", text, flags=re.MULTILINE)
    closed = "".join(f'"{day}" = []\n' for day in days)
    text = text.replace("always_open = true", "always_open = false", 1)
    return text.replace("[office.hours.exceptions]\n", "[office.hours.exceptions]\n" + closed, 1)


def home_lines(window: Any) -> dict[str, tuple[bool, str]]:
    """Each home tile: (available, the line under its name)."""
    return {tile.entry_id: (tile.available, tile.line.text()) for tile in window.home.grid.tiles()}


def stays_online(qtbot: Any, window: Any) -> list[str]:
    """Every connection state the kiosk goes through from now on (none, if it never drops)."""
    qtbot.waitUntil(lambda: window.model.connection == "online", timeout=15_000)   # not still resyncing
    states: list[str] = []
    window.model._link.state_changed.connect(states.append)
    return states


def test_a_service_switched_off_greys_out_on_the_home_screen_and_comes_back(
        qtbot: Any, make_kiosk: Any, open_windows: None, staff: Any) -> None:
    window = make_kiosk()
    states = stays_online(qtbot, window)
    qtbot.waitUntil(lambda: home_lines(window)["results"][0], timeout=TICK_WAIT_MS)
    staff("manager", "service.set_active", service="results", active=False)
    try:
        qtbot.waitUntil(lambda: not home_lines(window)["results"][0], timeout=TICK_WAIT_MS)
        assert home_lines(window)["results"] == (False, "Сегодня эта услуга не предоставляется")
        assert home_lines(window)["passports"][0]   # the others stay as they were
        [results] = [tile for tile in window.home.grid.tiles() if tile.entry_id == "results"]
        qtbot.mouseClick(results, Qt.MouseButton.LeftButton)
        assert window.model.screen.value == "home"   # a greyed tile does not open
    finally:
        staff("manager", "service.set_active", service="results", active=True)
    qtbot.waitUntil(lambda: home_lines(window)["results"][0], timeout=TICK_WAIT_MS)
    assert states == []


def test_the_office_closing_greys_out_every_service_in_plain_words_and_opening_brings_them_back(
        qtbot: Any, make_kiosk: Any, open_windows: None, staff: Any, server_config: Path) -> None:
    window = make_kiosk()
    states = stays_online(qtbot, window)
    opened = server_config.read_text(encoding="utf-8")
    qtbot.waitUntil(lambda: home_lines(window)["results"][0] and home_lines(window)["passports"][0],
                    timeout=TICK_WAIT_MS)
    before = home_lines(window)
    server_config.write_text(closed_today(opened), encoding="utf-8")
    try:
        assert staff("admin", "config.reload")["changed"] == ["demo"]
        qtbot.waitUntil(lambda: not any(available for available, _ in home_lines(window).values()),
                        timeout=TICK_WAIT_MS)
        assert set(home_lines(window).values()) == {(False, "Офис сейчас закрыт")}
        qtbot.mouseClick(window.toolbar.lang, Qt.MouseButton.LeftButton)
        assert set(home_lines(window).values()) == {(False, "The office is closed now")}
    finally:
        server_config.write_text(opened, encoding="utf-8")
        assert staff("admin", "config.reload")["changed"] == ["demo"]
    qtbot.mouseClick(window.toolbar.lang, Qt.MouseButton.LeftButton)   # back to Russian
    qtbot.waitUntil(lambda: home_lines(window) == before, timeout=TICK_WAIT_MS)   # as it was, reasons and all
    assert states == []   # live: the same connection all along
