"""Every word the boards show, in Russian (the default) and English.

Widgets never hold user text: they ask :func:`tr` for a key.  A missing key raises at once
(tests render every screen in both languages), so a typo cannot reach a hall.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

LANGUAGES: Final = ("ru", "en")

CATALOGUE: Final[dict[str, dict[str, str]]] = {
    "column.ticket": {"ru": "Талон", "en": "Ticket"},
    "column.window": {"ru": "Окно", "en": "Window"},
    "window.n": {"ru": "Окно {n}", "en": "Window {n}"},
    "calls.empty": {"ru": "Ожидайте вызова", "en": "Please wait to be called"},
    "calls.empty.hint": {"ru": "Номер талона появится здесь и прозвучит объявление",
                         "en": "Your ticket number will appear here and be announced"},
    "waiting.title": {"ru": "В очереди", "en": "Waiting"},
    "waiting.none": {"ru": "очереди нет", "en": "no queue"},
    "state.connecting": {"ru": "Подключение…", "en": "Connecting…"},
    "state.offline": {"ru": "Обновление данных…", "en": "Updating…"},
    "state.auth_failed": {"ru": "Табло не подключено. Обратитесь к администратору",
                          "en": "Board not connected. Please ask a member of staff"},
    "board.ticket": {"ru": "Талон", "en": "Ticket"},
    "board.come": {"ru": "Пройдите к окну", "en": "Please come to the window"},
    "board.wait": {"ru": "Ожидайте вызова", "en": "Please wait to be called"},
    "board.break": {"ru": "Перерыв", "en": "Break"},
    "board.closed": {"ru": "Окно не работает", "en": "Window closed"},
    "board.no_window": {"ru": "Окно не задано", "en": "No window set"},
}

_WEEKDAYS: Final = {
    "ru": ("понедельник", "вторник", "среда", "четверг", "пятница", "суббота", "воскресенье"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
_MONTHS: Final = {   # Russian in the genitive: «14 марта»
    "ru": ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
           "октября", "ноября", "декабря"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
}


def tr(key: str, language: str = "ru", **values: object) -> str:
    """The text for ``key`` in ``language`` (Russian when the language is unknown)."""
    entry = CATALOGUE[key]
    text = entry.get(language, entry["ru"])
    return text.format(**values) if values else text


def format_date(moment: datetime, language: str = "ru") -> str:
    """«пятница, 14 марта» / "Friday, 14 March"."""
    lang = language if language in _WEEKDAYS else "ru"
    return f"{_WEEKDAYS[lang][moment.weekday()]}, {moment.day} {_MONTHS[lang][moment.month - 1]}"


def format_clock(moment: datetime) -> str:
    return moment.strftime("%H:%M")
