"""The console's dialogs: each collects one intent's fields and hands them back.

Dialogs know nothing of the connection.  They are opened non-blocking (``open()``); the main
window reads :meth:`FormDialog.values` on ``accepted`` and asks the model to act.  Every
dialog is finished from the keyboard: Enter accepts, Escape cancels, and the finish dialog
takes the digits 1-4 for its results.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from queue_protocol.enums import Result
from queue_protocol.messages import MAX_COMMENT_LEN, MAX_POSTPONE_MIN, MAX_REASON_LEN, MAX_WINDOW
from queue_protocol.views import PriorityView, ServiceView, TicketView, WindowView

from .i18n import tr
from .tables import Ctx, RowsModel, fit_columns, name_of, waiting_columns


class FormDialog(QDialog):
    """A titled dialog with a prompt, a form and OK / Cancel."""

    def __init__(self, title: str, prompt: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setObjectName(type(self).__name__)
        self.setMinimumWidth(640)
        self.box = QVBoxLayout(self)
        if prompt:
            label = QLabel(prompt)
            label.setWordWrap(True)
            label.setObjectName("prompt")
            self.box.addWidget(label)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.form.setVerticalSpacing(10)
        self.box.addLayout(self.form)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(tr("dlg.ok"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("dlg.cancel"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def finish_layout(self) -> None:
        self.box.addWidget(self.buttons)

    @property
    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def values(self) -> dict[str, Any]:
        return {}


def combo() -> QComboBox:
    """A combo box that shrinks to its form (long category names elide instead of widening the dialog)."""
    box = QComboBox()
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    box.setMinimumContentsLength(24)
    return box


def reason_box(presets: list[str], limit: int = MAX_REASON_LEN) -> QComboBox:
    box = combo()
    box.setEditable(True)
    box.addItems(presets)
    line = box.lineEdit()
    assert line is not None
    line.setMaxLength(limit)
    return box


class FinishDialog(FormDialog):
    """The result of a service; 1-4 pick a result at once, Enter means "done"."""

    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(tr("finish.title"), tr("finish.prompt", label=label), parent)
        self.result_value = Result.DONE.value
        grid = QGridLayout()
        self.result_buttons: dict[str, QPushButton] = {}
        for n, result in enumerate(Result, start=1):
            button = QPushButton(f"{n}   {tr(f'result.{result.value}')}")
            button.setMinimumHeight(56)
            button.setShortcut(str(n))
            button.clicked.connect(lambda _=False, r=result.value: self.choose(r))
            grid.addWidget(button, (n - 1) // 2, (n - 1) % 2)
            self.result_buttons[result.value] = button
        self.result_buttons[Result.DONE.value].setDefault(True)
        self.box.addLayout(grid)
        hint = QLabel(tr("finish.hint"))
        hint.setObjectName("cardHint")
        hint.setWordWrap(True)
        self.box.addWidget(hint)
        self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(tr("dlg.cancel"))
        self.finish_layout()

    def choose(self, result: str) -> None:
        self.result_value = result
        self.accept()

    def values(self) -> dict[str, Any]:
        return {"result": self.result_value}


class PostponeDialog(FormDialog):
    def __init__(self, label: str, default_minutes: int = 10, parent: QWidget | None = None) -> None:
        super().__init__(tr("postpone.title"), tr("postpone.prompt", label=label), parent)
        self.reason = reason_box([tr(f"postpone.reason.{k}") for k in ("fee", "copies", "photo", "form")])
        self.minutes = QSpinBox()
        self.minutes.setRange(1, MAX_POSTPONE_MIN)
        self.minutes.setValue(default_minutes)
        self.form.addRow(tr("postpone.reason"), self.reason)
        self.form.addRow(tr("postpone.minutes"), self.minutes)
        self.finish_layout()

    def values(self) -> dict[str, Any]:
        return {"reason": self.reason.currentText().strip(), "minutes": self.minutes.value()}


class TransferDialog(FormDialog):
    """Another service and/or a window and/or an operator, a comment, "return to me"."""

    def __init__(self, label: str, services: list[ServiceView], windows: list[WindowView], me: str | None,
                 my_window: int | None, parent: QWidget | None = None) -> None:
        super().__init__(tr("transfer.title"), tr("transfer.prompt", label=label), parent)
        self.service = combo()
        self.service.addItem(tr("transfer.keep"), None)
        for service in services:
            if not service.is_category:
                self.service.addItem(f"{service.prefix}  {name_of(service)}", service.id)
        self.window_box = combo()
        self.window_box.addItem(tr("transfer.any"), None)
        self.operator = combo()
        self.operator.addItem(tr("transfer.any"), None)
        for window in sorted(windows, key=lambda w: w.number):
            if window.number == my_window:
                continue
            self.window_box.addItem(f"{window.number}" + (f" · {window.name}" if window.name else ""), window.number)
            if window.operator and window.operator != me:
                self.operator.addItem(f"{window.operator_name or window.operator} ({tr('header.window', number=window.number)})",
                                      window.operator)
        self.comment = QPlainTextEdit()
        self.comment.setTabChangesFocus(True)
        self.comment.setFixedHeight(90)
        self.comment.setPlaceholderText(tr("transfer.comment_hint"))
        self.return_to_me = QCheckBox(tr("transfer.return"))
        self.form.addRow(tr("transfer.service"), self.service)
        self.form.addRow(tr("transfer.window"), self.window_box)
        self.form.addRow(tr("transfer.operator"), self.operator)
        self.box.addWidget(QLabel(tr("transfer.comment")))
        self.box.addWidget(self.comment)
        self.box.addWidget(self.return_to_me)
        self.hint = QLabel(tr("transfer.need_target"))
        self.hint.setObjectName("hint")
        self.box.addWidget(self.hint)
        for box in (self.service, self.window_box, self.operator):
            box.currentIndexChanged.connect(self._check)
        self.finish_layout()
        self._check()

    def _check(self) -> None:
        chosen = any(box.currentData() is not None for box in (self.service, self.window_box, self.operator))
        self.ok_button.setEnabled(chosen)
        self.hint.setVisible(not chosen)

    def values(self) -> dict[str, Any]:
        return {
            "to_service": self.service.currentData(), "to_window": self.window_box.currentData(),
            "to_operator": self.operator.currentData(),
            "comment": self.comment.toPlainText().strip()[:MAX_COMMENT_LEN],
            "return_to_me": self.return_to_me.isChecked(),
        }


class CallTicketDialog(FormDialog):
    """Pick one of the window's tickets (waiting or postponed) to call out of turn."""

    def __init__(self, tickets: list[TicketView], ctx: Ctx, parent: QWidget | None = None) -> None:
        super().__init__(tr("call_ticket.title"), tr("call_ticket.prompt") if tickets else tr("call_ticket.empty"),
                         parent)
        self.model: RowsModel[TicketView] = RowsModel(waiting_columns(), key=lambda t: t.id, parent=self)
        self.model.set_rows(tickets, ctx)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        fit_columns(self.table, stretch=1)
        self.table.setMinimumSize(720, 320)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.doubleClicked.connect(lambda _: self.accept())
        self.box.addWidget(self.table)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._check())
        if tickets:
            self.table.selectRow(0)
        self.finish_layout()
        self._check()
        self.table.setFocus()

    def _check(self) -> None:
        self.ok_button.setEnabled(self.selected() is not None)

    def select(self, ticket_id: str) -> None:
        for row, ticket in enumerate(self.model.rows):
            if ticket.id == ticket_id:
                self.table.selectRow(row)

    def selected(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.rows[rows[0].row()].id if rows else None

    def values(self) -> dict[str, Any]:
        return {"ticket": self.selected()}


class BreakDialog(FormDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(tr("break.title"), "", parent)
        self.reason = reason_box([tr(f"break.reason.{k}") for k in ("lunch", "technical", "meeting")])
        self.form.addRow(tr("break.reason"), self.reason)
        self.finish_layout()

    def values(self) -> dict[str, Any]:
        return {"reason": self.reason.currentText().strip()}


class OpenWindowDialog(FormDialog):
    def __init__(self, number: int | None, parent: QWidget | None = None) -> None:
        super().__init__(tr("open.title"), "", parent)
        self.number = QSpinBox()
        self.number.setRange(1, MAX_WINDOW)
        self.number.setValue(number or 1)
        self.form.addRow(tr("open.prompt"), self.number)
        self.finish_layout()

    def values(self) -> dict[str, Any]:
        return {"window": self.number.value()}


# -- the manager's dialogs -----------------------------------------------------------------------

class ServicesDialog(FormDialog):
    """Which services a window serves, with weights (``window.set_services``)."""

    def __init__(self, window: WindowView, services: list[ServiceView], parent: QWidget | None = None) -> None:
        super().__init__(tr("services.title", number=window.number), tr("services.prompt"), parent)
        grid = QGridLayout()
        self.rows: dict[str, tuple[QCheckBox, QDoubleSpinBox]] = {}
        for n, service in enumerate(s for s in services if not s.is_category):
            check = QCheckBox(f"{service.prefix}  {name_of(service)}")
            weight = QDoubleSpinBox()
            weight.setRange(0.1, 100.0)
            weight.setSingleStep(0.5)
            weight.setValue(window.services.get(service.id, 1.0))
            check.setChecked(service.id in window.services)
            weight.setEnabled(check.isChecked())
            check.toggled.connect(weight.setEnabled)
            grid.addWidget(check, n, 0)
            grid.addWidget(weight, n, 1)
            self.rows[service.id] = (check, weight)
        self.box.addLayout(grid)
        self.finish_layout()

    def set_checked(self, services: dict[str, float]) -> None:
        for sid, (check, weight) in self.rows.items():
            check.setChecked(sid in services)
            if sid in services:
                weight.setValue(services[sid])

    def values(self) -> dict[str, Any]:
        return {"services": {sid: round(w.value(), 2) for sid, (c, w) in self.rows.items() if c.isChecked()}}


class PriorityDialog(FormDialog):
    def __init__(self, ticket: TicketView, priorities: list[PriorityView], parent: QWidget | None = None) -> None:
        super().__init__(tr("priority.title", label=ticket.label), "", parent)
        self.priority = combo()
        self.priority.addItem(tr("priority.none"), None)
        for priority in priorities:
            self.priority.addItem(name_of(priority), priority.id)
        self.priority.setCurrentIndex(max(0, self.priority.findData(ticket.priority)))
        self.form.addRow(tr("issue.priority"), self.priority)
        self.finish_layout()

    def values(self) -> dict[str, Any]:
        return {"priority": self.priority.currentData()}


class CancelDialog(FormDialog):
    def __init__(self, ticket: TicketView, parent: QWidget | None = None) -> None:
        super().__init__(tr("cancel.title", label=ticket.label), "", parent)
        self.reason = QLineEdit()
        self.reason.setMaxLength(MAX_REASON_LEN)
        self.form.addRow(tr("cancel.reason"), self.reason)
        self.finish_layout()

    def values(self) -> dict[str, Any]:
        return {"reason": self.reason.text().strip()}


class IssueDialog(FormDialog):
    """A ticket on a visitor's behalf (``ticket.issue`` by a manager)."""

    def __init__(self, services: list[ServiceView], priorities: list[PriorityView], parent: QWidget | None = None) -> None:
        super().__init__(tr("issue.title"), "", parent)
        self.service = combo()
        for service in services:
            if not service.is_category:
                self.service.addItem(f"{service.prefix}  {name_of(service)}", service.id)
        self.priority = combo()
        self.priority.addItem(tr("priority.none"), None)
        for priority in priorities:
            self.priority.addItem(name_of(priority), priority.id)
        self.appointment = QCheckBox(tr("issue.appointment"))
        self.form.addRow(tr("issue.service"), self.service)
        self.form.addRow(tr("issue.priority"), self.priority)
        self.form.addRow("", self.appointment)
        self.finish_layout()

    def values(self) -> dict[str, Any]:
        return {"service": self.service.currentData(), "priority": self.priority.currentData(),
                "channel": "appointment" if self.appointment.isChecked() else "walk_in"}



class PrintInfoDialog(FormDialog):
    """A service's info page on one of the office's printers (``service.print_info`` by a manager)."""

    def __init__(self, services: list[ServiceView], printers: list[str], parent: QWidget | None = None) -> None:
        super().__init__(tr("info.title"), "", parent)
        self.service = combo()
        for service in services:
            if not service.is_category:
                self.service.addItem(f"{service.prefix}  {name_of(service)}", service.id)
        self.printer = combo()
        for printer in printers:
            self.printer.addItem(printer, printer)
        self.lang = combo()
        for lang in ("ru", "en"):
            self.lang.addItem(tr(f"info.lang_{lang}"), lang)
        self.form.addRow(tr("info.service"), self.service)
        self.form.addRow(tr("info.printer"), self.printer)
        self.form.addRow(tr("info.lang"), self.lang)
        self.finish_layout()
        self.ok_button.setEnabled(bool(printers))

    def values(self) -> dict[str, Any]:
        return {"service": self.service.currentData(), "printer": self.printer.currentData(),
                "lang": self.lang.currentData()}
