"""CP866 pinning: replacements are sensible and nothing ever becomes "?"."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from printers.codepage import codec_for_table, encode, sanitize


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Выдача готовых документов — «срочно»", 'Выдача готовых документов - "срочно"'),
        ("А–Я “ok” „да“", 'А-Я "ok" "да"'),
        ("Пошлина 10 €", "Пошлина 10 EUR"),
        ("Госпошлина 300 ₽", "Госпошлина 300 руб."),
        ("окно № 5", "окно № 5"),  # CP866 has № at 0xFC
        ("Ёлка, ёж", "Ёлка, ёж"),  # and Ё/ё at 0xF0/0xF1
        ("10\u00a0мин", "10 мин"),
        ("Подождите…", "Подождите..."),
        ("Café Zürich Łódź Straße", "Cafe Zurich Lodz Strasse"),
        ("中文 office", " office"),  # no transliteration available: dropped, never "?"
        ("A\x1b@B\x1dV\x00C", "A@BVC"),  # control bytes from data cannot become commands
        ("line\nbreak\ttab", "line break tab"),
    ],
)
def test_sanitize(text: str, expected: str) -> None:
    assert sanitize(text) == expected


def test_encoded_cyrillic_round_trips_through_cp866() -> None:
    text = "Перед вами: 3 чел. Ожидание: ~12 мин. ЁЖИК ёжик № 7"
    assert encode(text).decode("cp866") == text
    assert encode("№") == b"\xfc" and encode("ё") == b"\xf1" and encode("Ё") == b"\xf0"


@settings(max_examples=300, database=None, deadline=None)
@given(st.text())
def test_any_text_encodes_without_question_marks(text: str) -> None:
    data = encode(text)
    assert data.count(b"?") == text.count("?")
    assert all(byte >= 0x20 for byte in data)  # never a control byte
    assert data.decode("cp866") == sanitize(text)


def test_emulator_code_tables() -> None:
    assert codec_for_table(17, cp866_table=17) == "cp866"
    assert codec_for_table(10, cp866_table=10) == "cp866"
    assert codec_for_table(17, cp866_table=10) == "cp437"
    assert codec_for_table(0, cp866_table=17) == "cp437"
