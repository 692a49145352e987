"""The vocabulary of a client connection: its lifecycle, credentials, errors, callbacks.

:mod:`queue_protocol.client` uses these and re-exports them; apps import them from there.

Exceptions::

    QueueClientError
     ├── RequestError        the server answered ok: false (code, message), or the codec
     │    │                  refused the request before it was sent (the same codes)
     │    └── AuthError      the server refused our credentials: pending requests fail with it
     ├── RequestTimeout      no reply within the timeout: the outcome is unknown, so retry
     │                       with the same ``request_id`` (the server answers the original)
     └── ClientClosed        close() was called
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final

from .replies import EventMessage, PrinterNotice, PrintNotice
from .views import OfficeView


class ConnectionState(enum.StrEnum):
    """The lifecycle of the connection (DESIGN.md §6: a client shows clearly when it is offline).

    ::

        OFFLINE -> CONNECTING -> RESYNCING <-> ONLINE
           ^           |            |            |
           +-----------+------------+------------+   (connection lost: backoff, reconnect)
        CONNECTING/RESYNCING/ONLINE -> AUTH_REQUIRED -> CONNECTING   (after login())
        CONNECTING/RESYNCING/ONLINE -> AUTH_FAILED   -> CONNECTING   (after set_credentials())
        any -> CLOSED                                                (close(); terminal)
    """

    OFFLINE = "offline"              # no connection; the next attempt is scheduled (or start() not called yet)
    CONNECTING = "connecting"        # opening the websocket and saying hello
    RESYNCING = "resyncing"          # hello accepted; some office is catching up (snapshot or missed events)
    ONLINE = "online"                # every office is current; requests flow
    AUTH_REQUIRED = "auth_required"  # the session token expired: waiting for login(username, password)
    AUTH_FAILED = "auth_failed"      # refused for good (wrong token or password, revoked, protocol version):
                                     # no retries until set_credentials(); a person must act
    CLOSED = "closed"                # close() was called: terminal


_S = ConnectionState
TRANSITIONS: Final[dict[ConnectionState, frozenset[ConnectionState]]] = {
    _S.OFFLINE: frozenset({_S.CONNECTING, _S.CLOSED}),
    _S.CONNECTING: frozenset({_S.RESYNCING, _S.OFFLINE, _S.AUTH_REQUIRED, _S.AUTH_FAILED, _S.CLOSED}),
    _S.RESYNCING: frozenset({_S.ONLINE, _S.OFFLINE, _S.AUTH_REQUIRED, _S.AUTH_FAILED, _S.CLOSED}),
    _S.ONLINE: frozenset({_S.RESYNCING, _S.OFFLINE, _S.AUTH_REQUIRED, _S.AUTH_FAILED, _S.CLOSED}),
    _S.AUTH_REQUIRED: frozenset({_S.CONNECTING, _S.CLOSED}),
    _S.AUTH_FAILED: frozenset({_S.CONNECTING, _S.CLOSED}),
    _S.CLOSED: frozenset(),
}
"""Every legal move; ``QueueClient`` raises on a move not listed (a bug of ours)."""


# -- credentials -----------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class DeviceToken:
    """A kiosk's or a board's token from the office file."""

    token: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class PasswordLogin:
    """Staff: used for one hello, then replaced by the session token it returns."""

    username: str
    password: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class SessionToken:
    """The ``session`` of an earlier hello reply (``username`` is for the "log in again" dialog)."""

    token: str = field(repr=False)
    username: str | None = None
    expires_at: str | None = None


Credentials = DeviceToken | PasswordLogin | SessionToken


def hello_fields(credentials: Credentials) -> dict[str, str]:
    if isinstance(credentials, DeviceToken):
        return {"token": credentials.token}
    if isinstance(credentials, PasswordLogin):
        return {"username": credentials.username, "password": credentials.password}
    return {"session": credentials.token}


# -- errors ----------------------------------------------------------------------------------

class QueueClientError(Exception):
    """Base of the client's errors."""


class RequestError(QueueClientError):
    """The server (or the codec, before sending) refused a request; ``code`` is stable, branch on it."""

    def __init__(self, code: str, message: str, request_id: str | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.request_id = request_id


class AuthError(RequestError):
    """Our credentials were refused (``auth_failed``, ``session_expired``, ``protocol_version``, ...)."""


class RequestTimeout(QueueClientError):
    """No reply in time.  The server may or may not have acted: retry with ``request_id``."""

    def __init__(self, request_id: str, verb: str, timeout: float) -> None:
        super().__init__(f"{verb} {request_id}: no reply within {timeout:g} s")
        self.request_id = request_id
        self.verb = verb
        self.timeout = timeout


class ClientClosed(QueueClientError):
    """The client was closed."""


# -- callbacks -------------------------------------------------------------------------------

StateCallback = Callable[[ConnectionState, str], None]           # (state, detail: why, for people and logs)
SnapshotCallback = Callable[[str, OfficeView], None]             # (office, the mirror's new view)
EventCallback = Callable[[str, EventMessage], None]              # (office, the event applied to the mirror)
SentCallback = Callable[[str, str], None]                        # (request id, verb): handed to the socket
Notice = PrintNotice | PrinterNotice
NoticeCallback = Callable[[str, Notice], None]                   # (office, a print job's or a printer's news)
