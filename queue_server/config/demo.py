"""The demo: one realistic МФЦ office from ``queue_server/demo/office.toml``, or a region of K.

``demo_site(1)`` is the file as it is: office "demo", accounts operator1..operator20, manager,
admin (password "demo"), kiosk token "demo-kiosk", boards "demo-display" and "demo-window-1".

``demo_site(K)`` keeps that office first, unchanged, and adds offices 2..K derived from it by
one rule (docs/configuration.md, "The demo"): the office id, every login and every device
token get the suffix ``-{i}``; the names get " №{i}" (" No. {i}" in English); a ``tcp://``
printer's port becomes port + i - 1.  Everything else — services, windows, hours, printer and
device ids — is the same, so office i differs from office 1 only in who may connect to it.
The whole region goes through the same checks as a file would.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from .loader import parse_site
from .site import Site

DEMO_FILE = Path(__file__).resolve().parent.parent / "demo" / "office.toml"


def demo_data(offices: int = 1) -> dict[str, Any]:
    """The demo as the dict ``tomllib`` would parse from a file describing ``offices`` offices."""
    if offices < 1:
        raise ValueError(f"a demo has at least one office, not {offices}")
    with DEMO_FILE.open("rb") as file:
        data = tomllib.load(file)
    first = data["office"][0]
    return {**data, "office": [first, *(derive_office(first, i) for i in range(2, offices + 1))]}


def demo_site(offices: int = 1) -> Site:
    """The demo site: the demo office alone, or a region of ``offices`` offices on one server."""
    source = DEMO_FILE.name if offices == 1 else f"{DEMO_FILE.name} (region of {offices})"
    return parse_site(demo_data(offices), source)


def derive_office(office: dict[str, Any], i: int) -> dict[str, Any]:
    """Office number ``i`` of a region made of copies of ``office`` (a parsed [[office]] table)."""
    derived = {**office, "id": f"{office['id']}-{i}", "name": f"{office['name']} №{i}"}
    if "name_en" in office:
        derived["name_en"] = f"{office['name_en']} No. {i}"
    # Only what changes is copied; the rest is shared with office 1 (the loader never writes).
    if "operators" in office:
        derived["operators"] = [{**a, "login": f"{a['login']}-{i}"} for a in office["operators"]]
    if "devices" in office:
        derived["devices"] = [{**d, "token": f"{d['token']}-{i}"} for d in office["devices"]]
    if "printers" in office:
        derived["printers"] = [{**p, "url": _shift_port(p["url"], i - 1)} for p in office["printers"]]
    return derived


def _shift_port(url: str, offset: int) -> str:
    parts = urlsplit(url)
    if parts.scheme != "tcp" or parts.port is None or parts.hostname is None:
        return url
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return urlunsplit(parts._replace(netloc=f"{host}:{parts.port + offset}"))
