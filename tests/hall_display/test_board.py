"""The boards against the real server: calls in order, recalls, the running text, window boards.

Operators act from another thread over their own connections (``act``), the board follows
with its device token exactly as in a hall; assertions are on the model and on what the
widgets paint.  One server for the module: each test uses its own windows.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtGui import QImage

from hall_display.announcer import Announcer, VoiceSettings
from hall_display.lists import CallsModel
from hall_display.sound import AudioUnavailable
from hall_display.stage import call_at, call_in_turn
from queue_protocol.client import PasswordLogin, QueueClient

WAIT_S = 15.0
TIMEOUT_MS = int(WAIT_S * 1000)


def ink_height(image: QImage, x0: int, x1: int, y0: int, y1: int) -> int:
    """Height in pixels of the dark glyphs inside a box of ``image`` (what a visitor sees)."""
    rows = [y for y in range(y0, y1) if any(
        image.pixelColor(x, y).lightness() < 90 for x in range(x0, x1, 2))]
    return rows[-1] - rows[0] + 1 if rows else 0


def test_calls_appear_in_order_newest_first_and_highlighted(board_server: Any, make_board: Any, act: Any,
                                                            qtbot: Any, painted_texts: list[str]) -> None:
    model, widget = make_board(board_server.url)
    heard: list[tuple[str, int, bool]] = []
    model.call_made.connect(lambda label, window, recall: heard.append((label, window, recall)))
    desks = [("operator1", 1, "passport"), ("operator4", 4, "passport_foreign"), ("operator7", 7, "registration")]
    act(lambda: call_in_turn(board_server.url, desks))
    labels = act.wait()[0]
    qtbot.waitUntil(lambda: [r.label for r in model.calls.rows[:3]] == labels[::-1], timeout=TIMEOUT_MS)

    assert [(r.label, r.window) for r in model.calls.rows[:3]] == [(labels[2], 7), (labels[1], 4), (labels[0], 1)]
    assert heard == [(labels[0], 1, False), (labels[1], 4, False), (labels[2], 7, False)]
    top = model.calls.index(0)
    assert top.data() == f"{labels[2]} → Окно 7"
    assert top.data(CallsModel.HighlightRole) and top.data(CallsModel.BlinkRole)
    assert not model.calls.index(1).data(CallsModel.HighlightRole)

    image = widget.grab().toImage()
    panel = widget.main_board.calls_panel
    assert panel.row_font_px() >= 150
    row_h = (panel.height() - 52) / panel.row_count()
    origin = panel.mapTo(widget, panel.rect().topLeft())
    y = int(origin.y() + 52 + row_h)   # row 1: dark type on a light row
    assert ink_height(image, 40, 560, y, int(y + row_h)) >= 120, "the call rows must read from 10 metres"
    assert labels[2] in painted_texts and "Окно 7" in painted_texts


def test_a_recall_moves_the_call_to_the_top_and_highlights_it_again(board_server: Any, make_board: Any,
                                                                     act: Any, qtbot: Any) -> None:
    model, _ = make_board(board_server.url, blink_seconds=1)
    desks = [("operator2", 2, "passport"), ("operator5", 5, "passport_foreign")]
    act(lambda: call_in_turn(board_server.url, desks))
    first, second = act.wait()[0]
    qtbot.waitUntil(lambda: model.calls.rows[0].label == second, timeout=TIMEOUT_MS)
    qtbot.waitUntil(lambda: model.calls.blinking is None, timeout=TIMEOUT_MS)   # the blink ends by itself
    rows_before = model.calls.rowCount()
    heard: list[tuple[str, int, bool]] = []
    model.call_made.connect(lambda label, window, recall: heard.append((label, window, recall)))

    act(lambda: call_at(board_server.url, "operator2", 2, "passport", recall=True))
    act.wait()
    qtbot.waitUntil(lambda: model.calls.rows[0].label == first, timeout=TIMEOUT_MS)
    assert model.calls.rowCount() == rows_before, "a recall is one row, moved to the top"
    assert model.calls.rows[0].recall and model.calls.rows[1].label == second
    assert model.calls.blinking == model.calls.rows[0].ticket
    assert model.calls.index(0).data(CallsModel.HighlightRole)
    assert heard == [(first, 2, True)]


def test_live_calls_are_spoken_in_order_one_at_a_time(board_server: Any, make_board: Any, act: Any,
                                                      qtbot: Any) -> None:
    class Sink:   # the audio device: the only fake
        name = "sink"

        def __init__(self) -> None:
            self.clips = 0
            self.playing = False

        def play(self, path: Any) -> None:
            assert not self.playing, "two announcements overlapped"
            self.playing = True
            self.clips += 1
            self.playing = False

    model, _ = make_board(board_server.url)
    spoken: list[str] = []
    announcer = Announcer(Sink(), VoiceSettings(), local_now=model.local_now, on_played=lambda a: spoken.append(a.text))
    model.call_made.connect(lambda label, window, recall: announcer.announce(label, window, recall=recall))
    try:
        desks = [("operator9", 9, "rosreestr"), ("operator10", 10, "rosreestr"), ("operator12", 12, "results")]
        act(lambda: call_in_turn(board_server.url, desks))
        labels = act.wait()[0]
        qtbot.waitUntil(lambda: len(spoken) == 3, timeout=TIMEOUT_MS * 2)
    finally:
        announcer.close()
    assert spoken[0].startswith("Талон Гэ ноль ") and spoken[0].endswith("окно девять")
    assert spoken[1].endswith("окно десять") and spoken[2].endswith("окно двенадцать")
    assert labels[0].startswith("Г") and labels[2].startswith("Д")


def test_a_new_board_shows_the_history_without_blinking_or_speaking(board_server: Any, make_board: Any,
                                                                    act: Any, qtbot: Any) -> None:
    act(lambda: call_at(board_server.url, "operator13", 13, "results"))
    label = act.wait()[0]
    model, _ = make_board(board_server.url)
    heard: list[object] = []
    model.call_made.connect(lambda *args: heard.append(args))
    qtbot.wait(300)
    assert model.calls.rows[0].label == label
    assert model.calls.blinking is None and heard == []
    assert model.zone is not None and str(model.zone) == "Europe/Moscow"
    assert model.office_name.startswith("МФЦ «Мои документы»")


def test_the_running_text_follows_the_manager(board_server: Any, make_board: Any, act: Any, qtbot: Any) -> None:
    model, widget = make_board(board_server.url)
    ticker = widget.main_board.ticker

    async def set_text(text: str) -> None:
        manager = QueueClient(board_server.url, PasswordLogin("manager", "demo"), client_name="test")
        async with manager:
            await manager.wait_online(WAIT_S)
            await manager.request("board.set_text", text=text)

    text = "С 1 апреля МФЦ работает до 21:00"
    act(lambda: set_text(text))
    act.wait()
    qtbot.waitUntil(lambda: model.running_text == text, timeout=TIMEOUT_MS)
    assert ticker.isVisible()
    act(lambda: set_text(""))
    act.wait()
    qtbot.waitUntil(lambda: model.running_text == "", timeout=TIMEOUT_MS)
    assert not ticker.isVisible()


def test_the_window_board_token_shows_its_window_very_large(board_server: Any, make_board: Any, act: Any,
                                                            qtbot: Any, painted_texts: list[str]) -> None:
    model, widget = make_board(board_server.url, token="demo-window-1")
    assert model.layout == "window" and model.window == 1
    assert widget.currentWidget() is widget.window_board
    assert not model.settings.voice_settings(model.layout).enabled, "one voice per hall: the main board's"
    act(lambda: call_at(board_server.url, "operator1", 1, "passport"))
    label = act.wait()[0]
    qtbot.waitUntil(lambda: model.window_label == label, timeout=TIMEOUT_MS)
    assert model.window_blinking
    body = widget.window_board.body
    assert body.label_font_px() >= 0.4 * body.height()
    widget.grab()
    assert label in painted_texts and "Окно 1" in painted_texts and "Пройдите к окну" in painted_texts


def test_no_name_is_ever_painted(board_server: Any, make_board: Any, act: Any, qtbot: Any,
                                 painted_texts: list[str]) -> None:
    act(lambda: call_at(board_server.url, "operator15", 15, "social"))
    act.wait()
    model, widget = make_board(board_server.url)
    names = {w.operator_name for w in model.view.windows if w.operator_name}
    assert "Оператор 15" in names   # the display role does receive them ...
    for size in ((1920, 1080), (1080, 1920)):
        widget.resize(*size)
        widget.grab()
    _window_model, window_widget = make_board(board_server.url, layout="window", window=15)
    window_widget.grab()
    assert painted_texts
    for text in painted_texts:   # ... and never shows them
        assert not any(name in text for name in names), text


def test_no_audio_device_keeps_the_visual_call(board_server: Any, make_board: Any, act: Any, qtbot: Any,
                                               caplog: pytest.LogCaptureFixture) -> None:
    class NoDevice:
        name = "aplay"

        def play(self, path: Any) -> None:
            raise AudioUnavailable("aplay: no soundcards found")

    model, _ = make_board(board_server.url)
    played: list[object] = []
    announcer = Announcer(NoDevice(), VoiceSettings(), on_played=played.append)
    model.call_made.connect(lambda label, window, recall: announcer.announce(label, window, recall=recall))
    try:
        act(lambda: call_at(board_server.url, "operator18", 18, "business"))
        label = act.wait()[0]
        qtbot.waitUntil(lambda: played != [], timeout=TIMEOUT_MS)
    finally:
        announcer.close()
    assert model.calls.rows[0].label == label and model.calls.blinking is not None
    assert any("no audio device" in r.getMessage() for r in caplog.records)
