"""The report as data: tables of raw figures with Russian headings, rendered by the writers.

Values stay raw so every writer shows the same figure: durations in seconds (a column of kind
``min`` shows minutes, ``hours`` shows hours), shares in per cent, counts as ints, ``None``
where there is nothing to show (no called ticket, say).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

# column kinds: how a raw value is shown
TEXT, INT, MIN, HOURS, PCT, NUM = "text", "int", "min", "hours", "pct", "num"


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    title: str
    kind: str = INT
    printed: bool = True          # shown in the PDF too (spreadsheets show every column)


@dataclass(slots=True)
class Table:
    key: str
    title: str
    columns: tuple[Column, ...]
    rows: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""

    def column(self, key: str) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)

    def row(self, key_column: str, value: Any) -> dict[str, Any]:
        for row in self.rows:
            if row[key_column] == value:
                return row
        raise KeyError(value)


@dataclass(frozen=True, slots=True)
class Figure:
    """One headline figure of the summary."""

    key: str
    title: str
    value: Any
    kind: str = INT


@dataclass(slots=True)
class OfficeReport:
    office_id: str
    office_name: str
    timezone: str
    first: date
    last: date
    as_of: datetime                              # how far the log was known (UTC)
    catalogue_source: str
    notes: list[str] = field(default_factory=list)
    summary: list[Figure] = field(default_factory=list)
    tables: dict[str, Table] = field(default_factory=dict)

    def figure(self, key: str) -> Any:
        for item in self.summary:
            if item.key == key:
                return item.value
        raise KeyError(key)


@dataclass(slots=True)
class Report:
    """One or several offices over the same local days."""

    first: date
    last: date
    generated_at: datetime
    offices: list[OfficeReport]
    by_office: Table


def format_value(value: Any, kind: str, *, decimal: str = ".", empty: str = "") -> str:
    """A raw value as text: minutes and per cent with one decimal, hours with two."""
    if value is None:
        return empty
    if kind == MIN:
        text = f"{value / 60:.1f}"
    elif kind == HOURS:
        text = f"{value / 3600:.2f}"
    elif kind in (PCT, NUM):
        text = f"{value:.1f}"
    elif kind == INT:
        return str(int(value))
    else:
        return str(value)
    return text.replace(".", decimal) if decimal != "." else text


def scaled(value: Any, kind: str) -> Any:
    """The number a spreadsheet cell holds: minutes, hours, per cent, as shown."""
    if value is None:
        return None
    if kind == MIN:
        return value / 60
    if kind == HOURS:
        return value / 3600
    return value
