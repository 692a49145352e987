"""Fuzz: random and mutated frames never make the codec raise anything but ProtocolError.

Bounded (100-200 examples per property, a few seconds in all); the live-server fuzz of
10,000 frames belongs to the server's tests.  Seeds are the documented examples, so the
mutations start from real messages of every verb.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from queue_protocol.codec import PARSE_ERROR_CODES, ErrorCode, ProtocolError, encode, parse_client, parse_server
from queue_protocol.messages import VERBS, ClientMessage

DOC = (Path(__file__).resolve().parents[2] / "docs" / "protocol.md").read_text(encoding="utf-8")
SEEDS = [json.loads(b) for b in re.findall(r"```json\n(.*?)\n```", DOC, flags=re.DOTALL)]
REQUESTS = [s for s in SEEDS if s.get("type") in VERBS]
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
QUICK = settings(FUZZ, max_examples=100)

scalars = (st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.text(max_size=20)
           | st.floats(allow_nan=False, allow_infinity=False))  # json.dumps writes inf as Infinity: not JSON
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=12,
)
keys = st.sampled_from(["id", "type", "ticket", "service", "window", "office", "protocol", "token", "services",
                        "last_seq", "minutes", "result", "priority", "text"]) | st.text(max_size=12)


def check(frame: str | bytes) -> ClientMessage | ProtocolError:
    """Parse; the only exception allowed out is a ProtocolError with a stable code."""
    try:
        message = parse_client(frame)
    except ProtocolError as error:
        assert error.code in PARSE_ERROR_CODES
        assert isinstance(error.message, str) and error.message
        assert encode(error.to_reply())  # and the reply can always be sent
        return error
    assert parse_client(encode(message)) == message
    return message


@FUZZ
@given(st.text(max_size=300))
def test_random_text(frame: str) -> None:
    check(frame)


@FUZZ
@given(st.binary(max_size=300))
def test_random_bytes_are_binary_frames(frame: bytes) -> None:
    result = check(frame)
    assert isinstance(result, ProtocolError) and result.code == ErrorCode.BINARY_FRAME


@QUICK
@given(json_values)
def test_random_json(value: Any) -> None:
    check(json.dumps(value, ensure_ascii=False))


@st.composite
def mutated(draw: st.DrawFn) -> dict[str, Any]:
    message = dict(draw(st.sampled_from(REQUESTS)))
    for _ in range(draw(st.integers(1, 3))):
        action = draw(st.sampled_from(["drop", "set", "add", "retype", "swap_type"]))
        if action == "drop" and message:
            message.pop(draw(st.sampled_from(sorted(message))))
        elif action == "set" and message:
            message[draw(st.sampled_from(sorted(message)))] = draw(json_values)
        elif action == "add":
            message[draw(keys)] = draw(json_values)
        elif action == "retype" and message:
            key = draw(st.sampled_from(sorted(message)))
            message[key] = draw(st.sampled_from([None, 0, -1, 2**53, 1.5, "", "x" * 70, [], {}, True, "Окно"]))
        else:
            message["type"] = draw(st.sampled_from(sorted(VERBS)))
    return message


@FUZZ
@given(mutated())
def test_mutated_messages_keep_their_request_id(message: dict[str, Any]) -> None:
    result = check(json.dumps(message, ensure_ascii=False))
    request_id = message.get("id")
    readable = isinstance(request_id, str) and re.fullmatch(r"[\x21-\x7e]{1,64}", request_id) is not None
    if isinstance(result, ProtocolError):
        assert result.request_id == (request_id if readable else None)
    else:
        assert result.id == request_id


@FUZZ
@given(st.sampled_from(REQUESTS), st.data())
def test_truncated_and_spliced_frames(message: dict[str, Any], data: st.DataObject) -> None:
    text = json.dumps(message, ensure_ascii=False)
    cut = data.draw(st.integers(0, len(text)))
    junk = data.draw(st.text(max_size=5))
    check(text[:cut] + junk + text[cut:])
    check(text[:cut])


@QUICK
@given(st.text(max_size=300) | json_values.map(lambda v: json.dumps(v, ensure_ascii=False)))
def test_the_client_side_parse_of_random_frames(frame: str) -> None:
    try:
        parse_server(frame)
    except ProtocolError as error:
        assert error.code in PARSE_ERROR_CODES
