"""``--screenshot DIR``: every layout rendered offscreen to PNG, with real calls on the board.

Against a running server: first :func:`hall_display.stage.fill_board` opens demo windows and
calls tickets (as operators would), then the board connects with its token like any board,
one more call is made while it watches (so the newest row is a live, blinking call), and each
layout is grabbed at television sizes.  Last, the connection is stopped and the board is
grabbed again after the quiet "updating" note appears: the offline look keeps the calls.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable, Coroutine
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QApplication

from .board import BoardWindow
from .link import Link
from .model import BoardModel
from .settings import BoardSettings
from .stage import call_at, fill_board

log = logging.getLogger("talon.display.screenshot")

WAIT_S = 20.0
FULL_HD, FULL_HD_PORTRAIT, UHD = (1920, 1080), (1080, 1920), (3840, 2160)


def wait_for(app: QApplication, predicate: Callable[[], bool], what: str, timeout: float = WAIT_S) -> None:
    """Run the Qt loop until ``predicate()``; ``TimeoutError`` naming ``what`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout:g} s waiting for {what}")
        app.processEvents()
        time.sleep(0.01)


def in_background(coroutine_factory: Callable[[], Coroutine[Any, Any, object]]) -> threading.Thread:
    """Run a coroutine on its own loop in a thread (the Qt loop keeps running meanwhile)."""
    thread = threading.Thread(target=lambda: asyncio.run(coroutine_factory()), daemon=True)
    thread.start()
    return thread


def grab(app: QApplication, board: BoardWindow, size: tuple[int, int], path: Path) -> Path:
    board.resize(*size)
    board.show()
    for _ in range(5):
        app.processEvents()
    board.grab().save(str(path))
    log.info("wrote %s", path)
    return path


def take_screenshots(app: QApplication, url: str, token: str, out: Path, settings: BoardSettings) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    log.info("putting calls on the board at %s", url)
    asyncio.run(fill_board(url))
    link = Link(url, token)
    main_model = BoardModel(replace(settings, layout="main", rows=None))
    main_model.attach(link)
    link.start()
    written: list[Path] = []
    try:
        wait_for(app, lambda: main_model.state.value == "online" and main_model.calls.rowCount() >= 6,
                 "the board to show the calls")
        window = settings.window or (link.current_hello.window if link.current_hello else None) or 3
        window_model = BoardModel(replace(settings, layout="window", window=window))
        window_model.attach(link)
        before = main_model.calls.rows[0].ticket
        live = in_background(lambda: call_at(url, f"operator{window}", window, "passport"))
        wait_for(app, lambda: main_model.calls.rows[0].ticket != before and main_model.calls.blinking is not None,
                 "a live call")
        live.join(WAIT_S)
        board = BoardWindow(main_model)
        window_board = BoardWindow(window_model)
        written.append(grab(app, board, FULL_HD, out / "board-main-landscape.png"))
        written.append(grab(app, board, FULL_HD_PORTRAIT, out / "board-main-portrait.png"))
        written.append(grab(app, board, UHD, out / "board-main-4k.png"))
        written.append(grab(app, window_board, FULL_HD, out / "board-window.png"))
        written.append(grab(app, window_board, FULL_HD_PORTRAIT, out / "board-window-portrait.png"))
        contrast_model = BoardModel(replace(settings, layout="main", theme="contrast", rows=None))
        contrast_model.attach(link)
        written.append(grab(app, BoardWindow(contrast_model), FULL_HD, out / "board-main-contrast.png"))
        english_model = BoardModel(replace(settings, layout="main", language="en", rows=None))
        english_model.attach(link)
        written.append(grab(app, BoardWindow(english_model), FULL_HD, out / "board-main-english.png"))
        link.stop()
        wait_for(app, lambda: main_model.note_key == "state.offline", "the offline note", timeout=10)
        written.append(grab(app, board, FULL_HD, out / "board-main-offline.png"))
    finally:
        link.stop()
    return written
