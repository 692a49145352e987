"""Frames that are not messages, the server's side of the codec, timestamps and close codes."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import msgspec
import pytest

from queue_protocol import codec
from queue_protocol.codec import (
    MAX_FRAME,
    PARSE_ERROR_CODES,
    CloseCode,
    ErrorCode,
    ProtocolError,
    encode,
    encode_bytes,
    parse_client,
    parse_server,
    result_as,
    should_reconnect,
)
from queue_protocol.enums import EventType, PrintJobKind, PrintJobState, TicketState
from queue_protocol.messages import Ping, TicketIssue
from queue_protocol.replies import ErrorReply, EventMessage, PrintNotice, Reply, Snapshot, WireEvent
from queue_protocol.views import IssueResult, OfficeInfo, OfficeView, TicketResult
from queue_protocol.wire_time import format_utc, parse_utc


def refusal(frame: str | bytes) -> ProtocolError:
    with pytest.raises(ProtocolError) as caught:
        parse_client(frame)
    return caught.value


# -- frames that are not messages ------------------------------------------------------------

@pytest.mark.parametrize("frame", ["", "{", '{"type": "ping", "id": "a"', "{'type': 'ping'}", "nul", '{"a":1} x',
                                   '{"type":"ping","id":"\\ud800"}', "[" * 5000, '{"a":' + "[" * 5000 + "]" * 5000 + "}"])
def test_bad_json(frame: str) -> None:
    error = refusal(frame)
    assert (error.code, error.request_id) == (ErrorCode.BAD_JSON, None)
    assert error.message.startswith("bad JSON")


def test_a_lone_surrogate_in_a_text_frame_is_bad_json_not_a_crash() -> None:
    assert refusal('{"type": "ping", "id": "\ud800"}').code == ErrorCode.BAD_JSON


@pytest.mark.parametrize("frame, kind", [("[]", "array"), ('"ping"', "str"), ("42", "int"), ("null", "null"),
                                         ("true", "bool"), ('[{"type": "ping", "id": "a"}]', "array")])
def test_not_an_object(frame: str, kind: str) -> None:
    error = refusal(frame)
    assert (error.code, error.request_id) == (ErrorCode.NOT_AN_OBJECT, None)
    assert error.message == f"a message is a JSON object, not {kind}"


@pytest.mark.parametrize("verb", ["nope", "Ticket.Issue", "ticket.issued", "", "выдать талон", "x" * 1000])
def test_an_unknown_type_keeps_the_request_id(verb: str) -> None:
    error = refusal(json.dumps({"type": verb, "id": "u-1"}))
    assert (error.code, error.request_id) == (ErrorCode.UNKNOWN_TYPE, "u-1")
    assert len(error.message) < 80


@pytest.mark.parametrize("verb", [5, None, ["ping"], {"v": "ping"}, True])
def test_a_type_that_is_not_a_string_is_an_unknown_type(verb: object) -> None:
    error = refusal(json.dumps({"id": "u-2", "type": verb}))
    assert (error.code, error.request_id) == (ErrorCode.UNKNOWN_TYPE, "u-2")


def test_a_missing_type_is_a_missing_field() -> None:
    error = refusal('{"id": "u-3", "service": "passport"}')
    assert (error.code, error.request_id, error.message) == (ErrorCode.MISSING_FIELD, "u-3", "missing field 'type' (the verb)")


@pytest.mark.parametrize("frame", [b'{"type": "ping", "id": "b-1"}', b"", bytearray(b"{}"), b"\xff" * 100_000])
def test_binary_frames_are_refused(frame: bytes) -> None:
    error = refusal(frame)
    assert (error.code, error.request_id) == (ErrorCode.BINARY_FRAME, None)


def _ping_of_size(size: int, filler: str = "a") -> str:
    head = '{"type": "ping", "id": "big", "pad": "'
    room = size - len(head.encode()) - 2
    return head + filler * (room // len(filler.encode())) + '"}'


def test_oversize_is_checked_in_utf8_bytes_before_parsing() -> None:
    at_limit = _ping_of_size(MAX_FRAME)
    assert len(at_limit.encode()) == MAX_FRAME
    assert refusal(at_limit).code == ErrorCode.UNKNOWN_FIELD  # parsed: "pad" is no field of ping
    over = _ping_of_size(MAX_FRAME + 1)
    error = refusal(over)
    assert (error.code, error.request_id) == (ErrorCode.FRAME_TOO_LARGE, None)
    cyrillic = _ping_of_size(MAX_FRAME + 2, "Я")  # fewer characters than the limit, more bytes
    assert len(cyrillic) < MAX_FRAME < len(cyrillic.encode())
    assert refusal(cyrillic).code == ErrorCode.FRAME_TOO_LARGE
    assert refusal("{" * (10 * MAX_FRAME)).code == ErrorCode.FRAME_TOO_LARGE  # never parsed: not bad_json


def test_every_parse_code_is_stable_ascii_snake_case() -> None:
    assert {c.value for c in PARSE_ERROR_CODES} == {
        "bad_json", "not_an_object", "unknown_type", "missing_field", "unknown_field", "bad_value",
        "frame_too_large", "binary_frame"}
    for code in ErrorCode:
        assert code.value.isascii() and code.value.replace("_", "").isalpha() and code.value == code.value.lower()


def test_an_error_reply_is_compact_json_with_re_ok_error() -> None:
    error = refusal('{"type": "ticket.issue", "id": "e-1", "service": 5}')
    text = encode(error.to_reply())
    assert text == ('{"re":"e-1","ok":false,"error":{"code":"bad_value",'
                    '"message":"ticket.issue.service: expected str, got int"}}')
    assert encode(refusal("[]").to_reply()).startswith('{"re":null,"ok":false,')


# -- encoding --------------------------------------------------------------------------------

def test_encode_keeps_russian_text_readable_and_compact() -> None:
    reply = Reply(re="r-1", result={"label": "А015", "window": "Окно 3"})
    text = encode(reply)
    assert text == '{"re":"r-1","ok":true,"result":{"label":"А015","window":"Окно 3"}}'
    assert encode_bytes(reply) == text.encode("utf-8")


def test_client_messages_encode_with_type_first_and_parse_back() -> None:
    message = TicketIssue(id="k-1", service="passport")
    text = encode(message)
    assert text.startswith('{"type":"ticket.issue","id":"k-1",')
    assert parse_client(text) == message
    assert encode(Ping(id="p")) == '{"type":"ping","id":"p"}'


# -- the client's side: parse_server ---------------------------------------------------------

AT = "2025-03-14T06:40:03.512044Z"


def test_parse_server_tells_the_four_kinds_apart() -> None:
    result = IssueResult(ticket="t1", office="demo", label="А015", number=15, service="passport", issued_at=AT,
                         local_day="2025-03-14", people_ahead=4, seq=9)
    reply = parse_server(encode(Reply(re="k-1", result=result)))
    assert isinstance(reply, Reply) and result_as(reply, IssueResult) == result
    error = parse_server(encode(codec.error_reply("k-2", "queue_empty", "nobody is waiting")))
    assert isinstance(error, ErrorReply) and (error.re, error.error.code) == ("k-2", "queue_empty")
    event = EventMessage(office="demo", seq=10, event=WireEvent(
        type=EventType.TICKET_CALLED, at=AT, ticket="t1", label="А015", from_state=TicketState.WAITING,
        to_state=TicketState.CALLED, service="passport", window=3, operator="operator3", data={"specific": False}))
    text = encode(event)
    assert '"from":"waiting","to":"called"' in text and text.startswith('{"type":"event","office":"demo","seq":10,')
    assert parse_server(text) == event
    snapshot = Snapshot(office="demo", seq=9, state=OfficeView(office=OfficeInfo(
        id="demo", name="МФЦ", timezone="Europe/Moscow", local_day="2025-03-14")))
    assert parse_server(encode(snapshot)) == snapshot


def test_clients_ignore_fields_a_newer_server_adds() -> None:
    reply = parse_server('{"re": "x", "ok": true, "result": {"server_time": "' + AT + '", "new": 1}, "extra": 2}')
    assert isinstance(reply, Reply)
    event = parse_server('{"type": "event", "office": "demo", "seq": 1, "shard": 3, '
                         '"event": {"type": "window.opened", "at": "' + AT + '", "window": 2, "mood": "ok"}}')
    assert isinstance(event, EventMessage) and event.event.window == 2


def test_a_print_notice_without_kind_is_a_ticket_and_an_info_notice_reads_for_older_clients() -> None:
    before_kind = ('{"type": "print", "office": "demo", "job": "pj1", "ticket": "t1", "label": "А015", '
                   '"printer": "kiosk-printer", "state": "printed"}')
    old = parse_server(before_kind)
    assert isinstance(old, PrintNotice) and old.kind is PrintJobKind.TICKET and old.service is None
    info = PrintNotice(office="demo", job="pj2", kind=PrintJobKind.INFO, service="passport", printer="kiosk-printer",
                       state=PrintJobState.FAILED, reason="paper_out")
    text = encode(info)
    assert parse_server(text) == info

    class OlderPrintNotice(msgspec.Struct, frozen=True, tag_field="type", tag="print", kw_only=True):
        """The notice as clients before ``kind`` decode it: ticket and label required."""

        office: str
        job: str
        ticket: str
        label: str
        printer: str
        state: str

    older = msgspec.json.decode(text, type=OlderPrintNotice)
    assert (older.ticket, older.label, older.state) == ("", "", "failed")


@pytest.mark.parametrize("frame, code", [
    ('{"type": "gossip", "office": "demo", "seq": 1}', ErrorCode.UNKNOWN_TYPE),
    ('{"hello": 1}', ErrorCode.UNKNOWN_TYPE),
    ('{"type": "event", "office": "demo", "seq": "1", "event": {}}', ErrorCode.BAD_VALUE),
    ('{"type": "event", "office": "demo", "seq": 1, "event": {"type": "ticket.eaten", "at": "' + AT + '"}}',
     ErrorCode.BAD_VALUE),
    ('{"type": "event", "office": "demo", "seq": 1, "event": {"type": "ticket.called", "at": "2025-03-14T06:40:03Z"}}',
     ErrorCode.BAD_VALUE),
    ('{"re": "x", "ok": false, "error": "bad"}', ErrorCode.BAD_VALUE),
    ("[1]", ErrorCode.NOT_AN_OBJECT),
    ("{]", ErrorCode.BAD_JSON),
    (b"{}", ErrorCode.BINARY_FRAME),
])
def test_parse_server_refuses_what_no_server_sends(frame: str | bytes, code: str) -> None:
    with pytest.raises(ProtocolError) as caught:
        parse_server(frame)
    assert caught.value.code == code


def test_result_as_refuses_a_result_of_the_wrong_shape() -> None:
    with pytest.raises(ProtocolError) as caught:
        result_as(Reply(re="x", result={"ticket": "t1"}), TicketResult)
    assert caught.value.code == ErrorCode.BAD_VALUE and caught.value.request_id == "x"
    assert "missing required field" in caught.value.message


# -- timestamps ------------------------------------------------------------------------------

def test_timestamps_always_carry_microseconds_and_z() -> None:
    assert format_utc(datetime(2025, 3, 14, 6, 30, tzinfo=UTC)) == "2025-03-14T06:30:00.000000Z"
    vladivostok = timezone(timedelta(hours=10))
    moment = datetime(2025, 3, 14, 16, 30, 0, 5, tzinfo=vladivostok)
    assert format_utc(moment) == "2025-03-14T06:30:00.000005Z"
    assert parse_utc(format_utc(moment)) == moment
    with pytest.raises(ValueError, match="aware"):
        format_utc(datetime(2025, 3, 14, 6, 30))  # naive on purpose


def test_a_wire_timestamp_is_checked_by_its_pattern() -> None:
    with pytest.raises(msgspec.ValidationError):
        msgspec.convert({"type": "window.opened", "at": "2025-03-14 06:30:00"}, WireEvent)


# -- close codes -----------------------------------------------------------------------------

def test_close_codes_are_application_codes() -> None:
    assert all(4000 <= code <= 4999 for code in CloseCode)
    assert (CloseCode.AUTH_FAILED, CloseCode.AUTH_TIMEOUT, CloseCode.SESSION_EXPIRED) == (4001, 4002, 4003)
    assert (CloseCode.TOO_MANY_ERRORS, CloseCode.PROTOCOL_VERSION) == (4008, 4009)
    assert (CloseCode.RATE_LIMITED, CloseCode.SERVER_RESTART) == (4029, 4100)


def test_which_closes_a_client_recovers_from_by_itself() -> None:
    for code in (None, 1001, 1006, 1011, CloseCode.SERVER_RESTART, CloseCode.RATE_LIMITED, CloseCode.AUTH_TIMEOUT):
        assert should_reconnect(code), code
    for code in (1000, CloseCode.AUTH_FAILED, CloseCode.PROTOCOL_VERSION, CloseCode.SESSION_EXPIRED,
                 CloseCode.CREDENTIALS_REVOKED):
        assert not should_reconnect(code), code
