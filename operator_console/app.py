"""``talon-console``: the operator (and hall manager) desktop console.

    talon-console --server ws://host:8765/ [--user U --password P --window N] [--lang ru|en]
    talon-console --server URL --user manager --password demo --window 1 --screenshot DIR

With a user and a password it signs in at once (a restarted console finds its operator back
at the window and visitor the server has for them); otherwise it opens on the sign-in screen.
``--screenshot DIR`` renders every screen offscreen to PNG against the running server and
exits 0 (see :mod:`operator_console.screenshots`).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

DEFAULT_SERVER = "ws://127.0.0.1:8765/"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="talon-console", description="Talon operator console")
    parser.add_argument("--server", default=os.environ.get("TALON_SERVER", DEFAULT_SERVER),
                        help="the server's websocket URL (default %(default)s)")
    parser.add_argument("--user", default="", help="login; with --password, sign in at once")
    parser.add_argument("--password", default=os.environ.get("TALON_PASSWORD", ""), help="password")
    parser.add_argument("--window", type=int, default=None, help="the window to open after signing in")
    parser.add_argument("--lang", choices=("ru", "en"), default="ru", help="interface language")
    parser.add_argument("--screenshot", type=Path, default=None, metavar="DIR",
                        help="render every screen to PNG files in DIR against the server, then exit")
    return parser.parse_args(argv)


def setup_qt(app: object) -> None:
    """One look on every desktop (Fusion), and no noise from the offscreen platform's warnings."""
    from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler
    from PySide6.QtWidgets import QApplication

    assert isinstance(app, QApplication)
    app.setStyle("Fusion")
    previous: Callable[[QtMsgType, QMessageLogContext, str], object] | None = None

    def handler(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        if "propagateSizeHints" in message:
            return
        if previous is not None:
            previous(kind, context, message)
        else:
            print(message, file=sys.stderr)

    previous = qInstallMessageHandler(handler)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if args.screenshot is not None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from . import i18n

    i18n.set_language(args.lang)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    setup_qt(app)
    if args.screenshot is not None:
        from . import screenshots

        if not args.user or not args.password:
            print("--screenshot needs --user and --password", file=sys.stderr)
            return 2
        try:
            return screenshots.run(args.server, args.user, args.password, args.window or 1, args.screenshot)
        except screenshots.ScreenshotError as error:
            print(f"screenshot failed: {error}", file=sys.stderr)
            return 1

    from .main_window import MainWindow
    from .model import ConsoleModel

    model = ConsoleModel()
    window = MainWindow(model, args.server)
    window.login.fill(args.server, args.user, args.password, args.window)
    window.show()
    if args.user and args.password:
        window.login.submit.click()
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
