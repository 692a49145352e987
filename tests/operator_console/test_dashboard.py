"""The manager's dashboard (today's figures, the norm alerts) and the report download, live.

One demo server for the module (``talon``); the kiosk and the operators are plain websocket
clients.  The figures on screen are the server's ``stats.today`` (checked against an
independent computation in tests/server/test_stats_verbs.py); the alerts are the console's
own, from the mirror, with the console's clock moved to put a wait just under and just over
two thirds of its norm and past it.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

from PySide6.QtCore import QDate

from operator_console.dashboard_view import DashboardView
from operator_console.figures import ServiceLoad, WaitLevel, queue_alerts, service_loads
from operator_console.main_window import MainWindow
from operator_console.report_dialog import ReportDialog, period_problem
from queue_protocol.enums import Channel, TicketState
from queue_protocol.views import ServiceView, TicketView
from queue_protocol.wire_time import format_utc, parse_utc

MS = 15_000
NORM_S = 15 * 60


def hall(qtbot: Any, console: Any) -> MainWindow:
    main = console("manager", None)
    main.tabs.setCurrentWidget(main.dashboard)
    qtbot.waitUntil(lambda: main.model.view is not None and main.model.today.result is not None, timeout=MS)
    return main


def cell(dashboard: DashboardView, service: str, header: str) -> str:
    rows = dashboard.rows
    row = next(i for i, r in enumerate(rows.rows) if r.key == service)
    column = next(i for i, c in enumerate(rows.columns) if c.header == header)
    return str(rows.index(row, column).data())


# -- the alerts, pure ----------------------------------------------------------------------------

def test_queue_alerts_name_the_worst_queues_first() -> None:
    services = {"a": ServiceView(id="a", name_ru="A", name_en="A", norm_walk_in_min=15),
                "b": ServiceView(id="b", name_ru="B", name_en="B", norm_walk_in_min=30)}
    now = datetime(2026, 3, 5, 9, 0, tzinfo=UTC)

    def waiting(tid: str, service: str, seconds: int, channel: Channel = Channel.WALK_IN) -> TicketView:
        return TicketView(id=tid, label=tid, service=service, state=TicketState.WAITING, channel=channel,
                          issued_at=format_utc(now - timedelta(seconds=seconds)))

    loads = service_loads([waiting("1", "a", 599), waiting("2", "b", 1201)], services, now)
    assert [load.level for load in loads.values()] == [WaitLevel.OK, WaitLevel.WARNING]
    loads = service_loads([waiting("1", "a", 901), waiting("2", "b", 1300),
                           waiting("3", "b", 301, Channel.APPOINTMENT)], services, now)   # 301 s of a 5-minute norm
    assert [(a.service, a.level, a.worst_s, a.worst_norm_s) for a in queue_alerts(loads.values())] == [
        ("b", WaitLevel.BREACH, 301.0, 300.0), ("a", WaitLevel.BREACH, 901.0, 900.0)]
    assert loads["b"].longest_s == 1300.0
    assert queue_alerts([ServiceLoad("c")]) == []


def test_the_report_dialog_says_what_is_wrong_with_a_period(qtbot) -> None:
    dialog = ReportDialog(datetime(2026, 3, 15).date())
    qtbot.addWidget(dialog)
    assert dialog.period() == (datetime(2026, 3, 1).date(), datetime(2026, 3, 15).date())
    assert dialog.ok_button.isEnabled() and not dialog.problem.isVisibleTo(dialog)
    dialog.last.setDate(QDate(2026, 2, 28))
    assert not dialog.ok_button.isEnabled() and dialog.problem.text() == "Дата «по» раньше даты «с»"
    dialog.first.setDate(QDate(2025, 1, 1))
    dialog.last.setDate(QDate(2026, 1, 2))
    assert not dialog.ok_button.isEnabled() and dialog.problem.text() == "Не больше 366 дней за один отчёт"
    dialog.findChild(type(dialog.ok_button), "btn_last_month").click()
    assert dialog.period() == (datetime(2026, 2, 1).date(), datetime(2026, 2, 28).date()) and dialog.ok_button.isEnabled()
    assert period_problem(datetime(2024, 1, 1).date(), datetime(2024, 12, 31).date()) == ""   # 366 days


# -- live ----------------------------------------------------------------------------------------

def test_the_dashboard_shows_todays_figures_and_follows_events(qtbot, console, wire, issue) -> None:
    op = wire(username="operator2", password="demo")
    op.request("window.open", window=2)
    main = hall(qtbot, console)
    dashboard, today = main.dashboard, main.model.today
    before = today.result.total.issued
    tickets = issue("passport", 2)
    called = op.request("call.ticket", ticket=tickets[0]["ticket"])
    op.request("ticket.no_show", ticket=called["ticket"])
    # after the events, without waiting for the 30-second refresh
    qtbot.waitUntil(lambda: today.result.total.issued == before + 2 and today.result.total.no_shows >= 1, timeout=MS)
    main.dashboard.show_state()
    result = today.result
    passport = next(s for s in result.services if s.service == "passport")
    assert cell(dashboard, "passport", "dash.col.issued") == str(passport.issued)
    assert cell(dashboard, "passport", "dash.col.no_shows") == str(passport.no_shows)
    assert cell(dashboard, "", "dash.col.issued") == str(result.total.issued)
    assert dashboard.tiles["issued"][1].text() == str(result.total.issued)
    assert dashboard.tiles["served"][1].text() == str(result.total.served)
    assert cell(dashboard, "passport", "dash.col.within").endswith(" %")      # "100,0 %"
    assert dashboard.title.text().startswith("Показатели за ")
    assert dashboard.as_of.text().startswith("Данные на ")
    assert dashboard.tiles["waiting"][1].text() == str(sum(r.load.waiting for r in dashboard.rows.rows[:-1]))


def test_the_norm_alerts_warn_at_two_thirds_and_alarm_past_the_norm(qtbot, console, wire, issue) -> None:
    wire(username="operator17", password="demo").request("window.open", window=17)      # business
    main = hall(qtbot, console)
    model, dashboard, manager = main.model, main.dashboard, main.manager
    ticket = issue("business")[0]
    qtbot.waitUntil(lambda: model.ticket(ticket["ticket"]) is not None, timeout=MS)
    issued = parse_utc(ticket["issued_at"])

    def at(seconds: float) -> tuple[str, str, str]:
        model._clock_offset = issued + timedelta(seconds=seconds) - datetime.now(UTC)   # the console's clock
        main.tick()
        level = next(r.load.level for r in dashboard.rows.rows if r.key == "business")
        return level.value, dashboard.alerts.text(), cell(dashboard, "business", "dash.col.state")

    level, text, state = at(NORM_S * 2 / 3 - 5)
    assert level == "ok" and state == "в норме" and "И Бизнес" not in text
    level, text, state = at(NORM_S * 2 / 3 + 5)
    assert level == "warning" and state == "⚠ 2/3 нормы"
    assert text.startswith("⚠ Ожидание больше 2/3 норматива: ") and "✖" not in text
    assert "И Бизнес: ИП и юрлица: 10:05 из 15 мин" in text
    assert dashboard.alerts.property("level") in ("warning", "breach")
    assert "⚠ больше 2/3 нормы: " in manager.queue_alert.text() and "И" in manager.queue_alert.text()
    level, text, state = at(NORM_S + 5)
    assert level == "breach" and state == "✖ сверх нормы"
    assert "✖ Норматив превышен: " in text and "И Бизнес: ИП и юрлица: 15:05 из 15 мин" in text
    assert dashboard.alerts.property("level") == "breach"
    assert dashboard.tiles["longest"][0].property("level") == "breach"
    assert manager.queue_alert.text().startswith("✖ сверх нормы: ") and manager.queue_alert.isVisibleTo(manager)
    model._clock_offset = timedelta(0)


def test_a_report_is_downloaded_saved_and_opens(qtbot, console, tmp_path) -> None:
    main = hall(qtbot, console)
    day = datetime.fromisoformat(main.model.view.office.local_day).date()
    files = {}
    for fmt in ("xlsx", "csv", "pdf"):
        main.dashboard.report_button.click()
        qtbot.waitUntil(lambda: main.dialog is not None, timeout=MS)
        dialog = main.dialog
        dialog.set_period(day, day)
        dialog.format.setCurrentIndex(dialog.format.findData(fmt))
        dialog.ok_button.click()
        qtbot.waitUntil(lambda: main.save_dialog is not None, timeout=60_000)
        name = f"talon-demo-{day:%Y%m%d}-{day:%Y%m%d}.{fmt}"
        assert main.save_dialog.selectedFiles()[0].endswith(name)        # the server's suggestion
        target = tmp_path / name
        main.save_dialog.selectFile(str(target))
        main.save_dialog.accept()
        qtbot.waitUntil(lambda t=target: t.exists() and main.save_dialog is None, timeout=MS)
        files[fmt] = target
        assert main.status.text() == f"Отчёт сохранён: {target}"
    from openpyxl import load_workbook

    assert "Сводка" in load_workbook(files["xlsx"], read_only=True).sheetnames
    rows = list(csv.reader(io.StringIO(files["csv"].read_text(encoding="utf-8-sig")), delimiter=";"))
    assert any(row[:1] == ["Выдано талонов"] for row in rows)
    assert files["pdf"].read_bytes().startswith(b"%PDF")


def test_an_operator_has_no_dashboard(qtbot, console) -> None:
    main = console("operator9", None)
    assert not main.tabs.isTabVisible(2) and not main.tabs.isTabVisible(1)
    assert main.model.today.result is None and not main.model.today._every.isActive()
