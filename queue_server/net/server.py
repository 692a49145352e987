"""The asyncio server: one port for the websocket endpoint ``/`` and plain HTTP GETs.

This is the thin pump of DESIGN.md: it owns the event loop, hands every database call to one
writer thread (commands of an office are serialised by the database anyway, and one thread
keeps SQLite free of lock contention), and lets time act on every office (postponed tickets
return, yesterday's leftovers expire) with a ``Tick`` every few seconds.

Served now: ``GET /healthz`` (200 when the database answers, 503 otherwise).  The websocket
protocol of docs/protocol.md is the next layer on top of this class.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.http11 import Request, Response

from queue_server.config import Site
from queue_server.core.commands import Tick
from queue_server.core.numbering import local_day
from queue_server.store import Store

log = logging.getLogger("talon.server")
TICK_SECONDS = 5.0


def json_response(status: HTTPStatus, body: bytes) -> Response:
    headers = Headers([("Content-Type", "application/json; charset=utf-8"), ("Cache-Control", "no-store"),
                       ("Content-Length", str(len(body)))])
    return Response(status.value, status.phrase, headers, body)


class TalonServer:
    def __init__(self, site: Site, store: Store) -> None:
        self.site = site
        self.store = store
        self.db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="talon-db")
        self._server: Server | None = None
        self._ticker: asyncio.Task[None] | None = None

    async def in_db(self, function: Any, *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self.db, function, *args)

    async def start(self, host: str, port: int, tls: ssl.SSLContext | None = None) -> int:
        self._server = await serve(
            self.handle_websocket, host, port, process_request=self.process_request,
            compression=None, max_size=64 * 1024, ssl=tls,
        )
        self._ticker = asyncio.create_task(self._tick_forever())
        bound = self._server.sockets[0].getsockname()[1]
        log.info("listening on %s:%s (%d offices)", host, bound, len(self.site.offices))
        return int(bound)

    async def stop(self) -> None:
        if self._ticker is not None:
            self._ticker.cancel()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        self.db.shutdown(wait=True)

    async def process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        path = request.path.split("?", 1)[0]
        if path == "/healthz":
            healthy = await self.in_db(self.store.ping)
            status = HTTPStatus.OK if healthy else HTTPStatus.SERVICE_UNAVAILABLE
            return json_response(status, b'{"status":"ok"}' if healthy else b'{"status":"database unavailable"}')
        if path != "/":
            return json_response(HTTPStatus.NOT_FOUND, b'{"error":"not found"}')
        return None

    async def handle_websocket(self, connection: ServerConnection) -> None:
        await connection.close(4100, "websocket protocol not served by this version")

    def _tick_all(self) -> None:
        now = datetime.now(UTC)
        for office_config in self.site.offices:
            with self.store.office(office_config.id) as tx:
                tx.handle(Tick(), now)
                tx.state.prune(local_day(office_config.office, now))

    async def _tick_forever(self) -> None:
        while True:
            try:
                await self.in_db(self._tick_all)
            except Exception:
                log.exception("tick failed; retrying")
            await asyncio.sleep(TICK_SECONDS)
