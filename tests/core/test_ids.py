"""Random ids from a pooled ``os.urandom`` read: well formed, never repeated, not shared with a forked child."""

from __future__ import annotations

import os

from queue_server.ids import random_hex


def test_ids_are_128_random_bits_in_hex_and_never_repeat_across_many_pool_refills() -> None:
    ids = [random_hex() for _ in range(5000)]
    assert all(len(i) == 32 and int(i, 16) >= 0 for i in ids)
    assert len(set(ids)) == len(ids)
    assert len({i[:4] for i in ids}) > 1000, "the bits vary"


def test_a_forked_child_does_not_hand_out_the_parents_next_ids() -> None:
    random_hex()   # the pool holds unused bytes now
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its next id, to the parent, then exit at once
        os.write(write, random_hex().encode())
        os._exit(0)
    os.close(write)
    child = os.read(read, 64).decode()
    os.close(read)
    os.waitpid(pid, 0)
    assert len(child) == 32 and child != random_hex()
