"""queue_protocol mirrors the core without importing it; this test (which may import both)
fails the moment they drift: enum values, bounds, and the fields of every command.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import re
from pathlib import Path
from typing import Any

import msgspec
import pytest

from printers.status import PrinterStatus as PrinterStatusOfPrinters
from queue_protocol import enums
from queue_protocol import messages as m
from queue_protocol.codec import parse_client
from queue_server.config import devices, loader, services
from queue_server.config.site import DeviceKind
from queue_server.core import commands as c
from queue_server.core import engine, events, model, states

MIRRORS: list[tuple[type[enum.Enum], type[enum.Enum]]] = [
    (enums.TicketState, states.TicketState),
    (enums.WindowStatus, states.WindowStatus),
    (enums.EventType, events.EventType),
    (enums.Channel, model.Channel),
    (enums.PrinterStatus, PrinterStatusOfPrinters),
]


@pytest.mark.parametrize("wire, core", MIRRORS, ids=[w.__name__ for w, _ in MIRRORS])
def test_enums_carry_the_cores_values(wire: type[enum.Enum], core: type[enum.Enum]) -> None:
    assert [e.value for e in wire] == [e.value for e in core]


def test_results_and_roles() -> None:
    assert tuple(r.value for r in enums.Result) == model.RESULTS
    assert {r.value for r in enums.Role} == {r.value for r in model.Role} | {d.value for d in DeviceKind}


def test_bounds_mirror_the_core_and_the_configuration() -> None:
    assert m.MAX_TEXT_LEN == engine.MAX_TEXT
    assert m.MAX_POSTPONE_MIN == engine.MAX_POSTPONE_MIN
    assert m.MAX_WEIGHT == loader.MAX_WEIGHT
    assert m.MIN_TOKEN_LEN == devices.MIN_TOKEN
    wire_patterns = (m.ID_PATTERN, m.LOGIN_PATTERN)
    assert wire_patterns == (f"^{services.ID.pattern}$", f"^{loader._LOGIN.pattern}$")


# verb -> (core command, wire field -> core field).  Core fields not mapped come from the session.
CORE_OF_VERB: dict[str, tuple[type, dict[str, str]]] = {
    "ticket.issue": (c.IssueTicket, {"service": "service_id", "priority": "priority_id", "channel": "channel"}),
    "call.next": (c.CallNext, {}),
    "call.ticket": (c.CallTicket, {"ticket": "ticket_id"}),
    "ticket.recall": (c.Recall, {"ticket": "ticket_id"}),
    "ticket.start": (c.StartService, {"ticket": "ticket_id"}),
    "ticket.finish": (c.FinishService, {"ticket": "ticket_id", "result": "result"}),
    "ticket.no_show": (c.MarkNoShow, {"ticket": "ticket_id"}),
    "ticket.postpone": (c.Postpone, {"ticket": "ticket_id", "reason": "reason", "minutes": "minutes"}),
    "ticket.transfer": (c.Transfer, {"ticket": "ticket_id", "to_service": "to_service", "to_window": "to_window",
                                     "to_operator": "to_operator", "comment": "comment",
                                     "return_to_me": "return_to_me"}),
    "ticket.cancel": (c.CancelTicket, {"ticket": "ticket_id", "reason": "reason"}),
    "ticket.reactivate": (c.ReactivateTicket, {"ticket": "ticket_id"}),
    "ticket.set_priority": (c.ChangePriority, {"ticket": "ticket_id", "priority": "priority_id"}),
    "window.open": (c.OpenWindow, {"window": "window"}),
    "window.break": (c.PauseWindow, {"reason": "reason"}),
    "window.resume": (c.ResumeWindow, {}),
    "window.close": (c.CloseWindow, {}),
    "window.set_services": (c.SetWindowServices, {"window": "window", "services": "services"}),
    "service.set_active": (c.SetServiceActive, {"service": "service_id", "active": "active"}),
    "board.set_text": (c.SetRunningText, {"text": "text"}),
}
DOC = (Path(__file__).resolve().parents[2] / "docs" / "protocol.md").read_text(encoding="utf-8")
DOC_EXAMPLES: dict[str, dict[str, Any]] = {}
for block in re.findall(r"```json\n(.*?)\n```", DOC, flags=re.DOTALL):
    example = json.loads(block)
    DOC_EXAMPLES.setdefault(example.get("type", ""), example)
FROM_SESSION = {"window", "operator", "by", "issued_by"}
SERVER_ONLY_VERBS = {"hello", "ping", "resync", "ticket.reprint", "printer.status", "service.print_info",
                     "config.reload",
                     "stats.today", "stats.my_day", "stats.report"}   # the statistics read the event log, not the core


def test_every_core_command_but_tick_has_a_verb() -> None:
    commands = {cls for cls in vars(c).values() if dataclasses.is_dataclass(cls) and isinstance(cls, type)}
    assert commands - {cls for cls, _ in CORE_OF_VERB.values()} == {c.Tick}
    assert set(CORE_OF_VERB) | SERVER_ONLY_VERBS == m.VERBS


@pytest.mark.parametrize("verb", sorted(CORE_OF_VERB))
def test_wire_fields_cover_the_commands_fields(verb: str) -> None:
    command, mapping = CORE_OF_VERB[verb]
    wire = {f.encode_name for f in msgspec.structs.fields(m.MESSAGE_FOR_VERB[verb])} - {"id", "office"}
    core = {f.name for f in dataclasses.fields(command)}
    assert wire == set(mapping), "a wire field that maps to nothing"
    session = {"ticket_id"} if command is c.IssueTicket else set()  # the server chooses ticket ids
    assert core - set(mapping.values()) <= FROM_SESSION | session, "a core field the wire cannot fill"
    # the documented example becomes the core command (enum values translate by value)
    message = parse_client(json.dumps(DOC_EXAMPLES[verb], ensure_ascii=False))
    values = {core_name: getattr(message, wire_name) for wire_name, core_name in mapping.items()}
    if "channel" in values:
        values["channel"] = model.Channel(values["channel"].value)
    if "result" in values:
        values["result"] = values["result"].value
    session_values = {"window": 1, "operator": "operator1", "ticket_id": "t1"}
    made = command(**values, **{k: v for k, v in session_values.items() if k in core and k not in values})
    assert isinstance(made, command)
