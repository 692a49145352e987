"""The server goes away and comes back: the board keeps its calls, says so quietly, and resumes
by itself, without a restart -- including a call made while it was catching up.

This module has its own server, because it stops it.
"""

from __future__ import annotations

from typing import Any

from hall_display.stage import call_at

WAIT_MS = 20_000


def test_offline_note_keeps_the_calls_and_the_board_resumes(board_server: Any, make_board: Any, act: Any,
                                                             qtbot: Any, painted_texts: list[str]) -> None:
    model, widget = make_board(board_server.url)
    act(lambda: call_at(board_server.url, "operator3", 3, "passport"))
    before = act.wait()[0]
    qtbot.waitUntil(lambda: model.calls.rowCount() > 0 and model.calls.rows[0].label == before, timeout=WAIT_MS)
    assert model.note_key is None

    board_server.stop()
    qtbot.waitUntil(lambda: model.note_key == "state.offline", timeout=WAIT_MS)
    assert model.calls.rows[0].label == before, "the calls stay on the board"
    painted_texts.clear()
    widget.grab()
    assert "◌ Обновление данных…" in painted_texts   # small, in the header; no alarm, no red
    assert before in painted_texts

    board_server.start()
    qtbot.waitUntil(lambda: model.state.value == "online", timeout=WAIT_MS)
    qtbot.waitUntil(lambda: model.note_key is None, timeout=WAIT_MS)
    heard: list[tuple[str, int, bool]] = []
    model.call_made.connect(lambda label, window, recall: heard.append((label, window, recall)))
    act(lambda: call_at(board_server.url, "operator6", 6, "registration"))
    after = act.wait()[0]
    qtbot.waitUntil(lambda: model.calls.rows[0].label == after, timeout=WAIT_MS)
    assert heard == [(after, 6, False)]
    assert [r.label for r in model.calls.rows[:2]] == [after, before]
