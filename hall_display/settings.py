"""The board's settings: command line options over an optional TOML file over the defaults.

A hall board is set up once by a technician and then runs for years, so everything a site
may want to change (theme, rows, volume, quiet hours, language) is a key in a small file
(``--settings board.toml``) as well as an option::

    layout = "main"            # "main" or "window"; default: the token's (hello ``window``)
    window = 3                 # a window board's window
    rows = 6                   # calls on the main board; default: by the screen's shape
    theme = "mfc"              # "mfc" (orange and white), "contrast" (black and yellow), "blue"
    language = "ru"            # "ru" or "en": the board's words and the voice
    show_waiting = true        # waiting counts per service on the main board
    blink_seconds = 8          # how long a new call (or a recall) blinks
    voice = true               # default: on for the main board, off for window boards
    volume = 80                # percent
    quiet_hours = "21:00-08:00"  # office local time
    quiet_volume = 0           # percent during quiet hours (0: shown, not spoken)
    speech_rate = 140          # words per minute
"""

from __future__ import annotations

import argparse
import tomllib
from dataclasses import dataclass, fields, replace
from datetime import time as dtime
from pathlib import Path
from typing import Any

from .announcer import VoiceSettings
from .i18n import LANGUAGES
from .theme import THEMES


class SettingsError(ValueError):
    """A bad value in the settings file or on the command line; the message names it."""


@dataclass(frozen=True, slots=True)
class BoardSettings:
    layout: str | None = None
    window: int | None = None
    rows: int | None = None
    theme: str = "mfc"
    language: str = "ru"
    show_waiting: bool = True
    blink_seconds: float = 8.0
    voice: bool | None = None
    volume: int = 80
    quiet_hours: str | None = None
    quiet_volume: int = 0
    speech_rate: int = 140

    def __post_init__(self) -> None:
        if self.layout not in (None, "main", "window"):
            raise SettingsError(f"layout must be main or window, not {self.layout!r}")
        if self.window is not None and not 1 <= self.window <= 9999:
            raise SettingsError(f"window must be 1-9999, not {self.window}")
        if self.rows is not None and not 1 <= self.rows <= 20:
            raise SettingsError(f"rows must be 1-20, not {self.rows}")
        if self.theme not in THEMES:
            raise SettingsError(f"theme must be one of {', '.join(THEMES)}, not {self.theme!r}")
        if self.language not in LANGUAGES:
            raise SettingsError(f"language must be one of {', '.join(LANGUAGES)}, not {self.language!r}")
        for name in ("volume", "quiet_volume"):
            if not 0 <= getattr(self, name) <= 100:
                raise SettingsError(f"{name} must be 0-100, not {getattr(self, name)}")
        if not 0 <= self.blink_seconds <= 120:
            raise SettingsError(f"blink_seconds must be 0-120, not {self.blink_seconds}")
        if not 60 <= self.speech_rate <= 400:
            raise SettingsError(f"speech_rate must be 60-400, not {self.speech_rate}")
        parse_quiet_hours(self.quiet_hours)

    def voice_settings(self, layout: str) -> VoiceSettings:
        """The voice for ``layout``: on by default for the main board only (one voice per hall)."""
        enabled = self.voice if self.voice is not None else layout == "main"
        return VoiceSettings(enabled=enabled, language=self.language, volume=self.volume,
                             quiet_hours=parse_quiet_hours(self.quiet_hours), quiet_volume=self.quiet_volume,
                             rate_wpm=self.speech_rate)


def parse_quiet_hours(text: str | None) -> tuple[dtime, dtime] | None:
    """ "21:00-08:00" -> (21:00, 08:00); ``None`` or "" -> no quiet hours."""
    if not text:
        return None
    try:
        start, end = (dtime.fromisoformat(part.strip()) for part in text.split("-"))
    except ValueError as error:
        raise SettingsError(f"quiet_hours must look like 21:00-08:00, not {text!r}") from error
    return start, end


_TYPES: dict[str, tuple[type, ...]] = {
    "layout": (str,), "window": (int,), "rows": (int,), "theme": (str,), "language": (str,),
    "show_waiting": (bool,), "blink_seconds": (int, float), "voice": (bool,), "volume": (int,),
    "quiet_hours": (str,), "quiet_volume": (int,), "speech_rate": (int,),
}


def load_file(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise SettingsError(f"{path}: {error}") from error
    known = {f.name for f in fields(BoardSettings)}
    unknown = set(data) - known
    if unknown:
        raise SettingsError(f"{path}: unknown keys {', '.join(sorted(unknown))}")
    for key, value in data.items():
        wanted = _TYPES[key]
        if not isinstance(value, wanted) or (isinstance(value, bool) and bool not in wanted):
            raise SettingsError(f"{path}: {key} must be {' or '.join(t.__name__ for t in wanted)}, not {value!r}")
    return data


def from_args(args: argparse.Namespace) -> BoardSettings:
    """Defaults, then the file named by ``--settings``, then every option given on the command line."""
    values: dict[str, Any] = load_file(Path(args.settings)) if getattr(args, "settings", None) else {}
    for f in fields(BoardSettings):
        given = getattr(args, f.name, None)
        if given is not None:
            values[f.name] = given
    try:
        return replace(BoardSettings(), **values)
    except TypeError as error:
        raise SettingsError(str(error)) from error
