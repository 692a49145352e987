"""The main hall board: the latest calls «А015 → Окно 3» in type readable from ten metres.

Landscape: header, then the calls (left) beside the waiting counts (right), then the running
text.  Portrait: the waiting counts go under the calls, in two columns.  The number of call
rows is ``settings.rows`` or 4 (landscape) / 7 (portrait), and the row text is as large as the
row allows: on a 1920x1080 screen the letters and digits themselves are over 120 px tall
(a 165 px font), about 8 cm on a 55" television.  Row 0, the newest call, is highlighted; while
its call is fresh (or recalled) it blinks between two highlight colours about once a second.
Calls whose visit is over (the ticket is no longer at that window) stay listed in grey.
"""

from __future__ import annotations

import math
from dataclasses import replace

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QBoxLayout, QVBoxLayout, QWidget

from .i18n import tr
from .lists import CallsModel, WaitingModel
from .model import BoardModel
from .theme import Theme
from .widgets import HeaderBar, Ticker, fitted, fitted_wrapped, font, unit

BLINK_MS = 500
QWIDGETSIZE_MAX = 16777215
WAITING_SHARE = 0.23   # of a landscape board's width


def is_portrait(widget: QWidget) -> bool:
    return widget.height() > widget.width()


class CallsPanel(QWidget):
    """Paints the column titles and the call rows of a :class:`CallsModel`."""

    def __init__(self, model: BoardModel, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.board, self.theme = model, theme
        self.calls: CallsModel = model.calls
        self.phase = True   # True: the highlight colour; False: the blink colour
        self._blink = QTimer(self, interval=BLINK_MS)
        self._blink.timeout.connect(self._toggle)
        for signal in (self.calls.modelReset, self.calls.dataChanged, model.note_changed):
            signal.connect(self._changed)

    def row_count(self) -> int:
        rows = self.board.settings.rows
        return rows if rows is not None else (7 if is_portrait(self.window()) else 4)

    def row_font_px(self) -> float:
        """The pixel size of the call rows' type, as painted (tests check it)."""
        return self._metrics()[1].pixelSize()

    def _metrics(self) -> tuple[float, QFont, float]:
        u = unit(self.window())
        head_h = 52 * u
        row_h = (self.height() - head_h) / self.row_count()
        pad = 40 * u
        shown = max(1, min(self.row_count(), self.calls.rowCount()))
        samples = [self._sample(r) for r in range(shown)] + ["Ж888→" + self._window(20)]   # stable size
        width = self.width() - 4.6 * pad   # margins 1.2 + 1, the gaps around the arrow 2.4
        f = fitted(self.theme, row_h * 0.8, width, samples)
        if f.pixelSize() < int(row_h * 0.8):   # too narrow (portrait): a condensed face is larger
            narrow = fitted(replace(self.theme, font_family=self.theme.narrow_family), row_h * 0.8, width, samples)
            if narrow.pixelSize() > f.pixelSize():
                f = narrow
        return row_h, f, head_h

    def _sample(self, row: int) -> str:
        index = self.calls.index(row)
        label = index.data(CallsModel.LabelRole) or "Ж888"
        return f"{label}→{self._window(index.data(CallsModel.WindowRole) or 20)}"

    def _window(self, number: int) -> str:
        return tr("window.n", self.board.language, n=number)

    def _changed(self, *args: object) -> None:
        if self.calls.blinking is not None:
            if not self._blink.isActive():
                self.phase = True
                self._blink.start()
        else:
            self._blink.stop()
            self.phase = True
        self.update()

    def _toggle(self) -> None:
        self.phase = not self.phase
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        t, lang = self.theme, self.board.language
        u = unit(self.window())
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        p.fillRect(self.rect(), QColor(t.background))
        row_h, row_font, head_h = self._metrics()
        pad = 40 * u
        fm = QFontMetricsF(row_font)
        shown = self.calls.rows[: self.row_count()]
        label_w = max(fm.tightBoundingRect(text).right() for text in ["А000", *(r.label for r in shown)])
        arrow_w = fm.horizontalAdvance("→") + 2.4 * pad
        x_label, x_arrow = pad * 1.2, pad * 1.2 + label_w
        x_window = x_arrow + arrow_w
        p.setFont(font(t, head_h * 0.55))
        p.setPen(QColor(t.muted))
        p.drawText(QRectF(x_label, 0, label_w, head_h), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                   tr("column.ticket", lang))
        p.drawText(QRectF(x_window, 0, self.width() - x_window, head_h),
                   Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, tr("column.window", lang))
        if self.calls.rowCount() == 0:
            self._paint_empty(p, QRectF(0, head_h, self.width(), self.height() - head_h))
            p.end()
            return
        p.setFont(row_font)
        for number in range(min(self.row_count(), self.calls.rowCount())):
            index = self.calls.index(number)
            box = QRectF(0, head_h + number * row_h, self.width(), row_h)
            background, ink, arrow = (t.row_alt if number % 2 else t.row), t.row_text, t.arrow
            if not index.data(CallsModel.CurrentRole):   # that visit is over: still listed, quieter
                ink = arrow = t.muted
            if index.data(CallsModel.HighlightRole):
                blinking_off = index.data(CallsModel.BlinkRole) and not self.phase
                background = t.blink if blinking_off else t.highlight
                ink = arrow = t.blink_text if blinking_off else t.highlight_text
            p.fillRect(box, QColor(background))
            middle = Qt.AlignmentFlag.AlignVCenter
            p.setPen(QColor(ink))
            p.drawText(QRectF(x_label, box.y(), label_w, row_h), Qt.AlignmentFlag.AlignLeft | middle,
                       index.data(CallsModel.LabelRole))
            p.setPen(QColor(arrow))
            glyph = fm.tightBoundingRect("→")   # centre the arrow's ink, not its advance, in the gap
            p.drawText(QPointF(x_arrow + (arrow_w - glyph.width()) / 2 - glyph.x(),
                               box.y() + (row_h + fm.ascent() - fm.descent()) / 2), "→")
            p.setPen(QColor(ink))
            p.drawText(QRectF(x_window, box.y(), self.width() - x_window, row_h), Qt.AlignmentFlag.AlignLeft | middle,
                       self._window(index.data(CallsModel.WindowRole)))
        p.end()

    def _paint_empty(self, p: QPainter, box: QRectF) -> None:
        t, lang = self.theme, self.board.language
        key = "state.connecting" if not self.board.has_data and self.board.note_key else "calls.empty"
        if self.board.note_key == "state.auth_failed":
            key = "state.auth_failed"
        p.setPen(QColor(t.row_text))
        p.setFont(fitted(t, box.height() * 0.14, box.width() * 0.9, [tr(key, lang)]))
        p.drawText(QRectF(box.x(), box.y(), box.width(), box.height() * 0.55),
                   Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom | Qt.TextFlag.TextWordWrap, tr(key, lang))
        if key == "calls.empty":
            p.setPen(QColor(t.muted))
            p.setFont(font(t, box.height() * 0.05))
            p.drawText(QRectF(box.x() + box.width() * 0.1, box.y() + box.height() * 0.6, box.width() * 0.8,
                              box.height() * 0.3), Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
                       | Qt.TextFlag.TextWordWrap, tr("calls.empty.hint", lang))


class WaitingPanel(QWidget):
    """Paints the waiting counts: a prefix badge, the service, the count."""

    def __init__(self, model: BoardModel, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.board, self.theme = model, theme
        self.waiting: WaitingModel = model.waiting
        self.waiting.modelReset.connect(self.update)
        self.waiting.dataChanged.connect(self.update)

    def columns(self) -> int:
        return 2 if is_portrait(self.window()) else 1

    def wanted_height(self) -> float:
        u = unit(self.window())
        return 76 * u + math.ceil(max(1, self.waiting.rowCount()) / self.columns()) * 80 * u + 24 * u

    def paintEvent(self, event: QPaintEvent) -> None:
        t, lang = self.theme, self.board.language
        u = unit(self.window())
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor(t.panel))
        pad, title_h = 32 * u, 76 * u
        p.setPen(QColor(t.muted))
        p.setFont(font(t, 36 * u, bold=True))
        p.drawText(QRectF(pad, 0, self.width() - 2 * pad, title_h), Qt.AlignmentFlag.AlignLeft
                   | Qt.AlignmentFlag.AlignVCenter, tr("waiting.title", lang))
        rows, cols = self.waiting.rows, self.columns()
        per_col = max(1, math.ceil(len(rows) / cols))
        row_h = min(96 * u, (self.height() - title_h - 12 * u) / per_col)
        col_w = (self.width() - pad) / cols
        name_w = col_w - pad - 80 * u - min(row_h * 0.8, 60 * u) - 24 * u
        name_font = min((fitted_wrapped(t, min(row_h * 0.36, 34 * u), name_w, row_h * 0.92, row.name) for row in rows),
                        key=lambda f: f.pixelSize(), default=font(t, 34 * u))
        for number, row in enumerate(rows):
            col, line = divmod(number, per_col)
            x, y = pad + col * col_w, title_h + line * row_h
            side = min(row_h * 0.8, 60 * u)
            badge = QRectF(x, y + (row_h - side) / 2, side, side)
            p.setBrush(QColor(t.arrow))
            p.setPen(Qt.PenStyle.NoPen)
            p.drawRoundedRect(badge, 8 * u, 8 * u)
            p.setPen(QColor(t.highlight_text))
            p.setFont(font(t, side * 0.62, bold=True))
            p.drawText(badge, Qt.AlignmentFlag.AlignCenter, row.prefix)
            count_w = 80 * u
            p.setPen(QColor(t.panel_text if row.waiting else t.muted))
            p.setFont(font(t, min(row_h * 0.5, 44 * u), bold=True))
            p.drawText(QRectF(x + col_w - pad - count_w, y, count_w, row_h),
                       Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, str(row.waiting))
            name_x = badge.right() + 16 * u
            name = QRectF(name_x, y, x + col_w - pad - count_w - name_x - 8 * u, row_h)
            p.setPen(QColor(t.panel_text))
            p.setFont(name_font)
            p.drawText(name, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap,
                       row.name)
        p.end()


class MainBoard(QWidget):
    """Header, calls (+ waiting counts), running text; re-arranged for portrait on resize."""

    def __init__(self, model: BoardModel, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model, self.theme = model, theme
        self.header = HeaderBar(model, theme)
        self.calls_panel = CallsPanel(model, theme)
        self.waiting_panel = WaitingPanel(model, theme)
        self.ticker = Ticker(model, theme)
        self.body = QBoxLayout(QBoxLayout.Direction.LeftToRight)
        self.body.setContentsMargins(0, 0, 0, 0)
        self.body.setSpacing(0)
        self.body.addWidget(self.calls_panel, 7)
        self.body.addWidget(self.waiting_panel, 3)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self.header)
        outer.addLayout(self.body, 1)
        outer.addWidget(self.ticker)
        self.waiting_panel.setVisible(model.settings.show_waiting)
        model.waiting.modelReset.connect(self._arrange)

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._arrange()
        super().resizeEvent(event)

    def _arrange(self) -> None:
        u = unit(self)
        portrait = is_portrait(self)
        self.header.setFixedHeight(round((150 if portrait else 112) * u))
        self.ticker.setFixedHeight(round(76 * u))
        if portrait:
            self.body.setDirection(QBoxLayout.Direction.TopToBottom)
            self.waiting_panel.setMinimumWidth(0)
            self.waiting_panel.setMaximumWidth(QWIDGETSIZE_MAX)
            self.waiting_panel.setFixedHeight(round(self.waiting_panel.wanted_height()))
        else:
            self.body.setDirection(QBoxLayout.Direction.LeftToRight)
            self.waiting_panel.setMinimumHeight(0)
            self.waiting_panel.setMaximumHeight(QWIDGETSIZE_MAX)
            self.waiting_panel.setFixedWidth(round(self.width() * WAITING_SHARE))
