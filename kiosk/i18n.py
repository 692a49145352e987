"""Every word the kiosk shows, in Russian (the default) and English.

Widgets never hold user text: they ask ``tr(key, lang, **values)``.  Russian needs three
plural forms ("1 человек", "2 человека", "5 человек"), so counted phrases go through
``plural``.  A missing key raises at once in tests (``KeyError``) instead of showing a key
to a visitor.
"""

from __future__ import annotations

from typing import Final

LANGS: Final = ("ru", "en")
DEFAULT_LANG: Final = "ru"

_CATALOGUE: Final[dict[str, tuple[str, str]]] = {
    # header and the accessibility bar
    "greeting": ("Здравствуйте!", "Welcome!"),
    "choose_service": ("Выберите услугу, чтобы взять талон", "Choose a service to take a ticket"),
    "choose_in_category": ("Выберите услугу", "Choose a service"),
    "lang_switch": ("English", "Русский"),
    "contrast": ("Контраст", "Contrast"),
    "large_text": ("Крупный шрифт", "Large text"),
    "back": ("Назад", "Back"),
    "home": ("В начало", "Start over"),
    "ask_admin": ("Нужна помощь? Обратитесь к администратору зала", "Need help? Please ask the hall administrator"),
    # service buttons
    "waiting_n": ("В очереди: {n}", "Waiting: {n}"),
    "nobody_waiting": ("Очереди нет", "No queue"),
    "wait_about": ("ожидание около {wait}", "about {wait} wait"),
    # reasons a service cannot take a ticket now, in plain words
    "why.service_inactive": ("Сегодня эта услуга не предоставляется", "This service is not offered today"),
    "why.office_closed": ("Офис сейчас закрыт", "The office is closed now"),
    "why.daily_limit_reached": ("Талоны на сегодня закончились", "No more tickets for today"),
    "why.no_open_window": ("Сейчас эту услугу никто не принимает", "Nobody is serving this right now"),
    "why.category": ("Сейчас недоступно", "Not available now"),
    "why_group.service_inactive": ("Сегодня эти услуги не предоставляются", "These services are not offered today"),
    "why_group.no_open_window": ("Сейчас эти услуги никто не принимает", "Nobody is serving these right now"),
    "why.unknown": ("Сейчас недоступно", "Not available now"),
    "office_closed_banner": ("Офис сейчас закрыт. Талоны не выдаются.", "The office is closed. No tickets now."),
    "nothing_available": ("Сейчас талоны не выдаются. Обратитесь к администратору.",
                          "No tickets can be taken now. Please ask the administrator."),
    # the service page
    "take_ticket": ("Взять талон", "Take a ticket"),
    "taking_ticket": ("Выдаём талон…", "Issuing your ticket…"),
    "service_letter": ("Талоны этой услуги начинаются с буквы {prefix}", "Tickets for this service start with {prefix}"),
    "queue_now": ("Сейчас в очереди: {people}", "Waiting now: {people}"),
    "queue_empty": ("Сейчас очереди нет", "There is no queue now"),
    "wait_now": ("Примерное ожидание: {wait}", "Estimated wait: {wait}"),
    "norm": ("Срок ожидания по стандарту — не более {n} мин", "The standard wait is at most {n} min"),
    "documents": ("Что взять с собой", "What to bring"),
    "documents_missing": ("Какие документы нужны, подскажет администратор зала или специалист в окне.",
                          "The hall administrator or the specialist at the window will tell you which documents you need."),
    "refused": ("Не получилось взять талон: {why}", "Could not take a ticket: {why}"),
    # printing the service page
    "info_print": ("Распечатать", "Print this page"),
    "info_printing": ("Печатается…", "Printing…"),
    "info_printed": ("Напечатано", "Printed"),
    "info_printing_note": ("Печатаем список документов…", "Printing the list of documents…"),
    "info_printed_note": ("Возьмите лист из принтера", "Take the page from the printer"),
    "info_failed.paper_out": ("В принтере закончилась бумага — сфотографируйте эту страницу",
                              "The printer is out of paper — please take a photo of this page"),
    "info_failed.cover_open": ("Принтер открыт — сфотографируйте эту страницу",
                               "The printer cover is open — please take a photo of this page"),
    "info_failed.offline": ("Принтер не работает — сфотографируйте эту страницу",
                            "The printer is not working — please take a photo of this page"),
    "info_failed.other": ("Не получилось распечатать — сфотографируйте эту страницу",
                          "Could not print — please take a photo of this page"),
    "error.generic": ("Что-то пошло не так. Попробуйте ещё раз или обратитесь к администратору.",
                      "Something went wrong. Please try again or ask the administrator."),
    # priority
    "priority_button": ("Я отношусь к льготной категории", "I belong to a priority category"),
    "priority_title": ("Льготная категория", "Priority category"),
    "priority_intro": ("Выберите вашу категорию. Вас пригласят вне очереди.",
                       "Choose your category. You will be called ahead of the queue."),
    "priority_check": ("Документ, подтверждающий льготу, проверят в окне.",
                       "Your document will be checked at the window."),
    "priority_selected": ("Льготный талон: {name}", "Priority ticket: {name}"),
    "priority_cancel": ("Отменить льготу", "Cancel priority"),
    "priority_none": ("В этом офисе льготные категории не настроены. Обратитесь к администратору.",
                      "This office has no priority categories. Please ask the administrator."),
    # the ticket
    "your_number": ("Ваш номер", "Your number"),
    "take_your_ticket": ("Возьмите талон ниже", "Take your ticket below"),
    "printing": ("Печатаем талон…", "Printing your ticket…"),
    "people_ahead": ("Перед вами: {people}", "Ahead of you: {people}"),
    "nobody_ahead": ("Перед вами никого нет", "Nobody is ahead of you"),
    "estimated_wait": ("Примерное ожидание: {wait}", "Estimated wait: {wait}"),
    "watch_board": ("Следите за номером на табло", "Watch for your number on the board"),
    "priority_ticket": ("Льготный талон — документ проверят в окне",
                        "Priority ticket — your document will be checked at the window"),
    "done": ("Готово", "Done"),
    "back_in": ("Возврат на начальный экран через {n} с", "Back to the start in {n} s"),
    # printing failed
    "print_failed.paper_out": ("В принтере закончилась бумага", "The printer is out of paper"),
    "print_failed.cover_open": ("Принтер открыт", "The printer cover is open"),
    "print_failed.offline": ("Принтер не отвечает", "The printer is not responding"),
    "print_failed.other": ("Талон не напечатался", "The ticket could not be printed"),
    "remember_number": ("Пожалуйста, запомните ваш номер", "Please remember your number"),
    "photo_qr": ("или сфотографируйте этот код", "or take a photo of this code"),
    # offline
    "offline_title": ("Киоск временно не работает", "The kiosk is temporarily unavailable"),
    "offline_text": ("Пожалуйста, обратитесь к администратору зала.", "Please ask the hall administrator."),
    "offline_wait": ("Мы восстановим работу автоматически.", "It will start working again by itself."),
    "auth_failed": ("Киоск не подключён к системе очереди. Сообщите администратору.",
                    "The kiosk is not connected to the queue system. Please tell the administrator."),
    "loading": ("Загрузка…", "Loading…"),
    # units
    "hours_minutes": ("{h} ч {m} мин", "{h} h {m} min"),
    "hours": ("{h} ч", "{h} h"),
    "less_than_minute": ("меньше минуты", "less than a minute"),
}

# Plural forms: Russian (one, few, many), English (one, many).
_PLURALS: Final[dict[str, tuple[tuple[str, str, str], tuple[str, str]]]] = {
    "person": (("человек", "человека", "человек"), ("person", "people")),
    "minute": (("минута", "минуты", "минут"), ("minute", "minutes")),
}


def tr(key: str, lang: str = DEFAULT_LANG, /, **values: object) -> str:
    """The text for ``key`` in ``lang``, with ``{name}`` fields filled from ``values``."""
    ru, en = _CATALOGUE[key]
    text = en if lang == "en" else ru
    return text.format(**values) if values else text


def plural(word: str, n: int, lang: str = DEFAULT_LANG) -> str:
    """``n`` followed by ``word`` in the form its number needs ("2 человека", "5 people")."""
    ru_forms, en_forms = _PLURALS[word]
    if lang == "en":
        form = en_forms[0] if n == 1 else en_forms[1]
    else:
        tail, tens = n % 10, n % 100
        if tail == 1 and tens != 11:
            form = ru_forms[0]
        elif 2 <= tail <= 4 and not 12 <= tens <= 14:
            form = ru_forms[1]
        else:
            form = ru_forms[2]
    return f"{n} {form}"


def people(n: int, lang: str = DEFAULT_LANG) -> str:
    return plural("person", n, lang)


def duration(seconds: float, lang: str = DEFAULT_LANG) -> str:
    """A wait in words a visitor can read at a glance: whole minutes, rounded up; hours past 90 min."""
    if seconds < 60:
        return tr("less_than_minute", lang)
    minutes = int(-(-seconds // 60))
    if minutes <= 90:
        return plural("minute", minutes, lang)
    hours, rest = divmod(minutes, 60)
    return tr("hours_minutes", lang, h=hours, m=rest) if rest else tr("hours", lang, h=hours)


def has(key: str) -> bool:
    return key in _CATALOGUE


def all_keys() -> frozenset[str]:
    """Every key of the catalogue (tests check both languages fill each one)."""
    return frozenset(_CATALOGUE)


def both(key: str) -> tuple[str, str]:
    """The Russian and the English text of ``key``, unformatted."""
    return _CATALOGUE[key]
