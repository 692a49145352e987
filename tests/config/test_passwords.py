"""argon2id hashing: hash, verify, rehash, the per-process cache and `talon-server hash-password`."""

from __future__ import annotations

import io

import pytest
from argon2 import PasswordHasher

from queue_server.config import passwords
from queue_server.config.passwords import (
    cached_hash,
    hash_password,
    is_argon2_hash,
    main_hash_password,
    needs_rehash,
    verify_password,
)


def test_hash_and_verify() -> None:
    hashed = hash_password("correct horse")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "correct horse")
    assert not verify_password(hashed, "correct horse ")
    assert not verify_password(hashed, "")
    assert hash_password("correct horse") != hashed  # a fresh salt each time


def test_cyrillic_password() -> None:
    hashed = hash_password("пароль-Ё")
    assert verify_password(hashed, "пароль-Ё")
    assert not verify_password(hashed, "пароль-Е")


@pytest.mark.parametrize("bad", ["", "plain", "$2b$12$abcdefghijklmnopqrstuv", "$argon2id$v=19$m=65536,t=3,p=4$abc"])
def test_verify_never_raises_on_a_malformed_hash(bad: str) -> None:
    assert verify_password(bad, "x") is False
    assert needs_rehash(bad) is True
    assert not is_argon2_hash(bad)


def test_needs_rehash_after_the_cost_rises() -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash("x")
    assert verify_password(weak, "x")
    assert needs_rehash(weak)
    assert not needs_rehash(hash_password("x"))


def test_cached_hash_hashes_each_password_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = passwords.hash_password

    def counting(password: str) -> str:
        calls.append(password)
        return real(password)

    monkeypatch.setattr(passwords, "hash_password", counting)
    monkeypatch.setattr(passwords, "_cache", {})
    first = cached_hash("demo")
    assert cached_hash("demo") == first
    cached_hash("other")
    assert calls == ["demo", "other"]
    assert "demo" not in repr(passwords._cache)  # keyed by an HMAC, not the password
    assert verify_password(first, "demo")


def test_main_hash_password_reads_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cret пароль\n"))
    assert main_hash_password([]) == 0
    out, err = capsys.readouterr()
    hashed = out.strip()
    assert out.count("\n") == 1 and err == ""
    assert verify_password(hashed, "s3cret пароль")


def test_main_hash_password_refuses_empty(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("\n"))
    assert main_hash_password([]) == 1
    out, err = capsys.readouterr()
    assert out == "" and "empty password" in err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_main_hash_password_prompts_twice_on_a_terminal(monkeypatch: pytest.MonkeyPatch,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    answers = iter(["one", "two"])
    monkeypatch.setattr("sys.stdin", _Terminal())
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    assert main_hash_password([]) == 1
    assert "differ" in capsys.readouterr().err
    answers = iter(["same", "same"])
    assert main_hash_password([]) == 0
    assert verify_password(capsys.readouterr().out.strip(), "same")


def test_main_hash_password_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main_hash_password(["--help"])
    assert exited.value.code == 0
    assert "talon-server hash-password" in capsys.readouterr().out
