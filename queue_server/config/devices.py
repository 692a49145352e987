"""``[[office.printers]]`` and ``[[office.devices]]`` of one office.

Within the office: printer and device ids are unique, a kiosk's printer exists, a window board
shows a window that exists.  Device tokens are checked across the whole site by the loader.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from printers import PrinterConfigError, parse_url

from .services import read_id
from .site import Device, DeviceKind, DisplayLayout, PrinterModel, PrinterSpec, PrintMode
from .tables import Table, show

URL_SCHEMES = ("tcp", "serial", "usb", "file", "cups")
_TCP_EXAMPLE = 'must be like "tcp://192.168.1.50:9100"'
MIN_TOKEN = 8
_TOKEN = re.compile(r"[\x21-\x7e]+")  # printable ASCII, no spaces


def check_printer_url(url: str) -> str | None:
    """Why ``url`` cannot name a printer, or None: the scheme, ``tcp://host:port`` in full,
    then everything else (serial parameters, USB ids, paths) as ``printers.parse_url`` reads it."""
    try:
        parts = urlsplit(url)
    except ValueError as error:
        return f"is not a valid URL ({error})"
    if parts.scheme not in URL_SCHEMES or "://" not in url:
        schemes = ", ".join(f"{s}://" for s in URL_SCHEMES)
        return f"must start with one of {schemes}"
    if parts.scheme == "tcp":
        try:
            port = parts.port
        except ValueError:
            return "has a port outside 1-65535" if parts.netloc.rpartition(":")[2].isdigit() else _TCP_EXAMPLE
        if not parts.hostname or port is None or parts.path not in ("", "/"):
            return _TCP_EXAMPLE
        if port == 0:
            return "has a port outside 1-65535"
    elif not (parts.netloc or parts.path):
        return f'names no device after "{parts.scheme}://"'
    try:
        parse_url(url)  # the printers package's own reading: parameters, device names
    except PrinterConfigError as error:
        return f"is not a printer URL: {error}"
    return None


def read_printers(office: Table, office_id: str) -> tuple[PrinterSpec, ...]:
    printers: dict[str, PrinterSpec] = {}
    for _, table in office.tables("printers"):
        printer_id = read_id(table)
        if printer_id is not None:
            table.where += f' ("{printer_id}")'
        url = table.text("url", max_len=500)
        reason = check_printer_url(url) if url else None
        if reason is not None:
            table.problem(f'"url" {show(url)} {reason}')
        spec = PrinterSpec(
            id=printer_id or "", office_id=office_id, url=url,
            model=table.choice("model", PrinterModel, PrinterModel.GENERIC),
            paper_mm=_paper(table),
            mode=table.choice("mode", PrintMode, PrintMode.TEXT),
            codepage_table=table.integer("codepage_table", None, lo=0, hi=255),
        )
        table.finish()
        if printer_id is None:
            continue
        if printer_id in printers:
            table.problem(f'id "{printer_id}" is already used by another printer of this office')
            continue
        printers[printer_id] = spec
    return tuple(printers.values())


def _paper(table: Table) -> int | None:
    value = table.raw("paper_mm")
    if value is None:
        return None
    if value not in (58, 80) or isinstance(value, bool):
        table.problem(f'"paper_mm" must be 58 or 80, not {show(value)}')
        return None
    return int(value)


def read_devices(office: Table, office_id: str, printers: set[str], windows: set[int]) -> list[tuple[Device, Table]]:
    """The devices with the table each came from (the loader reports site-wide token clashes there)."""
    devices: list[tuple[Device, Table]] = []
    ids: set[str] = set()
    for _, table in office.tables("devices"):
        device_id = read_id(table)
        if device_id is not None:
            table.where += f' ("{device_id}")'
        kind = table.choice("kind", DeviceKind)
        token = table.text("token", max_len=200)
        if token and (len(token) < MIN_TOKEN or not _TOKEN.fullmatch(token)):
            table.problem(f'"token" must be at least {MIN_TOKEN} printable ASCII characters without spaces')
        name = table.text("name", "", empty=True, max_len=200)
        printer: str | None = None
        layout: DisplayLayout | None = None
        window: int | None = None
        if kind is DeviceKind.KIOSK:
            _only_for(table, ("layout", "window"), "displays")
            printer = table.text("printer", None)
            if printer and printer not in printers:
                known = ", ".join(f'"{p}"' for p in sorted(printers)) or "none"
                table.problem(f'"printer" {show(printer)} is not a printer of this office ([[office.printers]]: {known})')
        elif kind is DeviceKind.DISPLAY:
            _only_for(table, ("printer",), "kiosks")
            layout = table.choice("layout", DisplayLayout, DisplayLayout.MAIN)
            if layout is DisplayLayout.WINDOW:
                window = table.integer("window")
                if table.has("window") and isinstance(window, int) and window not in windows:
                    table.problem(f'"window" {window} is not a window of this office')
            elif table.has("window"):
                table.problem('"window" is only for layout = "window"')
                table.ignore("window")
        else:
            table.ignore("printer", "layout", "window")
        table.finish()
        if device_id is None or kind is None:
            continue
        if device_id in ids:
            table.problem(f'id "{device_id}" is already used by another device of this office')
            continue
        ids.add(device_id)
        devices.append((Device(id=device_id, office_id=office_id, kind=kind, token=token, name=name,
                               printer=printer, layout=layout, window=window), table))
    return devices


def _only_for(table: Table, keys: tuple[str, ...], kinds: str) -> None:
    for key in keys:
        if table.has(key):
            table.problem(f'"{key}" is only for {kinds}')
    table.ignore(*keys)
