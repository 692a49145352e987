"""Who may connect: device tokens, passwords with sessions, and a brake on guessing.

Passwords are argon2id: one check costs 0.1-0.3 s of CPU, so checks run in a worker thread,
never on the event loop, and a successful check is remembered for the process under an HMAC
of (hash, password) keyed by a per-process secret — a console that reconnects, or a hundred
demo accounts sharing one hash, cost one check, and memory never holds a password.
Session tokens are random (192 bits); the database keeps only their SHA-256.
Failed logins are limited per login and per peer address (process-local: a brake, not a lock).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select

from queue_protocol.enums import Role
from queue_server.config import DeviceKind, Site, verify_password
from queue_server.store import Store
from queue_server.store.schema import AccountRow, SessionRow
from queue_server.store.store import sha256

from .principal import Principal

SESSION_LIFETIME = timedelta(hours=12)
FAILURES_ALLOWED = 5
FAILURE_WINDOW_S = 60.0


class AuthError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Session:
    token: str
    expires_at: datetime


class FailureBrake:
    """At most FAILURES_ALLOWED failed logins per key within FAILURE_WINDOW_S seconds."""

    def __init__(self) -> None:
        self._failures: dict[str, deque[float]] = {}

    def blocked(self, *keys: str) -> bool:
        now = time.monotonic()
        for key in keys:
            recent = self._failures.get(key)
            while recent and now - recent[0] > FAILURE_WINDOW_S:
                recent.popleft()
            if recent is not None and len(recent) >= FAILURES_ALLOWED:
                return True
        return False

    def failed(self, *keys: str) -> None:
        for key in keys:
            self._failures.setdefault(key, deque(maxlen=FAILURES_ALLOWED * 2)).append(time.monotonic())

    def forgive(self, *keys: str) -> None:
        """Take back one failure per key: the attempt it was counted for succeeded."""
        for key in keys:
            recent = self._failures.get(key)
            if recent:
                recent.pop()


class Authenticator:
    def __init__(self, site: Site, store: Store) -> None:
        self.site = site
        self.store = store
        self.brake = FailureBrake()
        self._secret = secrets.token_bytes(32)
        self._verified: OrderedDict[bytes, None] = OrderedDict()
        self._checking = threading.Semaphore(2)  # argon2 takes 64 MiB a check: two at a time

    def device(self, token: str) -> Principal:
        device = self.site.device_by_token(token)
        if device is None:
            raise AuthError("auth_failed", "unknown device token")
        role = Role.KIOSK if device.kind is DeviceKind.KIOSK else Role.DISPLAY
        return Principal(role=role, user=device.id, name=device.name or device.id, office=device.office_id,
                         offices=(device.office_id,), printer=device.printer, device_window=device.window)

    def _account_principal(self, login: str) -> Principal:
        account = self.site.account(login)
        if account is None:
            raise AuthError("auth_failed", "unknown login or wrong password")
        return Principal(role=Role(account.role.value), user=account.login, name=account.display_name,
                         office=account.office_id, offices=(account.office_id,))

    def check_password(self, login: str, password: str) -> Principal:
        """Blocking (argon2): call from a worker thread."""
        account = self.site.account(login)
        if account is None:
            raise AuthError("auth_failed", "unknown login or wrong password")
        key = hmac.new(self._secret, f"{account.password_hash}\0{password}".encode(), hashlib.sha256).digest()
        if key not in self._verified:
            with self._checking:
                if key not in self._verified:  # a parallel login with the same password may have checked it
                    if not verify_password(account.password_hash, password):
                        raise AuthError("auth_failed", "unknown login or wrong password")
                    self._verified[key] = None
                    while len(self._verified) > 4096:
                        self._verified.popitem(last=False)
        return self._account_principal(account.login)

    def open_session(self, principal: Principal, now: datetime) -> Session:
        """Blocking (database): call from the database thread."""
        token = secrets.token_urlsafe(24)
        expires = now + SESSION_LIFETIME
        with self.store.engines.write.begin() as conn:
            conn.execute(delete(SessionRow).where(SessionRow.expires_at < now))
            conn.execute(insert(SessionRow).values(token_sha256=sha256(token), login=principal.user,
                                                   created_at=now, expires_at=expires))
        return Session(token, expires)

    def resume_session(self, token: str, now: datetime) -> tuple[Principal, datetime]:
        """Blocking (database): call from the database thread."""
        with self.store.engines.read.connect() as conn:
            row = conn.execute(
                select(SessionRow.login, SessionRow.expires_at, AccountRow.active)
                .join(AccountRow, AccountRow.login == SessionRow.login)
                .where(SessionRow.token_sha256 == sha256(token))
            ).first()
        if row is None or row.expires_at <= now or not row.active:
            raise AuthError("session_expired", "the session has expired; log in again")
        return self._account_principal(row.login), row.expires_at
