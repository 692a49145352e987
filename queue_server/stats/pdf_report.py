"""The report as a PDF for the manager's printout: A4 landscape pages, Russian headings,
charts and tables drawn with matplotlib: plain ``Figure`` objects, never pyplot, so no GUI
backend is touched (PNG pages go through Agg, the PDF through PdfPages); DejaVu Sans (shipped
with matplotlib) for the Cyrillic, embedded as TrueType.

Pages of each office: the summary (headline figures, groups, priority categories, notes);
arrivals and waits by hour; services (chart and table); days (chart, table); operators
(time chart, table).  Windows are in the spreadsheets only.  :func:`render_pages` gives the
figures, so tests and reviewers can also save them as PNG (:func:`save_png_pages`).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from matplotlib import rc_context
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from .model import TEXT, Column, OfficeReport, Report, Table, format_value

A4_LANDSCAPE = (11.69, 8.27)
STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "pdf.fonttype": 3,                # Type 3 glyphs: half the time of embedding TrueType subsets
}
BLUE, ORANGE, GREEN, GREY, RED, LIGHT = "#2f6ea5", "#e8892b", "#4c9a52", "#9aa5b1", "#c0392b", "#eef2f7"
ROWS_PER_PAGE = 32
MONO = "DejaVu Sans Mono"
MONO_EM = 0.62    # DejaVu Sans Mono advances 0.602 em; Agg rounds to whole pixels, so leave a little room


def _fmt(value: Any, kind: str) -> str:
    return format_value(value, kind, decimal=",", empty="—")


def _minutes(values: Sequence[Any]) -> list[float]:
    return [v / 60 if v is not None else float("nan") for v in values]


class _Pages:
    def __init__(self, report: Report) -> None:
        self.report = report
        self.figures: list[Figure] = []

    def new(self, office: OfficeReport, title: str) -> Figure:
        fig = Figure(figsize=A4_LANDSCAPE)
        fig.text(0.04, 0.955, title, fontsize=15, weight="bold", va="top")
        fig.text(0.04, 0.912, f"{office.office_name}  ·  {office.first:%d.%m.%Y} — {office.last:%d.%m.%Y}  ·  "
                 f"местное время ({office.timezone})", fontsize=9, color="#444", va="top")
        self.figures.append(fig)
        return fig

    def finish(self) -> list[Figure]:
        total = len(self.figures)
        stamp = f"{self.report.generated_at:%d.%m.%Y %H:%M} UTC"
        for n, fig in enumerate(self.figures, start=1):
            fig.text(0.04, 0.025, f"Talon · отчёт сформирован {stamp} · определения показателей: docs/statistics.md",
                     fontsize=7, color="#777")
            fig.text(0.96, 0.025, f"стр. {n} из {total}", fontsize=7, color="#777", ha="right")
        return self.figures


def _draw_table(fig: Figure, left: float, top: float, width: float, columns: Sequence[Column],
                rows: Sequence[dict[str, Any]], *, max_fontsize: float = 8.0, wrap: int = 12,
                highlight: str | None = None) -> float:
    """A plain table at (left, top) in figure fractions, ``width`` wide: wrapped headings,
    zebra rows, numbers to the right, long texts cut short.  Returns its bottom edge.

    Each body row is one line of DejaVu Sans Mono, its columns padded to fixed character
    widths: a few dozen text objects per page instead of a thousand cells, and exact columns.
    """
    page_w, page_h = fig.get_size_inches()
    headings = [textwrap.fill(c.title, wrap, break_long_words=False) for c in columns]
    cells = [[_fmt(row.get(c.key), c.kind) for c in columns] for row in rows]
    chars = []
    for i, column in enumerate(columns):
        head = max(len(line) for line in headings[i].split("\n"))
        body = max([len(r[i]) for r in cells] + [0])
        chars.append(max(head, min(body, 40 if column.kind == TEXT else 14)) + 2)
    # the font size that makes the table as wide as asked, within reason
    fontsize = max(4.5, min(max_fontsize, width * page_w * 72 / (MONO_EM * sum(chars))))
    char_w = MONO_EM * fontsize / 72 / page_w
    offsets = [sum(chars[:i]) for i in range(len(chars))]
    line_h = fontsize * 1.3 / 72 / page_h
    header_lines = max(h.count("\n") + 1 for h in headings)
    head_h = line_h * header_lines + line_h * 0.6
    row_h = line_h * 1.3
    table_w = min(width, sum(chars) * char_w)

    def rect(y: float, h: float, color: str) -> None:
        fig.add_artist(Rectangle((left, y), table_w, h, transform=fig.transFigure, facecolor=color,
                                 edgecolor="none"))

    rect(top - head_h, head_h, "#dde6f0")
    for i, heading in enumerate(headings):
        right = columns[i].kind != TEXT
        x = left + ((offsets[i] + chars[i] - 1) if right else (offsets[i] + 1)) * char_w
        fig.text(x, top - head_h / 2, heading, ha="right" if right else "left", va="center",
                 fontsize=fontsize - 0.3, weight="bold", linespacing=1.05, multialignment="right" if right else "left")
    y = top - head_h
    for r, values in enumerate(cells):
        if highlight is not None and rows[r].get("key") == highlight:
            rect(y - row_h, row_h, "#fff3d6")
        elif r % 2 == 1:
            rect(y - row_h, row_h, LIGHT)
        line = []
        for i, text in enumerate(values):
            room = chars[i] - 2
            if columns[i].kind == TEXT:
                if len(text) > room:
                    text = text[:max(room - 1, 1)].rstrip() + "…"
                line.append(" " + text.ljust(chars[i] - 1))
            else:
                line.append(text.rjust(chars[i] - 1) + " ")
        fig.text(left, y - row_h / 2, "".join(line), ha="left", va="center", fontsize=fontsize, family=MONO)
        y -= row_h
    for edge in (top, top - head_h, y):
        fig.add_artist(Rectangle((left, edge), table_w, 0, transform=fig.transFigure, edgecolor="#888",
                                 linewidth=0.6, facecolor="none"))
    return y


def _printed(table: Table) -> list[Column]:
    return [c for c in table.columns if c.printed]


def _common_norm(office: OfficeReport) -> float | None:
    norms = {row["norm"].split(" ")[0] for row in office.tables["services"].rows}
    return float(norms.pop()) if len(norms) == 1 else None


# -- the pages ------------------------------------------------------------------------------

def _summary_page(pages: _Pages, office: OfficeReport) -> None:
    fig = pages.new(office, "Ожидание и обслуживание посетителей")
    ax = fig.add_axes((0.04, 0.08, 0.40, 0.80))
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    step = 1 / (len(office.summary) + 1)
    y = 1.0
    ax.text(0, y, "Показатели за период", fontsize=10, weight="bold", va="top")
    for figure in office.summary:
        y -= step
        strong = figure.key in ("tickets", "wait_mean", "wait_p90", "within_norm_pct", "busy_pct")
        ax.text(0.03 if figure.title.startswith(" ") else 0, y, figure.title.strip(), fontsize=8, va="top",
                color="#222", weight="bold" if strong else "normal")
        ax.text(1, y, _fmt(figure.value, figure.kind), fontsize=8, va="top", ha="right",
                weight="bold" if strong else "normal")
        ax.plot([0, 1], [y - step * 0.9, y - step * 0.9], color="#e3e3e3", linewidth=0.4)
    groups = office.tables["groups"]
    fig.text(0.50, 0.865, groups.title, fontsize=10, weight="bold", va="top")
    bottom = _draw_table(fig, 0.50, 0.835, 0.46, _printed(groups), groups.rows, wrap=12, highlight="all")
    categories = office.tables["categories"]
    fig.text(0.50, bottom - 0.04, categories.title, fontsize=10, weight="bold", va="top")
    if categories.rows:
        bottom = _draw_table(fig, 0.50, bottom - 0.07, 0.46, _printed(categories), categories.rows, wrap=12)
    else:
        fig.text(0.50, bottom - 0.075, "Льготных талонов за период не было.", fontsize=8, va="top")
        bottom -= 0.09
    y_text = bottom - 0.04
    lines = [
        "Ожидание — от выдачи талона до первого вызова к окну (по записи — от более позднего из",
        "времени прихода и времени записи). Подход — от вызова до начала обслуживания. Обслуживание —",
        "от начала до завершения с результатом. «В пределах норматива» — доля талонов, вызванных не",
        "позже норматива своей услуги, среди вызванных и не дождавшихся вызова дольше норматива.",
        "Часы и дни — местное время офиса. Данные по окнам — в XLSX и CSV.",
        *[f"• {n}" for note in office.notes for n in textwrap.wrap(note, 95)],
    ]
    fig.text(0.50, y_text, "\n".join(lines), fontsize=7.5, va="top", color="#333", linespacing=1.4)


def _hours_page(pages: _Pages, office: OfficeReport) -> None:
    table = office.tables["hours"]
    fig = pages.new(office, "Поток посетителей и ожидание по часам")
    rows = table.rows
    labels = [f"{r['hour_of_day']:02d}" for r in rows]
    x = range(len(rows))
    ax = fig.add_axes((0.07, 0.53, 0.86, 0.33))
    ax.bar(x, [r["per_day"] or 0 for r in rows], color=BLUE, label="Талонов за час, в среднем в день")
    ax.set_xticks(list(x), labels)
    ax.set_ylabel("талонов в день")
    twin = ax.twinx()
    twin.plot(list(x), [r["windows_open"] or 0 for r in rows], color=ORANGE, marker="o", linewidth=2,
              label="Окон открыто, в среднем")
    twin.set_ylabel("окон")
    twin.set_ylim(bottom=0)
    twin.spines["right"].set_visible(True)
    handles = ax.get_legend_handles_labels()[0] + twin.get_legend_handles_labels()[0]
    ax.legend(handles, [str(h.get_label()) for h in handles], loc="lower left", fontsize=7, frameon=False,
              bbox_to_anchor=(0, 1.0), ncol=2)
    ax.set_title("Приход посетителей (по часу выдачи талона) и открытые окна", loc="left", pad=20)
    ax2 = fig.add_axes((0.07, 0.09, 0.86, 0.33))
    ax2.plot(list(x), _minutes([r["wait_mean"] for r in rows]), color=BLUE, marker="o", label="среднее")
    ax2.plot(list(x), _minutes([r["wait_median"] for r in rows]), color=GREEN, marker=".", label="медиана")
    ax2.plot(list(x), _minutes([r["wait_p90"] for r in rows]), color=ORANGE, marker="o", label="90-й перцентиль")
    norm = _common_norm(office)
    if norm is not None:
        ax2.axhline(norm, color=RED, linestyle="--", linewidth=1.2, label=f"норматив {norm:g} мин")
    ax2.set_xticks(list(x), labels)
    ax2.set_xlabel("час выдачи талона (местное время), например 09 — с 09:00 до 10:00")
    ax2.set_ylabel("минут")
    ax2.set_ylim(bottom=0)
    ax2.set_title("Ожидание вызова по часу выдачи талона, мин", loc="left")
    ax2.legend(loc="upper left", fontsize=7, frameon=False)


def _services_page(pages: _Pages, office: OfficeReport) -> None:
    table = office.tables["services"]
    fig = pages.new(office, "Ожидание и обслуживание по услугам")
    rows = table.rows
    ax = fig.add_axes((0.25, 0.56, 0.70, 0.31))
    names = [textwrap.shorten(r["name"], 40, placeholder="…") for r in rows]
    y = list(range(len(rows)))[::-1]
    ax.barh([v + 0.2 for v in y], _minutes([r["wait_mean"] for r in rows]), height=0.4, color=BLUE,
            label="среднее ожидание")
    ax.barh([v - 0.2 for v in y], _minutes([r["wait_p90"] for r in rows]), height=0.4, color=ORANGE,
            label="90-й перцентиль")
    norm = _common_norm(office)
    if norm is not None:
        ax.axvline(norm, color=RED, linestyle="--", linewidth=1.2, label=f"норматив {norm:g} мин")
    ax.set_yticks(y, names)
    ax.set_xlabel("минут")
    ax.set_title("Ожидание вызова, мин", loc="left")
    ax.legend(loc="lower right", fontsize=7, frameon=False)
    fig.text(0.04, 0.495, table.note, fontsize=7, color="#555")
    _draw_table(fig, 0.04, 0.47, 0.92, _printed(table), rows, wrap=12)


def _days_pages(pages: _Pages, office: OfficeReport) -> None:
    table = office.tables["days"]
    rows = table.rows
    fig = pages.new(office, "По дням")
    x = list(range(len(rows)))
    labels = [f"{r['date'][8:10]}.{r['date'][5:7]}\n{r['weekday']}" for r in rows]
    ax = fig.add_axes((0.07, 0.56, 0.86, 0.30))
    ax.bar(x, [r["tickets"] for r in rows], color=BLUE, label="Талонов")
    ax.set_ylabel("талонов")
    ax.set_xticks(x, labels, fontsize=6 if len(rows) > 16 else 7)
    twin = ax.twinx()
    twin.plot(x, [r["within_norm_pct"] if r["within_norm_pct"] is not None else float("nan") for r in rows],
              color=GREEN, marker="o", linewidth=2, label="В пределах норматива, %")
    twin.set_ylim(0, 105)
    twin.set_ylabel("%")
    twin.spines["right"].set_visible(True)
    handles = ax.get_legend_handles_labels()[0] + twin.get_legend_handles_labels()[0]
    ax.legend(handles, [str(h.get_label()) for h in handles], loc="upper left", fontsize=7, frameon=False,
              bbox_to_anchor=(0, 1.12), ncol=2)
    ax.set_title("Талонов в день и доля вызванных в пределах норматива", loc="left", pad=22)
    if len(rows) <= 14:
        _draw_table(fig, 0.04, 0.45, 0.92, _printed(table), rows, wrap=12)
        return
    for start in range(0, len(rows), ROWS_PER_PAGE):
        fig = pages.new(office, "По дням" if start == 0 else "По дням (продолжение)")
        _draw_table(fig, 0.04, 0.87, 0.92, _printed(table), rows[start:start + ROWS_PER_PAGE], wrap=12)


def _operators_pages(pages: _Pages, office: OfficeReport) -> None:
    table = office.tables["operators"]
    rows = table.rows
    if not rows:
        return
    fig = pages.new(office, "Время операторов")
    ax = fig.add_axes((0.12, 0.10, 0.84, 0.75))
    y = list(range(len(rows)))[::-1]
    left = [0.0] * len(rows)
    for key, title, color in (("serving", "обслуживание", BLUE), ("calling", "вызов и подход", GREEN),
                              ("idle", "простой (никого у окна)", GREY), ("on_break", "перерыв", ORANGE)):
        hours = [(r[key] or 0) / 3600 for r in rows]
        ax.barh(y, hours, left=left, color=color, label=title, height=0.75)
        left = [a + b for a, b in zip(left, hours, strict=True)]
    ax.set_yticks(y, [r["operator"] for r in rows], fontsize=max(4.5, min(8, 300 / max(len(rows), 1))))
    ax.set_xlabel("часов за период")
    ax.legend(loc="lower left", fontsize=7, frameon=False, ncol=4, bbox_to_anchor=(0, 1.0))
    ax.set_title("Время у окна: обслуживание, вызов и подход посетителя, простой, перерыв", loc="left", pad=18)
    ax.set_ylim(-1, len(rows))
    for start in range(0, len(rows), ROWS_PER_PAGE):
        fig = pages.new(office, "По операторам" if start == 0 else "По операторам (продолжение)")
        bottom = _draw_table(fig, 0.04, 0.87, 0.92, _printed(table), rows[start:start + ROWS_PER_PAGE],
                             wrap=12)
        if start == 0:
            fig.text(0.04, bottom - 0.03, table.note + " Простой — окно открыто, у окна никого нет. Загрузка — "
                     "(обслуживание + вызов и подход) / время открытого окна.", fontsize=7, color="#555", va="top")


def _offices_page(pages: _Pages, report: Report) -> None:
    fig = Figure(figsize=A4_LANDSCAPE)
    fig.text(0.04, 0.955, "Ожидание и обслуживание: офисы", fontsize=15, weight="bold", va="top")
    fig.text(0.04, 0.912, f"{report.first:%d.%m.%Y} — {report.last:%d.%m.%Y}", fontsize=9, color="#444", va="top")
    _draw_table(fig, 0.04, 0.87, 0.92, _printed(report.by_office), report.by_office.rows, wrap=12)
    pages.figures.append(fig)


def render_pages(report: Report) -> list[Figure]:
    """Every page of the printout, as matplotlib figures (call under :data:`STYLE`)."""
    pages = _Pages(report)
    if len(report.offices) > 1:
        _offices_page(pages, report)
    for office in report.offices:
        _summary_page(pages, office)
        if office.tables["hours"].rows:
            _hours_page(pages, office)
        if office.tables["services"].rows:
            _services_page(pages, office)
        if office.tables["days"].rows:
            _days_pages(pages, office)
        _operators_pages(pages, office)
    return pages.finish()


def save_pdf(report: Report, path: str | Path) -> int:
    """Write the printout; returns the number of pages."""
    with rc_context(STYLE):
        figures = render_pages(report)
        with PdfPages(path, metadata={"Title": "Отчёт об ожидании и обслуживании посетителей",
                                      "Creator": "Talon"}) as pdf:
            for fig in figures:
                pdf.savefig(fig)
    return len(figures)


def save_png_pages(report: Report, directory: str | Path, dpi: int = 100) -> list[Path]:
    """The same pages as PNG files (page-01.png, ...), for review where pdftoppm is missing."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    with rc_context(STYLE):
        for n, fig in enumerate(render_pages(report), start=1):
            path = out / f"page-{n:02d}.png"
            fig.savefig(path, dpi=dpi, facecolor="white")
            paths.append(path)
    return paths

