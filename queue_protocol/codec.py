"""The JSON codec of the wire: parse what clients send, encode what the server sends.

Pure: no sockets, no asyncio.  The server's websocket handler calls, per incoming frame::

    try:
        message = parse_client(frame)          # one ClientMessage, bounds checked
    except ProtocolError as error:
        send(encode(error.to_reply()))         # ok: false, a stable code, the request id if known

and ``encode(Reply(...))`` / ``encode(EventMessage(...))`` on the way out.  Clients call
:func:`parse_server` on every frame and :func:`result_as` to type a reply's result.

Theory of operation of :func:`parse_client`: the fast path is one typed msgspec decode of the
tagged union.  Only when it fails is the frame looked at again, shallowly (top-level keys, the
values left raw), to tell *why* — not JSON, not an object, no such verb, an unknown or missing
field, or a bad value — and to recover the request id so the error reply can carry ``re``.

Exceptions::

    ProtocolError      a frame we refuse; ``code`` is an ErrorCode, ``request_id`` may be None
"""

from __future__ import annotations

import enum
import re
from typing import Any, Final, TypeVar, Union

import msgspec

from .messages import CLIENT_MESSAGES, MESSAGE_FOR_VERB, ClientMessage, RequestId
from .replies import ErrorBody, ErrorReply, EventMessage, PrinterNotice, PrintNotice, Reply, ServerMessage, Snapshot

PROTOCOL_VERSION: Final = 1
MAX_FRAME: Final = 64 * 1024
"""Largest client frame parsed, in UTF-8 bytes; larger ones get ``frame_too_large``."""
TRANSPORT_MAX_SIZE: Final = 1024 * 1024
"""The server's websockets ``max_size``: frames up to this get an error reply, beyond it close 1009."""
MAX_SERVER_FRAME: Final = 16 * 1024 * 1024
"""The clients' websockets ``max_size``: a manager's snapshot of a big office is large."""
HELLO_TIMEOUT_S: Final = 10.0
"""No valid ``hello`` within this many seconds of connecting: close ``auth_timeout``."""
MAX_BAD_FRAMES: Final = 20
"""This many protocol errors in a row: close ``too_many_errors``."""


class ErrorCode(enum.StrEnum):
    """Stable error codes of the protocol and the session; the core's own codes pass through."""

    # the frame itself: raised by parse_client
    BAD_JSON = "bad_json"                # not JSON (or not UTF-8, or nested too deeply)
    NOT_AN_OBJECT = "not_an_object"      # JSON, but not an object
    UNKNOWN_TYPE = "unknown_type"        # "type" names no verb (or is not a string)
    MISSING_FIELD = "missing_field"      # a required field (or "type", "id") is absent
    UNKNOWN_FIELD = "unknown_field"      # a field the verb does not have
    BAD_VALUE = "bad_value"              # wrong type or out of bounds; the message names the field
    FRAME_TOO_LARGE = "frame_too_large"  # over MAX_FRAME bytes; not parsed at all
    BINARY_FRAME = "binary_frame"        # a binary websocket frame; text only
    # the session: answered by the server
    NOT_AUTHENTICATED = "not_authenticated"          # a verb other than hello before hello succeeded
    ALREADY_AUTHENTICATED = "already_authenticated"  # a second hello on one connection
    AUTH_FAILED = "auth_failed"                      # unknown token, wrong password (then close 4001)
    SESSION_EXPIRED = "session_expired"              # hello.session is expired or unknown (then close 4003)
    PROTOCOL_VERSION = "protocol_version"            # hello.protocol unsupported (then close 4009)
    FORBIDDEN = "forbidden"                          # the role may not send this verb or touch this thing
    WRONG_OFFICE = "wrong_office"                    # an office this connection does not follow
    OFFICE_REQUIRED = "office_required"              # several offices: say which one
    NO_WINDOW = "no_window"                          # an operator verb without an open window
    ID_REUSED = "id_reused"                          # a request id already used for another message
    RATE_LIMITED = "rate_limited"                    # too many requests or failed logins; retry later
    NO_PRINTER = "no_printer"                        # a kiosk without a printer, or an unknown printer id
    BAD_CONFIG = "bad_config"                        # config.reload: the file has problems, nothing changed
    SERVER_BUSY = "server_busy"                      # the store did not answer in time; retry, same id
    REPORT_TOO_LARGE = "report_too_large"            # stats.report: the file would not fit in a reply
    INTERNAL_ERROR = "internal_error"                # our bug; logged on the server, no details sent


PARSE_ERROR_CODES: Final = frozenset({
    ErrorCode.BAD_JSON, ErrorCode.NOT_AN_OBJECT, ErrorCode.UNKNOWN_TYPE, ErrorCode.MISSING_FIELD,
    ErrorCode.UNKNOWN_FIELD, ErrorCode.BAD_VALUE, ErrorCode.FRAME_TOO_LARGE, ErrorCode.BINARY_FRAME,
})


class CloseCode(enum.IntEnum):
    """Application close codes (4000-4999) the server closes a websocket with."""

    AUTH_FAILED = 4001          # bad credentials: do not retry them, ask a person
    AUTH_TIMEOUT = 4002         # no hello within HELLO_TIMEOUT_S
    SESSION_EXPIRED = 4003      # the session token ran out or was revoked: log in again
    CREDENTIALS_REVOKED = 4004  # a config reload removed or changed this device or account
    TOO_MANY_ERRORS = 4008      # MAX_BAD_FRAMES protocol errors in a row
    PROTOCOL_VERSION = 4009     # hello.protocol is not spoken here: update the app
    RATE_LIMITED = 4029         # too many failed logins or requests: back off, then retry
    SERVER_RESTART = 4100       # a planned restart: reconnect with backoff and resume from seq


_RECONNECT: Final = frozenset({
    1001, 1006, 1011,  # the websocket library's going away, connection lost, server error
    CloseCode.AUTH_TIMEOUT, CloseCode.TOO_MANY_ERRORS, CloseCode.RATE_LIMITED, CloseCode.SERVER_RESTART,
})


def should_reconnect(code: int | None) -> bool:
    """Whether a client reconnects by itself (with backoff and jitter) after a close with ``code``.

    ``None`` (no close frame: the connection was lost) reconnects; bad credentials and a
    protocol mismatch do not, because retrying cannot fix them.
    """
    return code is None or code in _RECONNECT


class ProtocolError(Exception):
    """A frame the protocol refuses: the sender's fault, answered with an error reply."""

    def __init__(self, code: ErrorCode, message: str, request_id: str | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.request_id = request_id

    def to_reply(self) -> ErrorReply:
        return error_reply(self.request_id, self.code, self.message)


def error_reply(request_id: str | None, code: str, message: str) -> ErrorReply:
    return ErrorReply(re=request_id, error=ErrorBody(code=str(code), message=message))


# -- client -> server ------------------------------------------------------------------------

_CLIENT = msgspec.json.Decoder(Union[CLIENT_MESSAGES])  # noqa: UP007
_PEEK = msgspec.json.Decoder(dict[str, msgspec.Raw])
_RAW = msgspec.json.Decoder(msgspec.Raw)
_REQUEST_ID = msgspec.json.Decoder(RequestId)
_FAILURES = (msgspec.DecodeError, RecursionError, UnicodeError)
_AT = re.compile(r"(?s)(?P<what>.*?) - at `(?P<key>key` in `)?\$(?P<path>[^`]*)`")


def parse_client(frame: str | bytes) -> ClientMessage:
    """One client frame -> its message; anything else raises :class:`ProtocolError`."""
    if not isinstance(frame, str):
        raise ProtocolError(ErrorCode.BINARY_FRAME, "binary frames are not accepted: send JSON as text")
    if _too_large(frame, MAX_FRAME):
        raise ProtocolError(ErrorCode.FRAME_TOO_LARGE, f"a frame may have at most {MAX_FRAME} bytes")
    try:
        message: ClientMessage = _CLIENT.decode(frame)
    except _FAILURES as error:
        raise _explain(frame, error) from None
    return message


def _too_large(frame: str, limit: int) -> bool:
    if len(frame) <= limit // 4:  # at most 4 UTF-8 bytes a character
        return False
    return len(frame) > limit or len(frame.encode("utf-8", "surrogatepass")) > limit


def _peek(frame: str) -> dict[str, msgspec.Raw]:
    """The top-level object with its values left raw, or the ProtocolError saying why not."""
    try:
        return _PEEK.decode(frame)
    except msgspec.ValidationError as error:
        got = re.search(r"got `(\w+)`", str(error))
    except _FAILURES as error:
        raise _bad_json(error) from None
    try:
        _RAW.decode(frame)  # that decode stopped at the first value: is the whole frame JSON?
    except _FAILURES as error:
        raise _bad_json(error) from None
    kind = got.group(1) if got else "something else"
    raise ProtocolError(ErrorCode.NOT_AN_OBJECT, f"a message is a JSON object, not {kind}")


def _bad_json(error: Exception) -> ProtocolError:
    if isinstance(error, RecursionError):
        return ProtocolError(ErrorCode.BAD_JSON, "bad JSON: nested too deeply")
    if isinstance(error, UnicodeError):
        return ProtocolError(ErrorCode.BAD_JSON, "bad JSON: the text is not valid Unicode")
    detail = str(error).removeprefix("JSON is malformed: ")
    return ProtocolError(ErrorCode.BAD_JSON, f"bad JSON: {_lower(detail)}")


def _explain(frame: str, error: Exception) -> ProtocolError:
    """Why the typed decode refused ``frame``, as a ProtocolError with the request id if any."""
    try:
        raw = _peek(frame)
    except ProtocolError as refusal:
        return refusal
    request_id = _request_id(raw.get("id"))
    if "type" not in raw:
        return ProtocolError(ErrorCode.MISSING_FIELD, "missing field 'type' (the verb)", request_id)
    try:
        verb = msgspec.json.decode(raw["type"], type=str)
    except _FAILURES:
        return ProtocolError(ErrorCode.UNKNOWN_TYPE, "'type' must be a string naming a verb", request_id)
    cls = MESSAGE_FOR_VERB.get(verb)
    if cls is None:
        return ProtocolError(ErrorCode.UNKNOWN_TYPE, f"unknown type {_show(verb)}", request_id)
    fields = msgspec.structs.fields(cls)
    names = {f.encode_name for f in fields}
    unknown = [key for key in raw if key != "type" and key not in names]
    if unknown:
        return ProtocolError(ErrorCode.UNKNOWN_FIELD, f"{verb}: unknown field {_show(unknown[0])}", request_id)
    missing = [f.encode_name for f in fields if f.required and f.encode_name not in raw]
    if missing:
        return ProtocolError(ErrorCode.MISSING_FIELD, f"{verb}: missing field {_show(missing[0])}", request_id)
    return ProtocolError(ErrorCode.BAD_VALUE, _describe(verb, error), request_id)


def _request_id(raw: msgspec.Raw | None) -> str | None:
    if raw is None:
        return None
    try:
        request_id: str = _REQUEST_ID.decode(raw)
    except _FAILURES:
        return None
    return request_id


def _describe(where: str, error: Exception) -> str:
    """msgspec's "Expected `str`, got `int` - at `$.service`" as "ticket.issue.service: expected str, got int"."""
    if isinstance(error, RecursionError):
        return f"{where}: nested too deeply"
    text = str(error)
    match = _AT.fullmatch(text)
    if match is None:
        return f"{where}: {_lower(text)}"
    path = f"{where}{match['path']}" + (" (a key)" if match["key"] else "")
    return f"{path}: {_lower(match['what'])}"


def _lower(text: str, limit: int = 300) -> str:
    """msgspec's wording for a reply: no backticks, lower case first, and short (it may quote input)."""
    text = text.replace("`", "")
    text = text if len(text) <= limit else text[:limit] + "..."
    return text[:1].lower() + text[1:]


def _show(name: str, limit: int = 40) -> str:
    return repr(name if len(name) <= limit else name[:limit] + "...")


# -- server -> client ------------------------------------------------------------------------

_ENCODER = msgspec.json.Encoder()
_PUSH = msgspec.json.Decoder(Snapshot | EventMessage | PrintNotice | PrinterNotice)
_REPLY = msgspec.json.Decoder(Reply)
_ERROR = msgspec.json.Decoder(ErrorReply)
_PUSH_TYPES = ("snapshot", "event", "print", "printer")
V = TypeVar("V", bound=msgspec.Struct)


def encode(message: msgspec.Struct) -> str:
    """Compact JSON text; non-ASCII stays UTF-8 ("Окно 3", not "\\u041e...")."""
    return _ENCODER.encode(message).decode("utf-8")


def encode_bytes(message: msgspec.Struct) -> bytes:
    """The same as UTF-8 bytes, for ``websocket.send(data, text=True)`` without a decode."""
    return _ENCODER.encode(message)


def parse_server(frame: str | bytes) -> ServerMessage:
    """One server frame -> Reply, ErrorReply, or a push (snapshot, event, print, printer); else ProtocolError."""
    if not isinstance(frame, str):
        raise ProtocolError(ErrorCode.BINARY_FRAME, "the server sends text frames only")
    if _too_large(frame, MAX_SERVER_FRAME):
        raise ProtocolError(ErrorCode.FRAME_TOO_LARGE, f"a server frame may have at most {MAX_SERVER_FRAME} bytes")
    raw = _peek(frame)
    request_id = _request_id(raw.get("re"))
    if "type" in raw:
        kind = _decode_or_none(raw["type"])
        if kind not in _PUSH_TYPES:
            raise ProtocolError(ErrorCode.UNKNOWN_TYPE, f"unknown push type {_show(str(kind))}")
        decoder: msgspec.json.Decoder[Any] = _PUSH
        where = str(kind)
    elif "re" in raw and "ok" in raw:
        ok = _decode_or_none(raw["ok"])
        decoder, where = (_REPLY, "reply") if ok is True else (_ERROR, "error")
    else:
        raise ProtocolError(ErrorCode.UNKNOWN_TYPE, "neither a reply (re, ok) nor a push (type)", request_id)
    try:
        message: ServerMessage = decoder.decode(frame)
    except _FAILURES as error:
        raise ProtocolError(ErrorCode.BAD_VALUE, _describe(where, error), request_id) from None
    return message


def _decode_or_none(raw: msgspec.Raw) -> object:
    try:
        return msgspec.json.decode(raw)
    except _FAILURES:
        return None


def result_as(reply: Reply, cls: type[V]) -> V:
    """A reply's ``result`` as the views Struct ``cls`` (see ``views.RESULT_FOR_VERB``)."""
    if isinstance(reply.result, cls):
        return reply.result
    try:
        return msgspec.convert(reply.result, cls)
    except msgspec.ValidationError as error:
        raise ProtocolError(ErrorCode.BAD_VALUE, _describe("result", error), reply.re) from None
