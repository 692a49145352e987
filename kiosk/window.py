"""``KioskWindow``: the header, the screens, the accessibility toolbar and the offline overlay.

The window only arranges: which page shows, the header's texts, the stylesheet for the
contrast and text size, and the header's height for the orientation (a third of a portrait
screen, so every control sits in the lower two thirds; a quarter of a landscape one).  Every
touch anywhere counts as activity for the model's idle timer (an event filter).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QStackedWidget, QVBoxLayout, QWidget

from . import theme
from .model import KioskModel
from .states import Screen
from .widgets.chrome import Header, OfflineOverlay, Toolbar
from .widgets.screens import HomePage, PriorityPage, ServicePage
from .widgets.ticket_page import TicketPage

_ACTIVITY = frozenset({QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin, QEvent.Type.KeyPress})


class KioskWindow(QWidget):
    def __init__(self, model: KioskModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kiosk_root")
        self.model = model
        self.header = Header(self)
        self.stack = QStackedWidget(self)
        self.stack.setMinimumSize(1, 1)   # the hidden pages must not make the window taller than the screen
        self.home = HomePage(model)
        self.service = ServicePage(model)
        self.priority = PriorityPage(model)
        self.ticket = TicketPage(model)
        self._pages = {Screen.HOME: self.home, Screen.CATEGORY: self.home, Screen.SERVICE: self.service,
                       Screen.PRIORITY: self.priority, Screen.TICKET: self.ticket}
        for page in (self.home, self.service, self.priority, self.ticket):
            self.stack.addWidget(page)
        self.toolbar = Toolbar(model, self)
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(0)
        box.addWidget(self.header)
        box.addWidget(self.stack, 1)
        box.addWidget(self.toolbar)
        self.overlay = OfflineOverlay(model, self)
        self._style_key: tuple[bool, bool] | None = None
        model.screen_changed.connect(lambda _s: self.show_state())
        model.catalog_changed.connect(self.show_state)
        model.settings_changed.connect(self.show_state)
        model.overlay_changed.connect(lambda _o: self.overlay.show_state())
        model.ticket_changed.connect(self._render_header)
        app = QApplication.instance()
        if app is not None:   # touches on any child widget reach the model's idle timer
            app.installEventFilter(self)
        self.show_state()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY and isinstance(watched, QWidget) and watched.window() is self:
            self.model.user_activity()
        return False

    def show_state(self) -> None:
        m = self.model
        key = (m.high_contrast, m.large_text)
        if key != self._style_key:
            self._style_key = key
            self.setStyleSheet(theme.stylesheet(m.high_contrast, theme.LARGE_SCALE if m.large_text else 1.0))
        page = self._pages[m.screen]
        self.stack.setCurrentWidget(page)
        self._render_header()
        self.toolbar.show_state()
        for each in (self.home, self.service, self.priority, self.ticket):
            if each is page:
                each.show_state()
        self.overlay.show_state()
        self._fit_header()

    def _render_header(self) -> None:
        m = self.model
        office = m.catalog.office_name(m.lang)
        entry = m.current_entry()
        if m.screen is Screen.HOME:
            title, subtitle = m.text("greeting"), m.text("choose_service")
        elif m.screen is Screen.CATEGORY and entry is not None:
            title, subtitle = entry.name(m.lang), m.text("choose_in_category")
        elif m.screen is Screen.SERVICE and entry is not None:
            title, subtitle = entry.name(m.lang), ""
        elif m.screen is Screen.PRIORITY:
            title, subtitle = m.text("priority_title"), m.text("priority_intro")
        else:
            title, subtitle = m.text("your_number"), ""
        self.header.show_texts(office, title, subtitle)

    def _fit_header(self) -> None:
        height = self.height()
        portrait = height > self.width()
        if self.model.screen is Screen.TICKET:
            share = 0.12 if portrait else 0.14
        else:
            share = 1 / 3 if portrait else 0.24
        self.header.setFixedHeight(max(160, int(height * share)))

    def resizeEvent(self, event: object) -> None:
        self.overlay.setGeometry(self.rect())
        self._fit_header()
