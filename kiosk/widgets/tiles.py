"""The big touch buttons of the service tree: one tile per row of an ``EntryListModel``.

A tile is a whole-surface touch target (name in bold, one line under it, a chevron), never
smaller than 160 px high; a greyed-out tile says why in plain words and ignores taps.  The
grid picks its column count from the width and the text size, so a portrait screen gets two
columns (one with large text) and a landscape screen three (two).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from ..listmodels import AvailableRole, EntryListModel, IdRole, LineRole

TILE_MIN_WIDTH = 470
TILE_MIN_HEIGHT = 150


def repolish(widget: QWidget) -> None:
    """Re-apply the stylesheet after a dynamic property changed."""
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)


class Tile(QWidget):
    """One category or service; emits ``tapped(id)`` on release inside, when available."""

    tapped = Signal(str)

    def __init__(self, entry_id: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entry_id = entry_id
        self.setObjectName(f"tile:{entry_id}")
        self.setProperty("role", "tile")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.name = QLabel(self, wordWrap=True)
        self.name.setProperty("role", "tile_name")
        self.line = QLabel(self, wordWrap=True)
        self.line.setProperty("role", "tile_line")
        self.mark = QLabel("›", self)
        self.mark.setProperty("role", "tile_mark")
        texts = QVBoxLayout()
        texts.setSpacing(8)
        texts.addWidget(self.name)
        texts.addWidget(self.line)
        texts.addStretch(1)
        row = QHBoxLayout(self)
        row.setContentsMargins(26, 20, 20, 20)
        row.addLayout(texts, 1)
        row.addWidget(self.mark, 0, Qt.AlignmentFlag.AlignVCenter)
        self.available = True

    def show_entry(self, name: str, line: str, available: bool, min_height: int) -> None:
        self.name.setText(name)
        self.line.setText(line)
        self.line.setVisible(bool(line))
        self.available = available
        self.mark.setVisible(available)
        self.setMinimumHeight(min_height)
        for widget in (self, self.name, self.line, self.mark):
            widget.setProperty("available", "true" if available else "false")
            repolish(widget)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self.available:
            self.setProperty("pressed", "true")
            repolish(self)
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self.setProperty("pressed", "false")
        repolish(self)
        if self.available and self.rect().contains(event.position().toPoint()):
            self.tapped.emit(self.entry_id)
        event.accept()


class TileGrid(QWidget):
    """The tiles of the model's rows in a grid; re-laid out on reset, resize and text size."""

    tapped = Signal(str)

    def __init__(self, model: EntryListModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("tiles")
        self._model = model
        self._scale = 1.0
        self._columns = 0
        self._tiles: list[Tile] = []
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(22)
        model.modelReset.connect(self.rebuild)

    def set_scale(self, scale: float) -> None:
        self._scale = scale
        self.rebuild()

    def tiles(self) -> list[Tile]:
        return list(self._tiles)

    def columns_for(self, width: int) -> int:
        return max(1, min(3, width // int(TILE_MIN_WIDTH * self._scale)))

    def rebuild(self) -> None:
        rows = self._model.rowCount()
        while len(self._tiles) < rows:
            tile = Tile("", self)
            tile.tapped.connect(self.tapped)
            self._tiles.append(tile)
        while len(self._tiles) > rows:
            gone = self._tiles.pop()
            self._grid.removeWidget(gone)
            gone.hide()   # at once: deleteLater waits for the event loop
            gone.deleteLater()
        for row, tile in enumerate(self._tiles):
            index = self._model.index(row, 0, QModelIndex())
            tile.entry_id = str(index.data(IdRole))
            tile.setObjectName(f"tile:{tile.entry_id}")
            tile.show_entry(str(index.data()), str(index.data(LineRole)), bool(index.data(AvailableRole)),
                            int(TILE_MIN_HEIGHT * self._scale))
        self._columns = 0
        self._layout_tiles()

    def _layout_tiles(self) -> None:
        columns = self.columns_for(max(self.width(), 1))
        if columns == self._columns and self._grid.count() == len(self._tiles):
            return
        self._columns = columns
        while self._grid.count():
            self._grid.takeAt(0)
        for i, tile in enumerate(self._tiles):
            self._grid.addWidget(tile, i // columns, i % columns)
        for c in range(3):
            self._grid.setColumnStretch(c, 1 if c < columns else 0)

    def resizeEvent(self, event: object) -> None:
        self._layout_tiles()
