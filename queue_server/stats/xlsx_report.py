"""The report as an Excel workbook (openpyxl), with native charts where a picture helps.

Sheets: Сводка (headline figures, groups of visitors, priority categories), Услуги, Часы,
Дни, Операторы, Окна — one table each, numbers as numbers (minutes, hours, per cent, with
their number format), a frozen header and a filter.  Charts: waits by service against the
norm; arrivals and open windows by hour, waits by hour; tickets and the share within the
norm by day; operators' time.  Several offices: an Офисы sheet first, then each office's
sheets numbered.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .model import HOURS, INT, MIN, NUM, PCT, TEXT, OfficeReport, Report, Table, scaled

FORMATS = {MIN: "0.0", HOURS: "0.00", PCT: "0.0", NUM: "0.0", INT: "0", TEXT: "@"}
HEADER_FILL = PatternFill("solid", fgColor="DDE6F0")
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)


class _Placed:
    """Where a table landed on its sheet."""

    def __init__(self, ws: Worksheet, table: Table, header_row: int) -> None:
        self.ws = ws
        self.header_row = header_row
        self.first_row = header_row + 1
        self.last_row = header_row + len(table.rows)
        self.col = {c.key: i for i, c in enumerate(table.columns, start=1)}

    def ref(self, key: str, *, with_title: bool = True) -> Reference:
        return Reference(self.ws, min_col=self.col[key], max_col=self.col[key],
                         min_row=self.header_row if with_title else self.first_row, max_row=self.last_row)


def _write_table(ws: Worksheet, table: Table, row: int, *, widths: bool = True) -> _Placed:
    ws.cell(row=row, column=1, value=table.title).font = BOLD
    header = row + 1
    for i, column in enumerate(table.columns, start=1):
        cell = ws.cell(row=header, column=i, value=column.title)
        cell.font = BOLD
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for r, values in enumerate(table.rows, start=header + 1):
        for i, column in enumerate(table.columns, start=1):
            cell = ws.cell(row=r, column=i, value=scaled(values.get(column.key), column.kind))
            if column.kind != TEXT:
                cell.number_format = FORMATS[column.kind]
    if table.note:
        ws.cell(row=header + len(table.rows) + 1, column=1, value=f"Примечание: {table.note}").font = Font(italic=True)
    if widths:
        for i, column in enumerate(table.columns, start=1):
            longest = max([len(str(v.get(column.key) or "")) for v in table.rows] + [10])
            letter = get_column_letter(i)
            ws.column_dimensions[letter].width = min(max(12, longest + 2) if column.kind == TEXT else 12, 48)
        ws.row_dimensions[header].height = 45
    return _Placed(ws, table, header)


def _table_sheet(ws: Worksheet, office: OfficeReport, table: Table, heading: str) -> _Placed:
    ws["A1"] = f"{heading} — {office.office_name}"
    ws["A1"].font = TITLE
    ws["A2"] = f"Период: {office.first:%d.%m.%Y} — {office.last:%d.%m.%Y} (местное время, {office.timezone})"
    placed = _write_table(ws, table, 4)
    ws.freeze_panes = ws.cell(row=placed.first_row, column=2).coordinate
    if table.rows:
        ws.auto_filter.ref = f"A{placed.header_row}:{get_column_letter(len(table.columns))}{placed.last_row}"
    return placed


def _axes(chart: Any, x_title: str, y_title: str) -> None:
    chart.x_axis.title = x_title
    chart.y_axis.title = y_title
    chart.x_axis.delete = False          # openpyxl 3.1 hides axes unless told otherwise
    chart.y_axis.delete = False
    chart.legend.position = "b"


def _below(placed: _Placed, offset: int = 3) -> str:
    return f"A{placed.last_row + offset}"


def _summary_sheet(ws: Worksheet, report: Report, office: OfficeReport) -> None:
    ws["A1"] = "Отчёт об ожидании и обслуживании посетителей"
    ws["A1"].font = TITLE
    ws["A2"] = f"{office.office_name} ({office.office_id})"
    ws["A3"] = f"Период: {office.first:%d.%m.%Y} — {office.last:%d.%m.%Y}, местное время ({office.timezone})"
    ws["A4"] = (f"Сформирован: {report.generated_at:%d.%m.%Y %H:%M} UTC. Справочник услуг: "
                + ("демонстрационный офис" if office.catalogue_source == "demo" else office.catalogue_source))
    row = 5
    for note in office.notes:
        ws.cell(row=row, column=1, value=note).font = Font(italic=True)
        row += 1
    row += 1
    ws.cell(row=row, column=1, value="Показатель").font = BOLD
    ws.cell(row=row, column=2, value="Значение").font = BOLD
    for figure in office.summary:
        row += 1
        ws.cell(row=row, column=1, value=figure.title)
        cell = ws.cell(row=row, column=2, value=scaled(figure.value, figure.kind))
        cell.number_format = FORMATS[figure.kind]
    ws.column_dimensions["A"].width = 52
    ws.column_dimensions["B"].width = 14
    placed = _write_table(ws, office.tables["groups"], row + 3, widths=False)
    _write_table(ws, office.tables["categories"], placed.last_row + 3, widths=False)


def _services_chart(placed: _Placed) -> None:
    if not placed.last_row >= placed.first_row:
        return
    chart = BarChart()
    chart.type = "bar"
    chart.title = "Ожидание вызова по услугам, мин"
    for key in ("wait_mean", "wait_p90"):
        chart.add_data(placed.ref(key), titles_from_data=True)
    chart.set_categories(placed.ref("name", with_title=False))
    _axes(chart, "", "минуты")
    chart.height, chart.width = 10, 22
    placed.ws.add_chart(chart, _below(placed))


def _bars_with_line(placed: _Placed, title: str, bars_of: tuple[str, str], titles: tuple[str, str],
                    line_of: tuple[str, str]) -> BarChart:
    """Bars of column ``bars_of[0]`` by ``bars_of[1]``, and column ``line_of[0]`` as a line on a right-hand axis."""
    bars = BarChart()
    bars.title = title
    bars.add_data(placed.ref(bars_of[0]), titles_from_data=True)
    bars.set_categories(placed.ref(bars_of[1], with_title=False))
    _axes(bars, *titles)
    line = LineChart()
    line.add_data(placed.ref(line_of[0]), titles_from_data=True)
    line.y_axis.axId = 200
    line.y_axis.title = line_of[1]
    line.y_axis.crosses = "max"
    line.y_axis.delete = False
    bars += line
    return bars


def _hours_charts(placed: _Placed) -> None:
    if not placed.last_row >= placed.first_row:
        return
    bars = _bars_with_line(placed, "Посетителей в день и открытых окон по часам", ("per_day", "hour"),
                           ("час (местное время)", "талонов в день"), ("windows_open", "окон открыто"))
    bars.height, bars.width = 10, 22
    placed.ws.add_chart(bars, _below(placed))
    waits = LineChart()
    waits.title = "Ожидание вызова по часу выдачи талона, мин"
    for key in ("wait_mean", "wait_median", "wait_p90"):
        waits.add_data(placed.ref(key), titles_from_data=True)
    waits.set_categories(placed.ref("hour", with_title=False))
    _axes(waits, "час выдачи (местное время)", "минуты")
    waits.height, waits.width = 10, 22
    placed.ws.add_chart(waits, _below(placed, 25))


def _days_chart(placed: _Placed) -> None:
    if not placed.last_row >= placed.first_row:
        return
    bars = _bars_with_line(placed, "Талонов в день и доля вызванных в пределах норматива", ("tickets", "date"),
                           ("дата", "талонов"), ("within_norm_pct", "%"))
    bars.height, bars.width = 10, 26
    placed.ws.add_chart(bars, _below(placed))


def _operators_chart(placed: _Placed) -> None:
    if not placed.last_row >= placed.first_row:
        return
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.title = "Время операторов, ч"
    for key in ("serving", "calling", "idle", "on_break"):
        chart.add_data(placed.ref(key), titles_from_data=True)
    chart.set_categories(placed.ref("operator", with_title=False))
    _axes(chart, "", "часы")
    chart.height = max(10, 0.5 * (placed.last_row - placed.first_row + 1))
    chart.width = 22
    placed.ws.add_chart(chart, _below(placed))


SHEETS = (
    ("services", "Услуги", "По услугам", _services_chart),
    ("hours", "Часы", "По часам", _hours_charts),
    ("days", "Дни", "По дням", _days_chart),
    ("operators", "Операторы", "По операторам", _operators_chart),
    ("windows", "Окна", "По окнам", None),
)


def save_xlsx(report: Report, path: str | Path) -> None:
    book = Workbook()
    first = book.active
    assert isinstance(first, Worksheet)   # a new workbook's one sheet
    several = len(report.offices) > 1
    if several:
        first.title = "Офисы"
        first["A1"] = "Отчёт об ожидании и обслуживании посетителей"
        first["A1"].font = TITLE
        first["A2"] = f"Период: {report.first:%d.%m.%Y} — {report.last:%d.%m.%Y}"
        _write_table(first, report.by_office, 4)
    for n, office in enumerate(report.offices, start=1):
        suffix = f" {n}" if several else ""
        ws = first if not several and n == 1 else book.create_sheet()
        ws.title = f"Сводка{suffix}"
        _summary_sheet(ws, report, office)
        for key, name, heading, chart in SHEETS:
            sheet = book.create_sheet(f"{name}{suffix}")
            placed = _table_sheet(sheet, office, office.tables[key], heading)
            if chart is not None:
                chart(placed)
    book.save(path)
