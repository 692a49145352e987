"""The frame around every screen: the header (office, title), the accessibility toolbar at the
bottom (language, contrast, text size: one touch each, on every screen), and the full-screen
overlay that says the kiosk is out of order until the connection is back.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from PySide6.QtCore import QDateTime, Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

from ..model import KioskModel
from ..states import Overlay


def label(role: str, parent: QWidget, *, wrap: bool = True, center: bool = False) -> QLabel:
    widget = QLabel(parent, wordWrap=wrap)
    widget.setProperty("role", role)
    if center:
        widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return widget


def bullet_list(items: Sequence[str]) -> str:
    """``items`` as rich text whose wrapped lines hang under the text, not under the bullet (a two-column table)."""
    rows = "".join(f'<tr><td style="padding-right: 0.6em;">•</td><td style="padding-bottom: 0.35em;">'
                   f"{html.escape(item, quote=False)}</td></tr>" for item in items)
    return f'<table cellspacing="0" cellpadding="0">{rows}</table>'


def button(name: str, role: str, parent: QWidget, *, checkable: bool = False) -> QPushButton:
    widget = QPushButton(parent)
    widget.setObjectName(name)
    widget.setProperty("role", role)
    widget.setCheckable(checkable)
    widget.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    return widget


class Header(QWidget):
    """Office name and clock on one line; the screen's title and one line under it."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("header")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.office = label("office", self)
        self.clock = label("office", self, wrap=False)
        self.title = label("greeting", self)
        self.subtitle = label("header_sub", self)
        top = QHBoxLayout()
        top.addWidget(self.office, 1)
        top.addWidget(self.clock, 0, Qt.AlignmentFlag.AlignTop)
        box = QVBoxLayout(self)
        box.setContentsMargins(48, 32, 48, 32)
        box.setSpacing(14)
        box.addLayout(top)
        box.addStretch(2)
        box.addWidget(self.title)
        box.addWidget(self.subtitle)
        box.addStretch(1)
        self._timer = QTimer(self, interval=10_000)
        self._timer.timeout.connect(self._tick)
        self._timer.start()
        self._tick()

    def _tick(self) -> None:
        self.clock.setText(QDateTime.currentDateTime().toString("HH:mm"))

    def show_texts(self, office: str, title: str, subtitle: str) -> None:
        self.office.setText(office)
        self.title.setText(title)
        self.subtitle.setText(subtitle)
        self.subtitle.setVisible(bool(subtitle))


class Toolbar(QWidget):
    """Language, high contrast, large text; and where to get help.  Always at the bottom."""

    def __init__(self, model: KioskModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("toolbar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._model = model
        self.lang = button("lang", "toggle", self)
        self.contrast = button("contrast", "toggle", self, checkable=True)
        self.large = button("large_text", "toggle", self, checkable=True)
        self.help = label("help", self, center=True)
        row = QHBoxLayout()
        row.setSpacing(18)
        for widget in (self.lang, self.contrast, self.large):
            widget.setMinimumHeight(96)
            row.addWidget(widget)
        box = QVBoxLayout(self)
        box.setContentsMargins(32, 18, 32, 18)
        box.setSpacing(10)
        box.addLayout(row)
        box.addWidget(self.help)
        self.lang.clicked.connect(model.toggle_lang)
        self.contrast.toggled.connect(model.set_high_contrast)
        self.large.toggled.connect(model.set_large_text)

    def show_state(self) -> None:
        m = self._model
        self.lang.setText(m.text("lang_switch"))
        self.contrast.setText("◐  " + m.text("contrast"))
        self.large.setText("A+  " + m.text("large_text"))
        for widget, on in ((self.contrast, m.high_contrast), (self.large, m.large_text)):
            widget.blockSignals(True)
            widget.setChecked(on)
            widget.blockSignals(False)
        self.help.setText(m.text("ask_admin"))


class OfflineOverlay(QWidget):
    """Covers the whole kiosk while it cannot take tickets; clears itself when the link is back."""

    def __init__(self, model: KioskModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("offline")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._model = model
        self.sign = label("offline_sign", self, center=True)
        self.title = label("offline_title", self, center=True)
        self.text = label("offline_text", self, center=True)
        self.note = label("offline_text", self, center=True)
        box = QVBoxLayout(self)
        box.setContentsMargins(80, 80, 80, 80)
        box.setSpacing(40)
        box.addStretch(2)
        for widget in (self.sign, self.title, self.text, self.note):
            box.addWidget(widget)
        box.addStretch(3)

    def show_state(self) -> None:
        m = self._model
        overlay = m.overlay
        self.setVisible(overlay is not Overlay.NONE)
        if overlay is Overlay.LOADING:
            self.sign.setText("…")
            self.title.setText(m.text("loading"))
            self.text.setText("")
            self.note.setText("")
        elif overlay is Overlay.NOT_CONNECTED:
            self.sign.setText("⚠")
            self.title.setText(m.text("offline_title"))
            self.text.setText(m.text("auth_failed"))
            self.note.setText("")
        else:
            self.sign.setText("⚠")
            self.title.setText(m.text("offline_title"))
            self.text.setText(m.text("offline_text"))
            self.note.setText(m.text("offline_wait"))
        self.raise_()
