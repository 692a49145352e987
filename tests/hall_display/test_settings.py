"""Settings (file, then command line, over defaults) and the catalogue.  Pure."""

from __future__ import annotations

from datetime import time as dtime
from pathlib import Path

import pytest

from hall_display.app import build_parser
from hall_display.i18n import CATALOGUE, LANGUAGES, format_date, tr
from hall_display.settings import BoardSettings, SettingsError, from_args


def parse(*argv: str) -> BoardSettings:
    return from_args(build_parser().parse_args(["--server", "ws://x/", "--token", "t", *argv]))


def test_defaults() -> None:
    settings = parse()
    assert (settings.layout, settings.theme, settings.language, settings.volume) == (None, "mfc", "ru", 80)
    assert settings.voice_settings("main").enabled and not settings.voice_settings("window").enabled


def test_the_file_then_the_command_line(tmp_path: Path) -> None:
    path = tmp_path / "board.toml"
    path.write_text('theme = "contrast"\nvolume = 40\nquiet_hours = "21:00-08:00"\nrows = 6\nvoice = true\n',
                    encoding="utf-8")
    settings = parse("--settings", str(path), "--volume", "55", "--layout", "window", "--window", "3")
    assert (settings.theme, settings.volume, settings.rows, settings.layout, settings.window) == \
        ("contrast", 55, 6, "window", 3)
    voice = settings.voice_settings("window")
    assert voice.enabled and voice.volume == 55 and voice.quiet_hours == (dtime(21), dtime(8))


@pytest.mark.parametrize("argv", [
    ("--volume", "101"), ("--theme", "pink"), ("--rows", "0"), ("--quiet-hours", "late"), ("--window", "0"),
    ("--speech-rate", "5"),
])
def test_bad_values_are_refused_with_their_name(argv: tuple[str, str]) -> None:
    with pytest.raises(SettingsError, match=argv[0].lstrip("-").replace("-", "_").split("_")[0]):
        parse(*argv)


@pytest.mark.parametrize("line, name", [
    ("volumes = 3", "volumes"), ('volume = "loud"', "volume"), ("show_waiting = 1", "show_waiting"),
    ("voice = 1", "voice"), ("rows = true", "rows"),
])
def test_unknown_keys_and_wrong_types_in_the_file_are_refused(tmp_path: Path, line: str, name: str) -> None:
    path = tmp_path / "board.toml"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(SettingsError, match=name):
        parse("--settings", str(path))


def test_every_text_has_both_languages() -> None:
    for key, entry in CATALOGUE.items():
        assert set(entry) == set(LANGUAGES), key
        assert all(entry[lang].strip() for lang in LANGUAGES), key
    assert tr("window.n", "ru", n=3) == "Окно 3" and tr("window.n", "en", n=3) == "Window 3"


def test_dates_read_naturally() -> None:
    from datetime import datetime

    assert format_date(datetime(2025, 3, 14), "ru") == "пятница, 14 марта"
    assert format_date(datetime(2025, 3, 14), "en") == "Friday, 14 March"
