"""docs/protocol.md is the contract: every verb, code and event type is in it, and every JSON
example in it is a message the codec accepts (requests parse, replies type as their verb's result).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import msgspec
import pytest

from queue_protocol.codec import CloseCode, ErrorCode, parse_client, parse_server, result_as
from queue_protocol.enums import EventType, PrintJobKind, Role, TicketState, WindowStatus
from queue_protocol.messages import MESSAGE_FOR_VERB, ROLES_FOR_VERB, VERBS
from queue_protocol.replies import ErrorReply, EventMessage, PrinterNotice, PrintNotice, Reply, Snapshot
from queue_protocol.views import RESULT_FOR_VERB, Health, LoadReport

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "protocol.md").read_text(encoding="utf-8")
CORE = ROOT / "queue_server" / "core"


def json_blocks() -> list[dict[str, Any]]:
    blocks = re.findall(r"```json\n(.*?)\n```", DOC, flags=re.DOTALL)
    assert blocks, "docs/protocol.md has no ```json examples"
    return [json.loads(block) for block in blocks]


BLOCKS = json_blocks()
REQUESTS = [b for b in BLOCKS if b.get("type") in VERBS]
REPLIES = [b for b in BLOCKS if "re" in b]
PUSHES = [b for b in BLOCKS if b.get("type") in ("snapshot", "event")]
NOTICES = [b for b in BLOCKS if b.get("type") in ("print", "printer")]


def test_every_verb_has_a_section_a_table_row_and_an_example() -> None:
    for verb in VERBS:
        assert f"### `{verb}`" in DOC, verb
        assert f"| `{verb}` |" in DOC, verb
    assert {b["type"] for b in REQUESTS} == VERBS


@pytest.mark.parametrize("example", REQUESTS, ids=[b["id"] for b in REQUESTS])
def test_every_request_example_parses(example: dict[str, Any]) -> None:
    message = parse_client(json.dumps(example, ensure_ascii=False))
    assert type(message) is MESSAGE_FOR_VERB[example["type"]]


@pytest.mark.parametrize("example", REPLIES, ids=[b["re"] for b in REPLIES])
def test_every_reply_example_parses_and_an_ok_result_has_its_verbs_shape(example: dict[str, Any]) -> None:
    reply = parse_server(json.dumps(example, ensure_ascii=False))
    if isinstance(reply, ErrorReply):
        assert reply.error.code in DOC_CODES
        return
    assert isinstance(reply, Reply)
    verb = next((b["type"] for b in REQUESTS if b["id"] == reply.re), None)
    assert verb is not None, f"reply {reply.re} answers no request example"
    result_as(reply, RESULT_FOR_VERB[verb])


def test_request_ids_in_the_examples_are_unique() -> None:
    ids = [b["id"] for b in REQUESTS]
    assert len(ids) == len(set(ids))


def test_the_snapshot_and_event_examples_parse() -> None:
    kinds = {type(parse_server(json.dumps(b, ensure_ascii=False))) for b in PUSHES}
    assert kinds == {Snapshot, EventMessage}


def test_the_notice_examples_parse_and_show_both_kinds_of_print_job() -> None:
    notices = [parse_server(json.dumps(b, ensure_ascii=False)) for b in NOTICES]
    assert {type(n) for n in notices} == {PrintNotice, PrinterNotice}
    assert {n.kind for n in notices if isinstance(n, PrintNotice)} == set(PrintJobKind)


def test_the_http_examples_parse() -> None:
    health = next(b for b in BLOCKS if "database" in b)
    load = next(b for b in BLOCKS if "generated_at" in b)
    msgspec.convert(health, Health)
    msgspec.convert(load, LoadReport)


DOC_CODES = set(re.findall(r"`([a-z_]+)`", DOC))


def core_codes() -> set[str]:
    """Every error code the core can raise: literal ``code=`` and class codes, and the generated ones."""
    codes: set[str] = set()
    for path in CORE.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        codes |= set(re.findall(r'code\s*=\s*"([a-z_]+)"', text))
    engine = (CORE / "engine.py").read_text(encoding="utf-8")
    reasons = engine[engine.index("def unavailable_reason"):]
    reasons = reasons[:reasons.index("\n    def ")]
    codes |= set(re.findall(r'return "([a-z_]+)"', reasons))
    codes |= {f"ticket_{s.value}" for s in TicketState} | {f"window_{s.value}" for s in WindowStatus}
    return codes


def test_every_domain_code_of_the_core_is_documented() -> None:
    codes = core_codes()
    assert len(codes) > 25
    assert codes <= DOC_CODES, sorted(codes - DOC_CODES)


def test_every_protocol_and_session_code_is_documented() -> None:
    for code in ErrorCode:
        assert f"| `{code.value}` |" in DOC, code


def test_every_close_code_is_documented() -> None:
    for code in CloseCode:
        assert f"| {code.value} | `{code.name.lower()}` |" in DOC, code


def test_every_event_type_is_documented_with_its_data() -> None:
    for kind in EventType:
        assert f"| `{kind.value}` |" in DOC, kind


def test_the_verb_table_gives_each_verb_the_roles_of_roles_for_verb() -> None:
    rows = dict(re.findall(r"^\| `([a-z_.]+)` \| ([a-z, ]+) \|", DOC, flags=re.MULTILINE))
    for verb, roles in ROLES_FOR_VERB.items():
        documented = set(Role) if rows[verb] == "all" else {Role(r.strip()) for r in rows[verb].split(",")}
        assert documented == roles, verb
