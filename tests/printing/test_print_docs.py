"""docs/printers.md stays true: its printer URLs parse, its talon-printer commands parse, its image exists."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from PIL import Image

from printers import parse_url
from printers.cli import build_parser

DOC = Path(__file__).resolve().parents[2] / "docs" / "printers.md"
URL = re.compile(r"\b(?:tcp|serial|usb|file|cups)://[^\s`|)\"']+")
PLACEHOLDERS = ("HOST", "PORT", "VID", "QUEUE", "/N", "...")


def doc_urls() -> list[str]:
    found = {url.rstrip(":,.") for url in URL.findall(DOC.read_text(encoding="utf-8"))}
    return sorted(url for url in found if not any(p in url for p in PLACEHOLDERS) and not url.endswith("://"))


def doc_commands() -> list[str]:
    lines = []
    for block in re.findall(r"```sh\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S):
        for line in block.splitlines():
            command = line.split("#", 1)[0].split("|", 1)[0].strip()
            if command.startswith("talon-printer "):
                lines.append(command)
    return lines


def test_the_doc_has_urls_and_commands() -> None:
    assert len(doc_urls()) >= 8 and len(doc_commands()) >= 7


@pytest.mark.parametrize("url", doc_urls())
def test_every_printer_url_in_the_doc_parses(url: str) -> None:
    parse_url(url)


@pytest.mark.parametrize("command", doc_commands())
def test_every_talon_printer_command_in_the_doc_parses(command: str) -> None:
    args = build_parser().parse_args(shlex.split(command)[1:])
    if getattr(args, "printer", None) or getattr(args, "url", None):
        parse_url(args.printer or args.url)


def test_the_image_is_there() -> None:
    [link] = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", DOC.read_text(encoding="utf-8"))
    image = DOC.parent / link
    assert link == "img/ticket-raster.png"
    with Image.open(image) as picture:
        assert picture.format == "PNG" and picture.width == 576  # 80 mm, as the doc says
