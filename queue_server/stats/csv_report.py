"""The report as CSV for a spreadsheet in a Russian locale: UTF-8 with a BOM, ``;`` between
fields and a decimal comma (what Excel in Russian expects; ``12.5`` would become a date there).

The file is a run of sections, each: a line with the section's title alone, a header line,
the rows, an empty line.  Minutes and per cent carry one decimal, hours two; an empty field
means "nothing to show" (no ticket was called, say).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TextIO

from .model import OfficeReport, Report, Table, format_value

DELIMITER = ";"
DECIMAL = ","


def _cell(value: Any, kind: str) -> str:
    return format_value(value, kind, decimal=DECIMAL, empty="")


def _table(writer: Any, table: Table, extra: Iterable[tuple[str, str]] = ()) -> None:
    writer.writerow([table.title])
    prefix = list(extra)
    writer.writerow([title for title, _ in prefix] + [c.title for c in table.columns])
    for row in table.rows:
        writer.writerow([value for _, value in prefix] + [_cell(row.get(c.key), c.kind) for c in table.columns])
    if table.note:
        writer.writerow([f"Примечание: {table.note}"])
    writer.writerow([])


def _office(writer: Any, office: OfficeReport) -> None:
    writer.writerow([f"Офис {office.office_id}", office.office_name])
    writer.writerow(["Часовой пояс", office.timezone])
    writer.writerow(["Справочник услуг", "демонстрационный офис" if office.catalogue_source == "demo"
                     else office.catalogue_source])
    for note in office.notes:
        writer.writerow(["Примечание", note])
    writer.writerow([])
    writer.writerow(["Сводка"])
    writer.writerow(["Показатель", "Значение"])
    for figure in office.summary:
        writer.writerow([figure.title.strip(), _cell(figure.value, figure.kind)])
    writer.writerow([])
    for table in office.tables.values():
        _table(writer, table)


def write_csv(report: Report, out: TextIO) -> None:
    writer = csv.writer(out, delimiter=DELIMITER, lineterminator="\r\n")
    writer.writerow(["Отчёт об ожидании и обслуживании посетителей"])
    writer.writerow(["Период (местные даты)", report.first.isoformat(), report.last.isoformat()])
    writer.writerow(["Сформирован (UTC)", f"{report.generated_at:%Y-%m-%d %H:%M}"])
    writer.writerow(["Определения", "docs/statistics.md"])
    writer.writerow([])
    if len(report.offices) > 1:
        _table(writer, report.by_office)
    for office in report.offices:
        _office(writer, office)


def save_csv(report: Report, path: str | Path) -> None:
    with open(path, "w", encoding="utf-8-sig", newline="") as out:
        write_csv(report, out)

