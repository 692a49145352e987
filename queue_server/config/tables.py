"""Strict reading of TOML tables, and the one error of this package.

Theory of operation
-------------------
A :class:`Table` wraps one TOML table (a ``dict``) and the place it came from, e.g.
``office "demo": services[3] ("passport")``.  Each getter checks the type and range of one key
and remembers that the key was asked for; :meth:`Table.finish` then reports every key nobody
asked for as unknown, with a "did you mean" hint.  A problem never stops the reading: it is
recorded in :class:`Problems` and the getter returns a harmless fallback, so one run of the
loader reports every typo in the file at once.  :meth:`Problems.raise_if_any` ends the run.

    ConfigError (ValueError)     the file is wrong; ``problems`` lists every finding, each
                                 naming the file, the office, the table and the key
"""

from __future__ import annotations

import difflib
import enum
from collections.abc import Iterator, Mapping
from typing import Any, TypeVar

MAX_SHOWN = 50
E = TypeVar("E", bound=enum.Enum)


class ConfigError(ValueError):
    """A configuration that cannot be used.  ``str(error)`` is meant for the IT person."""

    def __init__(self, problems: list[str] | tuple[str, ...]) -> None:
        self.problems = tuple(problems)
        shown = list(self.problems[:MAX_SHOWN])
        if len(self.problems) > MAX_SHOWN:
            shown.append(f"... and {len(self.problems) - MAX_SHOWN} more")
        if len(self.problems) == 1:
            message = shown[0]
        else:
            message = f"{len(self.problems)} problems in the configuration:\n  " + "\n  ".join(shown)
        super().__init__(message)


class Problems:
    """Findings of one load, each prefixed with the source file name."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.items: list[str] = []

    def add(self, where: str, message: str) -> None:
        self.items.append(f"{self.source}: {where}: {message}" if where else f"{self.source}: {message}")

    def raise_if_any(self) -> None:
        if self.items:
            raise ConfigError(self.items)


_REQUIRED: Any = object()


def show(value: Any) -> str:
    """A value as the IT person wrote it (TOML-ish), for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, dict):
        return "a table"
    return repr(value)


def _typename(value: Any) -> str:
    return {bool: "a boolean", int: "an integer", float: "a number", str: "a string",
            list: "a list", dict: "a table"}.get(type(value), type(value).__name__)


class Table:
    """One TOML table being read.  Getters return the value, or a fallback after a problem."""

    def __init__(self, data: Mapping[str, Any], where: str, problems: Problems) -> None:
        self.data = data
        self.where = where
        self.problems = problems
        self.asked: set[str] = set()
        self.missing: dict[str, str] = {}  # required key -> the problem reported for it
        self.ok = True

    def problem(self, message: str) -> None:
        self.ok = False
        self.problems.add(self.where, message)

    def missing_key(self, message: str, *keys: str) -> None:
        """Report a missing key; :meth:`finish` drops the report again when an unknown key
        looks like a typo of one of ``keys`` (``prefx`` says enough about ``prefix``)."""
        self.problem(message)
        for key in keys:
            self.missing[key] = self.problems.items[-1]

    def has(self, key: str) -> bool:
        return key in self.data

    def _get(self, key: str, default: Any) -> tuple[bool, Any]:
        """(present, value); records a missing required key."""
        self.asked.add(key)
        if key in self.data:
            return True, self.data[key]
        if default is _REQUIRED:
            self.missing_key(f'missing key "{key}"', key)
        return False, default

    def _wrong(self, key: str, expected: str, value: Any) -> None:
        self.problem(f'"{key}" must be {expected}, not {show(value)}')

    def text(self, key: str, default: Any = _REQUIRED, *, empty: bool = False, max_len: int = 10_000) -> Any:
        present, value = self._get(key, default)
        if not present:
            return "" if value is _REQUIRED else value
        if not isinstance(value, str):
            self._wrong(key, "a string", value)
            return ""
        if not empty and not value.strip():
            self.problem(f'"{key}" must not be empty')
        elif len(value) > max_len:
            self.problem(f'"{key}" is longer than {max_len} characters')
        return value

    def text_or_lines(self, key: str, default: str = "") -> str:
        """A string, or a list of strings joined by newlines (one document per line)."""
        present, value = self._get(key, default)
        if not present:
            return str(value)
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return "\n".join(value)
        if not isinstance(value, str):
            self._wrong(key, "a string or a list of strings", value)
            return ""
        return value

    def integer(self, key: str, default: Any = _REQUIRED, *, lo: int | None = None, hi: int | None = None) -> Any:
        present, value = self._get(key, default)
        if not present:
            return 0 if value is _REQUIRED else value
        if not isinstance(value, int) or isinstance(value, bool):
            self._wrong(key, "an integer", value)
            return default if default is not _REQUIRED else 0
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            self._wrong(key, _range("an integer", lo, hi), value)
        return value

    def number(self, key: str, default: Any = _REQUIRED, *, lo: float | None = None, hi: float | None = None,
               lo_open: bool = False) -> Any:
        present, value = self._get(key, default)
        if not present:
            return 0.0 if value is _REQUIRED else value
        if not isinstance(value, int | float) or isinstance(value, bool):
            self._wrong(key, "a number", value)
            return default if default is not _REQUIRED else 0.0
        too_low = lo is not None and (value <= lo if lo_open else value < lo)
        if too_low or (hi is not None and value > hi) or value != value:  # NaN
            expected = f"a number above {lo:g}" if lo_open else _range("a number", lo, hi)
            if lo_open and hi is not None:
                expected += f" and at most {hi:g}"
            self._wrong(key, expected, value)
        return float(value)

    def boolean(self, key: str, default: Any = _REQUIRED) -> Any:
        present, value = self._get(key, default)
        if not present:
            return False if value is _REQUIRED else value
        if not isinstance(value, bool):
            self._wrong(key, "true or false", value)
            return default if default is not _REQUIRED else False
        return value

    def choice(self, key: str, kind: type[E], default: Any = _REQUIRED) -> Any:
        """A member of ``kind`` by value; a required key that is missing or wrong gives None."""
        present, value = self._get(key, default)
        if not present:
            return None if value is _REQUIRED else value
        try:
            return kind(value)
        except (ValueError, TypeError):
            options = " | ".join(f'"{m.value}"' for m in kind)
            self._wrong(key, f"one of {options}", value)
            return default if default is not _REQUIRED else None

    def raw(self, key: str, default: Any = None) -> Any:
        """The value unchecked (the caller checks it), or ``default`` when absent."""
        return self._get(key, default)[1]

    def sub(self, key: str, where: str | None = None) -> Table | None:
        """The nested table ``key`` (``[office.hours]``), or None when absent or not a table."""
        present, value = self._get(key, None)
        if not present:
            return None
        if not isinstance(value, dict):
            self._wrong(key, "a table", value)
            return None
        return Table(value, f"{self.where}: {where or key}", self.problems)

    def tables(self, key: str) -> Iterator[tuple[int, Table]]:
        """The array of tables ``key`` (``[[office.services]]``), numbered from 1."""
        present, value = self._get(key, [])
        if not present:
            return
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self._wrong(key, f"an array of tables ([[...{key}]])", value)
            return
        for n, item in enumerate(value, start=1):
            yield n, Table(item, f"{self.where}: {key}[{n}]", self.problems)

    def finish(self) -> None:
        """Report every key that no getter asked for."""
        for key in self.data:
            if key not in self.asked:
                hint = difflib.get_close_matches(key, sorted(self.asked), n=1, cutoff=0.6)
                suffix = f' (did you mean "{hint[0]}"?)' if hint else ""
                if hint and self.missing.get(hint[0]) in self.problems.items:
                    self.problems.items.remove(self.missing[hint[0]])
                self.problem(f'unknown key "{key}"{suffix}')

    def ignore(self, *keys: str) -> None:
        """Mark keys as known without reading them (the caller reports them itself)."""
        self.asked.update(keys)


def _range(what: str, lo: float | None, hi: float | None) -> str:
    if lo is not None and hi is not None:
        return f"{what} from {lo:g} to {hi:g}"
    if lo is not None:
        return f"{what} of at least {lo:g}"
    if hi is not None:
        return f"{what} of at most {hi:g}"
    return what
