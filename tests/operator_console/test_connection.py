"""Signing in, a refused password, and surviving a server crash (its own server: it is killed)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from operator_console.main_window import MainWindow
from operator_console.model import ConsoleModel
from operator_console.rules import Action
from queue_protocol.client import ConnectionState
from queue_protocol.enums import TicketState

MS = 10_000


def test_a_wrong_password_stays_on_the_login_screen(qtbot, talon) -> None:
    model = ConsoleModel()
    main = MainWindow(model, talon.url)
    qtbot.addWidget(main)
    main.show()
    main.login.fill(talon.url, "operator4", "wrong", 4)
    with qtbot.waitSignal(model.login_failed, timeout=MS):
        main.login.submit.click()
    assert main.stack.currentWidget() is main.login
    assert main.login.error.text() == "Неверный логин или пароль"
    assert main.login.submit.isEnabled()
    assert model.bridge is None


def test_an_unreachable_server_is_reported_on_the_login_screen(qtbot) -> None:
    model = ConsoleModel()
    main = MainWindow(model, "ws://127.0.0.1:1/")
    qtbot.addWidget(main)
    main.show()
    main.login.fill("ws://127.0.0.1:1/", "operator4", "demo", 4)
    with qtbot.waitSignal(model.login_failed, timeout=MS):
        main.login.submit.click()
    assert main.login.error.text().startswith("Сервер не отвечает")
    assert main.login.submit.isEnabled() and model.bridge is None


def test_the_console_survives_a_server_crash_and_resumes(qtbot, console, talon, issue) -> None:
    main = console("operator1", 1)
    model = main.model
    (ticket,) = issue("passport")
    main.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is main, timeout=MS)
    qtbot.waitUntil(lambda: main.qactions[Action.CALL_NEXT].isEnabled(), timeout=MS)   # online, not resyncing
    qtbot.keyClick(main, Qt.Key.Key_F2)
    qtbot.waitUntil(lambda: model.current is not None and not model.busy, timeout=MS)
    assert model.current.id == ticket["ticket"]

    talon.kill()
    qtbot.waitUntil(lambda: model.state is not ConnectionState.ONLINE, timeout=MS)
    assert model.legal == frozenset()                      # a stale screen cannot act
    assert not main.qactions[Action.START].isEnabled()
    qtbot.waitUntil(lambda: main.banner.isVisible(), timeout=MS)
    assert main.model.current.label == ticket["label"]     # the operator still sees who they called

    talon.start()
    qtbot.waitUntil(lambda: model.state is ConnectionState.ONLINE, timeout=20_000)
    qtbot.waitUntil(lambda: not main.banner.isVisible(), timeout=MS)
    assert model.current.id == ticket["ticket"]
    qtbot.waitUntil(lambda: main.qactions[Action.START].isEnabled(), timeout=MS)
    main.qactions[Action.START].trigger()
    qtbot.waitUntil(lambda: model.current is not None and model.current.state is TicketState.SERVING, timeout=MS)
