"""The acceptance path: ``talon-server simulate ... --db`` a big office's day, then the report in
CSV, XLSX and PDF through the command line, and the files opened as a reader would."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from queue_server.stats.build import make_report
from queue_server.stats.cli import main
from queue_server.stats.pdf_report import save_png_pages

from .test_pdf_figures import page_content

REPO = Path(__file__).resolve().parents[2]
DAY = "2026-03-05"


@pytest.fixture(scope="module")
def big_day(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The 55-window, 3,000-visitor benchmark day, written by the real command."""
    path = tmp_path_factory.mktemp("bigday") / "day.sqlite3"
    url = f"sqlite:///{path}"
    subprocess.run(
        [sys.executable, "-m", "queue_server.simulator", "simulate", "--seed", "7", "--visitors", "3000",
         "--windows", "55", "--day", DAY, "--db", url, "--json"],
        cwd=REPO, check=True, capture_output=True, timeout=120,
    )
    return url


def report_args(url: str, fmt: str, out: Path) -> list[str]:
    return ["report", "--db", url, "--from", DAY, "--to", DAY, "--format", fmt, "--out", str(out)]


def test_the_csv_report(big_day: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "report.csv"
    assert main(report_args(big_day, "csv", out)) == 0
    assert "3000 tickets" in capsys.readouterr().out
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")                       # a BOM, so Excel reads UTF-8
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    assert rows[0] == ["Отчёт об ожидании и обслуживании посетителей"]
    titles = {r[0] for r in rows if len(r) == 1}
    assert {"Сводка", "По услугам", "По окнам", "По операторам", "По часам суток (местное время)", "По дням",
            "Группы посетителей", "Льготные категории"} <= titles
    summary = {r[0]: r[1] for r in rows if len(r) == 2}
    assert summary["Выдано талонов"] == "3000"
    assert summary["Ожидание вызова: среднее, мин"] == "107,0"     # the simulator says 6422.1 s
    assert summary["В пределах норматива, % от вызванных"] == "13,0"   # ... and 13.0 % of the called
    assert any("демонстрационного офиса" in r[1] for r in rows if r and r[0] == "Примечание")


def test_the_xlsx_report_opens_with_its_charts(big_day: str, tmp_path: Path) -> None:
    out = tmp_path / "report.xlsx"
    assert main(report_args(big_day, "xlsx", out)) == 0
    book = load_workbook(out)
    assert book.sheetnames == ["Сводка", "Услуги", "Часы", "Дни", "Операторы", "Окна"]
    summary = book["Сводка"]
    figures = {summary.cell(row=r, column=1).value: summary.cell(row=r, column=2).value
               for r in range(1, summary.max_row + 1)}
    assert figures["Выдано талонов"] == 3000
    assert figures["Ожидание вызова: среднее, мин"] == pytest.approx(6422.1139 / 60, abs=1e-3)
    wait_row = next(r for r in range(1, 80) if summary.cell(row=r, column=1).value == "Ожидание вызова: среднее, мин")
    assert summary.cell(row=wait_row, column=2).number_format == "0.0"
    services = book["Услуги"]
    header = [c.value for c in services[5]]
    assert header[:3] == ["Код услуги", "Услуга", "Норматив, мин"]
    names = [services.cell(row=r, column=2).value for r in range(6, 14)]
    assert names[0] == "Паспорт РФ" and len(set(names)) == 8
    assert services.freeze_panes == "B6"
    charts = {name: len(book[name]._charts) for name in book.sheetnames}
    assert charts == {"Сводка": 0, "Услуги": 1, "Часы": 2, "Дни": 1, "Операторы": 1, "Окна": 0}
    operators = book["Операторы"]
    assert operators.max_row >= 5 + 55


def test_the_pdf_report_and_its_pages(big_day: str, tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    assert main(report_args(big_day, "pdf", out)) == 0
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    pages = data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") + data.count(b"/Type /Page>")
    assert pages == 4          # summary, hours, services, operators (one day: no page of days)
    content = page_content(data)
    assert b"(3000) Tj" in content and b"/BaseFont /Helvetica" in data   # the tables' figures: standard-font text
    assert b"DejaVuSans" in data                                         # ... the Cyrillic: embedded DejaVu
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "2", str(out), str(tmp_path / "p")],
                       check=True, timeout=60)
        assert len(list(tmp_path.glob("p-*.png"))) == 2
    report = make_report(big_day, date(2026, 3, 5), date(2026, 3, 5), now=datetime(2026, 3, 9, tzinfo=UTC))
    pngs = save_png_pages(report, tmp_path / "png", dpi=40)
    assert len(pngs) == pages
    assert all(p.stat().st_size > 5000 for p in pngs)


def test_the_command_line_refuses_clearly(big_day: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", "--db", big_day, "--from", DAY, "--to", "2026-03-01", "--out", str(tmp_path / "r.csv")]) == 2
    assert "before --from" in capsys.readouterr().err
    assert main(["report", "--db", big_day, "--office", "nowhere", "--from", DAY, "--to", DAY,
                 "--out", str(tmp_path / "r.csv")]) == 2
    err = capsys.readouterr().err
    assert "no office nowhere" in err and "it has: demo" in err
    assert main(["report", "--db", f"sqlite:///{tmp_path}/missing.sqlite3", "--from", DAY, "--to", DAY,
                 "--out", str(tmp_path / "r.csv")]) == 2
    assert "no SQLite database" in capsys.readouterr().err
    assert not (tmp_path / "missing.sqlite3").exists()
    assert main(["report", "--db", big_day, "--from", DAY, "--to", DAY, "--out", str(tmp_path / "r.txt")]) == 2
    assert "--format" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["report", "--db", big_day, "--from", "05.03.2026", "--to", DAY, "--out", "x.csv"])
    assert main(["report", "--db", big_day, "--from", DAY, "--to", DAY, "--config", str(tmp_path / "none.toml"),
                 "--out", str(tmp_path / "r.csv")]) == 2
    assert "configuration error" in capsys.readouterr().err


def test_a_configured_site_names_its_services(big_day: str, tmp_path: Path) -> None:
    from queue_server.config import DEMO_FILE

    report = make_report(big_day, date(2026, 3, 5), date(2026, 3, 5), config=str(DEMO_FILE))
    office = report.offices[0]
    assert office.catalogue_source == str(DEMO_FILE) and office.notes == []
    assert office.tables["services"].rows[0]["name"] == "Паспорт РФ"
