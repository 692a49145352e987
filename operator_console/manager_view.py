"""The hall manager's view: every window, every service queue, the day's tickets, printers.

A view of :class:`~operator_console.model.ConsoleModel` like the operator's screen.  It emits
intents (which window's services to edit, which ticket to act on); the main window opens the
dialogs and asks the model.  Buttons are enabled only when the selected row allows the verb
(``ticket.set_priority`` for waiting or postponed tickets, ``ticket.reactivate`` for no-shows,
``ticket.cancel`` for anything not served or ended).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from queue_protocol.enums import PrinterStatus, TicketState, WindowStatus
from queue_protocol.messages import MAX_TEXT_LEN
from queue_protocol.views import PrinterView, ServiceView, TicketView, WindowView

from .figures import ServiceLoad, WaitLevel, queue_alerts, service_loads
from .i18n import tr
from .model import ConsoleModel
from .operator_view import context, label
from .style import set_prop
from .tables import (
    KEY_ROLE,
    Column,
    Ctx,
    RowsModel,
    day_tickets_columns,
    fit_columns,
    local_time,
    services_columns,
    windows_columns,
)

PRIORITY_STATES = frozenset({TicketState.WAITING, TicketState.POSTPONED})
CANCEL_STATES = frozenset({TicketState.WAITING, TicketState.POSTPONED, TicketState.CALLED, TicketState.NO_SHOW})
PRINTER_COLOURS = {
    PrinterStatus.OK: ("#D7F0D8", "#0B3D10"),
    PrinterStatus.NEAR_END: ("#FFE08A", "#3D2E00"),
    PrinterStatus.UNKNOWN: ("#E4E4E4", "#333333"),
}
PRINTER_BAD = ("#F4A6A6", "#4A0000")


def printers_columns() -> list[Column[PrinterView]]:
    right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    return [
        Column("mgr.col.printer", lambda p, c: p.printer),
        Column("mgr.col.printer_status", lambda p, c: tr(f"printer.{p.status.value}"),
               colours=lambda p, c: PRINTER_COLOURS.get(p.status, PRINTER_BAD)),
        Column("mgr.col.queued", lambda p, c: str(p.queued_jobs), align=right),
        Column("mgr.col.checked", lambda p, c: local_time(p.checked_at, c), align=right),
    ]


def table(model: RowsModel[Any], name: str, stretch: int) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    fit_columns(view, stretch)
    return view


def panel(title: str) -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame()
    frame.setObjectName("panel")
    box = QVBoxLayout(frame)
    box.addWidget(label(title, "panelTitle"))
    return frame, box


class ManagerView(QWidget):
    """The whole office, live; its buttons emit the manager's intents."""

    edit_services = Signal(int)         # window number
    edit_priority = Signal(str)         # ticket id
    reactivate = Signal(str)
    cancel = Signal(str)
    issue = Signal()
    set_text = Signal(str)
    refresh_printers = Signal()
    print_info = Signal()               # a service's info page on an office printer

    def __init__(self, model: ConsoleModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        grid = QGridLayout(self)
        grid.setContentsMargins(12, 12, 12, 12)
        grid.setSpacing(12)
        self.summary = label("", "mgrSummary")
        grid.addWidget(self.summary, 0, 0)
        top = QHBoxLayout()
        self.alert = label("", "alert")
        self.alert.setToolTip(tr("mgr.printer_alert_hint"))
        self.issue_button = QPushButton(tr("mgr.issue"))
        top.addWidget(self.alert, 1)
        top.addWidget(self.issue_button)
        grid.addLayout(top, 0, 1)

        self.windows: RowsModel[WindowView] = RowsModel(windows_columns(), key=lambda w: w.number, parent=self)
        frame, box = panel(tr("mgr.windows"))
        self.windows_view = table(self.windows, "windowsTable", stretch=5)
        box.addWidget(self.windows_view, 1)
        self.services_button = QPushButton(tr("mgr.set_services"))
        self.services_button.setObjectName("btn_set_services")
        self.services_button.clicked.connect(self._edit_services)
        self.windows_view.doubleClicked.connect(lambda _: self._edit_services())
        box.addWidget(self.services_button, 0, Qt.AlignmentFlag.AlignLeft)
        grid.addWidget(frame, 1, 0, 3, 1)

        self.services: RowsModel[tuple[ServiceView, ServiceLoad]] = RowsModel(
            services_columns(), key=lambda r: r[0].id, parent=self)
        frame, box = panel(tr("mgr.services"))
        self.services_view = table(self.services, "servicesTable", stretch=0)
        self.services_view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.services_view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        box.addWidget(self.services_view)
        self.queue_alert = label("", "queueAlert")     # the norm alerts in words, not colour alone
        self.queue_alert.setWordWrap(True)
        box.addWidget(self.queue_alert)
        grid.addWidget(frame, 1, 1)

        self.tickets: RowsModel[TicketView] = RowsModel(day_tickets_columns(), key=lambda t: t.id, parent=self)
        self.hall_tabs = QTabWidget()
        self.hall_tabs.setObjectName("hallTabs")
        page = QWidget()
        box = QVBoxLayout(page)
        self.live_only = QCheckBox(tr("mgr.filter_live"))
        self.live_only.setChecked(True)
        self.live_only.toggled.connect(lambda _: self.show_state())
        self.tickets_view = table(self.tickets, "ticketsTable", stretch=1)
        box.addWidget(self.tickets_view, 1)
        self.priority_button = QPushButton(tr("mgr.set_priority"))
        self.reactivate_button = QPushButton(tr("mgr.reactivate"))
        self.cancel_button = QPushButton(tr("mgr.cancel"))
        for name, button in (("btn_priority", self.priority_button), ("btn_reactivate", self.reactivate_button),
                             ("btn_cancel", self.cancel_button), ("btn_issue", self.issue_button)):
            button.setObjectName(name)
        self.priority_button.clicked.connect(lambda: self._ticket_intent(self.edit_priority))
        self.reactivate_button.clicked.connect(lambda: self._ticket_intent(self.reactivate))
        self.cancel_button.clicked.connect(lambda: self._ticket_intent(self.cancel))
        self.issue_button.clicked.connect(self.issue)
        buttons = QHBoxLayout()
        buttons.addWidget(self.live_only)
        buttons.addStretch(1)
        for button in (self.priority_button, self.reactivate_button, self.cancel_button):
            buttons.addWidget(button)
        box.addLayout(buttons)
        self.hall_tabs.addTab(page, tr("mgr.tickets"))

        page = QWidget()
        box = QVBoxLayout(page)
        box.addWidget(label(tr("mgr.text"), "panelTitle"))
        row = QHBoxLayout()
        self.text = QLineEdit()
        self.text.setObjectName("runningText")
        self.text.setMaxLength(MAX_TEXT_LEN)
        self.text.setPlaceholderText(tr("mgr.text_hint"))
        self.text_button = QPushButton(tr("mgr.text_set"))
        self.text_button.setObjectName("btn_set_text")
        self.text_button.clicked.connect(self._set_text)
        self.text.returnPressed.connect(self.text_button.click)
        row.addWidget(self.text, 1)
        row.addWidget(self.text_button)
        box.addLayout(row)
        self.printers: RowsModel[PrinterView] = RowsModel(printers_columns(), key=lambda p: p.printer, parent=self)
        top = QHBoxLayout()
        top.addWidget(label(tr("mgr.printers"), "panelTitle"))
        top.addStretch(1)
        self.printers_button = QPushButton(tr("mgr.printers_refresh"))
        self.printers_button.setObjectName("btn_printers")
        self.printers_button.clicked.connect(self.refresh_printers)
        top.addWidget(self.printers_button)
        self.print_info_button = QPushButton(tr("mgr.print_info"))
        self.print_info_button.setObjectName("btn_print_info")
        self.print_info_button.clicked.connect(self.print_info)
        top.addWidget(self.print_info_button)
        box.addLayout(top)
        self.printers_view = table(self.printers, "printersTable", stretch=0)
        self.printers_view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        box.addWidget(self.printers_view, 1)
        self.printers_empty = label(tr("printer.none"), "empty")
        box.addWidget(self.printers_empty)
        self.hall_tabs.addTab(page, tr("mgr.board_printers"))
        grid.addWidget(self.hall_tabs, 2, 1, 2, 1)
        grid.setRowStretch(1, 0)
        grid.setRowStretch(2, 1)
        grid.setColumnStretch(0, 11)
        grid.setColumnStretch(1, 9)
        for view in (self.windows_view, self.tickets_view):
            view.selectionModel().selectionChanged.connect(lambda *_: self._sync_buttons())
        self._sync_buttons()

    # -- selection -------------------------------------------------------------------------------

    def selected_window(self) -> int | None:
        rows = self.windows_view.selectionModel().selectedRows()
        return rows[0].data(KEY_ROLE) if rows else None

    def selected_ticket(self) -> TicketView | None:
        rows = self.tickets_view.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.ticket(rows[0].data(KEY_ROLE))

    def select_window(self, number: int) -> None:
        self._select(self.windows_view, self.windows, number)

    def select_ticket(self, ticket_id: str) -> None:
        self._select(self.tickets_view, self.tickets, ticket_id)

    @staticmethod
    def _select(view: QTableView, model: RowsModel[Any], key: object) -> None:
        for row, item in enumerate(model.rows):
            if model.key(item) == key:
                view.selectRow(row)
                return
        view.clearSelection()

    def _set_text(self) -> None:
        self.set_text.emit(self.text.text().strip())
        self.text.setModified(False)

    def _edit_services(self) -> None:
        number = self.selected_window()
        if number is not None:
            self.edit_services.emit(number)

    def _ticket_intent(self, signal: SignalInstance) -> None:
        ticket = self.selected_ticket()
        if ticket is not None:
            signal.emit(ticket.id)

    def _sync_buttons(self) -> None:
        online = self.model.online
        ticket = self.selected_ticket()
        state = ticket.state if ticket is not None else None
        self.services_button.setEnabled(online and self.selected_window() is not None)
        self.priority_button.setEnabled(online and state in PRIORITY_STATES)
        self.reactivate_button.setEnabled(online and state is TicketState.NO_SHOW)
        self.cancel_button.setEnabled(online and state in CANCEL_STATES)
        self.issue_button.setEnabled(online)
        self.text_button.setEnabled(online)
        self.printers_button.setEnabled(online)
        self.print_info_button.setEnabled(online and bool(self.model.printers))

    # -- rendering -------------------------------------------------------------------------------

    def show_state(self) -> None:
        model, view = self.model, self.model.view
        if view is None:
            return
        ctx: Ctx = context(model)
        window_key, ticket_key = self.selected_window(), self.selected_ticket()
        windows = sorted(view.windows, key=lambda w: w.number)
        self.windows.set_rows(windows, ctx)
        tickets = list(view.tickets or ())
        loads = service_loads(tickets, ctx.services, ctx.now)
        self.services.set_rows([(ctx.services[sid], load) for sid, load in loads.items()], ctx)
        self.services_view.setFixedHeight(self.services_view.horizontalHeader().height()
                                          + 26 * len(loads) + 4)
        shown = [t for t in tickets if t.state not in (TicketState.FINISHED, TicketState.CANCELLED)] \
            if self.live_only.isChecked() else tickets
        shown.sort(key=lambda t: (t.state is not TicketState.WAITING, t.issued_at, t.id))
        self.tickets.set_rows(shown, ctx)
        if window_key is not None and self.selected_window() != window_key:
            self.select_window(window_key)
        selected = self.selected_ticket()
        if ticket_key is not None and (selected is None or selected.id != ticket_key.id):
            self.select_ticket(ticket_key.id)
        if not self.text.hasFocus() and not self.text.isModified():
            self.text.setText(view.office.running_text)
        self.render_queue_alert(list(loads.values()), ctx)
        waiting = sum(load.waiting for load in loads.values())
        count = {status: sum(1 for w in windows if w.status is status) for status in WindowStatus}
        self.summary.setText(tr("mgr.summary", waiting=waiting, open=count[WindowStatus.OPEN] + count[WindowStatus.BREAK],
                                total=len(windows), brk=count[WindowStatus.BREAK]))
        self.render_printers()
        self._sync_buttons()

    def render_queue_alert(self, loads: list[ServiceLoad], ctx: Ctx) -> None:
        alerts = queue_alerts(loads)

        def prefixes(level: WaitLevel) -> str:
            return ", ".join(ctx.services[a.service].prefix or a.service for a in alerts if a.level is level)

        lines = [tr(key, **{name: prefixes(level)}) for level, key, name in (
            (WaitLevel.BREACH, "mgr.queue_alert", "breach"), (WaitLevel.WARNING, "mgr.queue_warning", "warning"))
            if any(a.level is level for a in alerts)]
        self.queue_alert.setText(" · ".join(lines))
        self.queue_alert.setVisible(bool(lines))
        set_prop(self.queue_alert, "level", alerts[0].level.value if alerts else "ok")

    def render_printers(self) -> None:
        printers = sorted(self.model.printers.values(), key=lambda p: p.printer)
        self.printers.set_rows(printers, context(self.model))
        bad = [p for p in printers if p.status is not PrinterStatus.OK]
        self.alert.setText("⚠ " + ", ".join(tr("mgr.printer_alert", printer=p.printer, status=tr(f"printer.{p.status.value}"))
                                            for p in bad) if bad else "")
        self.alert.setVisible(bool(bad))
        self.printers_view.setVisible(bool(printers))
        self.printers_empty.setVisible(not printers)
        self._sync_buttons()
