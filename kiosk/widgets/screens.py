"""The screens before the ticket: home and category (tiles), a service's page, priority.

Each page is the Qt view of ``KioskModel``: ``show_state()`` reads the model, touches go to its
intent slots.  The controls sit low: the tiles fill the lower part of the screen and the
"back" row and the big "take a ticket" button are at the bottom, in a wheelchair's reach.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QBoxLayout,
    QFrame,
    QHBoxLayout,
    QPushButton,
    QScrollArea,
    QScroller,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from .. import i18n
from ..info_print import InfoPrintState, fail_key
from ..listmodels import IdRole
from ..model import KioskModel
from ..states import Screen
from .chrome import bullet_list, button, label
from .tiles import Tile, TileGrid


def scroll_area(inner: QWidget, parent: QWidget) -> QScrollArea:
    """A touch-scrollable area (drag with a finger) with no frame."""
    area = QScrollArea(parent)
    area.setWidget(inner)
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    QScroller.grabGesture(area.viewport(), QScroller.ScrollerGestureType.LeftMouseButtonGesture)
    return area


def nav_row(parent: QWidget, model: KioskModel, *, home: bool) -> tuple[QHBoxLayout, QPushButton, QPushButton | None]:
    row = QHBoxLayout()
    row.setSpacing(20)
    back = button("back", "nav", parent)
    back.setMinimumHeight(100)
    back.clicked.connect(model.go_back)
    row.addWidget(back)
    start: QPushButton | None = None
    if home:
        start = button("home", "nav", parent)
        start.setMinimumHeight(100)
        start.clicked.connect(model.go_home)
        row.addWidget(start)
    return row, back, start


class PriorityBanner(QWidget):
    """"Priority ticket: <category>" with a way to take it back; shown while a category is chosen."""

    def __init__(self, model: KioskModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._model = model
        self.text = label("priority_banner", self)
        self.cancel = button("priority_cancel", "nav", self)
        self.cancel.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.cancel.setMinimumHeight(90)
        self.cancel.clicked.connect(model.clear_priority)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(16)
        row.addWidget(self.text, 1)
        row.addWidget(self.cancel, 0)

    def show_state(self) -> None:
        m = self._model
        self.setVisible(m.priority is not None)
        self.text.setText(m.text("priority_selected", name=m.priority_name()))
        self.cancel.setText(m.text("priority_cancel"))


class HomePage(QWidget):
    """The tiles of the home screen or of one category; the priority path on the home screen."""

    def __init__(self, model: KioskModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screen")
        self._model = model
        self.banner = PriorityBanner(model, self)
        self.notice = label("banner", self, center=True)
        self.grid = TileGrid(model.entries)
        self.grid.tapped.connect(model.open_entry)
        self.area = scroll_area(self.grid, self)
        self.priority = button("priority", "priority", self)
        self.priority.setMinimumHeight(110)
        self.priority.clicked.connect(model.open_priority)
        nav, self.back, _ = nav_row(self, model, home=False)
        box = QVBoxLayout(self)
        box.setContentsMargins(40, 28, 40, 24)
        box.setSpacing(22)
        box.addWidget(self.banner)
        box.addWidget(self.notice)
        box.addWidget(self.area, 1)
        box.addWidget(self.priority)
        box.addLayout(nav)

    def show_state(self) -> None:
        m = self._model
        home = m.screen is Screen.HOME
        self.banner.show_state()
        closed, nothing = m.catalog.office_closed(), m.catalog.nothing_available()
        self.notice.setText(m.text("office_closed_banner") if closed else m.text("nothing_available"))
        self.notice.setVisible(home and (closed or nothing))
        self.priority.setText("♿  " + m.text("priority_button"))
        self.priority.setVisible(home and m.priority is None and bool(m.catalog.priorities))
        self.back.setText("‹  " + m.text("back"))
        self.back.setVisible(not home)
        self.grid.set_scale(1.3 if m.large_text else 1.0)
        self.area.verticalScrollBar().setValue(0)


_PRINT_BUTTON = {None: "info_print", InfoPrintState.PRINTING: "info_printing", InfoPrintState.PRINTED: "info_printed",
                 InfoPrintState.FAILED: "info_print"}
_PRINT_NOTE: dict[InfoPrintState | None, str] = {InfoPrintState.PRINTING: "info_printing_note",
                                                 InfoPrintState.PRINTED: "info_printed_note"}


class ServicePage(QWidget):
    """One service: its queue now, what to bring (when the server sends it), the big button.

    A kiosk with a printer has "print" between "back" and "start over": the page on paper to take
    home, and just above that row what became of the printout (printing, take it, or take a photo
    instead).  Out of the touch-scrolled area on purpose: the scroller holds a quick tap's press
    back, and a button needs both halves of a tap.
    """

    def __init__(self, model: KioskModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screen")
        self._model = model
        inner = QWidget()
        inner.setObjectName("screen")
        self.queue = label("body", inner)
        self.wait = label("body", inner)
        self.description = label("body", inner)
        self.docs_title = label("title", inner)
        self.docs = label("body", inner)
        self.docs.setTextFormat(Qt.TextFormat.RichText)   # a bullet list whose wrapped lines hang under the text
        self.letter = label("subtitle", inner)
        col = QVBoxLayout(inner)
        col.setContentsMargins(0, 0, 0, 0)
        col.setSpacing(18)
        for widget in (self.queue, self.wait, self.description, self.docs_title, self.docs, self.letter):
            col.addWidget(widget)
        col.addStretch(1)
        self.area = scroll_area(inner, self)
        self.banner = PriorityBanner(model, self)
        self.message = label("banner", self, center=True)
        self.take = button("take_ticket", "primary", self)
        self.take.setMinimumHeight(170)
        self.take.clicked.connect(model.take_ticket)
        self.print_note = label("note", self, center=True)       # printing, or take the page
        self.print_failure = label("banner", self, center=True)  # take a photo of this page instead
        nav, self.back, self.home = nav_row(self, model, home=True)
        self.print = button("print_info", "print", self)
        self.print.setMinimumHeight(100)
        self.print.clicked.connect(model.print_info)
        nav.insertWidget(1, self.print)
        controls = QVBoxLayout()
        controls.setSpacing(22)
        controls.addStretch(1)   # landscape: the buttons at the bottom of their column
        for control in (self.banner, self.message, self.take, self.print_note, self.print_failure):
            controls.addWidget(control)
        controls.addLayout(nav)
        self._box = QBoxLayout(QBoxLayout.Direction.TopToBottom, self)
        self._box.setContentsMargins(48, 28, 48, 24)
        self._box.setSpacing(22)
        self._box.addWidget(self.area, 1)
        self._box.addLayout(controls)
        model.busy_changed.connect(lambda _busy: self.show_state())
        model.message_changed.connect(lambda _text: self.show_state())
        model.info_print_changed.connect(self.show_state)

    def resizeEvent(self, event: object) -> None:
        """Landscape: the page's text beside the buttons, so what to bring stays readable (and photographable)."""
        landscape = self.width() > self.height() * 1.4
        self._box.setDirection(QBoxLayout.Direction.LeftToRight if landscape else QBoxLayout.Direction.TopToBottom)
        self._box.setStretch(0, 3 if landscape else 1)
        self._box.setStretch(1, 2 if landscape else 0)

    def show_state(self) -> None:
        m = self._model
        entry = m.current_entry()
        if entry is None or m.screen is not Screen.SERVICE:
            return
        lang = m.lang
        self.queue.setText(m.text("queue_now", people=i18n.people(entry.waiting, lang)) if entry.waiting
                           else m.text("queue_empty"))
        wait = entry.estimated_wait_s if entry.waiting else None
        self.wait.setText(m.text("wait_now", wait=i18n.duration(wait, lang)) if wait is not None else "")
        self.wait.setVisible(wait is not None and entry.available)
        self.description.setText(entry.description(lang))
        self.description.setVisible(bool(entry.description(lang)))
        documents = entry.documents(lang)
        self.docs_title.setText(m.text("documents"))
        self.docs.setText(bullet_list(documents) if documents else m.text("documents_missing"))
        self._render_print()
        self.letter.setText(m.text("service_letter", prefix=entry.prefix) if entry.prefix else "")
        self.letter.setVisible(bool(entry.prefix))
        self.banner.show_state()
        reason = m.reason(entry.unavailable)
        self.message.setText(m.message or reason)
        self.message.setVisible(bool(m.message or reason))
        self.take.setText(m.text("taking_ticket") if m.busy else m.text("take_ticket"))
        self.take.setEnabled(entry.available and not m.busy)
        self.back.setText("‹  " + m.text("back"))
        if self.home is not None:
            self.home.setText("⌂  " + m.text("home"))
            self.home.setEnabled(not m.busy)
        self.back.setEnabled(not m.busy)


    def _render_print(self) -> None:
        """The print button and, above its row, what became of the printout."""
        m = self._model
        info = m.info_print if m.info_print is not None and m.info_print.service == m.service else None
        state = info.state if info is not None else None
        self.print.setVisible(m.can_print_info)
        self.print.setEnabled(state not in (InfoPrintState.PRINTING, InfoPrintState.PRINTED))
        self.print.setText(m.text(_PRINT_BUTTON[state]))
        failed = info is not None and info.state is InfoPrintState.FAILED
        self.print_failure.setText(m.text(fail_key(info.fail_reason)) if info is not None and failed else "")
        self.print_failure.setVisible(failed)
        note = _PRINT_NOTE.get(state)
        self.print_note.setText(m.text(note) if note else "")
        self.print_note.setVisible(note is not None)


class PriorityPage(QWidget):
    """The office's priority categories as big buttons, and the words "the document is checked"."""

    def __init__(self, model: KioskModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("screen")
        self._model = model
        self.check = label("note", self)
        self.empty = label("body", self)
        inner = QWidget()
        inner.setObjectName("screen")
        self._list = QVBoxLayout(inner)
        self._list.setContentsMargins(0, 0, 0, 0)
        self._list.setSpacing(18)
        self._buttons: list[Tile] = []
        self.area = scroll_area(inner, self)
        nav, self.back, _ = nav_row(self, model, home=False)
        box = QVBoxLayout(self)
        box.setContentsMargins(40, 28, 40, 24)
        box.setSpacing(22)
        box.addWidget(self.check)
        box.addWidget(self.empty)
        box.addWidget(self.area, 1)
        box.addLayout(nav)
        model.priorities.modelReset.connect(self._rebuild)

    def _rebuild(self) -> None:
        rows = self._model.priorities.rowCount()
        while len(self._buttons) < rows:
            choice = Tile("", self.area.widget())
            choice.tapped.connect(self._model.choose_priority)
            self._list.insertWidget(len(self._buttons), choice)
            self._buttons.append(choice)
        while len(self._buttons) > rows:
            gone = self._buttons.pop()
            self._list.removeWidget(gone)
            gone.hide()
            gone.deleteLater()
        scale = 1.3 if self._model.large_text else 1.0
        for row, choice in enumerate(self._buttons):
            index = self._model.priorities.index(row, 0)
            choice.entry_id = str(index.data(IdRole))
            choice.setObjectName(f"priority:{choice.entry_id}")
            choice.show_entry(str(index.data()), "", True, int(110 * scale))
        if self._list.count() == len(self._buttons):
            self._list.addStretch(1)

    def show_state(self) -> None:
        m = self._model
        self.check.setText(m.text("priority_check"))
        self.empty.setText(m.text("priority_none"))
        self.empty.setVisible(not self._buttons)
        self.back.setText("‹  " + m.text("back"))
        self._rebuild()
