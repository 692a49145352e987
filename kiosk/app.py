"""``talon-kiosk``: the touchscreen where visitors take a ticket.

    talon-kiosk --server ws://HOST:PORT --token TOKEN [--fullscreen] [--lang ru|en]
                [--idle SECONDS] [--size WxH] [--screenshot DIR]

``--screenshot DIR`` renders every screen offscreen to PNG files against the running server
and exits (``kiosk.screenshots``).  Without ``--fullscreen`` the window opens at ``--size``
(a portrait 1080x1920 touchscreen by default), for trying the kiosk on a desktop.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from collections.abc import Sequence

from . import i18n


def size(text: str) -> tuple[int, int]:
    width, _, height = text.lower().partition("x")
    try:
        value = int(width), int(height)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT, got {text!r}") from None
    if min(value) < 320:
        raise argparse.ArgumentTypeError("the screen must be at least 320x320")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="talon-kiosk", description="Talon ticket kiosk")
    parser.add_argument("--server", required=True, metavar="URL", help="the queue server, ws://HOST:PORT")
    parser.add_argument("--token", required=True, help="this kiosk's device token (from the office file)")
    parser.add_argument("--fullscreen", action="store_true", help="fill the screen (a real kiosk)")
    parser.add_argument("--lang", choices=i18n.LANGS, default=i18n.DEFAULT_LANG, help="the default language")
    parser.add_argument("--idle", type=float, default=60.0, metavar="SECONDS",
                        help="back to the start screen after this long without a touch (default 60)")
    parser.add_argument("--size", type=size, default=(1080, 1920), metavar="WxH", help="window size without --fullscreen")
    parser.add_argument("--screenshot", metavar="DIR", help="render every screen to PNG files in DIR and exit")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.screenshot:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from .link import KioskLink
    from .model import KioskModel
    from .states import Timing
    from .window import KioskWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    timing = Timing(idle_s=args.idle)
    link = KioskLink(args.server, args.token, request_timeout=timing.request_timeout_s)
    model = KioskModel(link, timing, default_lang=args.lang)
    if args.screenshot:
        from .screenshots import render_all

        try:
            return render_all(model, args.screenshot)
        finally:
            model.close()
    window = KioskWindow(model)
    window.setWindowTitle("Talon")
    if args.fullscreen:
        window.showFullScreen()
    else:
        window.resize(*args.size)
        window.show()
    signal.signal(signal.SIGINT, lambda *_: app.quit())
    wake = QTimer(interval=500)   # lets Python run its signal handlers while Qt waits
    wake.timeout.connect(lambda: None)
    wake.start()
    model.start()
    try:
        return int(app.exec())
    finally:
        model.close()


if __name__ == "__main__":
    sys.exit(main())
