"""The voice: the chime, espeak-ng speech, and the announcement queue (one clip at a time).

The queue is tested with a fake audio *sink* (it records when each clip starts and ends);
the speech itself is real espeak-ng output, measured.
"""

from __future__ import annotations

import itertools
import logging
import shutil
import threading
import time
from datetime import datetime
from datetime import time as dtime
from pathlib import Path

import pytest

from hall_display.announcer import Announcement, Announcer, VoiceSettings, in_window
from hall_display.sound import (
    CHIME_TONES,
    AudioUnavailable,
    CommandPlayer,
    SilentPlayer,
    Synthesizer,
    chime_samples,
    compose,
    read_wav,
    rms,
)
from hall_display.speech import announcement_text

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")


class RecordingSink:
    """A fake audio device: 'plays' each clip for ``seconds`` and records start and end times."""

    name = "fake"

    def __init__(self, seconds: float = 0.05) -> None:
        self.seconds = seconds
        self.intervals: list[tuple[float, float, float]] = []   # (start, end, clip seconds)
        self.playing = 0
        self.max_playing = 0
        self._lock = threading.Lock()

    def play(self, path: Path) -> None:
        rate, samples = read_wav(path)   # what a device would get: a readable WAV
        with self._lock:
            self.playing += 1
            self.max_playing = max(self.max_playing, self.playing)
        start = time.monotonic()
        time.sleep(self.seconds)
        with self._lock:
            self.playing -= 1
        self.intervals.append((start, time.monotonic(), len(samples) / rate))


class FailingSink:
    name = "broken"

    def play(self, path: Path) -> None:
        raise AudioUnavailable("aplay exited 1: no soundcards found")


def _announcer(sink: object, **kwargs: object) -> tuple[Announcer, list[Announcement]]:
    played: list[Announcement] = []
    announcer = Announcer(sink, VoiceSettings(), on_played=played.append, **kwargs)  # type: ignore[arg-type]
    return announcer, played


# -- the chime and the speech -----------------------------------------------------------------

def test_the_chime_is_two_tones_and_audible(tmp_path: Path) -> None:
    samples = chime_samples(22050)
    seconds = len(samples) / 22050
    assert seconds == pytest.approx(sum(s for _, s in CHIME_TONES), abs=0.01)
    assert rms(samples) > 2000
    first, second = samples[: int(22050 * 0.2)], samples[int(22050 * 0.45): int(22050 * 0.65)]

    def frequency(part: object) -> float:
        values = list(part)  # type: ignore[call-overload]
        crossings = sum(1 for a, b in itertools.pairwise(values) if a < 0 <= b)
        return crossings / (len(values) / 22050)

    assert frequency(first) == pytest.approx(CHIME_TONES[0][0], rel=0.05)
    assert frequency(second) == pytest.approx(CHIME_TONES[1][0], rel=0.05)
    clip = compose(None, tmp_path / "chime.wav", 1.0)
    assert read_wav(clip)[0] == 22050


@needs_espeak
def test_espeak_renders_the_call_to_a_plausible_wav(tmp_path: Path) -> None:
    text = announcement_text("А015", 3)
    speech = Synthesizer().render(text, "ru", tmp_path / "call.wav")
    rate, samples = read_wav(speech)
    seconds = len(samples) / rate
    assert 0.8 <= seconds <= 6.0, seconds
    assert rms(samples) > 500, "the speech is silent"
    clip = compose(speech, tmp_path / "clip.wav", 0.5)   # chime + pause + speech, at half volume
    clip_rate, clip_samples = read_wav(clip)
    assert len(clip_samples) / clip_rate > seconds + 1.0
    assert max(abs(s) for s in clip_samples) <= 32767 * 0.5 + 1


@needs_espeak
def test_english_speech_renders_too(tmp_path: Path) -> None:
    speech = Synthesizer().render(announcement_text("А015", 3, "en"), "en", tmp_path / "call.wav")
    rate, samples = read_wav(speech)
    assert 0.8 <= len(samples) / rate <= 6.0
    assert rms(samples) > 500


# -- the queue ---------------------------------------------------------------------------------

def test_calls_are_spoken_in_order_and_never_overlap() -> None:
    sink = RecordingSink(seconds=0.08)
    announcer, played = _announcer(sink)
    try:
        calls = [("А015", 3), ("Б007", 5), ("Д021", 12), ("А016", 1)]
        for label, window in calls:   # all at once, as in a busy minute
            assert announcer.announce(label, window) is not None
        assert announcer.wait_idle(30)
    finally:
        announcer.close()
    assert [(a.label, a.window) for a in played] == calls
    assert sink.max_playing == 1
    for (_, end, _), (start, _, _) in zip(sink.intervals, sink.intervals[1:], strict=False):
        assert start >= end, "two announcements overlapped"
    assert all(seconds > 1.0 for _, _, seconds in sink.intervals), "chime + speech in each clip"


def test_a_recall_is_spoken_again() -> None:
    sink = RecordingSink()
    announcer, played = _announcer(sink)
    try:
        announcer.announce("А015", 3)
        announcer.announce("Б007", 5)
        announcer.announce("А015", 3, recall=True)
        assert announcer.wait_idle(30)
    finally:
        announcer.close()
    assert [(a.label, a.recall) for a in played] == [("А015", False), ("Б007", False), ("А015", True)]
    assert played[0].text == played[2].text == "Талон А ноль пятнадцать, окно три"


def test_a_burst_longer_than_the_queue_keeps_the_newest() -> None:
    sink = RecordingSink(seconds=0.4)
    announcer, played = _announcer(sink, max_pending=2)
    try:
        for n in range(1, 7):
            announcer.announce(f"А{n:03d}", n)
        assert announcer.wait_idle(30)
    finally:
        announcer.close()
    labels = [a.label for a in played]
    assert labels[-2:] == ["А005", "А006"]
    assert len(labels) <= 4 and labels == sorted(labels)


def test_no_audio_device_is_logged_once_and_the_queue_goes_on(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="talon.display.voice")
    for sink in (FailingSink(), SilentPlayer()):
        caplog.clear()
        announcer, played = _announcer(sink)
        try:
            announcer.announce("А015", 3)
            announcer.announce("Б007", 5)
            assert announcer.wait_idle(30)
        finally:
            announcer.close()
        assert [a.label for a in played] == ["А015", "Б007"]
        assert announcer.audio_ok is False
        assert sum("no audio device" in r.getMessage() for r in caplog.records) == 1


def test_quiet_hours_and_volume() -> None:
    quiet = VoiceSettings(volume=70, quiet_hours=(dtime(21), dtime(8)), quiet_volume=20)
    assert quiet.volume_at(datetime(2025, 3, 14, 12, 0)) == 70
    assert quiet.volume_at(datetime(2025, 3, 14, 22, 30)) == 20
    assert quiet.volume_at(datetime(2025, 3, 14, 7, 59)) == 20
    assert quiet.volume_at(datetime(2025, 3, 14, 8, 0)) == 70
    assert VoiceSettings(enabled=False).volume_at(datetime(2025, 3, 14, 12)) == 0
    assert in_window(dtime(13), dtime(12), dtime(14)) and not in_window(dtime(14), dtime(12), dtime(14))


def test_silent_quiet_hours_keep_the_call_visual_only() -> None:
    sink = RecordingSink()
    settings = VoiceSettings(quiet_hours=(dtime(0), dtime(23, 59)), quiet_volume=0)
    announcer = Announcer(sink, settings, local_now=lambda: datetime(2025, 3, 14, 12))
    try:
        assert announcer.announce("А015", 3) is None
        assert announcer.wait_idle(5)
    finally:
        announcer.close()
    assert sink.intervals == []


def test_volume_scales_the_clip() -> None:
    loud, soft = RecordingSink(seconds=0), RecordingSink(seconds=0)
    levels: dict[str, float] = {}
    for name, sink, volume in (("loud", loud, 100), ("soft", soft, 25)):
        def measure(path: Path, _name: str = name) -> None:
            levels[_name] = rms(read_wav(path)[1])
        sink.play = measure  # type: ignore[method-assign]
        announcer = Announcer(sink, VoiceSettings(volume=volume))
        try:
            announcer.announce("А015", 3)
            assert announcer.wait_idle(30)
        finally:
            announcer.close()
    assert levels["soft"] == pytest.approx(levels["loud"] * 0.25, rel=0.05)


def test_a_command_sink_plays_and_reports_a_missing_device(tmp_path: Path) -> None:
    clip = compose(None, tmp_path / "chime.wav", 0.5)
    CommandPlayer(("true",)).play(clip)   # a player that succeeds
    with pytest.raises(AudioUnavailable, match="exited 1"):
        CommandPlayer(("false",)).play(clip)   # e.g. aplay with no sound card
    with pytest.raises(AudioUnavailable):
        CommandPlayer(("/nonexistent/aplay",)).play(clip)
