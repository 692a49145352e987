"""The report as a PDF for the manager's printout: A4 landscape pages, Russian headings,
charts and tables drawn with matplotlib: plain ``Figure`` objects, never pyplot, so no GUI
backend is touched (PNG pages go through Agg, the PDF through PdfPages); DejaVu Sans (shipped
with matplotlib) for the Cyrillic, embedded as Type 3 glyphs; the tables' figures in Helvetica,
which every PDF reader has (:mod:`.pdf_figures`).

Pages of each office: the summary (headline figures, groups, priority categories, notes);
arrivals and waits by hour; services (chart and table); days (chart and table, when there is
more than one); operators (table, with each one's time at the window as a bar).  Windows are
in the spreadsheets only.  :func:`render_pages` gives the
figures, so tests and reviewers can also save them as PNG (:func:`save_png_pages`).
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matplotlib import rc_context
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from .model import TEXT, Column, OfficeReport, Report, Table, format_value
from .pdf_figures import FigureColumn

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

A4_LANDSCAPE = (11.69, 8.27)
STYLE: dict[RcKeyType, Any] = {
    "font.family": "DejaVu Sans",
    "font.size": 8,
    "axes.titlesize": 10,
    "axes.titleweight": "bold",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "text.hinting": "no_hinting",     # PNG pages: unrounded advances, so columns line up as in the PDF
    "pdf.fonttype": 3,                # Type 3 (vector) glyphs: a fifth faster to write than TrueType subsets
    "axes.titley": 1.0,               # titles where they would go anyway, without measuring every tick label
}
BLUE, ORANGE, GREEN, GREY, RED, LIGHT = "#2f6ea5", "#e8892b", "#4c9a52", "#9aa5b1", "#c0392b", "#eef2f7"
ROWS_PER_PAGE = 56                   # table rows on a page (a 55-window office: its operators on one)
NOTED_TABLE_HEIGHT = 0.78            # a full page's table with two lines of notes under it, clear of the footer
TIME_PARTS = {"serving": BLUE, "calling": GREEN, "idle": GREY, "on_break": ORANGE}
TIME_TITLES = {"serving": "обслуживание", "calling": "вызов и подход", "idle": "простой", "on_break": "перерыв"}
MONO = "DejaVu Sans Mono"
HEAD_FONT = 0.85                     # headings: smaller than the rows, bold, proportional
HEAD_SCALE = 0.85                    # ... so a heading character takes this many row characters
MONO_EM = 0.602                      # the advance of every DejaVu Sans Mono glyph, in em
# Its OS/2 metrics (units of 2048 per em): ascender 1556, descender 492, line gap 410.  A line
# of "normal" spacing is (1556 + 492 + 410) / 2048 em tall, its baseline (1556 + 205) / 2048 em
# below its top: what matplotlib lays out for any line whose glyphs stay within them.
MONO_PITCH = (1556 + 492 + 410) / 2048
MONO_ASCENT = (1556 + 205) / 2048


TEXT_RIGHT = "text_right"           # a ready text, right-aligned (the summary's values)


def _fmt(value: Any, kind: str) -> str:
    if kind == TEXT_RIGHT:
        return str(value)
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
                highlight: str | None = None, centres: list[float] | None = None, text_cap: int = 32,
                max_height: float = 0.80) -> float:
    """A plain table at (left, top) in figure fractions, ``width`` wide: wrapped headings,
    zebra rows, numbers to the right, long texts cut short.  Returns its bottom edge (and
    fills ``centres`` with each row's vertical centre and, last, the row height).

    Columns are fixed numbers of DejaVu Sans Mono characters, rows its line height
    (:data:`MONO_PITCH`).  Matplotlib's PDF writer spends some 30-50 µs on every glyph of an
    embedded font, spaces included, so padding is never drawn: a text cell is a text of its
    own on its row's baseline, and a column of figures one :class:`~.pdf_figures.FigureColumn`
    (Helvetica in the PDF, which costs next to nothing; its digits are narrower than the mono
    ones, so they fit the same columns).
    """
    page_w, page_h = (float(inches) for inches in fig.get_size_inches())
    headings = [textwrap.fill(c.title, wrap, break_long_words=False) for c in columns]
    cells = [[_fmt(row.get(c.key), c.kind) for c in columns] for row in rows]
    chars = []
    for i, column in enumerate(columns):
        head = max(len(line) for line in headings[i].split("\n")) * HEAD_SCALE
        body = max([len(r[i]) for r in cells] + [0])
        cap = text_cap if column.kind == TEXT else 20 if column.kind == TEXT_RIGHT else 14
        chars.append(math.ceil(max(head, min(body, cap))) + 2)
    # the font size that makes the table as wide as asked, within reason, and no taller than allowed
    header_lines = max(h.count("\n") + 1 for h in headings)
    lines_tall = MONO_PITCH * len(rows) + 1.3 * HEAD_FONT * header_lines + 1.3 * 0.6
    fontsize = max(4.5, min(max_fontsize, width * page_w * 72 / (MONO_EM * sum(chars)),
                            max_height * page_h * 72 / lines_tall))
    char_w = MONO_EM * fontsize / 72 / page_w
    offsets = [sum(chars[:i]) for i in range(len(chars))]
    line_h = fontsize * 1.3 / 72 / page_h
    head_h = line_h * HEAD_FONT * header_lines + line_h * 0.6
    row_h = MONO_PITCH * fontsize / 72 / page_h
    ascent = MONO_ASCENT * fontsize / 72 / page_h
    table_w = min(width, sum(chars) * char_w)

    def rect(y: float, h: float, color: str) -> None:
        fig.add_artist(Rectangle((left, y), table_w, h, transform=fig.transFigure, facecolor=color,
                                 edgecolor="none"))

    def x_of(i: int) -> float:
        right = columns[i].kind != TEXT
        return left + ((offsets[i] + chars[i] - 1) if right else (offsets[i] + 1)) * char_w

    rect(top - head_h, head_h, "#dde6f0")
    for i, heading in enumerate(headings):
        right = columns[i].kind != TEXT
        fig.text(x_of(i), top - head_h / 2, heading, ha="right" if right else "left", va="center",
                 fontsize=fontsize * HEAD_FONT, weight="bold", linespacing=1.05,
                 multialignment="right" if right else "left")
    body_top = top - head_h
    for r in range(len(rows)):
        row_top = body_top - r * row_h
        if highlight is not None and rows[r].get("key") == highlight:
            rect(row_top - row_h, row_h, "#fff3d6")
        elif r % 2 == 1:
            rect(row_top - row_h, row_h, LIGHT)
        if centres is not None:
            centres.append(row_top - row_h / 2)
    baselines = [body_top - r * row_h - ascent for r in range(len(cells))]
    for i, column in enumerate(columns):
        if column.kind != TEXT:
            fig.add_artist(FigureColumn(x_of(i), baselines, [r[i] for r in cells], fontsize))
            continue
        room = chars[i] - 2
        for r, values in enumerate(cells):
            text = values[i]
            if len(text) > room:
                text = text[:max(room - 1, 1)].rstrip() + "…"
            if text:
                fig.text(x_of(i), baselines[r], text, ha="left", va="baseline", fontsize=fontsize, family=MONO)
    y = body_top - len(rows) * row_h
    for edge in (top, body_top, y):
        fig.add_artist(Rectangle((left, edge), table_w, 0, transform=fig.transFigure, edgecolor="#888",
                                 linewidth=0.6, facecolor="none"))
    if centres is not None:
        centres.append(row_h)
    return y


def _printed(table: Table) -> list[Column]:
    return [c for c in table.columns if c.printed]


def _common_norm(office: OfficeReport) -> float | None:
    norms = {row["norm"].split(" ")[0] for row in office.tables["services"].rows}
    return float(norms.pop()) if len(norms) == 1 else None


# -- the pages ------------------------------------------------------------------------------

def _summary_page(pages: _Pages, office: OfficeReport) -> None:
    fig = pages.new(office, "Ожидание и обслуживание посетителей")
    fig.text(0.04, 0.865, "Показатели за период", fontsize=10, weight="bold", va="top")
    figures = Table("summary", "", (Column("title", "Показатель", TEXT), Column("value", "Значение", TEXT_RIGHT)),
                    [{"title": f.title,
                      "value": _fmt(f.value, f.kind), "key": f.key} for f in office.summary])
    _draw_table(fig, 0.04, 0.835, 0.40, figures.columns, figures.rows, wrap=40, highlight="within_norm_pct",
                text_cap=48, max_height=0.77)
    groups = office.tables["groups"]
    fig.text(0.50, 0.865, groups.title, fontsize=10, weight="bold", va="top")
    bottom = _draw_table(fig, 0.50, 0.835, 0.46, _printed(groups), groups.rows, wrap=12, highlight="all")
    categories = office.tables["categories"]
    fig.text(0.50, bottom - 0.04, categories.title, fontsize=10, weight="bold", va="top")
    if categories.rows:
        bottom = _draw_table(fig, 0.50, bottom - 0.07, 0.46, _printed(categories), categories.rows, wrap=12,
                             max_height=0.25)
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
        *["\n".join(textwrap.wrap(note, 92, initial_indent="• ", subsequent_indent="   ")) for note in office.notes],
    ]
    fig.text(0.50, y_text, "\n".join(lines), fontsize=7.5, va="top", color="#333", linespacing=1.4)


def _hours_page(pages: _Pages, office: OfficeReport) -> None:
    table = office.tables["hours"]
    fig = pages.new(office, "Поток посетителей и ожидание по часам")
    rows = table.rows
    labels = [f"{r['hour_of_day']:02d}" for r in rows]
    x = range(len(rows))
    ax = fig.add_axes((0.07, 0.52, 0.86, 0.29))
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
    ax2 = fig.add_axes((0.07, 0.09, 0.86, 0.31))
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
    ax = fig.add_axes((0.25, 0.56, 0.70, 0.30))
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
    ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=3, fontsize=7, frameon=False)   # above: clear of the bars
    fig.text(0.04, 0.495, table.note, fontsize=7, color="#555")
    _draw_table(fig, 0.04, 0.47, 0.92, _printed(table), rows, wrap=12, max_height=0.38)


def _days_pages(pages: _Pages, office: OfficeReport) -> None:
    table = office.tables["days"]
    rows = table.rows
    fig = pages.new(office, "По дням")
    x = list(range(len(rows)))
    labels = [f"{r['date'][8:10]}.{r['date'][5:7]}\n{r['weekday']}" for r in rows]
    ax = fig.add_axes((0.07, 0.62, 0.86, 0.20))
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
    if len(rows) <= 31:                             # a month fits under the chart
        _draw_table(fig, 0.04, 0.52, 0.92, _printed(table), rows, wrap=12, max_height=0.45)
        return
    for start in range(0, len(rows), ROWS_PER_PAGE):
        fig = pages.new(office, "По дням" if start == 0 else "По дням (продолжение)")
        _draw_table(fig, 0.04, 0.87, 0.92, _printed(table), rows[start:start + ROWS_PER_PAGE], wrap=12)


def _operators_pages(pages: _Pages, office: OfficeReport) -> None:
    table = office.tables["operators"]
    rows = table.rows
    if not rows:
        return
    longest = max(sum((r[k] or 0) for k in TIME_PARTS) for r in rows) or 1
    for start in range(0, len(rows), ROWS_PER_PAGE):
        chunk = rows[start:start + ROWS_PER_PAGE]
        fig = pages.new(office, "По операторам" if start == 0 else "По операторам (продолжение)")
        centres: list[float] = []
        bottom = _draw_table(fig, 0.04, 0.87, 0.66, _printed(table), chunk, wrap=12, max_fontsize=7.5,
                             centres=centres, max_height=NOTED_TABLE_HEIGHT)
        row_h = centres.pop()
        left, span = 0.72, 0.24
        if not chunk:
            continue
        fig.text(left, 0.9, "Время у окна за период", fontsize=8, weight="bold", va="bottom")
        for n, (key, color) in enumerate(TIME_PARTS.items()):
            x, y = left + (n % 2) * 0.12, 0.885 - (n // 2) * 0.017
            fig.add_artist(Rectangle((x, y - 0.004), 0.008, 0.008, transform=fig.transFigure, color=color))
            fig.text(x + 0.011, y, TIME_TITLES[key], fontsize=6.5, va="center")
        for row, centre in zip(chunk, centres, strict=True):
            x = left
            for key, color in TIME_PARTS.items():
                width = span * (row[key] or 0) / longest
                fig.add_artist(Rectangle((x, centre - row_h * 0.35), width, row_h * 0.7,
                                         transform=fig.transFigure, color=color, linewidth=0))
                x += width
        fig.text(left, bottom - 0.012, f"вся ширина — {longest / 3600:.0f} ч".replace(".", ","), fontsize=6.5,
                 color="#555", va="top")
        if start == 0:
            note = (table.note + " Простой — окно открыто, у окна никого нет. Загрузка — (обслуживание + вызов "
                    "и подход) / время открытого окна.")
            fig.text(0.04, bottom - 0.012, textwrap.fill(note, 125), fontsize=7, color="#555", va="top",
                     linespacing=1.3)


def _offices_pages(pages: _Pages, report: Report) -> None:
    rows = report.by_office.rows
    for start in range(0, len(rows), ROWS_PER_PAGE):
        fig = Figure(figsize=A4_LANDSCAPE)
        fig.text(0.04, 0.955, "Ожидание и обслуживание: офисы", fontsize=15, weight="bold", va="top")
        fig.text(0.04, 0.912, f"{report.first:%d.%m.%Y} — {report.last:%d.%m.%Y}, местное время каждого офиса",
                 fontsize=9, color="#444", va="top")
        _draw_table(fig, 0.04, 0.87, 0.92, _printed(report.by_office), rows[start:start + ROWS_PER_PAGE], wrap=12)
        pages.figures.append(fig)


def render_pages(report: Report) -> list[Figure]:
    """Every page of the printout, as matplotlib figures (call under :data:`STYLE`)."""
    pages = _Pages(report)
    if len(report.offices) > 1:
        _offices_pages(pages, report)
    for office in report.offices:
        _summary_page(pages, office)
        if office.tables["hours"].rows:
            _hours_page(pages, office)
        if office.tables["services"].rows:
            _services_page(pages, office)
        if len(office.tables["days"].rows) > 1:        # one day: the summary says it all
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

