"""The sign-in screen: server, login, password, window.  Emits one intent, ``submitted``."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFormLayout, QFrame, QLineEdit, QPushButton, QSpinBox, QVBoxLayout, QWidget

from queue_protocol.messages import MAX_WINDOW

from .i18n import tr
from .operator_view import label


class LoginView(QWidget):
    """``submitted(url, user, password, window)``; window 0 means "no window" (a manager)."""

    submitted = Signal(str, str, str, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("login")
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        box = QFrame()
        box.setObjectName("loginBox")
        box.setFixedWidth(520)
        outer.addWidget(box, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)
        inner = QVBoxLayout(box)
        inner.setContentsMargins(32, 28, 32, 28)
        inner.setSpacing(12)
        inner.addWidget(label(tr("login.title"), "loginTitle"))
        inner.addWidget(label(tr("login.hint"), "cardHint", wrap=True))
        form = QFormLayout()
        form.setVerticalSpacing(10)
        self.server = QLineEdit()
        self.server.setObjectName("server")
        self.user = QLineEdit()
        self.user.setObjectName("user")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.window_box = QSpinBox()
        self.window_box.setObjectName("window")
        self.window_box.setRange(0, MAX_WINDOW)
        self.window_box.setSpecialValueText(tr("login.window_none"))
        form.addRow(tr("login.server"), self.server)
        form.addRow(tr("login.user"), self.user)
        form.addRow(tr("login.password"), self.password)
        form.addRow(tr("login.window"), self.window_box)
        inner.addLayout(form)
        self.error = label("", "loginError", wrap=True)
        inner.addWidget(self.error)
        self.submit = QPushButton(tr("login.submit"))
        self.submit.setObjectName("btn_login")
        self.submit.setProperty("role", "primary")
        self.submit.setDefault(True)
        self.submit.clicked.connect(self._submit)
        for field in (self.server, self.user, self.password):
            field.returnPressed.connect(self._submit)
        inner.addWidget(self.submit)

    def fill(self, url: str, user: str = "", password: str = "", window: int | None = None) -> None:
        self.server.setText(url)
        self.user.setText(user)
        self.password.setText(password)
        self.window_box.setValue(window or 0)

    def _submit(self) -> None:
        if not self.submit.isEnabled():
            return
        user, password = self.user.text().strip(), self.password.text()
        if not user or not password:
            self.show_error(tr("login.need_user"))
            return
        self.set_busy(True)
        self.error.setText("")
        self.submitted.emit(self.server.text().strip(), user, password, self.window_box.value())

    def set_busy(self, busy: bool) -> None:
        self.submit.setEnabled(not busy)
        self.submit.setText(tr("login.connecting") if busy else tr("login.submit"))

    def show_error(self, text: str) -> None:
        self.set_busy(False)
        self.error.setText(text)
        self.password.setFocus()
        self.password.selectAll()
