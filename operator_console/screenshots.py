"""``--screenshot DIR``: drive the real console against a running server and save every screen.

The office is made busy first (:mod:`operator_console.busy_office`), then the console signs
in and walks a visit through its own model — the same intents a key press sends — saving a
PNG at each screen: login, idle, calling, serving, the transfer / postpone / finish / call
dialogs, break, the manager's hall view with its dialogs, today's figures and the report dialog.  Dialogs are drawn over the
dimmed main window, as the operator sees them.  Every wait is bounded.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QPoint, QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from queue_protocol.enums import TicketState, WindowStatus

from . import busy_office
from . import dialogs as d
from .main_window import MainWindow
from .model import ConsoleModel
from .rules import Action

SIZE = (1600, 900)
WAIT_S = 15.0


class ScreenshotError(RuntimeError):
    """A screen could not be reached (the server refused, or did not answer in time)."""


def pump(seconds: float = 0.05) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QCoreApplication.processEvents()
        time.sleep(0.005)


def wait(predicate: Callable[[], object], what: str, timeout: float = WAIT_S) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise ScreenshotError(f"timed out waiting for {what}")
        pump(0.02)


class Shooter:
    """Saves numbered PNGs of the main window (and an open dialog over it) into ``out``."""

    def __init__(self, main: MainWindow, out: Path) -> None:
        self.main, self.out = main, out
        self.saved: list[Path] = []

    def shot(self, name: str, dialog: QWidget | None = None) -> Path:
        pump(0.3)
        self.main.tick()
        pixmap = self.main.grab()
        if dialog is not None:
            dialog.adjustSize()
            pump(0.1)
            over = dialog.grab()
            painter = QPainter(pixmap)
            painter.fillRect(pixmap.rect(), QColor(0, 0, 0, 90))
            x, y = (pixmap.width() - over.width()) // 2, (pixmap.height() - over.height()) // 3
            title = self._title_bar(dialog.windowTitle(), over.width())
            painter.drawPixmap(QPoint(x, y - title.height()), title)
            painter.drawPixmap(QPoint(x, y), over)
            painter.end()
        path = self.out / f"console-{len(self.saved) + 1:02d}-{name}.png"
        if not pixmap.save(str(path)):
            raise ScreenshotError(f"cannot write {path}")
        self.saved.append(path)
        return path

    @staticmethod
    def _title_bar(title: str, width: int) -> QPixmap:
        """The window manager's title bar, which an offscreen grab does not have."""
        bar = QPixmap(width, 34)
        bar.fill(QColor("#2B2F36"))
        painter = QPainter(bar)
        painter.setPen(QColor("#FFFFFF"))
        font = painter.font()
        font.setPixelSize(15)
        font.setBold(True)
        painter.setFont(font)
        painter.drawText(QRect(12, 0, width - 24, 34), int(Qt.AlignmentFlag.AlignVCenter), title)
        painter.end()
        return bar


def _act(main: MainWindow, action: Action) -> None:
    model = main.model
    wait(lambda: action in model.legal and main.qactions[action].isEnabled(), f"{action.value} to be legal")
    main.qactions[action].trigger()
    pump(0.1)


def _dialog(main: MainWindow) -> QDialog:
    wait(lambda: main.dialog is not None, "a dialog")
    assert main.dialog is not None
    return main.dialog


def _settle(main: MainWindow) -> None:
    """Bring the operator's window to "open, nobody at it" whatever an earlier run left."""
    model = main.model
    for _ in range(6):
        wait(lambda: not model.busy and model.online, "the console to settle")
        window, ticket = model.window, model.current
        if window is None or window.status is WindowStatus.CLOSED:
            model.act(Action.OPEN, window=model.requested_window or 1)
        elif window.status is WindowStatus.BREAK:
            model.act(Action.RESUME)
        elif ticket is not None and ticket.state is TicketState.CALLED:
            model.act(Action.START)
        elif ticket is not None and ticket.state is TicketState.SERVING:
            model.act(Action.FINISH, result="done")
        else:
            return
        pump(0.2)
    raise ScreenshotError("the window did not settle")


def take(url: str, user: str, password: str, window: int, out: Path) -> list[Path]:
    """Every screen, in the order of a working day; returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    busy_office.run(url, keep_free=window)
    model = ConsoleModel()
    main = MainWindow(model, url)
    main.resize(*SIZE)
    main.show()
    shooter = Shooter(main, out)
    main.login.fill(url, user, password, window)
    shooter.shot("login")
    main.login.submit.click()
    wait(lambda: main.stack.currentWidget() is main.work, "signing in")
    wait(lambda: model.window_number is not None or not model.busy, "the window to open")
    _settle(main)
    wait(lambda: model.my_day_feed.result is not None and not model.my_day_feed.pending, "my day's figures")
    shooter.shot("idle")

    _act(main, Action.CALL_NEXT)
    wait(lambda: model.current is not None and not model.busy, "the call")
    _act(main, Action.RECALL)
    wait(lambda: not model.busy and model.current is not None and model.current.recalls == 1, "the recall")
    pump(1.5)
    shooter.shot("calling")
    _act(main, Action.START)
    wait(lambda: model.current is not None and model.current.state is TicketState.SERVING and not model.busy, "serving")
    pump(1.2)
    shooter.shot("serving")

    for action, name in ((Action.TRANSFER, "transfer-dialog"), (Action.POSTPONE, "postpone-dialog")):
        _act(main, action)
        dialog = _dialog(main)
        if action is Action.TRANSFER:
            assert isinstance(dialog, d.TransferDialog)
            dialog.service.setCurrentIndex(dialog.service.findData("results"))
            dialog.comment.setPlainText("Документы готовы, выдать паспорт")
            dialog.return_to_me.setChecked(True)
        shooter.shot(name, dialog)
        dialog.reject()
        pump(0.1)
    _act(main, Action.FINISH)
    dialog = _dialog(main)
    shooter.shot("finish-dialog", dialog)
    assert isinstance(dialog, d.FinishDialog)
    dialog.choose("done")
    wait(lambda: model.current is None and not model.busy, "the finish")

    _act(main, Action.CALL_TICKET)
    dialog = _dialog(main)
    shooter.shot("call-ticket-dialog", dialog)
    dialog.reject()
    pump(0.1)
    _act(main, Action.BREAK)
    dialog = _dialog(main)
    assert isinstance(dialog, d.BreakDialog)
    dialog.reason.setCurrentIndex(0)
    dialog.accept()
    wait(lambda: model.window is not None and model.window.status is WindowStatus.BREAK and not model.busy, "the break")
    shooter.shot("break")
    _act(main, Action.RESUME)
    wait(lambda: model.window is not None and model.window.status is WindowStatus.OPEN and not model.busy, "resume")

    if model.is_manager:
        main.tabs.setCurrentWidget(main.manager)
        model.refresh_printers()
        wait(lambda: bool(model.printers) or not model.online, "the printers", timeout=5.0)
        busiest = max((w for w in model.view.windows if w.ticket), key=lambda w: w.number, default=None) \
            if model.view else None
        if busiest is not None:
            main.manager.select_window(busiest.number)
        shooter.shot("hall")
        if busiest is not None:
            main.manager.services_button.click()
            dialog = _dialog(main)
            shooter.shot("hall-services-dialog", dialog)
            dialog.reject()
            pump(0.1)
        for button, name in ((main.manager.issue_button, "hall-issue-dialog"),
                             (main.manager.print_info_button, "hall-print-info-dialog")):
            if not button.isEnabled():   # no printer answered: nothing to print on
                continue
            button.click()
            dialog = _dialog(main)
            shooter.shot(name, dialog)
            dialog.reject()
            pump(0.1)
        main.tabs.setCurrentWidget(main.dashboard)
        model.today.refresh()
        wait(lambda: model.today.result is not None and not model.today.pending, "today's figures")
        shooter.shot("dashboard")
        main.dashboard.report_button.click()
        dialog = _dialog(main)
        shooter.shot("report-dialog", dialog)
        dialog.reject()
        pump(0.1)
        main.tabs.setCurrentWidget(main.operator)
    model.logout()
    main.close()
    return shooter.saved


def run(url: str, user: str, password: str, window: int, out: Path) -> int:
    app = QApplication.instance() or QApplication([])
    del app
    saved = take(url, user, password, window, out)
    for path in saved:
        print(path)
    return 0
