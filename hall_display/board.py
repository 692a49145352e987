"""The board's top-level widget: the main board or the window board, as the model says."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStackedWidget, QWidget

from .main_board import MainBoard
from .model import BoardModel
from .theme import THEMES, Theme
from .window_board import WindowBoard


class BoardWindow(QStackedWidget):
    """Shows :class:`MainBoard` or :class:`WindowBoard`; switches when the hello reply decides."""

    def __init__(self, model: BoardModel, theme: Theme | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.theme = theme or THEMES[model.settings.theme]
        self.main_board = MainBoard(model, self.theme)
        self.window_board = WindowBoard(model, self.theme)
        self.addWidget(self.main_board)
        self.addWidget(self.window_board)
        self.setWindowTitle("Talon")
        self.setCursor(Qt.CursorShape.BlankCursor)   # a television: no mouse pointer over the calls
        model.layout_changed.connect(self._show_layout)
        self._show_layout(model.layout or "main")

    def _show_layout(self, layout: str) -> None:
        self.setCurrentWidget(self.window_board if layout == "window" else self.main_board)
