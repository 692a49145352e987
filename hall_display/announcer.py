"""The announcement queue: calls are spoken one after another, never on top of each other.

Theory of operation
-------------------
:meth:`Announcer.announce` is called from the Qt thread for every live call and recall; it
only decides whether the call is spoken at all (voice on, volume above zero at the office's
local time, outside quiet hours) and puts it in a FIFO.  One worker thread takes the calls in
order and, for each, renders the clip (chime + speech, :func:`sound.compose`) and hands it to
the :class:`~hall_display.sound.Player`, whose ``play`` blocks until the sound has ended.  A
single consumer that waits for the end of each clip is what guarantees that two
announcements never overlap and keep the order of the calls.

A burst of calls (the morning opening) may outrun the voice: the queue keeps at most
``max_pending`` calls (the oldest are dropped first) and skips a call that waited longer than
``max_age_s`` -- the board still shows every call; the voice is for the current ones.

When the sink cannot play (no audio device), the worker logs it once ("no audio device") and
goes on: the calls stay visual.  It logs again when sound comes back.
"""

from __future__ import annotations

import logging
import queue
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from datetime import time as dtime
from pathlib import Path

from .sound import AudioUnavailable, Player, Synthesizer, compose
from .speech import announcement_text

log = logging.getLogger("talon.display.voice")


@dataclass(frozen=True, slots=True)
class VoiceSettings:
    """How loud and when.  ``volume`` and ``quiet_volume`` are percent; quiet hours are local."""

    enabled: bool = True
    language: str = "ru"
    volume: int = 80
    quiet_hours: tuple[dtime, dtime] | None = None   # e.g. (22:00, 08:00): may wrap past midnight
    quiet_volume: int = 0                            # during quiet hours; 0 = silent, visual only
    rate_wpm: int = 140

    def volume_at(self, local: datetime) -> int:
        """The volume (percent) at the office's local time ``local``."""
        if not self.enabled:
            return 0
        if self.quiet_hours is not None and in_window(local.time(), *self.quiet_hours):
            return self.quiet_volume
        return self.volume


def in_window(now: dtime, start: dtime, end: dtime) -> bool:
    """``start <= now < end``, where a window with ``end <= start`` wraps past midnight."""
    if start <= end:
        return start <= now < end
    return now >= start or now < end


@dataclass(frozen=True, slots=True)
class Announcement:
    label: str
    window: int
    recall: bool
    text: str
    volume: int
    queued_at: float          # monotonic


class Announcer:
    """One FIFO and one worker thread in front of a :class:`~hall_display.sound.Player`.

    Call order: construct, ``announce(...)`` any number of times (any thread), ``close()``.
    ``on_played(announcement)`` runs in the worker thread after each clip (tests, logs).
    """

    def __init__(
        self, player: Player, settings: VoiceSettings, *, synthesizer: Synthesizer | None = None,
        local_now: Callable[[], datetime] = datetime.now, max_pending: int = 8, max_age_s: float = 90.0,
        on_played: Callable[[Announcement], None] | None = None,
    ) -> None:
        self.player = player
        self.settings = settings
        self.synthesizer = synthesizer if synthesizer is not None else Synthesizer(rate_wpm=settings.rate_wpm)
        self.local_now = local_now
        self.max_pending = max_pending
        self.max_age_s = max_age_s
        self.on_played = on_played
        self._queue: queue.Queue[Announcement | None] = queue.Queue()
        self._lock = threading.Lock()
        self._busy = 0                       # queued + playing
        self._idle = threading.Condition(self._lock)
        self._audio_ok: bool | None = None   # None: not tried yet
        self._speech_warned = False
        self._workdir = tempfile.TemporaryDirectory(prefix="talon-voice-")
        self._counter = 0
        self._worker = threading.Thread(target=self._run, name="talon-voice", daemon=True)
        self._worker.start()

    # -- the Qt side ---------------------------------------------------------------------

    def announce(self, label: str, window: int, *, recall: bool = False) -> Announcement | None:
        """Queue a call; ``None`` when it is not spoken (voice off, quiet hours at zero volume)."""
        volume = self.settings.volume_at(self.local_now())
        if volume <= 0:
            log.info("call %s -> window %d: not spoken (voice off or quiet hours)", label, window)
            return None
        item = Announcement(label, window, recall, announcement_text(label, window, self.settings.language),
                            volume, time.monotonic())
        with self._lock:
            self._busy += 1
        self._queue.put(item)
        self._trim()
        return item

    def wait_idle(self, timeout: float) -> bool:
        """Wait until everything queued has been played or skipped; ``False`` on timeout."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(left)
        return True

    def close(self, timeout: float = 5.0) -> None:
        """Stop after the clip that is playing; what is still queued is dropped."""
        self._drain()
        self._queue.put(None)
        self._worker.join(timeout)
        self._workdir.cleanup()

    # -- the worker ----------------------------------------------------------------------

    def _trim(self) -> None:
        while self._queue.qsize() > self.max_pending:
            try:
                dropped = self._queue.get_nowait()
            except queue.Empty:
                return
            if dropped is None:   # closing: keep the sentinel
                self._queue.put(None)
                return
            log.info("voice queue full: %s -> window %d not spoken", dropped.label, dropped.window)
            self._done()

    def _drain(self) -> None:
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                return
            if item is not None:
                self._done()

    def _done(self) -> None:
        with self._idle:
            self._busy -= 1
            self._idle.notify_all()

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            try:
                if time.monotonic() - item.queued_at > self.max_age_s:
                    log.info("call %s -> window %d waited too long to be spoken; skipped", item.label, item.window)
                else:
                    self._play(item)
            except Exception:   # a bug here must not silence the board for the rest of the day
                log.exception("announcement of %s failed", item.label)
            finally:
                self._done()

    def _play(self, item: Announcement) -> None:
        self._counter += 1
        base = Path(self._workdir.name) / f"call-{self._counter}"
        speech: Path | None = None
        try:
            speech = self.synthesizer.render(item.text, self.settings.language, base.with_suffix(".speech.wav"))
        except RuntimeError as error:
            if not self._speech_warned:
                log.warning("no speech synthesizer (%s): the chime only", error)
                self._speech_warned = True
        clip = compose(speech, base.with_suffix(".wav"), item.volume / 100)
        try:
            self.player.play(clip)
        except AudioUnavailable as error:
            if self._audio_ok is not False:
                log.warning("no audio device (%s): calls are shown on the board only", error)
            self._audio_ok = False
        else:
            if self._audio_ok is False:
                log.info("audio device is back (%s)", self.player.name)
            self._audio_ok = True
            log.info("spoken: %s", item.text)
        finally:
            for path in (speech, clip):
                if path is not None:
                    path.unlink(missing_ok=True)
        if self.on_played is not None:
            self.on_played(item)

    @property
    def audio_ok(self) -> bool | None:
        """Whether the last clip reached a sound device (``None`` before the first)."""
        return self._audio_ok
