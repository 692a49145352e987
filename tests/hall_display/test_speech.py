"""The words the board speaks: labels and numbers spelled out for the synthesizer.  Pure."""

from __future__ import annotations

import pytest

from hall_display.speech import announcement_text, en_number, ru_number, spoken_label


@pytest.mark.parametrize("n, words", [
    (0, "ноль"), (1, "один"), (3, "три"), (10, "десять"), (11, "одиннадцать"), (15, "пятнадцать"),
    (19, "девятнадцать"), (20, "двадцать"), (21, "двадцать один"), (40, "сорок"), (99, "девяносто девять"),
    (100, "сто"), (101, "сто один"), (215, "двести пятнадцать"), (999, "девятьсот девяносто девять"),
    (1000, "тысяча"), (1001, "тысяча один"), (2000, "две тысячи"), (5000, "пять тысяч"),
    (11000, "одиннадцать тысяч"), (21000, "двадцать одна тысяча"), (9999, "девять тысяч девятьсот девяносто девять"),
])
def test_russian_numbers(n: int, words: str) -> None:
    assert ru_number(n) == words


@pytest.mark.parametrize("n, words", [
    (0, "zero"), (3, "three"), (15, "fifteen"), (21, "twenty-one"), (100, "one hundred"),
    (115, "one hundred fifteen"), (2021, "two thousand twenty-one"),
])
def test_english_numbers(n: int, words: str) -> None:
    assert en_number(n) == words


def test_numbers_out_of_range_are_refused() -> None:
    with pytest.raises(ValueError):
        ru_number(-1)
    with pytest.raises(ValueError):
        en_number(1_000_000)


@pytest.mark.parametrize("label, words", [
    ("А015", "А ноль пятнадцать"),
    ("Б102", "Бэ сто два"),
    ("В005", "Вэ ноль ноль пять"),
    ("Г100", "Гэ сто"),
    ("Д021", "Дэ ноль двадцать один"),
    ("Е011", "Е ноль одиннадцать"),
    ("Ж999", "Жэ девятьсот девяносто девять"),
    ("И001", "И ноль ноль один"),
    ("А1000", "А тысяча"),
    ("Д000", "Дэ ноль ноль ноль"),
    ("а015", "А ноль пятнадцать"),
    ("B-12", "Бэ двенадцать"),
])
def test_labels_are_spelled_for_russian_speech(label: str, words: str) -> None:
    assert spoken_label(label) == words


def test_labels_in_english_say_cyrillic_letters_as_latin() -> None:
    assert spoken_label("А015", "en") == "A zero fifteen"
    assert spoken_label("Ж102", "en") == "Zh one hundred two"


def test_the_announcement_sentence() -> None:
    assert announcement_text("А015", 3) == "Талон А ноль пятнадцать, окно три"
    assert announcement_text("Б007", 21) == "Талон Бэ ноль ноль семь, окно двадцать один"
    assert announcement_text("А015", 3, "en") == "Ticket A zero fifteen, window three"


def test_no_digit_survives_in_what_is_spoken() -> None:
    for number in range(0, 1000, 7):
        for window in (1, 12, 20, 101):
            text = announcement_text(f"Г{number:03d}", window)
            assert not any(ch.isdigit() for ch in text), text
