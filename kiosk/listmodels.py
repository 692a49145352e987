"""The kiosk's lists as Qt item models: the buttons of the current level, the priority categories.

The model object fills them (``set_entries``, ``set_priorities``); the tile grid and the
priority page render them and re-read on ``modelReset``.  Texts come out already translated
(``lang`` is set with the rows), so a view needs no catalogue of its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QByteArray, QModelIndex, QPersistentModelIndex, Qt

from . import i18n
from .catalog import Entry

IdRole = Qt.ItemDataRole.UserRole + 1
LineRole = Qt.ItemDataRole.UserRole + 2
AvailableRole = Qt.ItemDataRole.UserRole + 3
CategoryRole = Qt.ItemDataRole.UserRole + 4
ReasonRole = Qt.ItemDataRole.UserRole + 5

_Index = QModelIndex | QPersistentModelIndex


def reason_text(code: str | None, lang: str, *, group: bool = False) -> str:
    """A reason code in plain words; ``group``: said of a category (several services)."""
    if code is None:
        return ""
    for key in ([f"why_group.{code}"] if group else []) + [f"why.{code}"]:
        if i18n.has(key):
            return i18n.tr(key, lang)
    return i18n.tr("why.unknown", lang)


def entry_line(entry: Entry, lang: str) -> str:
    """The one line under a button: why it is off, else its description, else what the snapshot has."""
    if entry.unavailable is not None:
        return reason_text(entry.unavailable, lang, group=entry.is_category)
    description = entry.description(lang)
    if description:
        return description
    if entry.is_category:
        return " · ".join(entry.children(lang))
    queue = i18n.tr("waiting_n", lang, n=entry.waiting) if entry.waiting else i18n.tr("nobody_waiting", lang)
    if entry.waiting and entry.estimated_wait_s is not None:
        queue += " · " + i18n.tr("wait_about", lang, wait=i18n.duration(entry.estimated_wait_s, lang))
    return queue


class EntryListModel(QAbstractListModel):
    """The categories and services of one level of the tree."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._entries: list[Entry] = []
        self._lang = i18n.DEFAULT_LANG

    def set_entries(self, entries: Sequence[Entry], lang: str) -> None:
        self.beginResetModel()
        self._entries, self._lang = list(entries), lang
        self.endResetModel()

    def entry(self, row: int) -> Entry:
        return self._entries[row]

    def ids(self) -> list[str]:
        return [e.id for e in self._entries]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._entries)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._entries):
            return None
        entry = self._entries[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return entry.name(self._lang)
        if role == IdRole:
            return entry.id
        if role == LineRole:
            return entry_line(entry, self._lang)
        if role == AvailableRole:
            return entry.available
        if role == CategoryRole:
            return entry.is_category
        if role == ReasonRole:
            return entry.unavailable
        return None

    def roleNames(self) -> dict[int, QByteArray]:
        names = {Qt.ItemDataRole.DisplayRole: b"name", IdRole: b"id", LineRole: b"line",
                 AvailableRole: b"available", CategoryRole: b"isCategory", ReasonRole: b"reason"}
        return {role: QByteArray(name) for role, name in names.items()}


class PriorityListModel(QAbstractListModel):
    """The office's priority categories («льготные категории») in the visitor's language."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, str]] = []

    def set_priorities(self, rows: Sequence[tuple[str, str]]) -> None:
        """``rows``: (id, name in the current language)."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        pid, name = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return name
        if role == IdRole:
            return pid
        return None
