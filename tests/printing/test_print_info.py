"""service.print_info: a service's info page printed by the emulator, once per request id, and its failures."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

PRINT_BOUND = 5.0  # seconds from the reply to a printed / failed notice


def test_a_kiosk_prints_the_info_page_once_however_often_it_asks(
        db_url: str, emulator: Any, start_server: Any, connect_as: Any, print_jobs: Callable[..., Any],
        run: Any) -> None:
    server = start_server(emulator.url, db_url)

    async def scenario() -> dict[str, Any]:
        async with connect_as(server, "kiosk") as kiosk, connect_as(server, "manager") as manager:
            first = await kiosk.rpc("service.print_info", request_id="kiosk-info-1", service="passport")
            done = await kiosk.job_done(first["result"]["print_job"], PRINT_BOUND)
            again = await kiosk.rpc("service.print_info", request_id="kiosk-info-1", service="passport")
            other = await kiosk.rpc("service.print_info", request_id="kiosk-info-1", service="registration")
            seen_by_manager = await manager.job_done(first["result"]["print_job"], PRINT_BOUND)
        async with connect_as(server, "kiosk") as kiosk:   # reconnected: the retry of a lost reply
            reconnected = await kiosk.rpc("service.print_info", request_id="kiosk-info-1", service="passport")
            # the notices went to the lost connection: the answered retry is followed by how the job ended
            replayed = await kiosk.job_done(reconnected["result"]["print_job"], 2)
            english = await kiosk.ok("service.print_info", service="passport", lang="en")
            await kiosk.job_done(english["print_job"], PRINT_BOUND)
        async with connect_as(server, "kiosk") as one, connect_as(server, "kiosk") as two:   # a double tap, two links
            frame = {"type": "service.print_info", "id": "kiosk-info-2", "service": "registration"}
            await asyncio.gather(one.send(frame), two.send(frame))
            raced = await asyncio.gather(one.reply_to(frame["id"]), two.reply_to(frame["id"]))
            await one.job_done(raced[0]["result"]["print_job"], PRINT_BOUND)
            await asyncio.gather(one.drain(0.5), two.drain(0.5))   # time for a second page, were there one
        return dict(first=first, done=done, again=again, other=other, seen_by_manager=seen_by_manager,
                    reconnected=reconnected, replayed=replayed, english=english, raced=raced)

    r = run(scenario())
    result = r["first"]["result"]
    assert r["first"]["ok"] is True and result["service"] == "passport" and result["printer"] == "kiosk-printer"
    assert result["printer_status"] in ("ok", "unknown")
    assert r["done"] == {**r["done"], "kind": "info", "service": "passport", "ticket": "", "label": "",
                         "state": "printed", "reason": ""}
    assert r["seen_by_manager"]["job"] == result["print_job"]
    assert json.dumps(r["again"]) == json.dumps(r["first"]) == json.dumps(r["reconnected"])
    assert r["replayed"] == {**r["done"], "printer_status": r["replayed"]["printer_status"]}
    assert r["other"]["ok"] is False and r["other"]["error"]["code"] == "id_reused"
    assert r["raced"][0] == r["raced"][1] and r["raced"][0]["ok"] is True
    russian, english, raced = emulator.printer.wait_for_tickets(3, 5)
    assert emulator.printer.printed == 3   # one page per request id, not five
    assert russian.find("Паспорт РФ") is not None and russian.find("Паспорт РФ").height == 2
    assert russian.find("Что взять с собой:") is not None and russian.find("Что взять с собой:").bold
    assert russian.find("· Две фотографии 35x45 мм") is not None   # × is not in CP866: x
    assert russian.find("Мои документы") is not None and russian.find("Пн-Пт 08:00-20:00") is not None
    assert russian.find("Вс выходной") is not None and russian.qr_payloads == []
    assert english.find("What to bring:") is not None and english.find("Russian passport") is not None
    assert english.find("· Two 35x45 mm photos") is not None and english.find("Mon-Fri 08:00-20:00") is not None
    assert raced.find("Регистрация") is not None
    jobs = print_jobs(server)
    assert [(j.kind, j.ticket_id, j.service_id, j.lang, j.device_id, j.state) for j in jobs] == [
        ("info", None, "passport", "ru", "kiosk-1", "printed"), ("info", None, "passport", "en", "kiosk-1", "printed"),
        ("info", None, "registration", "ru", "kiosk-1", "printed")]


def test_unknown_services_categories_and_printers_are_refused_and_nothing_prints(
        db_url: str, emulator: Any, start_server: Any, connect_as: Any, print_jobs: Callable[..., Any],
        run: Any) -> None:
    server = start_server(emulator.url, db_url)

    async def scenario() -> dict[str, Any]:
        async with connect_as(server, "kiosk") as kiosk, connect_as(server, "manager") as manager, \
                connect_as(server, "operator1") as operator:
            return dict(
                unknown=await kiosk.rpc("service.print_info", service="pasport"),
                category=await kiosk.rpc("service.print_info", service="passports"),
                foreign=await kiosk.rpc("service.print_info", service="passport", printer="hall-printer"),
                manager_none=await manager.rpc("service.print_info", service="passport"),
                manager_unknown=await manager.rpc("service.print_info", service="passport", printer="nope"),
                operator=await operator.rpc("service.print_info", service="passport"),
                manager_ok=await manager.ok("service.print_info", service="passport", printer="kiosk-printer"),
                retry_after_refusal=await kiosk.rpc("service.print_info", service="passport"),
            )

    r = run(scenario())
    codes = {k: v["error"]["code"] for k, v in r.items() if isinstance(v, dict) and v.get("ok") is False}
    assert codes == {"unknown": "unknown_service", "category": "not_a_service", "foreign": "forbidden",
                     "manager_none": "no_printer", "manager_unknown": "no_printer", "operator": "forbidden"}
    assert "pasport" in r["unknown"]["error"]["message"]
    emulator.printer.wait_for_tickets(2, 5)
    assert [(j.service_id, j.device_id) for j in print_jobs(server)] == [("passport", ""), ("passport", "kiosk-1")]


def test_a_dead_printer_fails_the_info_page_and_tells_the_kiosk(
        db_url: str, emulator: Any, start_server: Any, connect_as: Any, print_jobs: Callable[..., Any],
        run: Any) -> None:
    emulator.printer.set_state("out")   # before the server's first look at it
    server = start_server(emulator.url, db_url)

    async def scenario() -> tuple[dict[str, Any], dict[str, Any]]:
        async with connect_as(server, "kiosk") as kiosk:
            await kiosk.known_status()
            result = await kiosk.ok("service.print_info", service="passport")
            return result, await kiosk.job_done(result["print_job"], PRINT_BOUND)

    result, done = run(scenario())
    assert result["printer_status"] == "paper_out"
    assert done == {**done, "kind": "info", "service": "passport", "state": "failed", "reason": "paper_out"}
    assert emulator.printer.printed == 0
    [job] = print_jobs(server)
    assert (job.kind, job.state, job.reason) == ("info", "failed", "paper_out")
