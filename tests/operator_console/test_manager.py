"""The hall manager's view and every manager operation, against a real server.

One server for the module.  The manager signs in without a window; other people (a kiosk,
operators) are played by plain websocket clients.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from operator_console.main_window import MainWindow
from queue_protocol.enums import PrinterStatus, TicketState

MS = 10_000


def settled(main: MainWindow) -> bool:
    return main.model.online and not main.model.busy and not main.model._requests


def hall(qtbot: Any, console: Any) -> MainWindow:
    main = console("manager", None)
    assert main.model.is_manager and main.tabs.isTabVisible(1)
    main.tabs.setCurrentWidget(main.manager)
    qtbot.waitUntil(lambda: main.model.view is not None and settled(main), timeout=MS)
    return main


def state_of(main: MainWindow, ticket_id: str) -> TicketState | None:
    ticket = main.model.ticket(ticket_id)
    return ticket.state if ticket is not None else None


def operator_at(wire: Any, login: str, window: int) -> Any:
    op = wire(username=login, password="demo")
    op.try_request("window.open", window=window)
    return op


def test_the_hall_shows_every_window_and_queue_live(qtbot, console, wire, issue) -> None:
    operator_at(wire, "operator3", 3)
    main = hall(qtbot, console)
    manager = main.manager
    qtbot.waitUntil(lambda: len(manager.windows.rows) == 20, timeout=MS)
    issued = issue("passport", 3)
    qtbot.waitUntil(lambda: dict((r[0].id, r[1].waiting) for r in manager.services.rows).get("passport") == 3,
                    timeout=MS)
    row = next(i for i, w in enumerate(manager.windows.rows) if w.number == 3)
    assert manager.windows.index(row, 2).data() == "Оператор 3"
    assert manager.windows.index(row, 1).data() == "Открыто"
    assert {t.id for t in manager.tickets.rows} >= {t["ticket"] for t in issued}
    assert "Ждут: 3" in manager.summary.text()


def test_reassign_a_windows_services(qtbot, console, wire) -> None:
    main = hall(qtbot, console)
    manager = main.manager
    qtbot.waitUntil(lambda: len(manager.windows.rows) == 20, timeout=MS)
    manager.select_window(20)
    assert manager.services_button.isEnabled()
    manager.services_button.click()
    qtbot.waitUntil(lambda: main.dialog is not None, timeout=MS)
    main.dialog.set_checked({"business": 2.0, "consult": 1.0})
    main.dialog.ok_button.click()
    qtbot.waitUntil(lambda: main.model.view.windows[19].services == {"business": 2.0, "consult": 1.0}, timeout=MS)
    row = next(i for i, w in enumerate(manager.windows.rows) if w.number == 20)
    assert manager.windows.index(row, 5).data() == "И×2, Ж"


def test_change_priority_cancel_and_issue(qtbot, console, wire, issue) -> None:
    operator_at(wire, "operator11", 11)                   # results
    main = hall(qtbot, console)
    manager = main.manager
    first, second = issue("results", 2)
    qtbot.waitUntil(lambda: main.model.ticket(second["ticket"]) is not None, timeout=MS)

    manager.select_ticket(first["ticket"])
    assert manager.priority_button.isEnabled() and not manager.reactivate_button.isEnabled()
    manager.priority_button.click()
    qtbot.waitUntil(lambda: main.dialog is not None, timeout=MS)
    dialog = main.dialog
    dialog.priority.setCurrentIndex(dialog.priority.findData("ww2_veteran"))
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: main.model.ticket(first["ticket"]).priority == "ww2_veteran", timeout=MS)

    manager.select_ticket(second["ticket"])
    manager.cancel_button.click()
    qtbot.waitUntil(lambda: main.dialog is not None, timeout=MS)
    main.dialog.reason.setText("посетитель ушёл")
    main.dialog.ok_button.click()
    qtbot.waitUntil(lambda: state_of(main, second["ticket"]) is TicketState.CANCELLED, timeout=MS)
    qtbot.waitUntil(lambda: all(t.id != second["ticket"] for t in manager.tickets.rows), timeout=MS)   # ended: hidden

    manager.issue_button.click()
    qtbot.waitUntil(lambda: main.dialog is not None, timeout=MS)
    dialog = main.dialog
    dialog.service.setCurrentIndex(dialog.service.findData("results"))
    dialog.priority.setCurrentIndex(dialog.priority.findData("hero"))
    before = {t.id for t in main.model.view.tickets}
    with qtbot.waitSignal(main.model.finished, timeout=MS) as blocker:
        dialog.ok_button.click()
    outcome = blocker.args[0]
    assert outcome.ok and outcome.verb == "ticket.issue"
    assert outcome.result["label"].startswith("Д") and outcome.result["priority"] == "hero"
    qtbot.waitUntil(lambda: outcome.result["ticket"] in {t.id for t in main.model.view.tickets} - before, timeout=MS)
    assert outcome.result["label"] in main.status.text()


def test_reactivate_a_no_show(qtbot, console, wire, issue) -> None:
    op = operator_at(wire, "operator14", 14)              # social
    main = hall(qtbot, console)
    manager = main.manager
    (ticket,) = issue("social")
    called = op.request("call.next")
    assert called["ticket"] == ticket["ticket"]
    op.request("ticket.no_show", ticket=ticket["ticket"])
    qtbot.waitUntil(lambda: state_of(main, ticket["ticket"]) is TicketState.NO_SHOW, timeout=MS)
    manager.select_ticket(ticket["ticket"])
    assert manager.reactivate_button.isEnabled() and not manager.priority_button.isEnabled()
    manager.reactivate_button.click()
    qtbot.waitUntil(lambda: state_of(main, ticket["ticket"]) is TicketState.WAITING, timeout=MS)


def test_running_text_on_the_boards(qtbot, console, wire) -> None:
    main = hall(qtbot, console)
    board = wire(token="demo-display")
    main.manager.text.setFocus()
    main.manager.text.setText("С 1 апреля МФЦ работает до 21:00")
    qtbot.keyClick(main.manager.text, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: main.model.view.office.running_text == "С 1 апреля МФЦ работает до 21:00", timeout=MS)
    board.close()
    board = wire(token="demo-display")                    # a board that connects now gets it in its snapshot
    snapshot = board.ws.recv(timeout=5)
    assert "С 1 апреля МФЦ работает до 21:00" in snapshot


def test_printer_status_and_printer_notices(qtbot, console, talon, issue) -> None:
    main = hall(qtbot, console)
    qtbot.waitUntil(lambda: "kiosk-printer" in main.model.printers, timeout=MS)   # printer.status at sign-in
    talon.printer.set_state("near_end")
    issue("passport")                                     # a kiosk ticket prints; the status after the job is pushed
    qtbot.waitUntil(lambda: main.model.printers["kiosk-printer"].status is PrinterStatus.NEAR_END, timeout=MS)
    main.manager.show_state()
    assert "бумага кончается" in main.manager.alert.text()
    talon.printer.set_state("ok")
    main.manager.printers_button.click()
    qtbot.waitUntil(lambda: settled(main), timeout=MS)
    assert main.manager.printers.rows[0].printer == "kiosk-printer"


def test_an_operator_sees_no_hall(qtbot, console) -> None:
    main = console("operator6", 6)
    assert not main.model.is_manager
    assert not main.tabs.isTabVisible(1)


def print_info_page(qtbot: Any, main: MainWindow, service: str, lang: str) -> None:
    main.manager.print_info_button.click()
    qtbot.waitUntil(lambda: main.dialog is not None, timeout=MS)
    dialog = main.dialog
    assert dialog.printer.findData("kiosk-printer") >= 0 and dialog.service.findData("passports") < 0   # no categories
    dialog.service.setCurrentIndex(dialog.service.findData(service))
    dialog.printer.setCurrentIndex(dialog.printer.findData("kiosk-printer"))
    dialog.lang.setCurrentIndex(dialog.lang.findData(lang))
    dialog.ok_button.click()


def test_a_manager_prints_a_services_info_page_and_hears_how_it_ended(qtbot, console, talon) -> None:
    main = hall(qtbot, console)
    qtbot.waitUntil(lambda: main.manager.print_info_button.isEnabled(), timeout=MS)   # printers known
    printed_before = talon.printer.printed
    print_info_page(qtbot, main, "passport", "ru")
    qtbot.waitUntil(lambda: "напечатана" in main.status.text(), timeout=MS)
    assert main.status.text() == "Памятка «Паспорт РФ» напечатана на принтере kiosk-printer"
    [page] = talon.printer.wait_for_tickets(printed_before + 1, 5)[-1:]
    assert page.find("Паспорт РФ") is not None and page.find("Что взять с собой:") is not None

    talon.printer.set_state("out")
    try:
        print_info_page(qtbot, main, "passport", "en")
        qtbot.waitUntil(lambda: "не напечатана" in main.status.text(), timeout=MS)
    finally:
        talon.printer.set_state("ok")
    assert main.status.text() == "Памятка «Паспорт РФ» не напечатана на принтере kiosk-printer: нет бумаги"
    assert main.status.property("error") == "true" and talon.printer.printed == printed_before + 1
