"""The manager's dashboard: today's figures per service and for the office, and the queue alerts.

Two sources, each for what it is good at (docs/statistics.md, "Live"):

* the **figures** (issued, served, no-shows, the waits' mean / median / p90 / max, the share
  called within the norm) are the server's ``stats.today`` — the report's definitions over
  today's event log — kept fresh by :class:`~operator_console.today_feed.TodayFeed`;
* **waiting now**, the **longest wait now** and the **alerts** come from the live mirror on
  every render (every event and every second): a queue whose wait passes two thirds of its
  norm gets a warning, past the norm an alert — in colour *and* in words.

The "Отчёт…" button emits :attr:`DashboardView.report`; the main window opens the dialog.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from queue_protocol.views import ServiceView, StatsFigures
from queue_protocol.wire_time import parse_utc

from . import i18n
from .figures import ServiceLoad, WaitLevel, duration, queue_alerts, service_loads
from .i18n import tr
from .manager_view import table
from .model import ConsoleModel
from .operator_view import context, label
from .style import set_prop
from .tables import Column, Ctx, RowsModel, name_of

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
ALERT_ITEMS = 4         # queues named in one line of the alert strip


@dataclass(frozen=True)
class DashRow:
    """One line of the table: a service (or the whole office) with its figures and its queue now."""

    key: str
    name: str
    norm: str
    figures: StatsFigures | None          # from stats.today; None until it came
    load: ServiceLoad                     # from the mirror, now
    total: bool = False


def number(value: float | None, kind: str = "int") -> str:
    """A figure as the manager reads it: durations m:ss, shares with one decimal (a comma in Russian)."""
    if value is None:
        return tr("dur.none")
    if kind == "dur":
        return duration(value)
    if kind == "pct":
        text = f"{value:.1f}"
        return tr("dash.pct", value=text.replace(".", ",") if i18n.language() == "ru" else text)
    return str(int(value))


def _figure(key: str, kind: str = "int") -> Callable[[DashRow, Ctx], str]:
    def text(row: DashRow, ctx: Ctx) -> str:
        return number(getattr(row.figures, key), kind) if row.figures is not None else tr("dur.none")

    return text


def _level(row: DashRow, ctx: Ctx) -> WaitLevel | None:
    return row.load.level if row.load.level is not WaitLevel.OK else None


def dashboard_columns() -> list[Column[DashRow]]:
    bold: Callable[[DashRow, Ctx], bool] = lambda r, c: r.total  # noqa: E731
    return [
        Column("dash.col.service", lambda r, c: r.name, bold=bold, tooltip=lambda r, c: r.name),
        Column("dash.col.norm", lambda r, c: r.norm, align=RIGHT),
        Column("dash.col.issued", _figure("issued"), align=RIGHT, bold=bold),
        Column("dash.col.waiting", lambda r, c: str(r.load.waiting), align=RIGHT, bold=bold, level=_level),
        Column("dash.col.served", _figure("served"), align=RIGHT, bold=bold),
        Column("dash.col.no_shows", _figure("no_shows"), align=RIGHT, bold=bold),
        Column("dash.col.wait_mean", _figure("wait_mean_s", "dur"), align=RIGHT, bold=bold),
        Column("dash.col.wait_median", _figure("wait_median_s", "dur"), align=RIGHT, bold=bold),
        Column("dash.col.wait_p90", _figure("wait_p90_s", "dur"), align=RIGHT, bold=bold),
        Column("dash.col.wait_max", _figure("wait_max_s", "dur"), align=RIGHT, bold=bold),
        Column("dash.col.within", _figure("within_norm_pct", "pct"), align=RIGHT, bold=bold),
        Column("dash.col.longest", lambda r, c: duration(r.load.longest_s), align=RIGHT, bold=bold, level=_level),
        Column("dash.col.state", lambda r, c: tr(f"dash.state.{r.load.level.value}"), bold=bold, level=_level,
               tooltip=lambda r, c: tr(f"dash.state_hint.{r.load.level.value}")),
    ]


TILES = (("issued", "int"), ("waiting", "live"), ("served", "int"), ("no_shows", "int"), ("wait_mean", "dur"),
         ("wait_median", "dur"), ("wait_p90", "dur"), ("wait_max", "dur"), ("within", "pct"), ("longest", "live"))
TILE_FIELD = {"wait_mean": "wait_mean_s", "wait_median": "wait_median_s", "wait_p90": "wait_p90_s",
              "wait_max": "wait_max_s", "within": "within_norm_pct"}


def alert_text(loads: list[ServiceLoad], services: dict[str, ServiceView]) -> tuple[str, WaitLevel]:
    """The alert strip's words and its level: past the norm first, then over two thirds of it."""
    alerts = queue_alerts(loads)
    if not alerts:
        return tr("dash.all_ok"), WaitLevel.OK

    def item(load: ServiceLoad) -> str:
        service = services.get(load.service)
        name = f"{service.prefix} {name_of(service)}".strip() if service is not None else load.service
        return tr("dash.alert_item", service=name, waited=duration(load.worst_s), norm=round(load.worst_norm_s / 60))

    lines = []
    for level, key in ((WaitLevel.BREACH, "dash.breach"), (WaitLevel.WARNING, "dash.warning")):
        items = [item(a) for a in alerts if a.level is level]
        if len(items) > ALERT_ITEMS:      # the worst first; the table shows every queue
            items[ALERT_ITEMS:] = [tr("dash.more", count=len(items) - ALERT_ITEMS)]
        if items:
            lines.append(tr(key, items="; ".join(items)))
    return "\n".join(lines), alerts[0].level


class DashboardView(QWidget):
    """Today's figures, live; see the module docstring."""

    report = Signal()

    def __init__(self, model: ConsoleModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        box = QVBoxLayout(self)
        box.setContentsMargins(12, 12, 12, 12)
        box.setSpacing(10)
        top = QHBoxLayout()
        self.title = label("", "dashTitle")
        self.as_of = label("", "dashAsOf")
        self.report_button = QPushButton(tr("dash.report"))
        self.report_button.setObjectName("btn_report")
        self.report_button.clicked.connect(self.report)
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.as_of)
        top.addWidget(self.report_button)
        box.addLayout(top)
        self.alerts = label("", "queueAlert")
        self.alerts.setWordWrap(True)
        box.addWidget(self.alerts)

        tiles = QGridLayout()
        tiles.setSpacing(8)
        self.tiles: dict[str, tuple[QFrame, QLabel]] = {}
        for n, (key, _kind) in enumerate(TILES):
            frame = QFrame()
            frame.setObjectName("tile")
            inner = QVBoxLayout(frame)
            inner.setContentsMargins(10, 6, 10, 8)
            value = label("", "tileValue")
            caption = label(tr(f"dash.tile.{key}"), "tileKey")
            caption.setWordWrap(True)
            inner.addWidget(value)
            inner.addWidget(caption)
            inner.addStretch(1)
            tiles.addWidget(frame, 0, n)
            self.tiles[key] = (frame, value)
        box.addLayout(tiles)

        self.rows: RowsModel[DashRow] = RowsModel(dashboard_columns(), key=lambda r: r.key, parent=self)
        self.table = table(self.rows, "dashTable", stretch=0)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        box.addWidget(self.table, 100)     # the table takes the room, up to its rows; the stretch below the rest
        self.note = label(tr("dash.note"), "dashNote")
        self.note.setWordWrap(True)
        box.addWidget(self.note)
        box.addStretch(1)

    def show_state(self) -> None:
        model, view = self.model, self.model.view
        self.report_button.setEnabled(model.online)
        if view is None:
            return
        ctx = context(model)
        loads = service_loads(view.tickets or (), ctx.services, ctx.now)
        text, level = alert_text(list(loads.values()), ctx.services)
        self.alerts.setText(text)
        set_prop(self.alerts, "level", level.value)
        result = model.today.result
        figures = {s.service: s for s in result.services} if result is not None else {}
        rows = []
        for sid, load in loads.items():
            service = ctx.services[sid]
            rows.append(DashRow(sid, f"{service.prefix}  {name_of(service)}",
                                f"{service.norm_walk_in_min} / {service.norm_appointment_min}", figures.get(sid), load))
        office_load = ServiceLoad("", waiting=sum(x.waiting for x in loads.values()),
                                  longest_s=max((x.longest_s for x in loads.values() if x.longest_s is not None),
                                                default=None), level=max((x.level for x in loads.values()),
                                                                         key=list(WaitLevel).index, default=WaitLevel.OK))
        rows.append(DashRow("", tr("dash.total"), "", result.total if result is not None else None, office_load, True))
        self.rows.set_rows(rows, ctx)
        header = self.table.horizontalHeader()
        height = max(header.height(), header.sizeHint().height()) + self.table.verticalHeader().length()
        self.table.setMaximumHeight(height + 2 * self.table.frameWidth() + 2)   # no empty table below the rows
        self._tiles(result.total if result is not None else None, office_load)
        self._header(ctx)

    def _tiles(self, total: StatsFigures | None, load: ServiceLoad) -> None:
        for key, kind in TILES:
            frame, value = self.tiles[key]
            if key == "waiting":
                value.setText(str(load.waiting))
            elif key == "longest":
                value.setText(duration(load.longest_s))
                set_prop(frame, "level", load.level.value)
            else:
                value.setText(number(getattr(total, TILE_FIELD.get(key, key)), kind) if total is not None
                              else tr("dur.none"))

    def _header(self, ctx: Ctx) -> None:
        today = self.model.today
        result = today.result
        day = self.model.view.office.local_day if self.model.view else ""
        if result is not None:
            day = result.local_day
            moment = parse_utc(result.as_of)
            self.as_of.setText(tr("dash.as_of", time=(moment.astimezone(ctx.zone) if ctx.zone else moment)
                                  .strftime("%H:%M:%S")))
        elif today.failed:
            self.as_of.setText(tr("dash.failed", reason=today.failed))
        else:
            self.as_of.setText(tr("dash.loading"))
        parts = day.split("-")
        self.title.setText(tr("dash.title", day=".".join(reversed(parts)) if len(parts) == 3 else day))
