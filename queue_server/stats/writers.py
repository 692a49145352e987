"""One entry point for the three report formats; each writer is imported only when used."""

from __future__ import annotations

import tempfile
from pathlib import Path

from .model import Report

REPORT_FORMATS = ("csv", "xlsx", "pdf")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def write_report(report: Report, fmt: str, path: str | Path) -> None:
    if fmt == "csv":
        from .csv_report import save_csv

        save_csv(report, path)
    elif fmt == "xlsx":
        from .xlsx_report import save_xlsx

        save_xlsx(report, path)
    elif fmt == "pdf":
        from .pdf_report import save_pdf

        save_pdf(report, path)
    else:
        raise ValueError(f"unknown report format {fmt!r}; one of {', '.join(REPORT_FORMATS)}")


def report_bytes(report: Report, fmt: str) -> bytes:
    """The report file's bytes (the server sends them; the writers write files)."""
    with tempfile.TemporaryDirectory(prefix="talon-report-") as directory:
        path = Path(directory) / f"report.{fmt}"
        write_report(report, fmt, path)
        return path.read_bytes()
