"""Password hashing: argon2id through argon2-cffi's :class:`PasswordHasher`.

Hashes are PHC strings (``$argon2id$v=19$m=65536,t=3,p=4$<salt>$<hash>``) carrying their own
salt and cost, so old hashes keep verifying after the cost is raised; :func:`needs_rehash`
says when to store a fresh one (after the next successful login).

Hashing costs about 0.1 s and 64 MiB on purpose.  A configuration file may give plain
passwords (the demo gives "demo" to every account); :func:`cached_hash` hashes each distinct
plain password once per process and hands out the same hash again, so loading 50 demo offices
hashes once.  Accounts that share a plain password in one file therefore share one hash
string; production files should give ``password_hash`` per account instead, made with
``talon-server hash-password`` (:func:`main_hash_password`).
"""

from __future__ import annotations

import argparse
import getpass
import hashlib
import hmac
import os
import sys
import threading
from collections.abc import Sequence

from argon2 import PasswordHasher, extract_parameters
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # argon2id, RFC 9106 "low memory" parameters
_cache: dict[bytes, str] = {}
_cache_key = os.urandom(32)  # the cache is keyed by an HMAC, so it holds no plain password
_cache_lock = threading.Lock()


def hash_password(password: str) -> str:
    """A fresh argon2id hash (a new random salt every call)."""
    return _hasher.hash(password)


def cached_hash(password: str) -> str:
    """The hash of ``password``, computed at most once per process (see the module docstring)."""
    key = hmac.new(_cache_key, password.encode("utf-8"), hashlib.sha256).digest()
    with _cache_lock:
        found = _cache.get(key)
        if found is None:
            found = _cache[key] = hash_password(password)
    return found


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash``.  Constant-time (argon2 compares the
    digests); False on a mismatch and on a malformed hash, never an exception."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's (or is not argon2)."""
    try:
        return _hasher.check_needs_rehash(password_hash)
    except (InvalidHashError, ValueError):
        return True


def is_argon2_hash(text: str) -> bool:
    """Whether ``text`` is a well-formed argon2 PHC string (the loader checks ``password_hash``)."""
    try:
        params = extract_parameters(text)
    except (InvalidHashError, ValueError):
        return False
    return params.salt_len >= 8 and params.hash_len >= 16  # a truncated copy-paste fails here


def main_hash_password(argv: Sequence[str] | None = None) -> int:
    """``talon-server hash-password``: print the argon2id hash of a password.

    On a terminal the password is asked twice without echo; otherwise the first line of
    standard input is the password (``echo -n`` is not needed: one trailing newline is
    dropped).  Prints the hash alone on standard output; returns the exit status.
    """
    parser = argparse.ArgumentParser(
        prog="talon-server hash-password",
        description="Print the argon2id hash of a password, for password_hash in office.toml. "
                    "The password is read from a prompt, or from the first line of standard input.",
    )
    parser.parse_args(list(argv) if argv is not None else None)
    if sys.stdin is not None and sys.stdin.isatty():
        try:
            password = getpass.getpass("Password: ")
            again = getpass.getpass("Password again: ")
        except (EOFError, KeyboardInterrupt):
            print("hash-password: cancelled", file=sys.stderr)
            return 1
        if password != again:
            print("hash-password: the passwords differ", file=sys.stderr)
            return 1
    else:
        line = sys.stdin.readline() if sys.stdin is not None else ""
        password = line.removesuffix("\n").removesuffix("\r")
    if not password:
        print("hash-password: empty password", file=sys.stderr)
        return 1
    print(hash_password(password))
    return 0
