"""Every operator action, through the keyboard and the dialogs, against a real server.

One server for the module; each test sits its operators at windows whose services no other
test calls, so the tests do not take each other's visitors.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from operator_console.main_window import MainWindow
from operator_console.rules import Action
from queue_protocol.enums import TicketState, WindowStatus

MS = 10_000
Key = Qt.Key
KEYS = {Key.Key_F2: Action.CALL_NEXT, Key.Key_F4: Action.START, Key.Key_F5: Action.FINISH, Key.Key_F6: Action.NO_SHOW,
        Key.Key_F7: Action.POSTPONE, Key.Key_F8: Action.TRANSFER, Key.Key_F9: Action.CALL_TICKET,
        Key.Key_F10: Action.BREAK, Key.Key_F11: Action.RESUME}
"""Keys the tests press expecting an effect: ``press`` waits until the console offers the action."""


def settled(main: MainWindow) -> bool:
    """Online, and no reply or event of ours outstanding (the bridge may deliver a command's
    events before its reply, so a changed state alone does not mean the action is done)."""
    return main.model.online and not main.model.busy


def press(qtbot: Any, main: MainWindow, key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.waitUntil(lambda: settled(main) and (key not in KEYS or main.qactions[KEYS[key]].isEnabled()), timeout=MS)
    main.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is main, timeout=MS)
    qtbot.keyClick(main, key, modifier)


def current_state(main: MainWindow) -> TicketState | None:
    ticket = main.model.current
    return ticket.state if ticket is not None else None


def test_a_visit_by_keyboard_call_recall_start_finish(qtbot, console, wire, issue) -> None:
    main = console("operator7", 7)
    (issued,) = issue("registration")
    model = main.model
    assert main.qactions[Action.RECALL].isEnabled() is False
    press(qtbot, main, Key.Key_F3)                      # recall with nobody at the window: nothing happens
    assert model.current is None and not model.busy
    assert model.legal == {Action.CALL_NEXT, Action.CALL_TICKET, Action.BREAK, Action.CLOSE}

    press(qtbot, main, Key.Key_F2)
    qtbot.waitUntil(lambda: current_state(main) is TicketState.CALLED and settled(main), timeout=MS)
    assert model.current.id == issued["ticket"]
    assert main.operator.card.big.text() == issued["label"]
    assert main.operator.action_panel.buttons[Action.START].isEnabled()
    assert not main.operator.action_panel.buttons[Action.CALL_NEXT].isEnabled()

    press(qtbot, main, Key.Key_F3)
    qtbot.waitUntil(lambda: model.current is not None and model.current.recalls == 1, timeout=MS)
    press(qtbot, main, Key.Key_F4)
    qtbot.waitUntil(lambda: current_state(main) is TicketState.SERVING and settled(main), timeout=MS)
    assert model.legal == {Action.FINISH, Action.POSTPONE, Action.TRANSFER}

    press(qtbot, main, Key.Key_F5)
    qtbot.waitUntil(lambda: main.dialog is not None, timeout=MS)
    dialog = main.dialog
    qtbot.keyClick(dialog.result_buttons["another_visit"], Key.Key_Space)
    qtbot.waitUntil(lambda: model.current is None and settled(main), timeout=MS)
    assert model.my_day.served == 1 and model.my_day.average_s is not None
    assert main.operator.day.numbers["served"].text() == "1"
    assert "журналу событий" in main.operator.day.toolTip()


def test_no_show_and_the_buttons_follow_the_state(qtbot, console, wire, issue) -> None:
    main = console("operator8", 8)
    (issued,) = issue("rosreestr")
    qtbot.waitUntil(lambda: any(t.id == issued["ticket"] for t in main.operator.queue.rows.rows), timeout=MS)
    main.operator.action_panel.buttons[Action.CALL_NEXT].click()
    qtbot.waitUntil(lambda: current_state(main) is TicketState.CALLED and settled(main), timeout=MS)
    enabled = {a for a, b in main.operator.action_panel.buttons.items() if b.isEnabled()}
    assert enabled == {Action.RECALL, Action.START, Action.NO_SHOW, Action.POSTPONE, Action.TRANSFER}
    press(qtbot, main, Key.Key_F6)
    qtbot.waitUntil(lambda: main.model.current is None and settled(main), timeout=MS)
    assert main.model.my_day.no_shows == 1
    manager = wire(username="manager", password="demo")
    assert manager.request("ticket.cancel", ticket=issued["ticket"])["state"] == "cancelled"   # it was a no-show


def test_postpone_with_reason_then_call_it_out_of_turn(qtbot, console, wire, issue) -> None:
    main = console("operator9", 9)
    (issued,) = issue("rosreestr")
    press(qtbot, main, Key.Key_F2)
    qtbot.waitUntil(lambda: current_state(main) is TicketState.CALLED, timeout=MS)
    assert main.model.current.id == issued["ticket"]
    press(qtbot, main, Key.Key_F7)
    qtbot.waitUntil(lambda: main.dialog is not None, timeout=MS)
    dialog = main.dialog
    dialog.reason.setEditText("копии паспорта")
    dialog.minutes.setValue(5)
    qtbot.keyClick(dialog, Key.Key_Return)
    qtbot.waitUntil(lambda: main.model.current is None and settled(main), timeout=MS)
    ticket = main.model.ticket(issued["ticket"])
    assert ticket.state is TicketState.POSTPONED and ticket.postponed_until is not None
    qtbot.waitUntil(lambda: any(t.id == issued["ticket"] for t in main.operator.queue.rows.rows), timeout=MS)

    press(qtbot, main, Key.Key_F9)
    qtbot.waitUntil(lambda: main.dialog is not None, timeout=MS)
    dialog = main.dialog
    dialog.select(issued["ticket"])
    assert dialog.values() == {"ticket": issued["ticket"]}
    qtbot.keyClick(dialog, Key.Key_Return)
    qtbot.waitUntil(lambda: current_state(main) is TicketState.CALLED, timeout=MS)
    assert main.model.current.id == issued["ticket"]
    press(qtbot, main, Key.Key_F6)
    qtbot.waitUntil(lambda: main.model.current is None and settled(main), timeout=MS)


def test_transfer_with_a_comment_and_return_to_me(qtbot, console, wire, issue) -> None:
    first = console("operator12", 12)                     # results
    second = console("operator14", 14)                    # social
    (issued,) = issue("results")
    press(qtbot, first, Key.Key_F2)
    qtbot.waitUntil(lambda: current_state(first) is TicketState.CALLED, timeout=MS)
    assert first.model.current.id == issued["ticket"]
    press(qtbot, first, Key.Key_F4)
    qtbot.waitUntil(lambda: current_state(first) is TicketState.SERVING, timeout=MS)
    press(qtbot, first, Key.Key_F8)
    qtbot.waitUntil(lambda: first.dialog is not None, timeout=MS)
    dialog = first.dialog
    assert not dialog.ok_button.isEnabled()               # no target yet
    dialog.service.setCurrentIndex(dialog.service.findData("social"))
    dialog.comment.setPlainText("Нужна справка о составе семьи")
    dialog.return_to_me.setChecked(True)
    assert dialog.ok_button.isEnabled()
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: first.model.current is None and settled(first), timeout=MS)

    press(qtbot, second, Key.Key_F2)
    qtbot.waitUntil(lambda: current_state(second) is TicketState.CALLED and settled(second), timeout=MS)
    assert second.model.current.id == issued["ticket"]
    assert "справка о составе семьи" in second.operator.card.comment.text()
    assert second.operator.card.comment.isVisible()
    second.model.act(Action.START)
    qtbot.waitUntil(lambda: current_state(second) is TicketState.SERVING and settled(second), timeout=MS)
    second.model.act(Action.FINISH, result="done")
    qtbot.waitUntil(lambda: second.model.current is None and settled(second), timeout=MS)
    back = first.model.ticket(issued["ticket"])
    assert back.state is TicketState.WAITING and back.target_operator == "operator12"
    qtbot.waitUntil(lambda: any(t.id == issued["ticket"] for t in first.operator.queue.rows.rows), timeout=MS)


def test_break_resume_close_and_open_again(qtbot, console) -> None:
    main = console("operator17", 17)
    model = main.model
    press(qtbot, main, Key.Key_F10)
    qtbot.waitUntil(lambda: main.dialog is not None, timeout=MS)
    main.dialog.reason.setEditText("обед")
    qtbot.keyClick(main.dialog, Key.Key_Return)
    qtbot.waitUntil(lambda: model.window.status is WindowStatus.BREAK and settled(main), timeout=MS)
    assert model.window.reason == "обед"
    assert model.legal == {Action.RESUME, Action.CLOSE}
    assert "обед" in main.operator.card.hint.text()
    press(qtbot, main, Key.Key_F11)
    qtbot.waitUntil(lambda: model.window.status is WindowStatus.OPEN and settled(main), timeout=MS)

    press(qtbot, main, Key.Key_F12, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: main.dialog is not None, timeout=MS)
    qtbot.keyClick(main.dialog, Key.Key_Return)
    qtbot.waitUntil(lambda: model.window is None and settled(main), timeout=MS)
    assert model.legal == {Action.OPEN}
    assert main.window_title.text() == "Окно не открыто"
    press(qtbot, main, Key.Key_F12)
    qtbot.waitUntil(lambda: main.dialog is not None, timeout=MS)
    assert main.dialog.values() == {"window": 17}
    qtbot.keyClick(main.dialog, Key.Key_Return)
    qtbot.waitUntil(lambda: model.window_number == 17 and settled(main), timeout=MS)


def test_a_restarted_console_is_back_at_its_visitor(qtbot, console, wire, issue) -> None:
    main = console("operator19", 19)
    (issued,) = issue("consult")
    press(qtbot, main, Key.Key_F2)
    qtbot.waitUntil(lambda: current_state(main) is TicketState.CALLED, timeout=MS)
    assert main.model.current.id == issued["ticket"]
    press(qtbot, main, Key.Key_F4)
    qtbot.waitUntil(lambda: current_state(main) is TicketState.SERVING and settled(main), timeout=MS)
    main.model.logout()
    main.close()

    again = console("operator19", None)                   # no window asked: the server says where we are
    qtbot.waitUntil(lambda: current_state(again) is TicketState.SERVING and settled(again), timeout=MS)
    assert again.model.window_number == 19
    assert again.model.current.id == issued["ticket"]
    assert again.operator.card.big.text() == issued["label"]
    assert again.model.legal == {Action.FINISH, Action.POSTPONE, Action.TRANSFER}
    again.model.act(Action.FINISH, result="consulted")
    qtbot.waitUntil(lambda: again.model.current is None and settled(again), timeout=MS)


def test_two_consoles_racing_call_next_never_get_the_same_ticket(qtbot, console, wire, issue) -> None:
    a, b = console("operator2", 2), console("operator3", 3)  # both serve "passport"
    issued = {t["ticket"] for t in issue("passport", 10)}
    seen: list[str] = []
    for _ in range(8):
        for main in (a, b):
            qtbot.waitUntil(lambda m=main: settled(m), timeout=MS)
        a.qactions[Action.CALL_NEXT].trigger()             # both requests leave in the same event-loop turn
        b.qactions[Action.CALL_NEXT].trigger()
        for main in (a, b):
            qtbot.waitUntil(lambda m=main: settled(m), timeout=MS)
        called = [m.model.current for m in (a, b) if m.model.current is not None]
        if not called:
            break
        seen.extend(t.id for t in called)
        for main in (a, b):
            if main.model.current is not None:
                main.model.act(Action.NO_SHOW)
    assert len(seen) == len(set(seen))
    assert issued <= set(seen)


def test_the_waiting_list_colours_tickets_against_the_norm(qtbot, console, wire, issue) -> None:
    from datetime import timedelta

    from operator_console.figures import WaitLevel
    from operator_console.tables import LEVEL_ROLE

    main = console("operator5", 5)                        # passport_foreign only
    (issued,) = issue("passport_foreign", priority="disabled_1_2")
    rows = main.operator.queue.rows
    qtbot.waitUntil(lambda: any(t.id == issued["ticket"] for t in rows.rows), timeout=MS)
    row = next(i for i, t in enumerate(rows.rows) if t.id == issued["ticket"])
    assert rows.index(row, 0).data().startswith("★")
    model = main.model
    base = model._clock_offset
    for minutes, level in ((1, WaitLevel.OK), (11, WaitLevel.WARNING), (16, WaitLevel.BREACH)):
        model._clock_offset = base + timedelta(minutes=minutes)   # as if the visitor had waited longer
        main.tick()
        assert rows.index(row, 2).data(LEVEL_ROLE) == level
    chip = main.operator.queue.chip_labels[0]
    assert chip.property("level") == "breach"
    model._clock_offset = base
