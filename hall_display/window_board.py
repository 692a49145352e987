"""The window board: above one window, the ticket being served there, as large as it fits.

Header: "Окно 3" and the clock.  Body: "Талон" and the label filling most of the screen
(white on the highlight colour while it blinks after a call or recall, dark on white after);
with no ticket, what the window is doing (waiting for the next call, on a break, closed).
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from queue_protocol.enums import WindowStatus

from .i18n import tr
from .model import BoardModel
from .theme import Theme
from .widgets import HeaderBar, fitted, unit

BLINK_MS = 500


class WindowBody(QWidget):
    def __init__(self, model: BoardModel, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.board, self.theme = model, theme
        self.phase = True
        self._blink = QTimer(self, interval=BLINK_MS)
        self._blink.timeout.connect(self._toggle)
        model.window_changed.connect(self._changed)
        model.note_changed.connect(self.update)

    def label_font_px(self) -> float:
        """The pixel size of the ticket label as painted (tests check it)."""
        return self._label_font(self.board.window_label or "Ж888").pixelSize()

    def _label_font(self, label: str) -> QFont:
        return fitted(self.theme, self.height() * 0.5, self.width() * 0.9, [label])

    def _changed(self) -> None:
        if self.board.window_blinking and not self._blink.isActive():
            self.phase = True
            self._blink.start()
        elif not self.board.window_blinking:
            self._blink.stop()
            self.phase = True
        self.update()

    def _toggle(self) -> None:
        self.phase = not self.phase
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        t, m, lang = self.theme, self.board, self.board.language
        w, h = self.width(), self.height()
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        label = m.window_label
        if label:
            if m.window_blinking:
                background, ink = (t.highlight, t.highlight_text) if self.phase else (t.blink, t.blink_text)
            else:
                background, ink = t.background, t.row_text
            p.fillRect(self.rect(), QColor(background))
            p.setPen(QColor(ink))
            p.setFont(fitted(t, h * 0.1, w * 0.9, [tr("board.ticket", lang)], bold=False))
            p.drawText(QRectF(0, h * 0.04, w, h * 0.14), Qt.AlignmentFlag.AlignCenter, tr("board.ticket", lang))
            p.setFont(self._label_font(label))
            p.drawText(QRectF(0, h * 0.16, w, h * 0.62), Qt.AlignmentFlag.AlignCenter, label)
            if not m.window_serving:
                p.setFont(fitted(t, h * 0.08, w * 0.9, [tr("board.come", lang)], bold=False))
                p.drawText(QRectF(0, h * 0.8, w, h * 0.14), Qt.AlignmentFlag.AlignCenter, tr("board.come", lang))
        else:
            p.fillRect(self.rect(), QColor(t.background))
            p.setPen(QColor(t.row_text))
            text = tr(self._status_key(), lang)
            p.setFont(fitted(t, h * 0.16, w * 0.9, [text]))
            p.drawText(QRectF(0, 0, w, h), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, text)
        p.end()

    def _status_key(self) -> str:
        m = self.board
        if m.note_key in ("state.connecting", "state.auth_failed") and not m.has_data:
            return m.note_key
        if m.window is None:
            return "board.no_window"
        status = m.window_status
        if status is WindowStatus.BREAK:
            return "board.break"
        if status is WindowStatus.OPEN:
            return "board.wait"
        return "board.closed"


class WindowBoard(QWidget):
    def __init__(self, model: BoardModel, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.header = HeaderBar(model, theme, title=self._title())
        self.body = WindowBody(model, theme)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.header)
        layout.addWidget(self.body, 1)
        model.layout_changed.connect(self._retitle)
        model.window_changed.connect(self._retitle)

    def _title(self) -> str:
        if self.model.window is None:
            return ""
        name = self.model.window_view.name if self.model.window_view is not None else ""
        title = tr("window.n", self.model.language, n=self.model.window)
        # a named window ("Выдача документов") shows its name too, unless it only repeats the number
        return f"{title} · {name}" if name and name != title and str(self.model.window) not in name else title

    def _retitle(self, *args: object) -> None:
        self.header.title = self._title()
        self.header.update()

    def resizeEvent(self, event: QResizeEvent) -> None:
        self.header.setFixedHeight(round(min(self.height() * 0.2, 220 * unit(self))))
        super().resizeEvent(event)
