"""The reconnect schedule, pure: bounds, growth, cap, reset, the rate-limited delay."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from queue_protocol.backoff import Backoff


def test_the_ceiling_doubles_from_a_quarter_second_to_ten_seconds() -> None:
    backoff = Backoff()
    assert [backoff.ceiling(n) for n in range(9)] == [0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0, 10.0]
    assert backoff.ceiling(10_000) == 10.0   # no overflow however long the server is away


@given(st.integers(min_value=0, max_value=2**32 - 1), st.integers(min_value=1, max_value=60))
def test_every_delay_is_within_zero_and_the_ceiling_of_its_attempt(seed: int, attempts: int) -> None:
    backoff = Backoff(rng=random.Random(seed))
    for n in range(attempts):
        ceiling = backoff.ceiling()
        assert ceiling == backoff.ceiling(n)
        assert 0.0 <= backoff.next_delay() <= ceiling
    assert backoff.attempts == attempts


def test_full_jitter_spreads_the_delays_over_the_whole_window() -> None:
    backoff = Backoff(rng=random.Random(7))
    delays = []
    for _ in range(2000):
        backoff.attempts = 6          # ceiling 10 s
        delays.append(backoff.next_delay())
    assert min(delays) < 0.5 and max(delays) > 9.5
    assert 4.5 < sum(delays) / len(delays) < 5.5


def test_a_stable_connection_resets_the_schedule_and_a_short_one_does_not() -> None:
    backoff = Backoff(stable_after_s=10.0, rng=random.Random(1))
    for _ in range(5):
        backoff.next_delay()
    backoff.connection_ended(3.0)
    assert backoff.attempts == 5 and backoff.ceiling() == 8.0
    backoff.connection_ended(10.0)
    assert backoff.attempts == 0 and backoff.ceiling() == 0.25


def test_rate_limited_waits_at_least_the_cap() -> None:
    backoff = Backoff(rng=random.Random(3))
    delays = [backoff.slow_delay() for _ in range(200)]
    assert all(10.0 <= d <= 20.0 for d in delays)
    assert backoff.attempts == 200


def test_the_same_seed_gives_the_same_schedule() -> None:
    first, second = Backoff(rng=random.Random(42)), Backoff(rng=random.Random(42))
    assert [first.next_delay() for _ in range(10)] == [second.next_delay() for _ in range(10)]


@pytest.mark.parametrize("kwargs", [{"base_s": 0}, {"base_s": 20, "cap_s": 10}, {"factor": 0.5}])
def test_nonsense_parameters_are_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        Backoff(**kwargs)  # type: ignore[arg-type]
