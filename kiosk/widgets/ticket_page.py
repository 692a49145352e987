"""The ticket screen: the number, large; the service; people ahead and the wait; "take your
ticket".  When printing fails, the screen itself becomes the ticket: the reason in plain
words, "please remember your number", the number larger still, and a QR code to photograph.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetrics, QPixmap
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from .. import i18n, theme
from ..model import KioskModel
from ..qr import payload, qr_image
from ..ticket import PrintState, fail_key
from .chrome import button, label

QR_SIZE = 280


class TicketPage(QWidget):
    def __init__(self, model: KioskModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screen")
        self._model = model
        self.failure = label("banner", self, center=True)
        self.number = label("number", self, wrap=False, center=True)
        self.number.setObjectName("ticket_number")
        self.service = label("ticket_service", self, center=True)
        self.service.setObjectName("ticket_service")
        self.ahead = label("ticket_info", self, center=True)
        self.wait = label("ticket_info", self, center=True)
        self.priority = label("ticket_info", self, center=True)
        self.board = label("ticket_info", self, center=True)
        self.qr = QLabel(self)
        self.qr.setObjectName("ticket_qr")
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.qr_hint = label("ticket_info", self, center=True)
        self.take = label("take", self, center=True)
        self.take.setObjectName("take_your_ticket")
        self.countdown = label("subtitle", self, center=True)
        self.done = button("done", "primary", self)
        self.done.setMinimumHeight(130)
        self.done.clicked.connect(model.ticket_done)

        hero = QVBoxLayout()
        hero.setSpacing(6)
        hero.addWidget(self.number)
        hero.addWidget(self.service)
        hero.addWidget(self.priority)
        infos = QVBoxLayout()
        infos.setSpacing(14)
        infos.addStretch(1)
        for widget in (self.qr_hint, self.ahead, self.wait, self.board):
            infos.addWidget(widget)
        infos.addStretch(1)
        side = QHBoxLayout()
        side.setSpacing(28)
        side.addWidget(self.qr, 0)
        side.addLayout(infos, 1)
        self._middle = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self._middle.setSpacing(24)
        self._middle.addLayout(hero, 3)
        self._middle.addLayout(side, 2)
        box = QVBoxLayout(self)
        box.setContentsMargins(48, 20, 48, 24)
        box.setSpacing(16)
        box.addWidget(self.failure)
        box.addLayout(self._middle)
        box.addStretch(1)
        box.addWidget(self.take)
        box.addWidget(self.countdown)
        box.addWidget(self.done)
        model.ticket_changed.connect(self.show_state)
        model.countdown_changed.connect(self._show_countdown)

    def resizeEvent(self, event: object) -> None:
        landscape = self.width() > self.height() * 1.2
        self._middle.setDirection(QBoxLayout.Direction.LeftToRight if landscape else QBoxLayout.Direction.TopToBottom)
        self._fit_number()

    def _fit_number(self) -> None:
        """As large as the theme asks, but never wider than the space it has (no clipped digit)."""
        m = self._model
        failed = m.ticket is not None and m.ticket.failed
        wanted = theme.px("number_failed" if failed else "number", theme.LARGE_SCALE if m.large_text else 1.0)
        landscape = self.width() > self.height() * 1.2
        room = int((self.width() - 96) * (0.6 if landscape else 0.95))
        font = QFont(self.number.font())
        font.setBold(True)
        font.setPixelSize(wanted)
        width = QFontMetrics(font).horizontalAdvance(self.number.text() or "А000")
        size = wanted if width <= room else max(40, int(wanted * room / width))
        self.number.setStyleSheet(f"font-size: {size}px; font-weight: bold;")

    def _show_countdown(self, seconds: int) -> None:
        self.countdown.setText(self._model.text("back_in", n=seconds))

    def show_state(self) -> None:
        m = self._model
        ticket = m.ticket
        if ticket is None:
            return
        lang = m.lang
        failed = ticket.failed
        self.number.setText(ticket.label)
        self._fit_number()
        self.service.setText(m.service_name(ticket.service))
        self.ahead.setText(m.text("people_ahead", people=i18n.people(ticket.people_ahead, lang))
                           if ticket.people_ahead else m.text("nobody_ahead"))
        wait = ticket.estimated_wait_s
        self.wait.setText(m.text("estimated_wait", wait=i18n.duration(wait, lang)) if wait and ticket.people_ahead else "")
        self.wait.setVisible(bool(self.wait.text()))
        self.board.setText(m.text("watch_board"))
        self.priority.setText(m.text("priority_ticket"))
        self.priority.setVisible(ticket.priority is not None)
        self.failure.setVisible(failed)
        self.failure.setText(m.text(fail_key(ticket.fail_reason)) + "\n" + m.text("remember_number"))
        self.qr.setVisible(failed)
        self.qr_hint.setVisible(failed)
        if failed:
            image = qr_image(payload(ticket.office, ticket.label), QR_SIZE)
            self.qr.setPixmap(QPixmap.fromImage(image))
            self.qr_hint.setText(m.text("photo_qr"))
        self.take.setVisible(not failed)
        printing = ticket.print_state is PrintState.PRINTING
        self.take.setText(m.text("printing") if printing else "↓  " + m.text("take_your_ticket") + "  ↓")
        self.done.setText(m.text("done"))
        self._show_countdown(m.seconds_left)
