"""The "Отчёт…" dialog: a period of the office's local days and a format, checked before sending.

The server checks the same rules (``stats.report``: ``to`` not before ``from``, at most
:data:`~queue_protocol.messages.MAX_REPORT_DAYS` days); the dialog says them in plain words
and keeps OK disabled until the period is right, so a manager never sees a protocol error.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QHBoxLayout, QLabel, QPushButton, QWidget

from queue_protocol.messages import MAX_REPORT_DAYS

from .dialogs import FormDialog, combo
from .i18n import tr

FORMATS = ("pdf", "xlsx", "csv")


def period_problem(first: date, last: date) -> str:
    """Why the period cannot be reported, in words; "" when it can."""
    if last < first:
        return tr("report.bad_order")
    if (last - first).days + 1 > MAX_REPORT_DAYS:
        return tr("report.too_long", days=MAX_REPORT_DAYS)
    return ""


def presets(today: date) -> dict[str, tuple[date, date]]:
    month = today.replace(day=1)
    last_month_end = month - timedelta(days=1)
    return {
        "report.today": (today, today),
        "report.yesterday": (today - timedelta(days=1), today - timedelta(days=1)),
        "report.this_month": (month, today),
        "report.last_month": (last_month_end.replace(day=1), last_month_end),
    }


def date_edit(day: date) -> QDateEdit:
    edit = QDateEdit(QDate(day.year, day.month, day.day))
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd.MM.yyyy")
    return edit


class ReportDialog(FormDialog):
    """``values()``: ``first``, ``last`` (dates) and ``format`` (pdf / xlsx / csv)."""

    def __init__(self, today: date, parent: QWidget | None = None) -> None:
        super().__init__(tr("report.title"), tr("report.prompt"), parent)
        first, last = presets(today)["report.this_month"]
        self.first, self.last = date_edit(first), date_edit(last)
        quick = QHBoxLayout()
        for key, (a, b) in presets(today).items():
            button = QPushButton(tr(key))
            button.setObjectName(f"btn_{key.split('.')[1]}")
            button.clicked.connect(lambda _=False, a=a, b=b: self.set_period(a, b))
            quick.addWidget(button)
        quick.addStretch(1)
        self.format = combo()
        for fmt in FORMATS:
            self.format.addItem(tr(f"report.format.{fmt}"), fmt)
        self.problem = QLabel("")
        self.problem.setObjectName("hint")
        self.form.addRow("", quick)
        self.form.addRow(tr("report.from"), self.first)
        self.form.addRow(tr("report.to"), self.last)
        self.form.addRow(tr("report.format"), self.format)
        self.form.addRow("", self.problem)
        self.first.dateChanged.connect(self._check)
        self.last.dateChanged.connect(self._check)
        self.finish_layout()
        self._check()

    def set_period(self, first: date, last: date) -> None:
        self.first.setDate(QDate(first.year, first.month, first.day))
        self.last.setDate(QDate(last.year, last.month, last.day))

    def period(self) -> tuple[date, date]:
        return _to_date(self.first.date()), _to_date(self.last.date())

    def _check(self) -> None:
        problem = period_problem(*self.period())
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        self.ok_button.setEnabled(not problem)

    def values(self) -> dict[str, Any]:
        first, last = self.period()
        return {"first": first, "last": last, "format": self.format.currentData()}


def _to_date(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())
