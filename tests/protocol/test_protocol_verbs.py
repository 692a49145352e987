"""Every verb: a full valid example round-trips, and every field malformed gets its stable code.

The malformed variants are generated from the Structs themselves (msgspec.inspect): for each
field, drop it if required, give it the wrong type, and push it past each of its bounds.  So
a field added to a message is tested here without anyone writing a test for it.
"""

from __future__ import annotations

import json
from typing import Any

import msgspec
import msgspec.inspect as mi
import pytest

from queue_protocol import messages as m
from queue_protocol.codec import ErrorCode, ProtocolError, encode, parse_client
from queue_protocol.enums import Role
from queue_protocol.views import RESULT_FOR_VERB

TICKET = "t7f3c2a9e41b84d0f9a2c6e1b5d7a3f80"

# One example per verb with every field set (non-default where there is a choice).
EXAMPLES: dict[str, dict[str, Any]] = {
    "hello": {"protocol": 1, "username": "operator3", "password": "пароль demo", "last_seq": {"demo": 7, "east-2": 0},
              "client": "talon-console 0.1.0 (Окно)"},
    "ping": {},
    "resync": {"office": "demo", "after_seq": 1041},
    "ticket.issue": {"service": "passport", "priority": "disabled", "channel": "appointment", "office": "demo"},
    "ticket.reprint": {"ticket": TICKET, "office": "demo"},
    "printer.status": {"printer": "kiosk-printer", "office": "demo"},
    "service.print_info": {"service": "passport", "lang": "en", "printer": "kiosk-printer", "office": "demo"},
    "call.next": {},
    "call.ticket": {"ticket": TICKET},
    "ticket.recall": {"ticket": TICKET},
    "ticket.start": {"ticket": TICKET},
    "ticket.finish": {"ticket": TICKET, "result": "another_visit"},
    "ticket.no_show": {"ticket": TICKET},
    "ticket.postpone": {"ticket": TICKET, "reason": "оплата госпошлины", "minutes": 480},
    "ticket.transfer": {"ticket": TICKET, "to_service": "payments", "to_window": 9999, "to_operator": "operator.7@east",
                        "comment": "нужна квитанция", "return_to_me": True},
    "ticket.cancel": {"ticket": TICKET, "reason": "ушёл", "office": "demo"},
    "window.open": {"window": 1, "office": "demo"},
    "window.break": {"reason": "обед"},
    "window.resume": {},
    "window.close": {},
    "ticket.reactivate": {"ticket": TICKET, "office": "demo"},
    "ticket.set_priority": {"ticket": TICKET, "priority": None, "office": "demo"},
    "window.set_services": {"window": 3, "services": {"passport": 1.0, "payments": 100}, "office": "demo"},
    "service.set_active": {"service": "passport_foreign", "active": False, "office": "demo"},
    "board.set_text": {"text": "Я" * 500, "office": "demo"},
    "config.reload": {},
    "stats.today": {"office": "demo"},
    "stats.my_day": {"office": "demo"},
    "stats.report": {"from": "2025-03-01", "to": "2026-03-01", "format": "xlsx", "office": "demo"},
}


def frame(verb: str, request_id: str = "req-1", **fields: Any) -> str:
    return json.dumps({"type": verb, "id": request_id, **fields}, ensure_ascii=False)


def refusal(text: str) -> ProtocolError:
    with pytest.raises(ProtocolError) as caught:
        parse_client(text)
    return caught.value


# -- the happy path --------------------------------------------------------------------------

@pytest.mark.parametrize("verb", sorted(EXAMPLES))
def test_a_full_example_parses_to_its_struct_and_round_trips(verb: str) -> None:
    message = parse_client(frame(verb, "r-" + verb, **EXAMPLES[verb]))
    assert type(message) is m.MESSAGE_FOR_VERB[verb]
    assert message.verb == verb and message.id == "r-" + verb
    decoded = msgspec.to_builtins(message)
    for key, value in EXAMPLES[verb].items():
        assert decoded[key] == value, key
    assert parse_client(encode(message)) == message


@pytest.mark.parametrize("verb", sorted(EXAMPLES))
def test_only_the_required_fields_are_enough(verb: str) -> None:
    cls = m.MESSAGE_FOR_VERB[verb]
    required = {f.encode_name: EXAMPLES[verb][f.encode_name]
                for f in msgspec.structs.fields(cls) if f.required and f.encode_name != "id"}
    if verb == "hello":
        required["token"] = "demo-kiosk"
    assert type(parse_client(frame(verb, **required))) is cls


def test_every_verb_has_an_example_a_struct_a_role_set_and_a_result() -> None:
    assert set(EXAMPLES) == set(m.MESSAGE_FOR_VERB) == set(m.ROLES_FOR_VERB) == set(RESULT_FOR_VERB) == m.VERBS
    assert len(m.CLIENT_MESSAGES) == len(m.MESSAGE_FOR_VERB)  # no two classes share a tag


def test_verbs_are_ascii_dotted_names() -> None:
    for verb in m.VERBS:
        assert verb.isascii() and verb == verb.lower() and " " not in verb, verb


def test_roles_follow_the_hierarchy() -> None:
    operator, manager, admin = (m.verbs_for(r) for r in (Role.OPERATOR, Role.MANAGER, Role.ADMIN))
    assert operator < manager < admin == m.VERBS
    assert m.verbs_for(Role.DISPLAY) == {"hello", "ping", "resync"}
    assert m.verbs_for(Role.KIOSK) == {"hello", "ping", "resync", "ticket.issue", "ticket.reprint", "printer.status",
                                       "service.print_info"}
    assert manager - operator == {"ticket.reactivate", "ticket.set_priority", "window.set_services",
                                  "service.set_active", "board.set_text", "ticket.reprint", "printer.status",
                                  "stats.today", "stats.report", "service.print_info"}
    assert admin - manager == {"config.reload"}
    assert m.READ_ONLY_VERBS <= m.VERBS


def test_operator_verbs_carry_no_window_and_no_operator() -> None:
    for verb in ("call.next", "call.ticket", "ticket.recall", "ticket.start", "ticket.finish", "ticket.no_show",
                 "ticket.postpone", "ticket.transfer", "window.break", "window.resume", "window.close"):
        names = {f.encode_name for f in msgspec.structs.fields(m.MESSAGE_FOR_VERB[verb])}
        assert not names & {"window", "operator", "by"}, verb


def test_messages_are_frozen() -> None:
    message = parse_client(frame("call.ticket", ticket=TICKET))
    with pytest.raises(AttributeError):
        message.ticket = "other"  # type: ignore[misc]


# -- hello's one-credential rule -------------------------------------------------------------

@pytest.mark.parametrize("credentials", [
    {},
    {"username": "operator3"},
    {"password": "demo"},
    {"token": "demo-kiosk", "session": "s3cr3t-Bq9xTz2L"},
    {"token": "demo-kiosk", "username": "operator3", "password": "demo"},
    {"session": "s3cr3t-Bq9xTz2L", "password": "demo"},
])
def test_hello_needs_exactly_one_credential(credentials: dict[str, str]) -> None:
    error = refusal(frame("hello", "h-1", protocol=1, **credentials))
    assert (error.code, error.request_id) == (ErrorCode.BAD_VALUE, "h-1")
    assert error.message.startswith("hello: give exactly one credential")


@pytest.mark.parametrize("credentials", [
    {"token": "demo-kiosk"}, {"username": "operator3", "password": "demo"}, {"session": "s3cr3t-Bq9xTz2L"},
])
def test_hello_accepts_each_kind_of_credential(credentials: dict[str, str]) -> None:
    assert isinstance(parse_client(frame("hello", protocol=1, **credentials)), m.Hello)


# -- malformed variants, generated from the Structs ------------------------------------------

def _inner(kind: mi.Type) -> mi.Type:
    if isinstance(kind, mi.UnionType):
        return next(t for t in kind.types if not isinstance(t, mi.NoneType))
    return kind


def wrong_type(kind: mi.Type) -> Any:
    kind = _inner(kind)
    return {mi.StrType: 12345, mi.IntType: 1.5, mi.FloatType: "1.5", mi.BoolType: "yes",
            mi.DictType: ["not", "an", "object"], mi.EnumType: 5, mi.LiteralType: 5, mi.DateType: 20260301}[type(kind)]


def out_of_bounds(kind: mi.Type) -> list[tuple[str, Any]]:
    """(what, value) pairs, each breaking exactly one bound of ``kind``."""
    kind = _inner(kind)
    found: list[tuple[str, Any]] = []
    if isinstance(kind, mi.StrType):
        if kind.max_length is not None:
            found.append(("too long", "a" * (kind.max_length + 1)))
        if kind.min_length:
            found.append(("too short", ""))
        if kind.pattern is not None:
            found.append(("pattern", "has\x00nul" if kind.pattern == m.NO_NUL else "has space"))
    elif isinstance(kind, mi.IntType | mi.FloatType):
        if kind.le is not None:
            found.append(("above", kind.le + 1))
        if kind.ge is not None:
            found.append(("below", kind.ge - 1))
        if kind.gt is not None:
            found.append(("not above", kind.gt))
    elif isinstance(kind, mi.EnumType | mi.LiteralType):
        found.append(("no such value", "no_such_value"))
    elif isinstance(kind, mi.DateType):
        found.append(("no such day", "2026-02-30"))
    elif isinstance(kind, mi.DictType):
        key, value = _valid(kind.key_type), _valid(kind.value_type)
        if kind.max_length is not None:
            found.append(("too many", {f"k{i}": value for i in range(kind.max_length + 1)}))
        found += [("key " + what, {bad: value}) for what, bad in out_of_bounds(kind.key_type)]
        found += [("value " + what, {key: bad}) for what, bad in out_of_bounds(kind.value_type)]
    return found


def _valid(kind: mi.Type) -> Any:
    return {mi.StrType: "x1", mi.IntType: 1, mi.FloatType: 1.0}[type(_inner(kind))]


def variants() -> list[tuple[str, str, dict[str, Any], str, bool]]:
    """(verb, description, fields, expected code, whether the request id survives)."""
    cases: list[tuple[str, str, dict[str, Any], str, bool]] = []
    for verb in sorted(EXAMPLES):
        info = mi.type_info(m.MESSAGE_FOR_VERB[verb])
        assert isinstance(info, mi.StructType)
        base = {"id": "r-bad", **EXAMPLES[verb]}
        cases.append((verb, "unknown field", {**base, "colour": "red"}, ErrorCode.UNKNOWN_FIELD, True))
        for field in info.fields:
            name, keeps_id = field.encode_name, field.encode_name != "id"
            if field.required:
                rest = {k: v for k, v in base.items() if k != name}
                cases.append((verb, f"missing {name}", rest, ErrorCode.MISSING_FIELD, keeps_id))
            cases.append((verb, f"{name} wrong type", {**base, name: wrong_type(field.type)}, ErrorCode.BAD_VALUE, keeps_id))
            for what, value in out_of_bounds(field.type):
                cases.append((verb, f"{name} {what}", {**base, name: value}, ErrorCode.BAD_VALUE, keeps_id))
    return cases


VARIANTS = variants()


@pytest.mark.parametrize("verb, what, fields, code, keeps_id", VARIANTS,
                         ids=[f"{v[0]}: {v[1]}" for v in VARIANTS])
def test_a_malformed_variant_gets_its_stable_code_and_the_request_id(
    verb: str, what: str, fields: dict[str, Any], code: str, keeps_id: bool,
) -> None:
    error = refusal(json.dumps({"type": verb, **fields}, ensure_ascii=False))
    assert error.code == code, error.message
    assert error.request_id == ("r-bad" if keeps_id else None)
    reply = error.to_reply()
    assert (reply.ok, reply.re, reply.error.code) == (False, error.request_id, code)


def test_every_verb_has_malformed_variants_of_each_kind() -> None:
    for verb in EXAMPLES:
        codes = {code for v, _, _, code, _ in VARIANTS if v == verb}
        assert {ErrorCode.UNKNOWN_FIELD, ErrorCode.MISSING_FIELD, ErrorCode.BAD_VALUE} <= codes, verb
    bounded = {v for v, what, *_ in VARIANTS if what.split()[-1] in ("long", "short", "pattern", "above", "below")}
    assert bounded == set(EXAMPLES)  # every verb has at least its request id bounded


@pytest.mark.parametrize("text, message", [
    (frame("ticket.issue", service=5), "ticket.issue.service: expected str, got int"),
    (frame("ticket.issue", service="passport", colour="red"), "ticket.issue: unknown field 'colour'"),
    (frame("ticket.issue"), "ticket.issue: missing field 'service'"),
    (frame("ticket.postpone", ticket=TICKET, minutes=481), "ticket.postpone.minutes: expected int <= 480"),
    (frame("ticket.postpone", ticket=TICKET, minutes=True), "ticket.postpone.minutes: expected int | null, got bool"),
    (frame("ticket.finish", ticket=TICKET, result="ok"), "ticket.finish.result: invalid enum value 'ok'"),
    (frame("window.set_services", window=3, services={"passport": 0}),
     "window.set_services.services[...]: expected float > 0.0"),
    (frame("hello", protocol=1, token="demo-kiosk", last_seq={"": 1}),
     "hello.last_seq (a key): expected str of length >= 1"),
    (frame("board.set_text", text="Я" * 501), "board.set_text.text: expected str of length <= 500"),
])
def test_the_message_names_the_field(text: str, message: str) -> None:
    assert refusal(text).message == message


def test_an_unreadable_request_id_gives_a_null_re_but_the_right_code() -> None:
    error = refusal(json.dumps({"type": "ping", "id": "x" * 65}))
    assert (error.code, error.request_id) == (ErrorCode.BAD_VALUE, None)
    assert error.message == "ping.id: expected str of length <= 64"
    error = refusal(json.dumps({"type": "ping", "id": 7}))
    assert (error.code, error.request_id) == (ErrorCode.BAD_VALUE, None)
    assert refusal(json.dumps({"type": "ping"})).code == ErrorCode.MISSING_FIELD


def test_an_unknown_field_is_reported_before_a_missing_one() -> None:
    error = refusal(frame("ticket.issue", servce="passport"))  # a typo: both unknown and missing
    assert (error.code, error.message) == (ErrorCode.UNKNOWN_FIELD, "ticket.issue: unknown field 'servce'")


def test_a_logged_hello_does_not_show_its_secrets() -> None:
    for credentials in ({"token": "demo-kiosk-secret"}, {"username": "operator3", "password": "hunter2-secret"},
                        {"session": "s3cr3t-session"}):
        message = parse_client(frame("hello", protocol=1, **credentials))
        assert "secret" not in repr(message) and "secret" not in str(message)
        assert "***" in repr(message)
