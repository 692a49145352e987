"""The real kiosk on the real server: taps in, the screen and the printer emulator checked.

Each test makes its own kiosk (its own connection) against the module's server; tickets pile
up on the server across tests, so assertions compare before and after, never absolute counts.
"""

from __future__ import annotations

import random
import socket
import time
from typing import Any

from PySide6.QtCore import Qt

from kiosk.info_print import InfoPrintState
from kiosk.link import INFO_TAG, ISSUE_TAG
from kiosk.model import Screen
from kiosk.ticket import PrintState
from printers import codepage
from queue_protocol.backoff import Backoff

WAIT_MS = 10_000


def tile(window: Any, entry_id: str) -> Any:
    for each in window.home.grid.tiles():
        if each.entry_id == entry_id:
            return each
    raise AssertionError(f"no tile {entry_id!r}: {[t.entry_id for t in window.home.grid.tiles()]}")


def tap(qtbot: Any, widget: Any) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def go_to_passport(qtbot: Any, window: Any) -> None:
    model = window.model
    qtbot.waitUntil(lambda: model.catalog.entry("passport").available, timeout=WAIT_MS)
    tap(qtbot, tile(window, "passports"))
    assert model.screen is Screen.CATEGORY and window.header.title.text() == "Паспорта и регистрация"
    tap(qtbot, tile(window, "passport"))
    assert model.screen is Screen.SERVICE and window.service.take.isEnabled()


def test_a_visitor_takes_a_ticket_and_the_printed_ticket_matches_the_screen(
        qtbot: Any, make_kiosk: Any, open_windows: None, printer: Any) -> None:
    window = make_kiosk()
    model = window.model
    printed_before = len(printer.emulator.tickets)
    go_to_passport(qtbot, window)
    tap(qtbot, window.service.take)
    qtbot.waitUntil(lambda: model.screen is Screen.TICKET, timeout=WAIT_MS)
    page = window.ticket
    label = page.number.text()
    assert label.startswith("А") and label == model.ticket.label
    assert page.service.text() == "Паспорт РФ"
    qtbot.waitUntil(lambda: model.ticket.print_state is PrintState.PRINTED, timeout=WAIT_MS)
    assert page.take.isVisible() and "Возьмите талон" in page.take.text() and not page.failure.isVisible()
    [ticket] = printer.emulator.wait_for_tickets(printed_before + 1, 5)[printed_before:]
    assert ticket.find(label) is not None and ticket.find(label).width > 1   # the big number
    assert "Паспорт РФ" in ticket.text
    assert any(p.startswith(f"TALON:demo:{label}") for p in ticket.qr_payloads)


def test_a_double_tap_gives_one_ticket(qtbot: Any, make_kiosk: Any, open_windows: None, printer: Any) -> None:
    window = make_kiosk()
    model = window.model
    go_to_passport(qtbot, window)
    waiting_before = model.catalog.entry("passport").waiting
    printed_before = len(printer.emulator.tickets)
    sent: list[str] = []
    window.model._link.bridge.request_finished.connect(lambda tag, ok, result: sent.append(tag))
    tap(qtbot, window.service.take)
    model.take_ticket()          # the second tap lands before the answer ...
    tap(qtbot, window.service.take)
    qtbot.waitUntil(lambda: model.screen is Screen.TICKET, timeout=WAIT_MS)
    model.take_ticket()          # ... and one after it: the ticket screen ignores it
    qtbot.waitUntil(lambda: model.catalog.entry("passport").waiting == waiting_before + 1, timeout=WAIT_MS)
    qtbot.wait(500)
    assert len(sent) == 1 and model.issued_count == 1
    assert model.catalog.entry("passport").waiting == waiting_before + 1
    assert len(printer.emulator.wait_for_tickets(printed_before + 1, 5)) == printed_before + 1


def test_a_reply_lost_with_the_connection_is_retried_with_the_same_id_and_gives_one_ticket(
        qtbot: Any, make_kiosk: Any, open_windows: None) -> None:
    window = make_kiosk()
    model = window.model
    go_to_passport(qtbot, window)
    waiting_before = model.catalog.entry("passport").waiting
    tap(qtbot, window.service.take)
    request_id = model._flow.request.request_id
    model._link.bridge.drop_connection()     # the network fails right after the tap
    qtbot.waitUntil(lambda: model.screen is Screen.TICKET, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: model.catalog.entry("passport").waiting >= waiting_before + 1, timeout=WAIT_MS)
    qtbot.wait(300)
    assert model.catalog.entry("passport").waiting == waiting_before + 1
    assert model.issued_count == 1 and request_id.startswith("kiosk-")


def test_paper_out_shows_the_number_large_with_a_qr_code(qtbot: Any, make_kiosk: Any, open_windows: None,
                                                         printer: Any) -> None:
    window = make_kiosk()
    model = window.model
    go_to_passport(qtbot, window)
    printer.emulator.set_state("out")
    try:
        tap(qtbot, window.service.take)
        qtbot.waitUntil(lambda: model.ticket is not None and model.ticket.failed, timeout=WAIT_MS)
    finally:
        printer.emulator.set_state("ok")
    page = window.ticket
    assert page.failure.isVisible()
    assert "закончилась бумага" in page.failure.text() and "запомните ваш номер" in page.failure.text()
    assert page.number.text() == model.ticket.label and page.service.text() == "Паспорт РФ"
    assert page.qr.isVisible() and not page.qr.pixmap().isNull() and page.qr.pixmap().width() >= 200
    assert not page.take.isVisible()
    assert page.number.font().pixelSize() > window.service.take.font().pixelSize() * 4
    assert model.seconds_left >= 30   # longer to remember or photograph it


def test_priority_path_marks_the_ticket_and_the_paper(qtbot: Any, make_kiosk: Any, open_windows: None,
                                                      printer: Any) -> None:
    window = make_kiosk()
    model = window.model
    printed_before = len(printer.emulator.tickets)
    assert window.home.priority.isVisible()
    tap(qtbot, window.home.priority)
    assert model.screen is Screen.PRIORITY and "проверят в окне" in window.priority.check.text()
    choice = window.priority.findChild(type(window.home.grid.tiles()[0]), "priority:disabled_1_2")
    assert choice is not None
    tap(qtbot, choice)
    assert model.screen is Screen.HOME and model.priority == "disabled_1_2"
    assert window.home.banner.isVisible() and "Инвалиды I и II групп" in window.home.banner.text.text()
    go_to_passport(qtbot, window)
    tap(qtbot, window.service.take)
    qtbot.waitUntil(lambda: model.screen is Screen.TICKET, timeout=WAIT_MS)
    assert model.ticket.priority == "disabled_1_2" and window.ticket.priority.isVisible()
    [ticket] = printer.emulator.wait_for_tickets(printed_before + 1, 5)[printed_before:]
    assert ticket.find("Льготная категория") is not None
    assert model.priority is None   # the next visitor starts without it


def test_a_service_switched_off_greys_out_live_and_comes_back(qtbot: Any, make_kiosk: Any, open_windows: None,
                                                              staff: Any) -> None:
    window = make_kiosk()
    model = window.model
    go_to_passport(qtbot, window)
    staff("manager", "service.set_active", service="passport", active=False)
    try:
        qtbot.waitUntil(lambda: not window.service.take.isEnabled(), timeout=WAIT_MS)
        assert window.service.message.isVisible()
        assert window.service.message.text() == "Сегодня эта услуга не предоставляется"
        tap(qtbot, window.service.take)
        assert model.screen is Screen.SERVICE
    finally:
        staff("manager", "service.set_active", service="passport", active=True)
    qtbot.waitUntil(window.service.take.isEnabled, timeout=WAIT_MS)
    assert not window.service.message.isVisible()


def test_idle_visitor_gets_a_fresh_home_screen(qtbot: Any, make_kiosk: Any, open_windows: None) -> None:
    window = make_kiosk(idle_s=0.6)
    model = window.model
    tap(qtbot, window.toolbar.lang)
    tap(qtbot, window.toolbar.large)
    tap(qtbot, tile(window, "passports"))
    assert model.screen is Screen.CATEGORY and model.lang == "en" and model.large_text
    qtbot.waitUntil(model.pristine, timeout=5_000)
    assert window.header.title.text() == "Здравствуйте!" and not window.toolbar.large.isChecked()


def test_english_high_contrast_and_large_text_are_one_touch_away(qtbot: Any, make_kiosk: Any,
                                                                 open_windows: None) -> None:
    window = make_kiosk()
    model = window.model
    bar = window.toolbar
    for button in (bar.lang, bar.contrast, bar.large):   # on the first screen, in the lower part
        assert button.isVisible() and button.mapTo(window, button.rect().topLeft()).y() > window.height() * 2 / 3
    assert all(t.mapTo(window, t.rect().topLeft()).y() >= window.height() / 3 - 1 for t in window.home.grid.tiles())
    tap(qtbot, bar.lang)
    assert window.header.title.text() == "Welcome!" and bar.lang.text() == "Русский"
    assert tile(window, "passports").name.text() == "Passports and registration"
    normal = window.styleSheet()
    tap(qtbot, bar.contrast)
    assert model.high_contrast and bar.contrast.isChecked() and window.styleSheet() != normal
    assert "#000000" in window.styleSheet()
    before = tile(window, "passports").name.font().pixelSize()
    tap(qtbot, bar.large)
    assert model.large_text and tile(window, "passports").name.font().pixelSize() > before
    tap(qtbot, bar.lang)
    assert window.header.title.text() == "Здравствуйте!"


def test_landscape_keeps_every_control_on_screen(qtbot: Any, make_kiosk: Any, open_windows: None) -> None:
    window = make_kiosk()
    window.resize(1920, 1080)
    qtbot.waitUntil(lambda: window.height() == 1080, timeout=2_000)
    go_to_passport(qtbot, window)
    for widget in (window.service.take, window.service.back, window.service.print, window.toolbar.large):
        bottom = widget.mapTo(window, widget.rect().bottomLeft()).y()
        assert widget.isVisible() and bottom <= 1080, widget.objectName()


def info_requests(window: Any) -> list[str]:
    """The request ids of the service.print_info requests the kiosk's bridge finished (filled as they finish)."""
    finished: list[str] = []
    window.model._link.bridge.request_finished.connect(
        lambda tag, ok, result: finished.append(tag[len(INFO_TAG):]) if tag.startswith(INFO_TAG) else None)
    return finished


def flat(text: str) -> str:
    return " ".join(text.split())


def test_print_this_page_gives_the_documents_on_screen_on_paper_once(
        qtbot: Any, make_kiosk: Any, open_windows: None, printer: Any) -> None:
    window = make_kiosk()
    model = window.model
    page = window.service
    go_to_passport(qtbot, window)
    printed_before = len(printer.emulator.tickets)
    finished = info_requests(window)
    assert page.print.isVisible() and page.print.isEnabled() and page.print.text() == "Распечатать"
    assert page.print.mapTo(window, page.print.rect().topLeft()).y() > window.height() * 2 / 3   # within reach
    tap(qtbot, page.print)
    model.print_info()          # a double tap while it prints ...
    tap(qtbot, page.print)
    qtbot.waitUntil(lambda: model.info_print is not None and model.info_print.state is InfoPrintState.PRINTED,
                    timeout=WAIT_MS)
    tap(qtbot, page.print)      # ... and one after: a page a visit
    assert page.print_note.isVisible() and page.print_note.text() == "Возьмите лист из принтера"
    assert not page.print.isEnabled() and page.print.text() == "Напечатано" and not page.print_failure.isVisible()
    [paper] = printer.emulator.wait_for_tickets(printed_before + 1, 5)[printed_before:]
    qtbot.wait(500)
    assert len(printer.emulator.tickets) == printed_before + 1 and len(finished) == 1
    on_paper = flat(paper.text)
    documents = model.catalog.entry("passport").documents("ru")
    assert len(documents) >= 3 and all(f"· {codepage.sanitize(d)}" in on_paper for d in documents)
    assert all(d in page.docs.text() for d in documents)
    assert paper.find("Паспорт РФ") is not None and paper.find("Что взять с собой:") is not None
    tap(qtbot, page.back)       # leaving the page forgets its printout: the next visitor may print again
    tap(qtbot, tile(window, "passport"))
    assert model.info_print is None and page.print.isEnabled() and not page.print_note.isVisible()


def test_an_info_page_whose_reply_was_lost_is_asked_again_with_its_id_and_prints_once(
        qtbot: Any, make_kiosk: Any, open_windows: None, printer: Any) -> None:
    window = make_kiosk(print_watchdog_s=7.0)   # within WAIT_MS: a lost notice fails with what the kiosk heard
    model = window.model
    go_to_passport(qtbot, window)
    printed_before = len(printer.emulator.tickets)
    finished = info_requests(window)
    tap(qtbot, window.toolbar.lang)
    tap(qtbot, window.service.print)
    request_id = model._info_flow.request.request_id
    model._link.bridge.drop_connection()     # the network fails right after the tap
    seen: list[str] = []        # what the kiosk heard, for the failure message
    model._link.state_changed.connect(seen.append)
    model._link.print_notice.connect(lambda n: seen.append(f"notice {n.state.value}"))
    model._link.info_ok.connect(lambda *_: seen.append("reply"))
    model._link.info_timeout.connect(lambda *_: seen.append("no answer"))
    qtbot.waitUntil(lambda: model.info_print is not None and model.info_print.state is not InfoPrintState.PRINTING,
                    timeout=WAIT_MS)         # the notice the lost connection missed comes with the retried reply
    assert model.info_print.state is InfoPrintState.PRINTED, (model.info_print, seen)
    [paper] = printer.emulator.wait_for_tickets(printed_before + 1, 5)[printed_before:]
    qtbot.wait(500)
    assert len(printer.emulator.tickets) == printed_before + 1
    assert set(finished) == {request_id}     # every try carried the first id
    assert paper.find("What to bring:") is not None and paper.find("Russian passport") is not None


def test_paper_out_says_take_a_photo_of_the_page_and_lets_the_visitor_try_again(
        qtbot: Any, make_kiosk: Any, open_windows: None, printer: Any) -> None:
    window = make_kiosk()
    model = window.model
    page = window.service
    go_to_passport(qtbot, window)
    printer.emulator.set_state("out")
    try:
        tap(qtbot, page.print)
        qtbot.waitUntil(lambda: model.info_print is not None and model.info_print.state is InfoPrintState.FAILED,
                        timeout=WAIT_MS)
    finally:
        printer.emulator.set_state("ok")
    assert page.print_failure.isVisible() and not page.print_note.isVisible()
    assert page.print_failure.text() == "В принтере закончилась бумага — сфотографируйте эту страницу"
    assert page.print.isEnabled() and page.print.text() == "Распечатать"
    assert page.docs.isVisible() and model.screen is Screen.SERVICE


def test_a_service_the_server_does_not_know_is_a_plain_failure_not_a_hang(
        qtbot: Any, make_kiosk: Any, open_windows: None, printer: Any) -> None:
    window = make_kiosk()
    model = window.model
    go_to_passport(qtbot, window)
    printed_before = printer.emulator.printed
    model.service = "retired-service"   # removed from the configuration between the snapshot and the tap
    model.print_info()
    qtbot.waitUntil(lambda: model.info_print is not None and model.info_print.state is InfoPrintState.FAILED,
                    timeout=WAIT_MS)
    assert model.info_print.fail_reason == "" and not model._info_flow.busy
    assert printer.emulator.printed == printed_before


class Longest(random.Random):
    """Reconnect delays at their ceiling: the kiosk stays away exactly as long as the backoff says."""

    def uniform(self, a: float, b: float) -> float:
        return b


def test_a_print_notice_lost_with_the_connection_is_asked_for_again_and_the_ticket_ends_printed(
        qtbot: Any, make_kiosk: Any, open_windows: None, printer: Any, staff: Any) -> None:
    away_s = 2.0
    seen_ok = len(printer.emulator.tickets) + 1    # a page printed now: the server sees the printer "ok" again
    staff("manager", "service.print_info", service="passport", printer="kiosk-printer")   # (an earlier test ran it out)
    printer.emulator.wait_for_tickets(seen_ok, 5)
    window = make_kiosk(print_watchdog_s=8.0,    # without the follow-up the screen would say "not printed"
                        link_options={"backoff": Backoff(base_s=away_s, cap_s=away_s, rng=Longest())})
    model = window.model
    go_to_passport(qtbot, window)
    waiting_before = model.catalog.entry("passport").waiting
    printed_before = len(printer.emulator.tickets)
    issued: list[str] = []
    model._link.bridge.request_finished.connect(
        lambda tag, ok, result: issued.append(tag[len(ISSUE_TAG):]) if tag.startswith(ISSUE_TAG) else None)
    # The emulator serves one connection at a time: holding one keeps the ticket's job waiting
    # for the printer's status answer (the worker waits 1 s, then tries again) until it is let go.
    with socket.create_connection(("127.0.0.1", printer.port), timeout=5):
        qtbot.wait(200)
        tap(qtbot, window.service.take)
        qtbot.waitUntil(lambda: model.ticket is not None, timeout=WAIT_MS)
        assert model.ticket.print_state is PrintState.PRINTING and model.ticket.print_job
        model._link.bridge.drop_connection()     # the reply came; the job's notice will find no connection
        qtbot.waitUntil(lambda: model.connection != "online", timeout=WAIT_MS)
        dropped = time.monotonic()
    printer.emulator.wait_for_tickets(printed_before + 1, 5)
    assert time.monotonic() - dropped < away_s - 0.5, "the job must end while the kiosk is away"
    qtbot.waitUntil(lambda: model.ticket.print_state is not PrintState.PRINTING, timeout=WAIT_MS)
    page = window.ticket
    assert model.ticket.print_state is PrintState.PRINTED, model.ticket
    assert page.take.isVisible() and not page.failure.isVisible() and model.screen is Screen.TICKET
    qtbot.wait(500)
    assert model.catalog.entry("passport").waiting == waiting_before + 1 and model.issued_count == 1
    assert len(issued) == 2 and len(set(issued)) == 1       # the follow-up carried the first id ...
    assert len(printer.emulator.tickets) == printed_before + 1   # ... and printed nothing again
