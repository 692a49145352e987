"""Make the demo office busy, as other people would: for screenshots and demos.

Other operators sit down at their windows, the kiosk issues about thirty tickets (a few
with a priority category), some operators call and start serving, one is on a break.  All
of it through ``queue_protocol.client.QueueClient`` with the demo accounts, exactly as the
other consoles and the kiosk would; refusals (a window already open from an earlier run, an
empty queue) are expected and skipped, so running it twice is harmless.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

from queue_protocol.client import DeviceToken, PasswordLogin, QueueClient, RequestError

log = logging.getLogger("talon.console.busy")

# (operator, window, what they do after opening): "call", "serve", "break" or "" (idle)
OPERATORS: tuple[tuple[str, int, str], ...] = (
    ("operator2", 2, "serve"), ("operator3", 3, "call"), ("operator4", 4, "serve"), ("operator5", 5, "break"),
    ("operator6", 6, ""), ("operator8", 8, "serve"), ("operator11", 11, "call"), ("operator14", 14, "serve"),
    ("operator17", 17, ""), ("operator19", 19, "serve"),
)
TICKETS: tuple[tuple[str, int, str | None], ...] = (
    ("passport", 9, None), ("passport", 2, "disabled_1_2"), ("passport_foreign", 5, None), ("registration", 3, None),
    ("rosreestr", 4, None), ("results", 4, None), ("social", 3, None), ("consult", 2, None), ("business", 2, None),
)


async def _client(url: str, credentials: PasswordLogin | DeviceToken) -> QueueClient:
    client = QueueClient(url, credentials, client_name="talon-console busy-office")
    client.start()
    await client.wait_online(10.0)
    return client


async def _quiet(client: QueueClient, verb: str, **fields: Any) -> dict[str, object] | None:
    try:
        return await client.request(verb, **fields)
    except RequestError as error:
        log.info("%s refused: %s", verb, error.code)
        return None


async def make_busy(url: str, password: str = "demo", keep_free: int | None = None) -> int:
    """Open windows (all but ``keep_free``: the screenshot console's own), issue tickets, call some;
    returns how many tickets were issued."""
    operators = [entry for entry in OPERATORS if entry[1] != keep_free]
    clients: list[QueueClient] = []
    try:
        staff = {}
        for login, window, _ in operators:
            client = await _client(url, PasswordLogin(login, password))
            clients.append(client)
            await _quiet(client, "window.open", window=window)
            staff[login] = client
        kiosk = await _client(url, DeviceToken("demo-kiosk"))
        clients.append(kiosk)
        view = kiosk.view(kiosk.hello.office) if kiosk.hello else None
        priorities = {p.id for p in view.priorities} if view else set()
        issued = 0
        for service, count, priority in TICKETS:
            for n in range(count):
                wanted = priority if priority in priorities and n == 0 else None
                if await _quiet(kiosk, "ticket.issue", service=service, priority=wanted) is not None:
                    issued += 1
        for login, _, plan in operators:
            client = staff[login]
            if plan in ("call", "serve"):
                called = await _quiet(client, "call.next")
                if called is not None and plan == "serve":
                    await _quiet(client, "ticket.start", ticket=called["ticket"])
            elif plan == "break":
                await _quiet(client, "window.break", reason="обед")
        return issued
    finally:
        for client in clients:
            with contextlib.suppress(Exception):
                await client.close()


def run(url: str, keep_free: int | None = None) -> int:
    return asyncio.run(make_busy(url, keep_free=keep_free))
