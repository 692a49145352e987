"""The two lists a board shows, as Qt item models: the recent calls and the waiting counts.

The board model (:mod:`hall_display.model`) fills them from the office view; the widgets
read them through roles.  Neither holds a visitor's data: a call is a ticket label and a
window number, a waiting row a service and a count (DOMAIN.md, 152-ФЗ).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractListModel, QByteArray, QModelIndex, QPersistentModelIndex, Qt

from .i18n import tr

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class CallRow:
    ticket: str          # the ticket id: one row per ticket, at its latest call
    label: str           # "А015"
    window: int
    at: str              # wire timestamp of the latest call
    recall: bool
    current: bool = True  # the ticket is still at that window (called or being served)


class CallsModel(QAbstractListModel):
    """The latest calls, newest first, one row per ticket.  Row 0 is the highlighted call;
    ``blinking`` names the ticket whose row blinks now (a new call or a recall)."""

    LabelRole = Qt.ItemDataRole.UserRole + 1
    WindowRole = Qt.ItemDataRole.UserRole + 2
    HighlightRole = Qt.ItemDataRole.UserRole + 3
    BlinkRole = Qt.ItemDataRole.UserRole + 4
    RecallRole = Qt.ItemDataRole.UserRole + 5
    TicketRole = Qt.ItemDataRole.UserRole + 6
    CurrentRole = Qt.ItemDataRole.UserRole + 7

    def __init__(self, language: str = "ru") -> None:
        super().__init__()
        self.language = language
        self._rows: list[CallRow] = []
        self._blinking: str | None = None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{row.label} → {tr('window.n', self.language, n=row.window)}"
        return {
            self.LabelRole: row.label,
            self.WindowRole: row.window,
            self.HighlightRole: index.row() == 0,
            self.BlinkRole: row.ticket == self._blinking,
            self.RecallRole: row.recall,
            self.TicketRole: row.ticket,
            self.CurrentRole: row.current,
        }.get(role)

    def roleNames(self) -> dict[int, QByteArray]:
        names = {Qt.ItemDataRole.DisplayRole: b"display", self.LabelRole: b"label", self.WindowRole: b"window",
                 self.HighlightRole: b"highlight", self.BlinkRole: b"blink", self.RecallRole: b"recall",
                 self.CurrentRole: b"current"}
        return {int(role): QByteArray(name) for role, name in names.items()}

    # -- filled by the board model ----------------------------------------------------------

    @property
    def rows(self) -> list[CallRow]:
        return list(self._rows)

    @property
    def blinking(self) -> str | None:
        return self._blinking

    def set_rows(self, rows: list[CallRow]) -> None:
        if rows == self._rows:
            return
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def set_blinking(self, ticket: str | None) -> None:
        if ticket == self._blinking:
            return
        before, self._blinking = self._blinking, ticket
        for number, row in enumerate(self._rows):
            if row.ticket in (before, ticket):
                index = self.index(number)
                self.dataChanged.emit(index, index, [self.BlinkRole])


@dataclass(frozen=True, slots=True)
class WaitingRow:
    service: str
    prefix: str
    name: str
    waiting: int


class WaitingModel(QAbstractListModel):
    """How many wait for each service that takes tickets (prefix, name, count)."""

    PrefixRole = Qt.ItemDataRole.UserRole + 1
    NameRole = Qt.ItemDataRole.UserRole + 2
    CountRole = Qt.ItemDataRole.UserRole + 3

    def __init__(self) -> None:
        super().__init__()
        self._rows: list[WaitingRow] = []

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{row.prefix} {row.name}: {row.waiting}"
        return {self.PrefixRole: row.prefix, self.NameRole: row.name, self.CountRole: row.waiting}.get(role)

    @property
    def rows(self) -> list[WaitingRow]:
        return list(self._rows)

    def set_rows(self, rows: list[WaitingRow]) -> None:
        if rows == self._rows:
            return
        if len(rows) == len(self._rows) and [r.service for r in rows] == [r.service for r in self._rows]:
            self._rows = list(rows)   # same services, new counts: no reset, no flicker
            self.dataChanged.emit(self.index(0), self.index(len(rows) - 1))
            return
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()
