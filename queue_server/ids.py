"""Random identifiers (tickets, print jobs) without a system call each.

``uuid.uuid4()`` reads 16 bytes from ``os.urandom`` per id; on the database thread each such
call releases the GIL and must win it back from the busy event loop, which cost more than the
rest of making the id.  ``random_hex`` hands out slices of one larger ``os.urandom`` read: the
same kernel randomness, one system call per 256 ids.
"""

from __future__ import annotations

import os
import threading

ID_BYTES = 16
_CHUNK = ID_BYTES * 256


class _Pool:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._bytes = b""
        self._at = 0

    def take(self) -> bytes:
        with self._lock:
            if self._at + ID_BYTES > len(self._bytes):
                self._bytes, self._at = os.urandom(_CHUNK), 0
            self._at += ID_BYTES
            return self._bytes[self._at - ID_BYTES:self._at]


_pool = _Pool()


def _after_fork() -> None:
    global _pool
    _pool = _Pool()  # a child must not hand out the parent's ids (nor inherit a held lock)


os.register_at_fork(after_in_child=_after_fork)


def random_hex() -> str:
    """32 hex digits (128 random bits), like ``uuid.uuid4().hex`` but with every bit random."""
    return _pool.take().hex()
