"""An operator the office does not let call a ticket out of turn never sees that action.

The hello reply's ``verbs`` leave ``call.ticket`` out for such an account
(``may_call_specific = false`` in the office file), and the console follows it from the
first screen, instead of learning it from a refusal.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.demo_server import DemoServer

from operator_console.rules import Action
from queue_server.config.demo import DEMO_FILE

RESTRICTED, FREE = "operator20", "operator19"


def restricted_config(path: Path) -> Path:
    text = DEMO_FILE.read_text(encoding="utf-8")
    entry = f'login = "{RESTRICTED}"\ndisplay_name = "Оператор 20"\nrole = "operator"\n'
    assert entry in text
    path.write_text(text.replace(entry, entry + "may_call_specific = false\n", 1), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def talon(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoServer]:
    """This module's server: the demo office with one operator who may not call out of turn."""
    folder = tmp_path_factory.mktemp("restricted")
    server = DemoServer(folder / "data", config=restricted_config(folder / "office.toml"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


def test_hello_leaves_call_ticket_out_only_for_the_restricted_operator(wire: Any) -> None:
    restricted = wire(username=RESTRICTED, password="demo").hello["verbs"]
    free = wire(username=FREE, password="demo").hello["verbs"]
    assert "call.ticket" in free and "call.next" in free
    assert set(free) - set(restricted) == {"call.ticket"}


def test_the_console_never_offers_call_ticket_to_the_restricted_operator(console: Any) -> None:
    restricted, free = console(RESTRICTED, 20), console(FREE, 19)
    assert Action.CALL_NEXT in restricted.model.legal and Action.CALL_NEXT in free.model.legal
    assert Action.CALL_TICKET not in restricted.model.legal
    assert not restricted.operator.action_panel.buttons[Action.CALL_TICKET].isEnabled()
    assert Action.CALL_TICKET in free.model.legal
    assert free.operator.action_panel.buttons[Action.CALL_TICKET].isEnabled()
