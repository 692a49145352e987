"""Reconnect delays: exponential backoff with full jitter.  Pure: no clock, no sleep.

Attempt ``n`` (0-based, counted since the last stable connection) waits a delay drawn
uniformly from ``[0, min(cap, base * factor**n)]`` ("full jitter"): a hall full of kiosks that
lost the server at the same moment spreads its reconnects over the whole window instead of
knocking all at once, and the expected wait still doubles with each failure.  With the
defaults the ceilings are 0.25, 0.5, 1, 2, 4, 8, 10, 10, ... seconds.

Call order, as the client uses it::

    delay = backoff.next_delay()        # after a failed connect or a lost connection
    ...
    backoff.connection_ended(lasted_s)  # when a connection that got past hello ends:
                                        # one that lasted stable_after_s or more resets the count

A server that answers ``rate_limited`` (close 4029) gets :meth:`Backoff.slow_delay`, drawn from
``[cap, 2 * cap]``: it asked us to go away for a while, so jitter never brings us back early.
"""

from __future__ import annotations

import random
from typing import Final

DEFAULT_BASE_S: Final = 0.25
DEFAULT_CAP_S: Final = 10.0
DEFAULT_FACTOR: Final = 2.0
DEFAULT_STABLE_AFTER_S: Final = 10.0
_MAX_EXPONENT: Final = 64  # beyond this the ceiling is the cap anyway; keeps float pow finite


class Backoff:
    """The reconnect schedule of one client.  ``rng`` is injectable so tests are deterministic."""

    def __init__(
        self, *, base_s: float = DEFAULT_BASE_S, cap_s: float = DEFAULT_CAP_S, factor: float = DEFAULT_FACTOR,
        stable_after_s: float = DEFAULT_STABLE_AFTER_S, rng: random.Random | None = None,
    ) -> None:
        if not 0 < base_s <= cap_s:
            raise ValueError("need 0 < base_s <= cap_s")
        if factor < 1:
            raise ValueError("factor must be at least 1")
        self.base_s = base_s
        self.cap_s = cap_s
        self.factor = factor
        self.stable_after_s = stable_after_s
        self.attempts = 0
        self._rng = rng if rng is not None else random.Random()

    def ceiling(self, attempt: int | None = None) -> float:
        """The largest delay attempt ``attempt`` (default: the next one) may draw."""
        n = self.attempts if attempt is None else attempt
        return min(self.cap_s, self.base_s * self.factor ** min(n, _MAX_EXPONENT))

    def next_delay(self) -> float:
        """The delay before the next attempt, in ``[0, ceiling()]``; counts the attempt."""
        delay = self._rng.uniform(0.0, self.ceiling())
        self.attempts += 1
        return delay

    def slow_delay(self) -> float:
        """The delay after ``rate_limited``: in ``[cap, 2 * cap]``; counts the attempt."""
        self.attempts += 1
        return self._rng.uniform(self.cap_s, 2 * self.cap_s)

    def connection_ended(self, lasted_s: float) -> None:
        """A connection that got past hello ended after ``lasted_s`` seconds: reset if it was stable."""
        if lasted_s >= self.stable_after_s:
            self.reset()

    def reset(self) -> None:
        self.attempts = 0
