"""Pieces both boards use: big-type helpers, the header (office, clock, date) and the running text.

Every size is a fraction of the screen, through ``unit(widget)`` (1.0 on a 1080-line
screen, 2.0 on 4K), so one layout reads the same from across the hall on any television,
portrait or landscape.  Widgets paint themselves (no style sheets): big type needs exact
control of where each glyph goes.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPaintEvent
from PySide6.QtWidgets import QWidget

from .i18n import format_clock, format_date, tr
from .model import BoardModel
from .theme import Theme


def unit(widget: QWidget) -> float:
    """The size unit: the short side of the window over 1080."""
    return max(0.25, min(widget.width(), widget.height()) / 1080)


def font(theme: Theme, pixels: float, *, bold: bool = False) -> QFont:
    f = QFont(theme.font_family)
    f.setPixelSize(max(6, round(pixels)))
    f.setBold(bold)
    return f


def fitted(theme: Theme, pixels: float, width: float, samples: list[str], *, bold: bool = True) -> QFont:
    """The largest font up to ``pixels`` tall in which every text of ``samples`` fits ``width``."""
    f = font(theme, pixels, bold=bold)
    widest = max((QFontMetricsF(f).horizontalAdvance(s) for s in samples), default=0.0)
    if widest > width > 0:
        f.setPixelSize(max(6, int(pixels * width / widest)))
    return f


def fitted_wrapped(theme: Theme, pixels: float, width: float, height: float, text: str, *,
                   bold: bool = False) -> QFont:
    """The largest font up to ``pixels`` in which ``text``, word-wrapped to ``width``, fits ``height``."""
    size = pixels
    while True:
        f = font(theme, size, bold=bold)
        box = QFontMetricsF(f).boundingRect(QRectF(0, 0, width, 1e6), int(Qt.TextFlag.TextWordWrap), text)
        if (box.height() <= height and box.width() <= width) or size <= 8:
            return f
        size *= 0.94


def elided(painter: QPainter, text: str, width: float) -> str:
    return painter.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, int(width))


class HeaderBar(QWidget):
    """The top band: the office name (and a quiet status note) left, clock and date right.

    ``title`` replaces the office name (a window board shows "Окно 3" there).
    """

    def __init__(self, model: BoardModel, theme: Theme, title: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model, self.theme, self.title = model, theme, title
        self._clock = QTimer(self, interval=1000)
        self._clock.timeout.connect(self.update)
        self._clock.start()
        model.office_changed.connect(self.update)
        model.note_changed.connect(self.update)

    def paintEvent(self, event: QPaintEvent) -> None:
        u = unit(self.window()) if self.window() is not None else 1.0
        t, m = self.theme, self.model
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        p.fillRect(self.rect(), QColor(t.header))
        pad = 40 * u
        h = self.height()
        now = m.local_now()
        clock_font = font(t, h * 0.52, bold=True)
        date_font = font(t, h * 0.2)
        clock_w = max(QFontMetricsF(clock_font).horizontalAdvance("88:88"),
                      QFontMetricsF(date_font).horizontalAdvance(format_date(now, m.language)))
        right = QRectF(self.width() - pad - clock_w, 0, clock_w, h)
        p.setPen(QColor(t.header_text))
        p.setFont(clock_font)
        p.drawText(QRectF(right.x(), h * 0.04, clock_w, h * 0.62),
                   Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom, format_clock(now))
        p.setFont(date_font)
        p.drawText(QRectF(right.x(), h * 0.66, clock_w, h * 0.3),
                   Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop, format_date(now, m.language))
        left_w = right.x() - 2 * pad
        note = tr(m.note_key, m.language) if m.note_key and m.has_data else ""
        title = self.title if self.title is not None else m.office_name
        title_box = QRectF(pad, 0, left_w, h * (0.66 if note else 1.0))
        if self.title:   # a window board: "Окно 3", one line, as big as fits
            p.setFont(fitted(t, h * 0.5, left_w, [title], bold=True))
            p.drawText(title_box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)
        else:            # the office name: up to two lines
            p.setFont(fitted_wrapped(t, h * 0.3, left_w, title_box.height() * 0.9, title, bold=True))
            p.drawText(title_box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
                       | Qt.TextFlag.TextWordWrap, title)
        if note:   # quiet: small, in the header's own colour, no red, no icon that alarms
            p.setFont(font(t, h * 0.17))
            muted = QColor(t.header_text)
            muted.setAlphaF(0.8)
            p.setPen(muted)
            p.drawText(QRectF(pad, h * 0.68, left_w, h * 0.28), Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop,
                       "◌ " + note)
        p.end()


class Ticker(QWidget):
    """The manager's running text: still when it fits, scrolling right to left when it does not."""

    STEP_MS = 30

    def __init__(self, model: BoardModel, theme: Theme, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model, self.theme = model, theme
        self.offset = 0.0
        self._timer = QTimer(self, interval=self.STEP_MS)
        self._timer.timeout.connect(self._step)
        model.running_text_changed.connect(self._text_changed)
        self._text_changed(model.running_text)

    def _text_changed(self, text: str) -> None:
        self.offset = 0.0
        self.setVisible(bool(text.strip()))
        if text.strip():
            self._timer.start()
        else:
            self._timer.stop()
        self.update()

    def _font(self) -> QFont:
        return font(self.theme, self.height() * 0.56, bold=True)

    def _text(self) -> str:
        return " ".join(self.model.running_text.split())   # one line, whatever the manager typed

    def _step(self) -> None:
        text_w = QFontMetricsF(self._font()).horizontalAdvance(self._text())
        if text_w <= self.width() - 80 * unit(self.window()):
            if self.offset:
                self.offset = 0.0
                self.update()
            return
        self.offset += 2.2 * unit(self.window())   # about 70 px a second on a 1080 screen
        if self.offset > text_w + 40 * unit(self.window()):
            self.offset = -float(self.width()) + 40 * unit(self.window())   # re-enter from the right
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        t = self.theme
        p = QPainter(self)
        p.fillRect(self.rect(), QColor(t.ticker))
        p.setPen(QColor(t.ticker_text))
        p.setFont(self._font())
        pad = 40 * unit(self.window())
        p.drawText(QRectF(pad - self.offset, 0, 1e6, self.height()),
                   Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, self._text())
        p.end()
