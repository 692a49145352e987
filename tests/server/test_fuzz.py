"""DESIGN.md §7: bad input gets a clear error reply, and the connection and the server survive.

10,000 frames made by a seeded random generator — valid frames of every verb with plausible
and implausible values, and mutations of them: flipped bytes, truncations, wrong types,
missing and unknown fields, huge strings (up to 70 KB), deep nesting, binary frames, invalid
UTF-8, frames over 1 MiB — go to a live server over five connections (a kiosk, a board, an
operator, an admin and one that never said hello), each reconnecting whenever the server
closes it.  Every frame must get exactly one reply (or a close), carrying its request id
when the id was readable; afterwards the server's log has no traceback and no internal error,
and an ordinary client is served.
"""

from __future__ import annotations

import asyncio
import json
import random
import string
import time
from collections.abc import Callable
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosed

from queue_protocol import messages as m
from queue_protocol.codec import ErrorCode

from .conftest import Client, ServerProcess

SEED = 20261122
FRAMES = 10_000
BUDGET_S = 85.0
SERVICES = ["passport", "passport_foreign", "registration", "rosreestr", "results", "social", "consult", "business",
            "passports", "nope"]
PRIORITIES = ["disabled_1_2", "hero", "ww2_veteran", None, "nope"]
CLOSES_WITHOUT_REPLY = {1007, 1009}        # invalid UTF-8, over the transport's 1 MiB: the library closes
CLOSES_AFTER_REPLY = {4001, 4003, 4008, 4009, 4029}
KNOWN_CODES = {code.value for code in ErrorCode} | {
    "unknown_service", "unknown_ticket", "unknown_window", "unknown_operator", "unknown_priority", "not_a_service",
    "service_inactive", "office_closed", "daily_limit_reached", "no_open_window", "queue_empty", "not_at_window",
    "ticket_elsewhere", "window_busy", "window_open", "window_break", "window_closed", "operator_busy",
    "call_specific_forbidden", "not_your_queue", "ticket_waiting", "ticket_called", "ticket_serving",
    "ticket_postponed", "ticket_finished", "ticket_no_show", "ticket_cancelled", "unknown_result", "bad_minutes",
    "no_target", "bad_weight", "text_too_long",
}


class Generator:
    """Frames, valid and broken, from one seeded random source."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.tickets: list[str] = ["t0000", "t" + "f" * 32]
        self.counter = 0

    def request_id(self) -> str:
        self.counter += 1
        return f"fz-{self.counter}"

    def text(self, limit: int = 40) -> str:
        alphabet = string.printable + "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВ«»—№€\u00a0\u200b\U0001f600"
        return "".join(self.rng.choice(alphabet) for _ in range(self.rng.randrange(limit + 1)))

    def anything(self, depth: int = 0) -> Any:
        kind = self.rng.randrange(12 if depth < 3 else 9)
        choices: list[Callable[[], Any]] = [
            lambda: None, lambda: self.rng.choice([True, False]), lambda: self.rng.randrange(-5, 30),
            lambda: self.rng.choice([0, -1, 2**53, 2**53 - 1, 2**64, 10**30, 9999, 10000, 481]),
            lambda: self.rng.uniform(-1e6, 1e6), lambda: self.text(), lambda: self.rng.choice(SERVICES),
            lambda: self.rng.choice(self.tickets), lambda: "x" * self.rng.choice([63, 64, 65, 200, 201, 500, 501]),
            lambda: [self.anything(depth + 1) for _ in range(self.rng.randrange(4))],
            lambda: {self.text(8): self.anything(depth + 1) for _ in range(self.rng.randrange(4))},
            lambda: {self.rng.choice(SERVICES): self.rng.choice([1.0, 0.0, -1, 100, 100.5, "1"])},
        ]
        return choices[kind]()

    def valid_fields(self, verb: str) -> dict[str, Any]:
        rng = self.rng
        ticket = rng.choice(self.tickets[-3:] if rng.random() < 0.6 else self.tickets)
        window = rng.choice([rng.randrange(1, 20), rng.randrange(1, 10_000)])
        return {
            "hello": {"protocol": 1, "token": rng.choice(["demo-kiosk", "demo-display", "wrong-token!"])},
            "ping": {},
            "resync": {"office": rng.choice(["demo", "demo", "elsewhere"]), "after_seq": rng.randrange(0, 3000)},
            "ticket.issue": {"service": rng.choice(SERVICES), "priority": rng.choice(PRIORITIES),
                             "channel": rng.choice(["walk_in", "appointment"])},
            "ticket.reprint": {"ticket": ticket},
            "printer.status": {"printer": rng.choice([None, "kiosk-printer", "other"])},
            "service.print_info": {"service": rng.choice(SERVICES), "lang": rng.choice(["ru", "en"]),
                                   "printer": rng.choice([None, "kiosk-printer", "other"])},
            "call.next": {},
            "call.ticket": {"ticket": ticket},
            "ticket.recall": {"ticket": ticket},
            "ticket.start": {"ticket": ticket},
            "ticket.finish": {"ticket": ticket, "result": rng.choice(["done", "refused", "consulted", "another_visit"])},
            "ticket.no_show": {"ticket": ticket},
            "ticket.postpone": {"ticket": ticket, "reason": self.text(30), "minutes": rng.choice([None, 1, 10, 480])},
            "ticket.transfer": {"ticket": ticket, "to_service": rng.choice([*SERVICES, None]),
                                "to_window": rng.choice([None, window]), "comment": self.text(60),
                                "to_operator": rng.choice([None, "operator3", "operator1", "ghost"]),
                                "return_to_me": rng.choice([True, False])},
            "ticket.cancel": {"ticket": ticket, "reason": self.text(30)},
            "window.open": {"window": window},
            "window.break": {"reason": self.text(30)},
            "window.resume": {},
            "window.close": {},
            "ticket.reactivate": {"ticket": ticket},
            "ticket.set_priority": {"ticket": ticket, "priority": rng.choice(PRIORITIES)},
            "window.set_services": {"window": window,
                                    "services": {rng.choice(SERVICES): rng.choice([0.5, 1.0, 2.0, 100.0])
                                                 for _ in range(rng.randrange(3))}},
            "service.set_active": {"service": rng.choice(SERVICES), "active": rng.choice([True, True, False])},
            "board.set_text": {"text": self.text(80)},
            "config.reload": {},
            "stats.today": {},
            "stats.my_day": {},
            "stats.report": {"from": rng.choice(["2026-03-01", "2026-03-05", "2024-01-01"]), "to": "2026-03-02",
                             "format": rng.choice(["csv", "csv", "docx"])},   # CSV: the fast one
        }[verb]

    def message(self) -> dict[str, Any]:
        verb = self.rng.choice(sorted(m.ROLES_FOR_VERB))
        return {"type": verb, "id": self.request_id(), **self.valid_fields(verb)}

    def frame(self) -> tuple[str | bytes, bool]:
        """(payload, sent as text): one frame, valid or broken."""
        rng = self.rng
        message = self.message()
        text = json.dumps(message, ensure_ascii=rng.random() < 0.5)
        kind = rng.randrange(100)
        if kind < 15:  # as it is
            return text, True
        if kind < 27:  # flipped bytes
            data = bytearray(text.encode())
            for _ in range(rng.randrange(1, 4)):
                data[rng.randrange(len(data))] = rng.randrange(256)
            try:
                return data.decode(), True
            except UnicodeDecodeError:
                return bytes(data), rng.random() < 0.8  # invalid UTF-8 as a text frame, or a binary frame
        if kind < 35:  # truncated
            return text[: rng.randrange(len(text))], True
        if kind < 55:  # a field of the wrong type or an odd value
            key = rng.choice([k for k in message if k != "type"] + ["id", "type"])
            message[key] = self.anything()
            return json.dumps(message), True
        if kind < 62:  # a field missing
            message.pop(rng.choice(list(message)))
            return json.dumps(message), True
        if kind < 68:  # an unknown field
            message[self.text(10) or "x"] = self.anything()
            return json.dumps(message), True
        if kind < 73:  # huge strings, up to 70 KB
            key = rng.choice(list(message))
            size = rng.choice([1000, 40_000, 65_400, 65_600, 70_000])
            message[key] = rng.choice(["a", "я", "€", "\U0001f600"]) * (size // 4 if rng.random() < 0.5 else size // 2)
            return json.dumps(message, ensure_ascii=False), True
        if kind < 78:  # deep nesting
            depth = rng.choice([10, 100, 1000, 5000, 20_000])
            nested = "[" * depth + "]" * depth
            if rng.random() < 0.5:
                return nested, True
            return text[:-1] + f', "deep": {nested}}}', True
        if kind < 83:  # binary
            return rng.choice([text.encode(), bytes(rng.randrange(256) for _ in range(rng.randrange(1, 200)))]), False
        if kind < 88:  # not an object, or not JSON at all
            return rng.choice([json.dumps(self.anything()), self.text(200), "", " ", "{}", "NaN", "[1,]", "{'a': 1}",
                               '{"type": "ping", "id": "dup", "id": 5}', "\ufeff" + text]), True
        if kind < 92:  # escapes the JSON allows and text fields may not
            return text.replace('"id"', '"\\u0069d"').replace("обед", "\\u0000\\ud800"), True
        if kind < 96:  # the request id at and past its bounds
            message["id"] = rng.choice(["", " ", "x" * 64, "x" * 65, "ид", "a\tb", 17, None, ["x"]])
            return json.dumps(message), True
        if kind < 97 and rng.random() < 0.1:  # over the transport's limit: the library closes with 1009
            return "x" * (1024 * 1024 + 10), True
        return text, True


class Worker:
    """One connection of a role, reconnecting when the server closes it."""

    def __init__(self, server: ServerProcess, name: str, credentials: dict[str, Any] | None) -> None:
        self.server = server
        self.name = name
        self.credentials = credentials
        self.client: Client | None = None
        self.sent = 0
        self.replies = 0
        self.closes: dict[int | None, int] = {}
        self.codes: dict[str, int] = {}

    async def connection(self) -> Client:
        if self.client is None or self.client.closed:
            if self.client is not None:
                await self.client.close()
            self.client = await self.server.connect(f"fuzz-{self.name}")
            if self.credentials is not None:
                await self.client.say_hello(**self.credentials)
        return self.client

    async def send(self, payload: str | bytes, as_text: bool, generator: Generator) -> None:
        client = await self.connection()
        readable_id = _readable_id(payload)
        try:
            await client.ws.send(payload, text=as_text)
        except ConnectionClosed as closed:
            client.closed = True
            code = closed.rcvd.code if closed.rcvd else None
            assert code in CLOSES_WITHOUT_REPLY | CLOSES_AFTER_REPLY, (self.name, code)
            self.closes[code] = self.closes.get(code, 0) + 1
            return
        self.sent += 1
        before = sum(len(v) for v in client.replies.values())
        deadline = time.monotonic() + 15
        while sum(len(v) for v in client.replies.values()) == before:
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name}: no reply to {payload[:300]!r}")
            try:
                if not await client._recv_one(deadline - time.monotonic()):
                    # the library's own closes answer no frame; ours may have been on their way already
                    code = client.close_code
                    self.closes[code] = self.closes.get(code, 0) + 1
                    assert code in CLOSES_WITHOUT_REPLY | CLOSES_AFTER_REPLY, \
                        f"{self.name}: closed {code} without a reply to {payload[:300]!r}"
                    return
            except TimeoutError:
                continue
        reply = client.frames[-1]
        parsed = json.loads(reply)
        self.replies += 1
        assert parsed["re"] is None or parsed["re"] == readable_id, (payload[:300], parsed)
        if parsed["ok"] is False:
            code = parsed["error"]["code"]
            assert code in KNOWN_CODES, parsed
            assert code != "internal_error", (payload[:300], parsed)
            self.codes[code] = self.codes.get(code, 0) + 1
        elif isinstance(parsed["result"], dict) and isinstance(parsed["result"].get("ticket"), str):
            generator.tickets.append(parsed["result"]["ticket"])
            del generator.tickets[:-50]
        if client.closed or (parsed.get("ok") is False and parsed["error"]["code"] in (
                "auth_failed", "session_expired", "protocol_version", "rate_limited")):
            code = await client.wait_closed(10)
            assert code in CLOSES_AFTER_REPLY, (self.name, code, parsed)
            self.closes[code] = self.closes.get(code, 0) + 1


def _readable_id(payload: str | bytes) -> str | None:
    """The request id the reply must carry in ``re``, or None when it cannot be read."""
    if isinstance(payload, bytes) or len(payload.encode("utf-8", "surrogatepass")) > 65_536:
        return None
    try:
        message = json.loads(payload)
    except (ValueError, RecursionError):
        return None
    value = message.get("id") if isinstance(message, dict) else None
    if isinstance(value, str) and 0 < len(value) <= 64 and all("!" <= ch <= "~" for ch in value):
        return value
    return None


@pytest.mark.slow
@pytest.mark.deadline(150)
async def test_ten_thousand_random_frames(server: ServerProcess) -> None:
    # sessions first: the fuzzing peer will trip the brake on password logins from 127.0.0.1
    operator = await server.login("operator1")
    await operator.ok("window.open", window=1)
    admin = await server.login("admin")
    closer = await server.login("operator20")
    sessions = {name: client.hello_result["session"] for name, client in
                (("operator1", operator), ("admin", admin), ("operator20", closer))}
    for client in (operator, admin, closer):
        await client.close()

    rng = random.Random(SEED)
    generator = Generator(rng)
    workers = [Worker(server, "kiosk", {"token": "demo-kiosk"}), Worker(server, "board", {"token": "demo-display"}),
               Worker(server, "operator", {"session": sessions["operator1"]}),
               Worker(server, "admin", {"session": sessions["admin"]}), Worker(server, "anonymous", None)]
    started = time.monotonic()
    frames = [generator.frame() for _ in range(FRAMES)]

    async def run(worker: Worker, share: list[tuple[str | bytes, bool]]) -> None:
        for payload, as_text in share:
            assert time.monotonic() - started < BUDGET_S, "the fuzz run is over its time budget"
            await worker.send(payload, as_text, generator)

    await asyncio.gather(*(run(w, frames[i::len(workers)]) for i, w in enumerate(workers)))
    elapsed = time.monotonic() - started
    total = sum(w.sent for w in workers) + sum(sum(w.closes.values()) for w in workers)
    assert total >= FRAMES and elapsed < BUDGET_S
    for worker in workers:
        if worker.client is not None:
            await worker.client.close()

    assert server.running, "the server survived"
    server.assert_clean_log()
    # an ordinary day goes on: a kiosk takes a ticket, an operator calls it
    manager = await server.hello("admin", session=sessions["admin"])
    await manager.ok("service.set_active", service="passport", active=True)
    await manager.ok("window.set_services", window=20, services={"passport": 1.0})
    desk = await server.hello("operator20", session=sessions["operator20"])
    if desk.hello_result["window"] != 20:
        reply = await desk.request("window.open", window=20)
        assert reply["ok"] or reply["error"]["code"] == "window_open", reply
        if not reply["ok"]:  # the fuzzed operator sat there: take the next free window
            number = next(w["number"] for w in desk.snapshot()["state"]["windows"] if w["status"] == "closed")
            await manager.ok("window.set_services", window=number, services={"passport": 1.0})
            await desk.ok("window.open", window=number)
    kiosk = await server.kiosk()
    issued = await kiosk.ok("ticket.issue", service="passport")
    called = await desk.ok("call.next")
    assert called["state"] == "called" and issued["label"].startswith("А")
    server.assert_clean_log()
    check = server.db_check()
    assert check.returncode == 0 and "demo: consistent" in check.stdout, check.stdout + check.stderr


NUL_TEXT = [
    ("window.break", {"reason": "об\u0000ед"}),
    ("board.set_text", {"text": "строка\u0000"}),
    ("ticket.transfer", {"comment": "к\u0000омментарий", "to_service": "consult"}),
    ("ticket.postpone", {"reason": "\u0000", "minutes": 5}),
]


async def test_a_nul_in_free_text_is_refused_or_kept_never_an_internal_error(
        start_server: Callable[..., ServerProcess], db_url: str, request: pytest.FixtureRequest) -> None:
    server = start_server(db=db_url)
    manager = await server.login("manager")
    answers = {}
    for n, (verb, fields) in enumerate(NUL_TEXT, start=1):
        operator = await server.login(f"operator{n}")  # a window each: one failure does not block the next
        await operator.ok("window.open", window=n)
        if verb.startswith("ticket."):
            issued = await operator.ok("ticket.issue", service="passport")
            await operator.ok("call.ticket", ticket=issued["ticket"])
            fields = {"ticket": issued["ticket"], **fields}
        reply = await (manager if verb == "board.set_text" else operator).request(verb, **fields)
        answers[verb] = "ok" if reply["ok"] else reply["error"]["code"]
        assert await operator.ok("ping")
    assert set(answers.values()) <= {"ok", "bad_value"}, answers
    server.assert_clean_log()
