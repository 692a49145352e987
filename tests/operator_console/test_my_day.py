""""My day" survives a console restart: the panel shows the server's ``stats.my_day`` figures.

An operator serves two visitors and marks one no-show in one console; the console is closed
and a new one signs in as the same operator: the panel shows the whole day, with the mean
service time checked against the start and finish timestamps of the events the first console
received.  Then the session's own finish shows at once and the server's answer follows.
On SQLite and on PostgreSQL (``TALON_TEST_POSTGRES_URL``).
"""

from __future__ import annotations

from typing import Any

import pytest
from support.event_time import US, micros

from operator_console.figures import duration
from operator_console.rules import Action
from queue_protocol.enums import EventType, TicketState

MS = 10_000


@pytest.fixture(scope="module")
def talon_args(module_db_url: str) -> list[str]:
    return ["--db", module_db_url]


def settled(main: Any) -> bool:
    return main.model.online and not main.model.busy


def serve(qtbot: Any, main: Any, *, no_show: bool = False) -> None:
    """Call the next visitor, then mark a no-show or start and finish with a result."""
    model = main.model
    assert model.act(Action.CALL_NEXT) is not None
    qtbot.waitUntil(lambda: model.current is not None and model.current.state is TicketState.CALLED
                    and settled(main), timeout=MS)
    if no_show:
        assert model.act(Action.NO_SHOW) is not None
    else:
        assert model.act(Action.START) is not None
        qtbot.waitUntil(lambda: model.current is not None and model.current.state is TicketState.SERVING
                        and settled(main), timeout=MS)
        assert model.act(Action.FINISH, result="done") is not None
    qtbot.waitUntil(lambda: model.current is None and settled(main), timeout=MS)


def test_a_new_console_shows_the_whole_day(qtbot, console, wire, issue) -> None:
    first = console("operator8", 8)
    events: list[Any] = []
    first.model.bridge.event_received.connect(lambda _office, message: events.append(message.event))
    issue("rosreestr", 4)
    serve(qtbot, first)
    serve(qtbot, first, no_show=True)
    serve(qtbot, first)
    started: dict[str, int] = {}
    services = []
    for event in events:
        if event.operator != "operator8":
            continue
        if event.type is EventType.TICKET_STARTED:
            started[event.ticket] = micros(event.at)
        elif event.type is EventType.TICKET_FINISHED:
            services.append(micros(event.at) - started.pop(event.ticket))
    assert len(services) == 2
    mean_s = sum(services) / len(services) / US
    first.model.logout()
    first.close()

    second = console("operator8", 8)
    panel = second.operator.day
    feed = second.model.my_day_feed
    qtbot.waitUntil(lambda: feed.result is not None, timeout=MS)
    assert (feed.result.served, feed.result.no_shows) == (2, 1)
    assert feed.result.service_mean_s == pytest.approx(mean_s, abs=1e-6)
    assert panel.numbers["served"].text() == "2" and panel.numbers["no_shows"].text() == "1"
    assert panel.numbers["avg"].text() == duration(mean_s)
    assert "журналу событий" in panel.toolTip() and "По данным сервера" in panel.source.text()

    serve(qtbot, second)                   # the session's own finish shows at once ...
    assert panel.numbers["served"].text() == "3"
    qtbot.waitUntil(lambda: feed.result.served == 3 and not feed.pending, timeout=MS)   # ... then the server's
    assert panel.numbers["served"].text() == "3" and "с этого пульта" not in panel.source.text()

    other = wire(username="operator9", password="demo")
    assert other.request("window.open", window=9)
    mine = other.request("stats.my_day")
    assert mine["operator"] == "operator9" and (mine["served"], mine["no_shows"]) == (0, 0)
    kiosk = wire(token="demo-kiosk")
    with pytest.raises(RuntimeError, match="forbidden"):
        kiosk.request("stats.my_day")


def test_before_the_answer_the_panel_says_so(qtbot, console) -> None:
    main = console("manager", None)
    panel = main.operator.day
    panel.show_state()
    assert main.model.my_day_feed.result is None and not main.model.my_day_feed.pending   # no window: not asked
    assert panel.numbers["served"].text() == "—"
    assert panel.source.text() == "Итоги дня появятся, когда вы откроете окно"
