"""docs/protocol.md, "HTTP": plain GETs on the websocket's port."""

from __future__ import annotations

import asyncio
import json

import msgspec
import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from queue_protocol.enums import LoadLevel
from queue_protocol.views import Health, LoadReport

from .conftest import TIMESTAMP, ServerProcess


def assert_json_no_store(headers: dict[str, str]) -> None:
    lowered = {k.lower(): v for k, v in headers.items()}
    assert lowered["content-type"].startswith("application/json")
    assert lowered["cache-control"] == "no-store"


async def get(server: ServerProcess, path: str) -> tuple[int, dict[str, str], bytes]:
    return await asyncio.to_thread(server.http, path)


async def test_healthz(shared_server: ServerProcess) -> None:
    server = shared_server
    status, headers, body = await get(server, "/healthz")
    assert status == 200
    assert_json_no_store(headers)
    health = msgspec.json.decode(body, type=Health)
    assert (health.status, health.database, health.protocol) == ("ok", "ok", 1)
    assert TIMESTAMP.match(health.server_time)
    assert set(json.loads(body)) == {"status", "database", "protocol", "server_time"}


async def test_api_load_is_public_and_carries_no_ticket_labels(shared_server: ServerProcess) -> None:
    operator = await shared_server.login("operator1")
    await operator.ok("window.open", window=1)
    kiosk = await shared_server.kiosk()
    labels = [(await kiosk.ok("ticket.issue", service="passport"))["label"] for _ in range(3)]
    labels.append((await kiosk.ok("ticket.issue", service="passport_foreign"))["label"])
    called = await operator.ok("call.next")
    labels.append(called["label"])
    business = await shared_server.login("operator17")  # people wait, and no window serving them is open
    await business.ok("window.open", window=17)
    labels.append((await business.ok("ticket.issue", service="business"))["label"])
    await business.ok("window.close")
    await asyncio.sleep(2.1)  # past the report's cache
    status, headers, body = await get(shared_server, "/api/load")
    assert status == 200
    assert_json_no_store(headers)
    report = msgspec.json.decode(body, type=LoadReport)
    assert TIMESTAMP.match(report.generated_at)
    [office] = report.offices
    assert (office.office, office.timezone, office.open, office.open_windows) == ("demo", "Europe/Moscow", True, 1)
    services = {s.service: s for s in office.services}
    assert "passports" not in services, "categories are not services"
    assert set(services) == {"passport", "passport_foreign", "registration", "rosreestr", "results", "social",
                             "consult", "business"}
    assert (services["passport"].waiting, services["passport"].open_windows) == (2, 1)
    assert (services["passport_foreign"].waiting, services["passport_foreign"].open_windows) == (1, 1)
    assert services["passport"].norm_s == 15 * 60
    assert office.waiting == 4
    assert (services["business"].waiting, services["business"].open_windows) == (1, 0)
    assert services["business"].level is LoadLevel.RED
    assert services["registration"].average_wait_s is None and services["registration"].level is LoadLevel.GREEN
    assert services["passport"].average_wait_s is not None
    assert services["passport"].level is LoadLevel.GREEN
    text = body.decode()
    for label in labels:
        assert label not in text, f"/api/load shows the ticket label {label}"
    for private in ("operator1", "kiosk-1", called["ticket"]):
        assert private not in text


@pytest.mark.parametrize("path", ["/nope", "/api", "/api/load/extra", "/healthz/", "/favicon.ico", "/ws"])
async def test_other_paths_are_404(shared_server: ServerProcess, path: str) -> None:
    status, headers, body = await get(shared_server, path)
    assert status == 404
    assert json.loads(body) == {"error": "not found"}
    assert_json_no_store(headers)


async def test_the_websocket_endpoint_is_only_at_the_root(shared_server: ServerProcess) -> None:
    url = shared_server.url.rstrip("/") + "/ws"
    with pytest.raises(InvalidStatus) as refused:
        async with connect(url, open_timeout=10):
            pass
    assert refused.value.response.status_code == 404
    client = await shared_server.connect()  # "/" works, and without permessage-deflate
    assert client.ws.response is not None
    assert "Sec-WebSocket-Extensions" not in client.ws.response.headers
    assert await client.refused("ping") == "not_authenticated"


async def test_compression_is_not_negotiated(shared_server: ServerProcess) -> None:
    async with connect(shared_server.url, compression="deflate", open_timeout=10) as ws:
        assert ws.response is not None
        assert ws.response.headers.get("Sec-WebSocket-Extensions") is None, "compression off"
