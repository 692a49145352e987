"""``talon-display``: the hall board (or a window board) with voice announcements.

    talon-display --server ws://HOST:PORT/ --token TOKEN [--layout main|window] [--window N]
                  [--settings board.toml] [--theme mfc|contrast|blue] [--language ru|en] [--rows N]
                  [--volume 0-100] [--quiet-hours 21:00-08:00] [--quiet-volume 0-100] [--no-voice]
                  [--windowed] [--screenshot DIR]

Full screen by default (a television); ``--windowed`` for a desk.  ``--screenshot DIR`` puts
real calls on the server, renders every layout offscreen to PNG in DIR and exits 0.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from .settings import BoardSettings, SettingsError, from_args

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

log = logging.getLogger("talon.display")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="talon-display", description="Talon hall board with voice announcements")
    parser.add_argument("--server", required=True, help="the queue server, e.g. ws://127.0.0.1:8765/")
    parser.add_argument("--token", required=True, help="this board's device token")
    parser.add_argument("--layout", choices=["main", "window"], help="default: what the token is for")
    parser.add_argument("--window", type=int, help="the window of a window board")
    parser.add_argument("--settings", help="a TOML file with any of the settings below")
    parser.add_argument("--theme", help="mfc (orange and white, default), contrast, blue")
    parser.add_argument("--language", choices=["ru", "en"], help="the board's words and voice (default ru)")
    parser.add_argument("--rows", type=int, help="calls on the main board (default: by the screen's shape)")
    parser.add_argument("--no-waiting", dest="show_waiting", action="store_const", const=False,
                        help="hide the waiting counts")
    parser.add_argument("--blink-seconds", dest="blink_seconds", type=float, help="how long a new call blinks")
    voice = parser.add_mutually_exclusive_group()
    voice.add_argument("--voice", dest="voice", action="store_const", const=True, help="speak the calls")
    voice.add_argument("--no-voice", dest="voice", action="store_const", const=False, help="no chime, no speech")
    parser.add_argument("--volume", type=int, help="percent (default 80)")
    parser.add_argument("--quiet-hours", dest="quiet_hours", help="office local time, e.g. 21:00-08:00")
    parser.add_argument("--quiet-volume", dest="quiet_volume", type=int, help="percent during quiet hours (default 0)")
    parser.add_argument("--speech-rate", dest="speech_rate", type=int, help="words per minute (default 140)")
    parser.add_argument("--windowed", action="store_true", help="a window instead of full screen")
    parser.add_argument("--screenshot", metavar="DIR", help="render every layout to PNG in DIR and exit")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = from_args(args)
    except SettingsError as error:
        print(f"talon-display: {error}", file=sys.stderr)
        return 2
    if args.screenshot:
        os.environ["QT_QPA_PLATFORM"] = "offscreen"

    from PySide6.QtWidgets import QApplication  # after QT_QPA_PLATFORM is settled

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    if args.screenshot:
        from .screenshot import take_screenshots

        written = take_screenshots(app, args.server, args.token, Path(args.screenshot), settings)
        print("\n".join(str(path) for path in written))
        return 0
    return run_board(app, args.server, args.token, settings, windowed=args.windowed)


def run_board(app: QApplication, url: str, token: str, settings: BoardSettings, *, windowed: bool = False) -> int:
    """The board for good: connect, show, speak; returns when the window is closed."""
    from PySide6.QtCore import QTimer

    from .announcer import Announcer
    from .board import BoardWindow
    from .link import Link
    from .model import BoardModel
    from .sound import find_player

    link = Link(url, token)
    model = BoardModel(settings)
    player = find_player()
    log.info("audio: %s", player.name)
    announcer = Announcer(player, settings.voice_settings(settings.layout or "main"), local_now=model.local_now)

    def layout_known(layout: str) -> None:
        announcer.settings = settings.voice_settings(layout)

    def call_made(label: str, window: int, recall: bool) -> None:
        log.info("%s %s -> window %d", "recall" if recall else "call", label, window)
        announcer.announce(label, window, recall=recall)

    model.layout_changed.connect(layout_known)
    model.call_made.connect(call_made)
    model.attach(link)
    board = BoardWindow(model)
    if windowed:
        board.resize(1280, 720)
        board.show()
    else:
        board.showFullScreen()
    for number in (signal.SIGINT, signal.SIGTERM):   # Ctrl+C, `kill`: close cleanly
        signal.signal(number, lambda *_: app.quit())
    heartbeat = QTimer(interval=250)   # lets Python run its signal handlers while Qt waits
    heartbeat.timeout.connect(lambda: None)
    heartbeat.start()
    link.start()
    try:
        return int(app.exec())
    finally:
        link.stop()
        announcer.close()


if __name__ == "__main__":
    sys.exit(main())
