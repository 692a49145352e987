"""What the board says aloud for a call: «Талон А ноль пятнадцать, окно три».  Pure.

A synthesizer reads digits and single letters unreliably ("А015" may come out as
"а пятнадцать" or "а ноль один пять", and "Б" as a bare consonant), so the text handed to
espeak-ng is spelled out here: the letters of the prefix by their names («Бэ», «Вэ», «Гэ»),
each leading zero as «ноль», the rest of the digits as one number in words.  The same for
English, for offices that announce in English.
"""

from __future__ import annotations

import re
from typing import Final

# -- Russian -------------------------------------------------------------------------------

_RU_UNITS: Final = ("ноль", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять",
                    "десять", "одиннадцать", "двенадцать", "тринадцать", "четырнадцать", "пятнадцать",
                    "шестнадцать", "семнадцать", "восемнадцать", "девятнадцать")
_RU_TENS: Final = ("", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят",
                   "восемьдесят", "девяносто")
_RU_HUNDREDS: Final = ("", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот",
                       "восемьсот", "девятьсот")

# How a letter of a ticket prefix is said in Russian: its name, where the bare letter would be
# swallowed or misread.  Latin letters (an office may use them) by their Russian names.
RU_LETTER_NAMES: Final = {
    "А": "А", "Б": "Бэ", "В": "Вэ", "Г": "Гэ", "Д": "Дэ", "Е": "Е", "Ё": "Ё", "Ж": "Жэ", "З": "Зэ",
    "И": "И", "Й": "И краткое", "К": "Ка", "Л": "Эль", "М": "Эм", "Н": "Эн", "О": "О", "П": "Пэ",
    "Р": "Эр", "С": "Эс", "Т": "Тэ", "У": "У", "Ф": "Эф", "Х": "Ха", "Ц": "Цэ", "Ч": "Че", "Ш": "Ша",
    "Щ": "Ща", "Ы": "Ы", "Э": "Э", "Ю": "Ю", "Я": "Я",
    "A": "А", "B": "Бэ", "C": "Цэ", "D": "Дэ", "E": "И", "F": "Эф", "G": "Джи", "H": "Аш", "I": "Ай",
    "J": "Джей", "K": "Ка", "L": "Эль", "M": "Эм", "N": "Эн", "O": "О", "P": "Пэ", "Q": "Кью", "R": "Эр",
    "S": "Эс", "T": "Тэ", "U": "Ю", "V": "Вэ", "W": "Дабл-ю", "X": "Икс", "Y": "Игрек", "Z": "Зэт",
}


def ru_number(n: int) -> str:
    """``n`` (0-999999) in Russian words, masculine: 15 -> "пятнадцать", 2001 -> "две тысячи один"."""
    if not 0 <= n < 1_000_000:
        raise ValueError(f"out of range: {n}")
    if n == 0:
        return _RU_UNITS[0]
    thousands, rest = divmod(n, 1000)
    words: list[str] = []
    if thousands:
        if thousands == 1:
            words.append("тысяча")
        else:
            head = _ru_below_1000(thousands, feminine=True)
            words.append(f"{head} {_ru_thousand_form(thousands)}")
    if rest:
        words.append(_ru_below_1000(rest))
    return " ".join(words)


def _ru_below_1000(n: int, *, feminine: bool = False) -> str:
    hundreds, rest = divmod(n, 100)
    words = [_RU_HUNDREDS[hundreds]] if hundreds else []
    if rest >= 20:
        tens, units = divmod(rest, 10)
        words.append(_RU_TENS[tens])
        if units:
            words.append(_ru_unit(units, feminine))
    elif rest:
        words.append(_ru_unit(rest, feminine))
    return " ".join(words)


def _ru_unit(n: int, feminine: bool) -> str:
    if feminine and n in (1, 2):
        return ("одна", "две")[n - 1]
    return _RU_UNITS[n]


def _ru_thousand_form(n: int) -> str:
    last_two, last = n % 100, n % 10
    if 11 <= last_two <= 14:
        return "тысяч"
    if last == 1:
        return "тысяча"
    if 2 <= last <= 4:
        return "тысячи"
    return "тысяч"


# -- English -------------------------------------------------------------------------------

_EN_UNITS: Final = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
                    "nineteen")
_EN_TENS: Final = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")

# Cyrillic prefixes said the way an English speaker reads the letter on the board.
EN_LETTER_NAMES: Final = {
    "А": "A", "Б": "B", "В": "V", "Г": "G", "Д": "D", "Е": "E", "Ё": "Yo", "Ж": "Zh", "З": "Z", "И": "I",
    "Й": "Y", "К": "K", "Л": "L", "М": "M", "Н": "N", "О": "O", "П": "P", "Р": "R", "С": "S", "Т": "T",
    "У": "U", "Ф": "F", "Х": "Kh", "Ц": "Ts", "Ч": "Ch", "Ш": "Sh", "Щ": "Shch", "Ы": "Y", "Э": "E",
    "Ю": "Yu", "Я": "Ya",
}


def en_number(n: int) -> str:
    """``n`` (0-999999) in English words: 15 -> "fifteen", 115 -> "one hundred fifteen"."""
    if not 0 <= n < 1_000_000:
        raise ValueError(f"out of range: {n}")
    if n == 0:
        return _EN_UNITS[0]
    thousands, rest = divmod(n, 1000)
    words: list[str] = []
    if thousands:
        words.append(f"{_en_below_1000(thousands)} thousand")
    if rest:
        words.append(_en_below_1000(rest))
    return " ".join(words)


def _en_below_1000(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    words = [f"{_EN_UNITS[hundreds]} hundred"] if hundreds else []
    if rest >= 20:
        tens, units = divmod(rest, 10)
        words.append(_EN_TENS[tens] + (f"-{_EN_UNITS[units]}" if units else ""))
    elif rest:
        words.append(_EN_UNITS[rest])
    return " ".join(words)


# -- labels and announcements ----------------------------------------------------------------

_PARTS: Final = re.compile(r"\d+|[^\W\d_]")


def spoken_label(label: str, language: str = "ru") -> str:
    """A ticket label as words: "А015" -> "А ноль пятнадцать", "Б102" -> "Бэ сто два".

    Letters by their names; in a run of digits each leading zero is "ноль" and the rest is
    one number ("005" -> "ноль ноль пять", "100" -> "сто").  Anything else (dashes, spaces)
    only separates words.
    """
    english = language == "en"
    names = EN_LETTER_NAMES if english else RU_LETTER_NAMES
    number, zero = (en_number, "zero") if english else (ru_number, "ноль")
    words: list[str] = []
    for part in _PARTS.findall(label.upper()):
        if part.isdigit():
            significant = part.lstrip("0")
            words.extend([zero] * (len(part) - len(significant)))
            if significant:
                words.append(number(int(significant[-6:])))
        else:
            words.append(names.get(part, part))
    return " ".join(words)


def announcement_text(label: str, window: int, language: str = "ru") -> str:
    """The sentence for one call: «Талон А ноль пятнадцать, окно три»."""
    if language == "en":
        return f"Ticket {spoken_label(label, 'en')}, window {en_number(window)}"
    return f"Талон {spoken_label(label, 'ru')}, окно {ru_number(window)}"
