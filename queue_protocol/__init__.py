"""The wire contract of Talon (docs/protocol.md): message types and the JSON codec.

A leaf package: it imports nothing from queue_server, printers or the apps; the server and
the three apps all import it.  The pure part (these modules) imports msgspec and the standard
library only.
"""

from .codec import (
    MAX_FRAME,
    PROTOCOL_VERSION,
    CloseCode,
    ErrorCode,
    ProtocolError,
    encode,
    encode_bytes,
    error_reply,
    parse_client,
    parse_server,
    result_as,
    should_reconnect,
)
from .enums import (
    Channel,
    EventType,
    LoadLevel,
    PrinterStatus,
    PrintJobKind,
    Result,
    Role,
    TicketState,
    WindowStatus,
)
from .messages import CLIENT_MESSAGES, MESSAGE_FOR_VERB, ROLES_FOR_VERB, VERBS, ClientMessage, verbs_for
from .replies import (
    ErrorBody,
    ErrorReply,
    EventMessage,
    PrinterNotice,
    PrintNotice,
    Reply,
    ServerMessage,
    Snapshot,
    WireEvent,
)
from .views import RESULT_FOR_VERB, Health, LoadReport, OfficeView
from .wire_time import format_utc, parse_utc

__all__ = [
    "CLIENT_MESSAGES", "MAX_FRAME", "MESSAGE_FOR_VERB", "PROTOCOL_VERSION", "RESULT_FOR_VERB",
    "ROLES_FOR_VERB", "VERBS", "Channel", "ClientMessage", "CloseCode", "ErrorBody", "ErrorCode",
    "ErrorReply", "EventMessage", "EventType", "Health", "LoadLevel", "LoadReport", "OfficeView",
    "PrintJobKind", "PrintNotice", "PrinterNotice", "PrinterStatus", "ProtocolError", "Reply", "Result", "Role", "ServerMessage",
    "Snapshot", "TicketState",
    "WindowStatus", "WireEvent", "encode", "encode_bytes", "error_reply", "format_utc", "parse_client",
    "parse_server", "parse_utc", "result_as", "should_reconnect", "verbs_for",
]
