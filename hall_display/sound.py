"""Sound for the board: the chime, speech from espeak-ng, and the sinks that play a WAV.

Everything is made here, offline: the chime is two decaying sine tones computed with
``math`` and written with ``wave``; speech is espeak-ng's WAV output (no cloud TTS, DOMAIN.md
"Boards and voice").  :func:`compose` joins chime + pause + speech into one clip at the
board's volume, so the two can never be separated or overlap.

Players share one small protocol (``play(path)`` blocks until the sound has ended) so the
announcement queue is tested with a fake sink.  PySide6-Essentials has no QtMultimedia, so
the real sink is a command (``pw-play``, ``paplay``, ``aplay``); with none, or no sound card,
:class:`SilentPlayer` logs "no audio device" and the board keeps its visual call.
"""

from __future__ import annotations

import array
import logging
import math
import shutil
import subprocess
import sys
import wave
from pathlib import Path
from typing import Final, Protocol

log = logging.getLogger("talon.display.sound")

CHIME_TONES: Final = ((784.0, 0.42), (587.3, 0.62))   # G5 then D5: a "ding-dong"; (Hz, seconds)
PAUSE_S: Final = 0.25                                  # between the chime and the speech
SAMPLE_RATE: Final = 22050                             # espeak-ng's rate: no resampling needed
PLAY_COMMANDS: Final = (("pw-play",), ("paplay",), ("aplay", "-q"))


class AudioUnavailable(Exception):
    """The sink cannot play (no device, the command failed): the call stays visual only."""


class Player(Protocol):
    """An audio sink.  ``play`` blocks until the sound has ended; raises :class:`AudioUnavailable`."""

    name: str

    def play(self, path: Path) -> None: ...


# -- samples -------------------------------------------------------------------------------

def chime_samples(rate: int = SAMPLE_RATE, level: float = 0.6) -> array.array[int]:
    """16-bit mono samples of the two-tone chime, with soft attacks (no clicks)."""
    samples = array.array("h")
    for frequency, seconds in CHIME_TONES:
        count = int(rate * seconds)
        attack = max(1, int(rate * 0.008))
        for i in range(count):
            t = i / rate
            envelope = min(1.0, i / attack) * math.exp(-3.2 * t / seconds)
            tone = math.sin(2 * math.pi * frequency * t) + 0.3 * math.sin(4 * math.pi * frequency * t)
            samples.append(int(32767 * level * envelope * tone / 1.3))
    return samples


def read_wav(path: Path) -> tuple[int, array.array[int]]:
    """``(rate, samples)`` of a 16-bit mono WAV (what espeak-ng writes)."""
    with wave.open(str(path), "rb") as wav:
        if wav.getsampwidth() != 2 or wav.getnchannels() != 1:
            raise ValueError(f"{path}: expected 16-bit mono, got {wav.getsampwidth() * 8}-bit x{wav.getnchannels()}")
        rate, frames = wav.getframerate(), wav.readframes(wav.getnframes())
    samples = array.array("h")
    samples.frombytes(frames)
    if sys.byteorder == "big":
        samples.byteswap()
    return rate, samples


def write_wav(path: Path, rate: int, samples: array.array[int]) -> Path:
    data = array.array("h", samples)
    if sys.byteorder == "big":
        data.byteswap()
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(data.tobytes())
    return path


def scaled(samples: array.array[int], volume: float) -> array.array[int]:
    """``samples`` at ``volume`` (0.0-1.0), clipped to 16 bits."""
    if volume >= 1.0:
        return array.array("h", samples)
    return array.array("h", (max(-32768, min(32767, int(s * volume))) for s in samples))


def compose(speech: Path | None, out: Path, volume: float) -> Path:
    """One clip: chime, a short pause, then the speech (if any), at ``volume`` (0.0-1.0)."""
    rate, voice = read_wav(speech) if speech is not None else (SAMPLE_RATE, array.array("h"))
    clip = chime_samples(rate)
    if voice:
        clip.extend(array.array("h", bytes(2 * int(rate * PAUSE_S))))
        clip.extend(voice)
    return write_wav(out, rate, scaled(clip, volume))


def rms(samples: array.array[int]) -> float:
    """Root mean square of 16-bit samples, 0-32768: how loud, on average."""
    if not samples:
        return 0.0
    return math.sqrt(sum(s * s for s in samples) / len(samples))


# -- speech --------------------------------------------------------------------------------

class Synthesizer:
    """Text -> WAV with espeak-ng, offline.  ``available`` is false when the command is missing."""

    def __init__(self, command: str = "espeak-ng", rate_wpm: int = 140, timeout_s: float = 15.0) -> None:
        self.command = shutil.which(command)
        self.rate_wpm = rate_wpm
        self.timeout_s = timeout_s

    @property
    def available(self) -> bool:
        return self.command is not None

    def render(self, text: str, language: str, out: Path) -> Path:
        """Write ``text`` spoken in ``language`` ("ru", "en") to ``out``; raises ``RuntimeError``."""
        if self.command is None:
            raise RuntimeError("espeak-ng is not installed")
        voice = "en" if language == "en" else "ru"
        argv = [self.command, "-v", voice, "-s", str(self.rate_wpm), "-w", str(out), text + "."]
        try:
            done = subprocess.run(argv, capture_output=True, timeout=self.timeout_s, check=False)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise RuntimeError(f"espeak-ng failed: {error}") from error
        if done.returncode != 0 or not out.exists():
            raise RuntimeError(f"espeak-ng exited {done.returncode}: {done.stderr.decode(errors='replace')[-300:]}")
        return out


# -- sinks ---------------------------------------------------------------------------------

class CommandPlayer:
    """Plays a WAV by running a command (``aplay -q FILE``); blocks until it ends."""

    def __init__(self, argv: tuple[str, ...], timeout_s: float = 30.0) -> None:
        self.argv = argv
        self.name = argv[0]
        self.timeout_s = timeout_s

    def play(self, path: Path) -> None:
        try:
            done = subprocess.run([*self.argv, str(path)], capture_output=True, timeout=self.timeout_s, check=False)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise AudioUnavailable(f"{self.name}: {error}") from error
        if done.returncode != 0:
            reason = done.stderr.decode(errors="replace").strip().splitlines()
            raise AudioUnavailable(f"{self.name} exited {done.returncode}: {reason[-1] if reason else ''}")


class SilentPlayer:
    """No sink on this machine: every play is refused, so the board logs it and stays visual."""

    name = "none"

    def __init__(self, reason: str = "no audio player (pw-play, paplay, aplay) is installed") -> None:
        self.reason = reason

    def play(self, path: Path) -> None:
        raise AudioUnavailable(self.reason)


def find_player() -> Player:
    """The first sound command this machine has, else a :class:`SilentPlayer`."""
    for argv in PLAY_COMMANDS:
        found = shutil.which(argv[0])
        if found is not None:
            return CommandPlayer((found, *argv[1:]))
    return SilentPlayer()
