"""Puts real calls on a running server, as operators would: for screenshots and the demo.

A board shows what happens in the office, so a screenshot of an empty board says little.
These coroutines log in as demo operators (``operatorN`` / ``demo``) over a plain
:class:`~queue_protocol.client.QueueClient`, open their windows, take a ticket for a service
the window serves and call it -- exactly what a console does.  They are safe to run again on
the same server: a window already open is reused, a visitor still at it is finished first.
"""

from __future__ import annotations

import asyncio
from typing import Final

from queue_protocol.client import PasswordLogin, QueueClient, RequestError

CLIENT_NAME: Final = "talon-display stage"
PASSWORD: Final = "demo"

# (operator, window, service): windows of the demo office and a service each one serves
DEMO_DESKS: Final = (
    ("operator19", 19, "consult"), ("operator14", 14, "social"), ("operator8", 8, "rosreestr"),
    ("operator11", 11, "results"), ("operator5", 5, "passport_foreign"), ("operator17", 17, "business"),
    ("operator7", 7, "registration"), ("operator3", 3, "passport"),
)
RUNNING_TEXT: Final = ("Уважаемые посетители! Госпошлину можно оплатить в терминале у входа. "
                       "Выдача готовых документов — окна 11 и 12.")


class Desk:
    """One operator at one window, over their own connection."""

    def __init__(self, url: str, operator: str, window: int, service: str) -> None:
        self.window, self.service = window, service
        self.client = QueueClient(url, PasswordLogin(operator, PASSWORD), client_name=CLIENT_NAME)

    async def open(self) -> None:
        self.client.start()
        await self.client.wait_online(15)
        try:
            await self.client.request("window.open", window=self.window)
        except RequestError as error:
            if error.code not in ("window_open", "operator_busy"):
                raise

    async def call(self) -> str:
        """Finish whoever is at the window, take a ticket for it and call: the label called."""
        await self._free_window()
        await self.client.request("ticket.issue", service=self.service)
        result = await self.client.request("call.next")
        return str(result["label"])

    async def recall(self) -> str:
        ticket = self._ticket_at_window()
        if ticket is None:
            return await self.call()
        result = await self.client.request("ticket.recall", ticket=ticket)
        return str(result["label"])

    async def close(self) -> None:
        await self.client.close()

    def _ticket_at_window(self) -> str | None:
        office = self.client.hello.office if self.client.hello is not None else ""
        view = self.client.view(office)
        if view is None:
            return None
        return next((w.ticket for w in view.windows if w.number == self.window and w.ticket), None)

    async def _free_window(self) -> None:
        ticket = self._ticket_at_window()
        if ticket is None:
            return
        try:
            await self.client.request("ticket.finish", ticket=ticket, result="done")
        except RequestError as error:
            if error.code != "ticket_called":
                raise
            await self.client.request("ticket.start", ticket=ticket)
            await self.client.request("ticket.finish", ticket=ticket, result="done")


async def open_desks(url: str, desks: tuple[tuple[str, int, str], ...] = DEMO_DESKS) -> list[Desk]:
    opened = [Desk(url, *desk) for desk in desks]
    await asyncio.gather(*(desk.open() for desk in opened))
    return opened


async def fill_board(url: str, *, running_text: str = RUNNING_TEXT, waiting: int = 6) -> list[str]:
    """Calls at every demo desk (oldest first), a few visitors left waiting, the running text."""
    desks = await open_desks(url)
    try:
        labels = [await desk.call() for desk in desks]
        for n in range(waiting):   # people still waiting, for the waiting counts
            await desks[n % len(desks)].client.request("ticket.issue", service=desks[n % len(desks)].service)
        manager = QueueClient(url, PasswordLogin("manager", PASSWORD), client_name=CLIENT_NAME)
        manager.start()
        try:
            await manager.wait_online(15)
            await manager.request("board.set_text", text=running_text)
        finally:
            await manager.close()
        return labels
    finally:
        await asyncio.gather(*(desk.close() for desk in desks))


async def call_at(url: str, operator: str, window: int, service: str, *, recall: bool = False) -> str:
    """One call (or recall) at one desk; the label called."""
    desk = Desk(url, operator, window, service)
    try:
        await desk.open()
        return await (desk.recall() if recall else desk.call())
    finally:
        await desk.close()


async def call_in_turn(url: str, desks: list[tuple[str, int, str]]) -> list[str]:
    """Each desk ``(operator, window, service)`` calls one visitor, one after another: the labels."""
    return [await call_at(url, *desk) for desk in desks]
