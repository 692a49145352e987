"""Shared fixtures of the configuration tests: a small valid office as TOML text."""

from __future__ import annotations

import tomllib
from collections.abc import Callable

import pytest

from queue_server.config import Site, parse_site

MINIMAL = """
[[office]]
id = "demo"
name = "МФЦ"
timezone = "Europe/Moscow"

[office.hours]
mon = ["08:00-20:00"]

[[office.services]]
id = "docs"
category = true
name_ru = "Документы"

[[office.services]]
id = "passport"
parent = "docs"
name_ru = "Паспорт"
prefix = "А"

[[office.services]]
id = "results"
name_ru = "Выдача"
prefix = "Д"

[[office.windows]]
number = 1
services = ["passport", "results"]

[[office.operators]]
login = "op"
password = "secret-1"

[[office.printers]]
id = "p1"
url = "tcp://127.0.0.1:9100"

[[office.devices]]
id = "k1"
kind = "kiosk"
token = "kiosk-token-1"
printer = "p1"
"""


def parse_text(text: str, source: str = "office.toml") -> Site:
    return parse_site(tomllib.loads(text), source)


@pytest.fixture
def minimal_text() -> str:
    """A small valid office; tests break it with ``str.replace``."""
    return MINIMAL


@pytest.fixture
def parse() -> Callable[[str], Site]:
    """``parse(toml_text)`` -> Site, the source named "office.toml"."""
    return parse_text
