"""The operator's screen: the visitor card, the action buttons, the window's queue, "my day".

Each widget is a view of :class:`~operator_console.model.ConsoleModel`: ``show_state()`` reads
the model and changes nothing in it; buttons trigger the main window's ``QAction`` objects
(which carry the keyboard shortcuts), so a click and a key press are the same intent.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from queue_protocol.enums import Channel, TicketState, WindowStatus
from queue_protocol.views import TicketView

from .figures import (
    WaitLevel,
    duration,
    my_day_shown,
    norm_seconds,
    seconds_since,
    service_loads,
    wait_level,
    window_queue,
)
from .i18n import error_text, tr
from .model import ConsoleModel
from .rules import SHORTCUTS, Action
from .style import set_prop
from .tables import Ctx, RowsModel, fit_columns, local_time, name_of, waiting_columns


def label(text: str = "", name: str = "", wrap: bool = False) -> QLabel:
    widget = QLabel(text)
    if name:
        widget.setObjectName(name)
    widget.setWordWrap(wrap)
    return widget


def context(model: ConsoleModel) -> Ctx:
    view = model.view
    if view is None:
        return Ctx(now=model.now())
    return Ctx(now=model.now(), services=model.services, priorities={p.id: p for p in view.priorities},
               tickets={t.id: t for t in view.tickets or ()}, zone=model.zone)


class VisitorCard(QFrame):
    """The visitor at the window, or why there is none (idle, break, closed)."""

    def __init__(self, model: ConsoleModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.setObjectName("card")
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 12)
        self.band = label("", "cardBand")
        box.addWidget(self.band)
        self.pages = QStackedWidget()
        box.addWidget(self.pages, 1)
        ticket_page, idle_page = QWidget(), QWidget()
        self.pages.addWidget(ticket_page)
        self.pages.addWidget(idle_page)
        body = QVBoxLayout(ticket_page)
        body.setContentsMargins(18, 6, 18, 0)
        self.big = label("", "cardLabel")
        self.priority = label("", "cardPriority", wrap=True)
        body.addWidget(self.big)
        body.addWidget(self.priority)
        self.facts = QGridLayout()
        self.facts.setHorizontalSpacing(18)
        self.values: dict[str, QLabel] = {}
        self.keys: dict[str, QLabel] = {}
        for row, key in enumerate(("service", "waited", "timer", "recalls")):
            self.keys[key] = label("", "cardKey")
            self.values[key] = label("", "cardTimer" if key == "timer" else "cardValue", wrap=True)
            self.facts.addWidget(self.keys[key], row, 0)
            self.facts.addWidget(self.values[key], row, 1)
        self.facts.setColumnStretch(1, 1)
        body.addLayout(self.facts)
        self.comment = label("", "cardComment", wrap=True)
        body.addWidget(self.comment)
        body.addStretch(1)
        idle = QVBoxLayout(idle_page)
        idle.setContentsMargins(18, 6, 18, 6)
        self.idle = label("", "cardIdle", wrap=True)
        self.hint = label("", "cardHint", wrap=True)
        for widget in (self.idle, self.hint):
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
        idle.addStretch(1)
        idle.addWidget(self.idle)
        idle.addWidget(self.hint)
        idle.addStretch(1)

    def show_state(self) -> None:
        ticket, window = self.model.current, self.model.window
        showing = ticket is not None and ticket.state in (TicketState.CALLED, TicketState.SERVING)
        self.pages.setCurrentIndex(0 if showing else 1)
        if ticket is not None and showing:
            self._render_ticket(ticket)
            return
        if window is None or window.status is WindowStatus.CLOSED:
            state, title, hint = "closed", tr("card.closed"), tr("card.closed_hint")
        elif window.status is WindowStatus.BREAK:
            state, title = "break", tr("card.break")
            hint = tr("card.break_hint", reason=window.reason or tr("card.no_comment"))
        else:
            state, title, hint = "idle", tr("card.idle"), tr("card.idle_hint")
        set_prop(self.band, "state", state)
        self.band.setText(title if state != "idle" else tr("header.window", number=window.number if window else ""))
        self.idle.setText(title)
        self.hint.setText(hint)

    def _render_ticket(self, ticket: TicketView) -> None:
        model = self.model
        now = model.now()
        service = model.services.get(ticket.service)
        set_prop(self.band, "state", ticket.state.value)
        self.band.setText(tr(f"card.state.{ticket.state.value}"))
        self.big.setText(ticket.label)
        priority = next((p for p in model.view.priorities if p.id == ticket.priority), None) if model.view else None
        self.priority.setText(f"★ {name_of(priority, ticket.priority or '')}" if ticket.priority else "")
        self.priority.setVisible(ticket.priority is not None)
        self.keys["service"].setText(tr("card.service"))
        appointment = f" · {tr('card.channel.appointment')}" if ticket.channel is Channel.APPOINTMENT else ""
        self.values["service"].setText(name_of(service, ticket.service) + appointment)
        first_call = model.first_called(ticket)
        waited = seconds_since(ticket.issued_at, now) if first_call is None else max(
            0.0, (seconds_since(ticket.issued_at, now) or 0.0) - (seconds_since(first_call, now) or 0.0))
        self.keys["waited"].setText(tr("card.waited"))
        self.values["waited"].setText(duration(waited))
        level = wait_level(waited or 0.0, norm_seconds(service, ticket.channel))
        set_prop(self.values["waited"], "level", level.value)
        started = model.started_at(ticket) if ticket.state is TicketState.SERVING else None
        since = started or ticket.called_at
        self.keys["timer"].setText(tr(f"card.timer.{ticket.state.value}"))
        self.values["timer"].setText(duration(seconds_since(since, now)))
        approximate = ticket.state is TicketState.SERVING and started is None
        self.values["timer"].setToolTip(tr("card.timer_approx") if approximate else "")
        self.keys["recalls"].setText(tr("card.recalls"))
        self.values["recalls"].setText(str(ticket.recalls))
        self.keys["recalls"].setVisible(ticket.recalls > 0)
        self.values["recalls"].setVisible(ticket.recalls > 0)
        self.comment.setText(f"{tr('card.comment')}: {ticket.comment}")
        self.comment.setVisible(bool(ticket.comment))


ACTION_LAYOUT: tuple[tuple[tuple[Action, str, int], ...], ...] = (
    ((Action.CALL_NEXT, "primary", 8), (Action.CALL_TICKET, "action", 4)),
    ((Action.RECALL, "action", 4), (Action.START, "action", 4), (Action.NO_SHOW, "action", 4)),
    ((Action.FINISH, "primary", 4), (Action.POSTPONE, "action", 4), (Action.TRANSFER, "action", 4)),
    ((Action.BREAK, "action", 3), (Action.RESUME, "action", 3), (Action.OPEN, "action", 3), (Action.CLOSE, "danger", 3)),
)
"""Rows of (action, look, span) on a 12-column grid: a visit reads top to bottom, the window's own
actions sit apart at the bottom."""


class ActionPanel(QWidget):
    """Big buttons, each a face of one QAction: enabled exactly when the action is."""

    def __init__(self, actions: dict[Action, QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(8)
        self.buttons: dict[Action, QPushButton] = {}
        for row, line in enumerate(ACTION_LAYOUT):
            col = 0
            for action, role, span in line:
                button = QPushButton()
                button.setProperty("role", role)
                button.setObjectName(f"btn_{action.name.lower()}")
                button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
                button.setFocusPolicy(Qt.FocusPolicy.NoFocus)   # keys are the shortcuts; focus never steals Space
                qaction = actions[action]
                button.clicked.connect(qaction.trigger)
                qaction.changed.connect(lambda b=button, a=qaction, k=action: self._sync(b, a, k))
                self._sync(button, qaction, action)
                grid.addWidget(button, row, col, 1, span)
                self.buttons[action] = button
                col += span
        for col in range(12):
            grid.setColumnStretch(col, 1)

    @staticmethod
    def _sync(button: QPushButton, action: QAction, kind: Action) -> None:
        button.setText(f"{SHORTCUTS[kind]}   {action.text()}")
        button.setEnabled(action.isEnabled())


class QueuePanel(QFrame):
    """The window's waiting list: counts and longest wait per service, tickets coloured by norm."""

    def __init__(self, model: ConsoleModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.setObjectName("panel")
        box = QVBoxLayout(self)
        self.title = label(tr("queue.title"), "panelTitle")
        box.addWidget(self.title)
        self.chips = QVBoxLayout()
        self.chips.setSpacing(4)
        box.addLayout(self.chips)
        self.chip_labels: list[QLabel] = []
        self.rows: RowsModel[TicketView] = RowsModel(waiting_columns(), key=lambda t: t.id, parent=self)
        self.table = QTableView()
        self.table.setObjectName("waitingList")
        self.table.setModel(self.rows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(self.table.focusPolicy().NoFocus)
        fit_columns(self.table, stretch=1)
        box.addWidget(self.table, 1)
        self.empty = label(tr("queue.empty"), "empty")
        box.addWidget(self.empty)

    def show_state(self) -> None:
        model, window = self.model, self.model.window
        view = model.view
        ctx = context(model)
        tickets = window_queue(view.tickets or () if view else (), window, model.user)
        self.rows.set_rows(tickets, ctx)
        self.empty.setVisible(not tickets)
        self.table.setVisible(bool(tickets))
        wanted = list(window.services) if window is not None else []
        loads = service_loads(tickets, ctx.services, ctx.now, wanted)
        while len(self.chip_labels) < len(loads):
            chip = label("", "chip")
            self.chip_labels.append(chip)
            self.chips.addWidget(chip)
        for chip, load in zip(self.chip_labels, loads.values(), strict=False):
            name = name_of(ctx.services.get(load.service), load.service)
            text = (tr("queue.summary", service=name, count=load.waiting, longest=duration(load.longest_s))
                    if load.waiting else tr("queue.summary_empty", service=name))
            chip.setText(text)
            set_prop(chip, "level", load.level.value if load.waiting else WaitLevel.OK.value)
            chip.show()
        for chip in self.chip_labels[len(loads):]:
            chip.hide()


class MyDayPanel(QFrame):
    """The operator's day as the server's report counts it (``stats.my_day``), with the session's
    later visit ends added until the next answer; says in words when it is not known yet."""

    def __init__(self, model: ConsoleModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.setObjectName("panel")
        box = QVBoxLayout(self)
        box.addWidget(label(tr("day.title"), "panelTitle"))
        row = QHBoxLayout()
        box.addLayout(row)
        self.numbers: dict[str, QLabel] = {}
        for key in ("served", "avg", "no_shows"):
            cell = QVBoxLayout()
            self.numbers[key] = label(tr("dur.none"), "dayNumber")
            cell.addWidget(self.numbers[key])
            cell.addWidget(label(tr(f"day.{key}"), "dayKey", wrap=True))
            row.addLayout(cell, 1)
        self.more = label("", "dayDetail", wrap=True)
        self.time = label("", "dayDetail", wrap=True)
        self.source = label("", "dayKey", wrap=True)
        for widget in (self.more, self.time, self.source):
            box.addWidget(widget)
        model.my_day_feed.changed.connect(self.show_state)

    def show_state(self) -> None:
        feed = self.model.my_day_feed
        answer = feed.result
        if answer is None:
            for number in self.numbers.values():
                number.setText(tr("dur.none"))
            self.more.hide()
            self.time.hide()
            if self.model.window is None:
                self.source.setText(tr("day.no_window"))
            elif feed.failed:
                self.source.setText(tr("day.failed", reason=error_text(feed.failed, feed.failed)))
            else:
                self.source.setText(tr("day.unknown"))
            self.setToolTip(tr("day.tooltip_unknown"))
            return
        shown = my_day_shown(answer, self.model.my_day)
        self.numbers["served"].setText(str(shown.served))
        self.numbers["avg"].setText(duration(shown.service_mean_s))
        self.numbers["no_shows"].setText(str(shown.no_shows))
        self.more.setText(tr("day.more", transfers=shown.transfers, median=duration(answer.service_median_s),
                             wait=duration(answer.wait_mean_s)))
        self.time.setText(tr("day.time", serving=duration(answer.serving_s), idle=duration(answer.idle_s),
                             on_break=duration(answer.on_break_s)))
        self.more.show()
        self.time.show()
        when = local_time(answer.as_of, context(self.model))
        self.source.setText(tr("day.as_of_added", time=when, count=shown.added) if shown.added
                            else tr("day.as_of", time=when))
        self.setToolTip(tr("day.tooltip", day=answer.local_day))


class OperatorView(QWidget):
    """Left: the visitor and the actions.  Right: the queue and my day."""

    def __init__(self, model: ConsoleModel, actions: dict[Action, QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 12, 12, 12)
        row.setSpacing(12)
        left = QVBoxLayout()
        self.card = VisitorCard(model)
        self.action_panel = ActionPanel(actions)
        left.addWidget(self.card, 1)
        left.addWidget(self.action_panel)
        right = QVBoxLayout()
        self.queue = QueuePanel(model)
        self.day = MyDayPanel(model)
        right.addWidget(self.queue, 1)
        right.addWidget(self.day)
        row.addLayout(left, 3)
        row.addLayout(right, 2)

    def show_state(self) -> None:
        self.card.show_state()
        self.queue.show_state()
        self.day.show_state()
