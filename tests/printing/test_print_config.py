"""Printer URLs in the office file: the config check must agree with what the printers package opens.

Every URL ``printers.parse_url`` accepts (docs/printers.md) must pass ``talon-server check-config``,
and every URL it refuses must be refused there, with the place in the file, not by a traceback
when the server starts its print spool.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from printers import PrinterConfigError, parse_url
from queue_server.config import DEMO_FILE, ConfigError, load_site

DEMO_URL = 'url = "tcp://127.0.0.1:9100"'


def office_file(tmp_path: Path, url: str) -> Path:
    text = DEMO_FILE.read_text(encoding="utf-8")
    assert DEMO_URL in text
    path = tmp_path / "office.toml"
    path.write_text(text.replace(DEMO_URL, f'url = "{url}"', 1), encoding="utf-8")
    return path


@pytest.mark.parametrize("url", [
    "tcp://192.168.10.31:9100",
    "tcp://printer.local:9100?timeout=2",
    "serial:///dev/ttyUSB0?baudrate=19200&flow=rtscts",
    "usb://04b8:0202",
    "usb://0416:5011?in_ep=0x81&out_ep=0x03",
    "file:///dev/usb/lp0",
])
def test_printer_urls_of_the_docs_load(tmp_path: Path, url: str) -> None:
    parse_url(url)
    [office] = load_site(office_file(tmp_path, url)).offices
    assert office.printers[0].url == url


def test_a_cups_printer_loads(tmp_path: Path) -> None:
    parse_url("cups://kiosk_printer")
    [office] = load_site(office_file(tmp_path, "cups://kiosk_printer")).offices
    assert office.printers[0].url == "cups://kiosk_printer"


@pytest.mark.parametrize("url", [
    "serial:///dev/ttyUSB0?baud=19200",       # the key is "baudrate"
    "serial:///dev/ttyUSB0?flow=hardware",    # none | rtscts | xonxoff
    "tcp://192.168.10.31:9100?timeout=0",
    "usb://04b8",                             # VID:PID
    "file://relative/path",
])
def test_a_url_the_printer_package_refuses_is_a_config_error(tmp_path: Path, url: str) -> None:
    with pytest.raises(PrinterConfigError):
        parse_url(url)
    with pytest.raises(ConfigError, match="url"):
        load_site(office_file(tmp_path, url))
