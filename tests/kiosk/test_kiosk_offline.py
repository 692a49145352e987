"""The server goes away and comes back: the kiosk says so, full screen, and recovers by itself.

The server is stopped by its pid and started again on the same port and data directory;
the kiosk's own connection notices, shows "temporarily unavailable — please ask the
administrator", and clears it when the server answers again, with the same home screen.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from kiosk.model import Overlay, Screen


def test_offline_screen_while_the_server_is_down_and_home_again_after(
        qtbot: Any, make_kiosk: Any, server: Any, open_windows: None) -> None:
    window = make_kiosk()
    model = window.model
    tiles_before = [t.entry_id for t in window.home.grid.tiles()]
    qtbot.mouseClick(window.home.grid.tiles()[0], Qt.MouseButton.LeftButton)
    assert model.screen is Screen.CATEGORY
    server.stop()
    qtbot.waitUntil(lambda: model.overlay is Overlay.OFFLINE, timeout=10_000)
    overlay = window.overlay
    assert overlay.isVisible() and overlay.geometry() == window.rect()
    assert overlay.title.text() == "Киоск временно не работает"
    assert "обратитесь к администратору" in overlay.text.text()
    model.take_ticket()   # nothing happens behind the overlay
    assert model.ticket is None
    server.start()
    qtbot.waitUntil(lambda: model.overlay is Overlay.NONE, timeout=20_000)
    assert not overlay.isVisible()
    assert [t.entry_id for t in window.home.grid.tiles()] or tiles_before
    qtbot.waitUntil(lambda: model.catalog.entry("passport").available, timeout=10_000)
