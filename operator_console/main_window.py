"""The console's window: sign-in, then the operator's screen and (for managers) the hall.

It owns one ``QAction`` per operator action, with its keyboard shortcut; the buttons are
faces of these actions, so keys and clicks are one path.  ``render()`` enables exactly the
actions the model says are legal.  Actions that need details (finish, postpone, transfer,
call a ticket, break, close, open) open a dialog first; everything ends in a model intent.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from queue_protocol.client import ConnectionState
from queue_protocol.enums import TicketState
from queue_protocol.views import ReportFileResult

from . import dialogs as d
from .dashboard_view import DashboardView
from .figures import window_queue
from .i18n import tr
from .login_view import LoginView
from .manager_view import ManagerView
from .model import ConsoleModel
from .operator_view import OperatorView, context, label
from .report_dialog import ReportDialog
from .rules import SHORTCUTS, Action
from .style import STYLE, set_prop
from .tables import local_time

ACTION_TEXT = {a: f"act.{a.name.lower()}" for a in Action}
MESSAGE_S = 8


class MainWindow(QMainWindow):
    """The only top-level window; renders :class:`ConsoleModel` and turns input into intents."""

    def __init__(self, model: ConsoleModel, server: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.dialog: d.FormDialog | None = None
        self.save_dialog: QFileDialog | None = None
        self.setWindowTitle(tr("app.title"))
        self.setStyleSheet(STYLE)
        self.resize(1600, 900)
        self.qactions: dict[Action, QAction] = {}
        for action in Action:
            qaction = QAction(tr(ACTION_TEXT[action]), self)
            qaction.setObjectName(f"action_{action.name.lower()}")
            qaction.setShortcut(QKeySequence(SHORTCUTS[action]))
            qaction.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            qaction.setEnabled(False)
            qaction.triggered.connect(lambda _=False, a=action: self.trigger(a))
            self.addAction(qaction)
            self.qactions[action] = qaction

        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self.login = LoginView()
        self.login.fill(server)
        self.login.submitted.connect(self._login)
        self.stack.addWidget(self.login)
        self.work = QWidget()
        self.work.setObjectName("work")
        self.stack.addWidget(self.work)
        box = QVBoxLayout(self.work)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addWidget(self._header())
        self.banner = label(tr("conn.offline"), "offlineBanner")
        self.banner.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.banner.hide()
        box.addWidget(self.banner)
        self.tabs = QTabWidget()
        self.operator = OperatorView(model, self.qactions)
        self.manager = ManagerView(model)
        self.dashboard = DashboardView(model)
        self.tabs.addTab(self.operator, tr("tab.my_window"))
        self.tabs.addTab(self.manager, tr("tab.hall"))
        self.tabs.addTab(self.dashboard, tr("tab.dashboard"))
        box.addWidget(self.tabs, 1)
        self.status = label(" ", "status")
        self.statusBar().addWidget(self.status, 1)
        self.statusBar().setSizeGripEnabled(False)
        self._message_timer = QTimer(self)
        self._message_timer.setSingleShot(True)
        self._message_timer.timeout.connect(lambda: self.status.setText(" "))
        for n in (1, 2, 3):
            tab = QAction(self)
            tab.setShortcut(QKeySequence(f"Ctrl+{n}"))
            tab.triggered.connect(lambda _=False, i=n - 1: self.tabs.setCurrentIndex(i))
            self.addAction(tab)

        self.manager.edit_services.connect(self.edit_services)
        self.manager.edit_priority.connect(self.edit_priority)
        self.manager.reactivate.connect(model.reactivate)
        self.manager.cancel.connect(self.cancel_ticket)
        self.manager.issue.connect(self.issue_ticket)
        self.manager.set_text.connect(model.set_board_text)
        self.manager.refresh_printers.connect(model.refresh_printers)
        self.manager.print_info.connect(self.print_service_info)
        self.dashboard.report.connect(self.ask_report)
        model.today.changed.connect(self.dashboard.show_state)
        model.changed.connect(self.show_state)
        model.ticked.connect(self.tick)
        model.logged_in.connect(self._logged_in)
        model.login_failed.connect(self._login_failed)
        model.message.connect(self.show_message)
        model.printers_changed.connect(self.manager.render_printers)
        self.show_state()

    def _header(self) -> QWidget:
        header = QWidget()
        header.setObjectName("header")
        header.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        row = QHBoxLayout(header)
        row.setContentsMargins(16, 8, 16, 8)
        row.setSpacing(14)
        self.window_title = label("", "windowTitle")
        self.window_status = label("", "windowStatus")
        self.user_name = label("", "userName")
        self.connection = label("", "connection")
        self.clock = label("", "clock")
        self.logout_button = QPushButton(tr("header.logout"))
        self.logout_button.clicked.connect(self.logout)
        row.addWidget(self.window_title)
        row.addWidget(self.window_status)
        row.addStretch(1)
        row.addWidget(self.user_name)
        row.addWidget(self.connection)
        row.addWidget(self.clock)
        row.addWidget(self.logout_button)
        return header

    # -- signing in ------------------------------------------------------------------------------

    def _login(self, url: str, user: str, password: str, window: int) -> None:
        self.model.login(url, user, password, window or None)

    def _logged_in(self) -> None:
        self.tabs.setTabVisible(1, self.model.is_manager)
        self.tabs.setTabVisible(2, self.model.is_manager)
        self.stack.setCurrentWidget(self.work)
        self.login.set_busy(False)
        self.login.password.clear()
        self.show_state()

    def _login_failed(self, text: str) -> None:
        self.stack.setCurrentWidget(self.login)
        self.login.show_error(text)

    def logout(self) -> None:
        self.model.logout()
        self.stack.setCurrentWidget(self.login)
        self.show_state()

    # -- rendering -------------------------------------------------------------------------------

    def show_state(self) -> None:
        legal = self.model.legal
        for action, qaction in self.qactions.items():
            qaction.setEnabled(action in legal)
        if self.stack.currentWidget() is not self.work:
            return
        model, window = self.model, self.model.window
        if window is not None:
            self.window_title.setText(tr("header.window", number=window.number)
                                      + (f" · {window.name}" if window.name else ""))
            self.window_status.setText(tr(f"status.{window.status.value}"))
            set_prop(self.window_status, "state", window.status.value)
        else:
            self.window_title.setText(tr("header.no_window"))
            self.window_status.setText(tr("status.closed"))
            set_prop(self.window_status, "state", "closed")
        self.user_name.setText(tr("header.user", name=model.user_name, user=model.user))
        self.connection.setText(tr(f"conn.{model.state.value}"))
        set_prop(self.connection, "state", model.state.value)
        offline = model.state not in (ConnectionState.ONLINE, ConnectionState.RESYNCING)
        self.banner.setText(tr(f"conn.{model.state.value}"))
        self.banner.setVisible(offline)
        self.tick()

    def tick(self) -> None:
        if self.stack.currentWidget() is not self.work:
            return
        legal = self.model.legal   # "busy" ends by time too (a reply whose events never came)
        for action, qaction in self.qactions.items():
            qaction.setEnabled(action in legal)
        self.clock.setText(local_time(self.model.now(), context(self.model)))
        self.operator.show_state()
        if self.model.is_manager:
            self.manager.show_state()
            self.dashboard.show_state()

    def show_message(self, text: str, error: bool) -> None:
        """The outcome line under the screen; it clears itself after a while."""
        self.status.setText(text)
        set_prop(self.status, "error", "true" if error else "false")
        self._message_timer.start(MESSAGE_S * 1000 * (2 if error else 1))

    # -- actions ---------------------------------------------------------------------------------

    def trigger(self, action: Action) -> None:
        """A key or a button: act at once, or ask for the details first."""
        if action not in self.model.legal or self.dialog is not None:
            return
        ticket = self.model.current
        label_text = ticket.label if ticket is not None else ""
        model = self.model
        if action is Action.FINISH:
            self.ask(d.FinishDialog(label_text, self), lambda v: model.act(action, **v))
        elif action is Action.POSTPONE:
            self.ask(d.PostponeDialog(label_text, parent=self), lambda v: model.act(action, **v))
        elif action is Action.TRANSFER:
            view = model.view
            services = list(view.services) if view else []
            windows = list(view.windows) if view else []
            self.ask(d.TransferDialog(label_text, services, windows, model.user, model.window_number, self),
                     lambda v: model.act(action, **v))
        elif action is Action.CALL_TICKET:
            tickets = window_queue(model.view.tickets or () if model.view else (), model.window, model.user)
            tickets = [t for t in tickets if t.state in (TicketState.WAITING, TicketState.POSTPONED)]
            self.ask(d.CallTicketDialog(tickets, context(model), self),
                     lambda v: model.act(action, **v) if v["ticket"] else None)
        elif action is Action.BREAK:
            self.ask(d.BreakDialog(self), lambda v: model.act(action, **v))
        elif action is Action.CLOSE:
            self.ask(d.FormDialog(tr("act.close"), tr("close.confirm", number=model.window_number or ""), self),
                     lambda v: model.act(action), finish=True)
        elif action is Action.OPEN:
            self.ask(d.OpenWindowDialog(model.requested_window, self), lambda v: model.act(action, **v))
        else:
            model.act(action)

    def ask(self, dialog: d.FormDialog, then: Callable[[dict[str, Any]], object], finish: bool = False) -> None:
        """Open ``dialog`` (non-blocking, modal); on OK pass its values to ``then``."""
        if finish:
            dialog.finish_layout()
        self.dialog = dialog
        dialog.setWindowModality(Qt.WindowModality.WindowModal)

        def done(code: int) -> None:
            self.dialog = None
            self.activateWindow()   # keys go to the console again at once
            if code == QDialog.DialogCode.Accepted:
                then(dialog.values())
            dialog.deleteLater()

        dialog.finished.connect(done)
        dialog.open()

    # -- manager intents -------------------------------------------------------------------------

    def edit_services(self, number: int) -> None:
        view = self.model.view
        window = next((w for w in view.windows if w.number == number), None) if view else None
        if window is None or view is None or self.dialog is not None:
            return
        self.ask(d.ServicesDialog(window, list(view.services), self),
                 lambda v: self.model.set_window_services(number, v["services"]))

    def edit_priority(self, ticket_id: str) -> None:
        ticket, view = self.model.ticket(ticket_id), self.model.view
        if ticket is None or view is None or self.dialog is not None:
            return
        self.ask(d.PriorityDialog(ticket, list(view.priorities), self),
                 lambda v: self.model.set_priority(ticket_id, v["priority"]))

    def cancel_ticket(self, ticket_id: str) -> None:
        ticket = self.model.ticket(ticket_id)
        if ticket is None or self.dialog is not None:
            return
        self.ask(d.CancelDialog(ticket, self), lambda v: self.model.cancel(ticket_id, v["reason"]))

    def issue_ticket(self) -> None:
        view = self.model.view
        if view is None or self.dialog is not None:
            return
        self.ask(d.IssueDialog(list(view.services), list(view.priorities), self),
                 lambda v: self.model.issue(v["service"], v["priority"], v["channel"]))

    def print_service_info(self) -> None:
        """A service's info page on a printer the last ``printer.status`` named."""
        view = self.model.view
        if view is None or self.dialog is not None or not self.model.printers:
            return
        self.ask(d.PrintInfoDialog(list(view.services), sorted(self.model.printers), self),
                 lambda v: self.model.print_info(v["service"], v["printer"], v["lang"]))

    def ask_report(self) -> None:
        """The report dialog, then the file from the server, then where to save it."""
        view = self.model.view
        if self.dialog is not None or view is None:
            return
        today = date.fromisoformat(view.office.local_day)
        self.ask(ReportDialog(today, self),
                 lambda v: self.model.download_report(v["first"], v["last"], v["format"], self.save_report))

    def save_report(self, file: ReportFileResult) -> None:
        data = base64.b64decode(file.data)
        dialog = QFileDialog(self, tr("report.save_title"), str(Path.home() / file.file_name))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setFileMode(QFileDialog.FileMode.AnyFile)
        dialog.setNameFilter(f"*.{file.format}")
        dialog.setDefaultSuffix(file.format)
        self.save_dialog = dialog

        def chosen(path: str) -> None:
            try:
                Path(path).write_bytes(data)
            except OSError as problem:
                self.show_message(tr("report.save_failed", reason=problem.strerror or problem), True)
            else:
                self.show_message(tr("report.saved", path=path), False)

        def done(_code: int) -> None:
            self.save_dialog = None
            dialog.deleteLater()

        dialog.fileSelected.connect(chosen)
        dialog.finished.connect(done)
        dialog.open()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.model.logout()
        super().closeEvent(event)
