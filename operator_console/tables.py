"""Qt table models for every list the console shows: rows in, cells out.

One generic :class:`RowsModel` (a ``QAbstractTableModel``) driven by a list of
:class:`Column` specs; the console's lists are instances of it built by the ``*_columns``
functions below.  ``set_rows`` keeps the model's identity: when the row keys are the same it
only emits ``dataChanged`` (the once-a-second timer refresh, selection kept); otherwise it
resets.  ``KEY_ROLE`` answers a row's key (a ticket id, a window number) for the views.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QHeaderView, QTableView

from queue_protocol.enums import TicketState, WindowStatus
from queue_protocol.views import PriorityView, ServiceView, TicketView, WindowView
from queue_protocol.wire_time import parse_utc

from . import i18n
from .figures import ServiceLoad, WaitLevel, duration, norm_seconds, seconds_since, wait_level
from .i18n import tr

Row = TypeVar("Row")
KEY_ROLE = Qt.ItemDataRole.UserRole + 1
LEVEL_ROLE = Qt.ItemDataRole.UserRole + 2

LEVEL_COLOURS = {
    WaitLevel.WARNING: ("#FFE08A", "#3D2E00"),   # amber background, dark text (contrast > 7:1)
    WaitLevel.BREACH: ("#F4A6A6", "#4A0000"),    # red background, dark text
}
STATUS_COLOURS = {
    WindowStatus.OPEN: ("#D7F0D8", "#0B3D10"),
    WindowStatus.BREAK: ("#FFE08A", "#3D2E00"),
    WindowStatus.CLOSED: ("#E4E4E4", "#444444"),
}


@dataclass
class Ctx:
    """What the cells need besides the row: the time and the office's names."""

    now: datetime
    services: dict[str, ServiceView] = field(default_factory=dict)
    priorities: dict[str, PriorityView] = field(default_factory=dict)
    tickets: dict[str, TicketView] = field(default_factory=dict)
    zone: Any = None   # the office's tzinfo, for local times


def name_of(item: ServiceView | PriorityView | None, fallback: str = "") -> str:
    if item is None:
        return fallback
    return item.name_en if i18n.language() == "en" and item.name_en else item.name_ru


def local_time(timestamp: str | datetime | None, ctx: Ctx) -> str:
    """``HH:MM`` in the office's time zone (the server's UTC timestamps are for machines)."""
    if timestamp is None:
        return tr("dur.none")
    moment = parse_utc(timestamp) if isinstance(timestamp, str) else timestamp
    if ctx.zone is not None:
        moment = moment.astimezone(ctx.zone)
    return moment.strftime("%H:%M")


@dataclass(frozen=True)
class Column(Generic[Row]):
    header: str                                            # an i18n key
    text: Callable[[Any, Ctx], str]
    level: Callable[[Any, Ctx], WaitLevel | None] | None = None
    colours: Callable[[Any, Ctx], tuple[str, str] | None] | None = None
    bold: Callable[[Any, Ctx], bool] | None = None
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
    tooltip: Callable[[Any, Ctx], str] | None = None
    width: int = 0                                         # fixed width in pixels (eliding); 0 fits contents


class RowsModel(QAbstractTableModel, Generic[Row]):
    """A read-only table of ``rows`` rendered through ``columns``."""

    def __init__(self, columns: Sequence[Column[Row]], key: Callable[[Row], object], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self.key = key
        self.rows: list[Row] = []
        self.ctx = Ctx(now=datetime.now().astimezone())

    def set_rows(self, rows: Sequence[Row], ctx: Ctx) -> None:
        self.ctx = ctx
        rows = list(rows)
        if [self.key(r) for r in rows] == [self.key(r) for r in self.rows]:
            self.rows = rows
            if rows:
                self.dataChanged.emit(self.index(0, 0), self.index(len(rows) - 1, len(self.columns) - 1))
            return
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def retranslate(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.columns) - 1)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation is Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return tr(self.columns[section].header)
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.rows):
            return None
        row, column = self.rows[index.row()], self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(row, self.ctx)
        if role == KEY_ROLE:
            return self.key(row)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(column.align)
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(row, self.ctx)
        if role == Qt.ItemDataRole.FontRole and column.bold is not None and column.bold(row, self.ctx):
            font = QFont()
            font.setBold(True)
            return font
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole, LEVEL_ROLE):
            pair = self._colours(row, column)
            if role == LEVEL_ROLE:
                return column.level(row, self.ctx) if column.level is not None else None
            if pair is not None:
                return QBrush(QColor(pair[0] if role == Qt.ItemDataRole.BackgroundRole else pair[1]))
        return None

    def _colours(self, row: Row, column: Column[Row]) -> tuple[str, str] | None:
        if column.colours is not None:
            return column.colours(row, self.ctx)
        if column.level is not None:
            level = column.level(row, self.ctx)
            return LEVEL_COLOURS.get(level) if level is not None else None
        return None


def fit_columns(view: QTableView, stretch: int) -> None:
    """Columns fit their contents except ``stretch``, which takes the rest (eliding): no sideways scrolling."""
    header = view.horizontalHeader()
    header.setStretchLastSection(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    model = view.model()
    for n, column in enumerate(getattr(model, "columns", ())):
        if column.width and n != stretch:
            header.setSectionResizeMode(n, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(n, column.width)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setWordWrap(False)
    view.verticalHeader().setDefaultSectionSize(26)
    view.verticalHeader().hide()


# -- the ticket lists ----------------------------------------------------------------------------

def ticket_wait(ticket: TicketView, ctx: Ctx) -> float:
    return seconds_since(ticket.issued_at, ctx.now) or 0.0


def ticket_level(ticket: TicketView, ctx: Ctx) -> WaitLevel | None:
    if ticket.state is not TicketState.WAITING:
        return None
    return wait_level(ticket_wait(ticket, ctx), norm_seconds(ctx.services.get(ticket.service), ticket.channel))


def priority_text(ticket: TicketView, ctx: Ctx) -> str:
    if ticket.priority is None:
        return ""
    return "★ " + name_of(ctx.priorities.get(ticket.priority), ticket.priority)


def ticket_note(ticket: TicketView, ctx: Ctx) -> str:
    notes = []
    if ticket.state is TicketState.POSTPONED:
        notes.append(tr("queue.postponed_until", time=local_time(ticket.postponed_until, ctx)))
    if ticket.target_operator is not None:
        notes.append(tr("queue.for_me"))
    elif ticket.target_window is not None:
        notes.append(tr("queue.for_window", number=ticket.target_window))
    if ticket.channel == "appointment":
        notes.append(tr("queue.appointment"))
    return ", ".join(notes)


def waiting_columns() -> list[Column[TicketView]]:
    """The operator's waiting list: no personal data, just tickets (152-ФЗ); ★ marks a priority."""
    right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    return [
        Column("queue.col.ticket", lambda t, c: f"★ {t.label}" if t.priority else t.label, level=ticket_level,
               bold=lambda t, c: t.priority is not None, tooltip=priority_text),
        Column("queue.col.service", lambda t, c: name_of(c.services.get(t.service), t.service)),
        Column("queue.col.waited", lambda t, c: duration(ticket_wait(t, c)), level=ticket_level, align=right),
        Column("queue.col.note", ticket_note, tooltip=lambda t, c: t.comment),
    ]


def day_tickets_columns() -> list[Column[TicketView]]:
    """The manager's list of the day's tickets."""
    right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    return [
        Column("mgr.col.ticket", lambda t, c: t.label, level=ticket_level, bold=lambda t, c: t.priority is not None,
               tooltip=lambda t, c: tr("mgr.issued_at", time=local_time(t.issued_at, c))),
        Column("mgr.col.service", lambda t, c: name_of(c.services.get(t.service), t.service)),
        Column("mgr.col.state", lambda t, c: tr(f"ticket.{t.state.value}")
               + (f" → {t.window}" if t.window is not None else "")),
        Column("mgr.col.priority", priority_text, tooltip=priority_text, width=150),
        Column("queue.col.waited", lambda t, c: duration(ticket_wait(t, c)) if t.state is TicketState.WAITING
               else "", level=ticket_level, align=right),
        Column("queue.col.note", ticket_note, tooltip=lambda t, c: t.comment),
    ]


# -- the manager's office view -------------------------------------------------------------------

def window_time_in_state(window: WindowView, ctx: Ctx) -> float | None:
    ticket = ctx.tickets.get(window.ticket or "")
    if ticket is not None and ticket.called_at is not None:
        return seconds_since(ticket.called_at, ctx.now)
    return seconds_since(window.since, ctx.now)


def window_ticket(window: WindowView, ctx: Ctx) -> str:
    if window.label is None:
        return ""
    ticket = ctx.tickets.get(window.ticket or "")
    return f"{window.label} ({tr(f'ticket.{ticket.state.value}')})" if ticket is not None else window.label


def window_status(window: WindowView, ctx: Ctx) -> str:
    text = tr(f"status.{window.status.value}")
    return f"{text}: {window.reason}" if window.reason else text


def window_services(window: WindowView, ctx: Ctx) -> str:
    def short(sid: str, weight: float) -> str:
        service = ctx.services.get(sid)
        return (service.prefix or sid if service else sid) + ("" if weight == 1 else f"×{weight:g}")

    ordered = sorted(window.services.items(), key=lambda item: (-item[1], item[0]))   # the main service first
    return ", ".join(short(sid, weight) for sid, weight in ordered)


def windows_columns() -> list[Column[WindowView]]:
    right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    return [
        Column("mgr.col.window", lambda w, c: str(w.number), align=right, tooltip=lambda w, c: w.name,
               bold=lambda w, c: True),
        Column("mgr.col.status", window_status, colours=lambda w, c: STATUS_COLOURS.get(w.status)),
        Column("mgr.col.operator", lambda w, c: w.operator_name or w.operator or "", width=190,
               tooltip=lambda w, c: f"{w.operator_name} ({w.operator})" if w.operator else ""),
        Column("mgr.col.ticket", window_ticket, bold=lambda w, c: w.label is not None),
        Column("mgr.col.in_state", lambda w, c: duration(window_time_in_state(w, c)) if w.status is not WindowStatus.CLOSED
               else "", align=right),
        Column("mgr.col.services", window_services,
               tooltip=lambda w, c: ", ".join(name_of(c.services.get(s), s) for s in w.services)),
    ]


def services_columns() -> list[Column[tuple[ServiceView, ServiceLoad]]]:
    right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
    return [
        Column("mgr.col.service", lambda r, c: f"{r[0].prefix}  {name_of(r[0])}"),
        Column("mgr.col.waiting", lambda r, c: str(r[1].waiting), align=right, level=lambda r, c: r[1].level),
        Column("mgr.col.longest", lambda r, c: duration(r[1].longest_s), align=right, level=lambda r, c: r[1].level),
        Column("mgr.col.norm", lambda r, c: f"{r[0].norm_walk_in_min} / {r[0].norm_appointment_min}", align=right),
    ]
