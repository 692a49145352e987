"""The asyncio server: one port for the websocket endpoint ``/`` and plain HTTP GETs.

The thin pump of DESIGN.md: it owns the event loop and hands every database call to one
database thread (commands of an office are serialised by the database anyway, and one
thread keeps SQLite free of lock contention); commands go through the ``Batcher``, which runs
those waiting together in one transaction (group commit, ``batcher.py``).  Per connection see ``connection.py``, for the
live events ``fanout.py``, for the verbs ``dispatch.py``.  Time acts on every office (postponed
tickets return, yesterday's leftovers expire) through a ``Tick`` every few seconds, and a
poller picks up events committed by other server processes sharing the database.

HTTP: ``GET /healthz`` (200 when the database answers, else 503) and ``GET /api/load``.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, time, timedelta
from http import HTTPStatus
from typing import Any

import msgspec
from sqlalchemy import select
from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.http11 import Request, Response

from queue_protocol import messages as m
from queue_protocol.codec import PROTOCOL_VERSION, TRANSPORT_MAX_SIZE, CloseCode, ErrorCode, encode
from queue_protocol.enums import Role
from queue_protocol.replies import PrinterNotice, PrintNotice, Reply, Snapshot
from queue_protocol.views import Health, LoadReport, PrinterStatusResult, ReloadResult
from queue_protocol.wire_time import format_utc
from queue_server.config import ConfigError, Site
from queue_server.core.commands import Tick
from queue_server.core.events import Event
from queue_server.core.numbering import local_day
from queue_server.core.states import WindowStatus
from queue_server.printing.spool import Spool
from queue_server.site_db import install_site
from queue_server.store import Store
from queue_server.store.mapping import event_from_row
from queue_server.store.schema import EventRow, OfficeRow

from .auth import Authenticator
from .batcher import Batcher
from .connection import Connection
from .dispatch import Dispatcher, Outcome, RequestRefused, error, office_of
from .fanout import Fanout
from .load import office_load
from .office_views import CALL_TYPES, MAX_CALLS, call_view, office_view, wire_event
from .outbox import Flusher
from .principal import Principal
from .stats_verbs import StatsVerbs

log = logging.getLogger("talon.server")
TICK_SECONDS = 5.0
POLL_SECONDS = 0.5
RESUME_LIMIT = 1000
LOAD_CACHE_S = 2.0
TIME_DRIVEN = frozenset({"office_closed", "daily_limit_reached"})

SpecialVerb = Callable[[Principal, m.ClientMessage], Awaitable[Outcome]]


def json_response(status: HTTPStatus, body: bytes) -> Response:
    headers = Headers([("Content-Type", "application/json; charset=utf-8"), ("Cache-Control", "no-store"),
                       ("Content-Length", str(len(body)))])
    return Response(status.value, status.phrase, headers, body)


class TalonServer:
    def __init__(self, site: Site, store: Store, reload_site: Callable[[], Site] | None = None) -> None:
        self.site = site
        self.store = store
        self.reload_site = reload_site
        self.db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="talon-db")
        self.auth = Authenticator(site, store)
        self.spool = Spool(site, store, self.in_db, self.notify)
        self.dispatcher = Dispatcher(store, self.spool)
        self.batcher = Batcher(self.db, self.dispatcher.execute_batch)
        self.fanout = Fanout({o.id: store.head(o.id) for o in site.offices})
        self.special_verbs: dict[str, SpecialVerb] = {"printer.status": self._printer_status,
                                                      "config.reload": self._config_reload}
        self.special_verbs.update(StatsVerbs(self).handlers())     # stats.today, stats.report
        self.connections: set[Connection] = set()
        self.flusher = Flusher()
        self._followers: dict[str, set[Connection]] = {}   # office -> the authenticated connections following it
        self._server: Server | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._load: tuple[float, bytes] | None = None
        self._previous_heads: dict[str, int] = {}
        self._availability: dict[str, tuple[Any, ...]] = {}

    def verbs_of(self, principal: Principal) -> frozenset[str]:
        """The verbs this account may send: its role's, less ``call.ticket`` for an operator the office
        does not let call a ticket out of turn (``may_call_specific = false``), so consoles hide it."""
        verbs = m.verbs_for(principal.role)
        operators = {o.login: o for o in self.site.office(principal.office).office.operators}
        operator = operators.get(principal.user)
        if operator is not None and not operator.may_call_specific:
            verbs -= {"call.ticket"}
        return verbs

    async def in_db(self, function: Callable[..., Any], *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self.db, function, *args)

    # -- life cycle ---------------------------------------------------------------------

    async def start(self, host: str, port: int, tls: ssl.SSLContext | None = None) -> int:
        self._server = await serve(
            self.handle_websocket, host, port, process_request=self.process_request,
            compression=None, max_size=TRANSPORT_MAX_SIZE, ssl=tls, ping_interval=20, ping_timeout=20,
            max_queue=256,  # a pipelining client must not stop us reading its pongs (then: 1011 keepalive)
        )
        await self.spool.start()
        self._tasks = [asyncio.create_task(self._every(TICK_SECONDS, self._tick)),
                       asyncio.create_task(self._every(POLL_SECONDS, self._poll))]
        bound = self._server.sockets[0].getsockname()[1]
        log.info("listening on %s:%s (%d offices)", host, bound, len(self.site.offices))
        return int(bound)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        # all at once: a client that never answers the close costs its close timeout, not everyone's
        await asyncio.gather(*(connection.ws.close(CloseCode.SERVER_RESTART, "server stopping")
                               for connection in list(self.connections)), return_exceptions=True)
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        await self.spool.stop()
        self.db.shutdown(wait=True)

    async def handle_websocket(self, ws: ServerConnection) -> None:
        connection = Connection(self, ws)
        self.connections.add(connection)
        try:
            await connection.serve()
        finally:
            self.connections.discard(connection)
            for office in connection.principal.offices if connection.principal is not None else ():
                self._followers.get(office, set()).discard(connection)

    def authenticated(self, connection: Connection) -> None:
        """Index ``connection`` by the offices it follows (notices go to an office's connections only)."""
        assert connection.principal is not None
        for office in connection.principal.offices:
            self._followers.setdefault(office, set()).add(connection)

    def followers(self, office: str) -> list[Connection]:
        return list(self._followers.get(office, ()))

    # -- printing -----------------------------------------------------------------------

    def notify(self, office: str, notice: PrintNotice | PrinterNotice, device: str | None) -> None:
        """A print or printer notice to the kiosks concerned and to the office's managers."""
        frame = encode(notice)
        for connection in self.followers(office):
            p = connection.principal
            assert p is not None
            if isinstance(notice, PrintNotice):
                concerned = p.is_manager or (p.is_public and p.office == office and p.user == device)
            else:
                concerned = p.is_manager or (p.is_public and p.printer == notice.printer)
            if concerned:
                connection.push_notice(office, frame)

    async def _printer_status(self, p: Principal, message: m.ClientMessage) -> Outcome:
        assert isinstance(message, m.PrinterStatusQuery)
        try:
            office = office_of(p, message)
        except RequestRefused as refused:
            return Outcome(error(message.id, refused.code, str(refused)))
        wanted = p.printer if p.is_public else message.printer
        if p.is_public and message.printer not in (None, p.printer):
            return Outcome(error(message.id, ErrorCode.FORBIDDEN, "a kiosk may ask only about its own printer"))
        views = self.spool.views(office, wanted)
        if not views and (wanted is not None or p.is_public):
            return Outcome(error(message.id, ErrorCode.NO_PRINTER, "no such printer"))
        return Outcome(msgspec.to_builtins(Reply(re=message.id, result=PrinterStatusResult(printers=views))))

    # -- configuration ------------------------------------------------------------------

    async def _config_reload(self, p: Principal, message: m.ClientMessage) -> Outcome:
        """Read the configuration again; apply it, or change nothing and say what is wrong."""
        if self.reload_site is None:
            return Outcome(error(message.id, ErrorCode.BAD_CONFIG, "this server was started without a configuration"))
        try:
            new = await asyncio.to_thread(self.reload_site)
        except ConfigError as problem:
            return Outcome(error(message.id, ErrorCode.BAD_CONFIG, str(problem)))
        old = {o.id: o for o in self.site.offices}
        changed = [o.id for o in new.offices if old.get(o.id) != o]
        await self.in_db(install_site, self.store, new)
        self.site = self.auth.site = self.spool.site = new
        for office in new.offices:
            if office.id not in self.fanout.delivered:
                self.fanout.add_office(office.id, await self.in_db(self.store.head, office.id))
        for connection in list(self.connections):
            if connection.principal is not None and not self._still_allowed(connection.principal):
                await connection.ws.close(CloseCode.CREDENTIALS_REVOKED, "removed from the configuration")
        log.info("configuration reloaded by %s: %d offices, changed %s", p.user, len(new.offices), changed)
        result = ReloadResult(offices=list(new.office_ids), changed=changed)
        return Outcome(msgspec.to_builtins(Reply(re=message.id, result=result)))

    def _still_allowed(self, p: Principal) -> bool:
        if p.is_public:
            try:
                self.site.office(p.office).device(p.user)
            except KeyError:
                return False
            return True
        account = self.site.account(p.user)
        return account is not None and account.role.value == p.role.value and account.office_id == p.office

    # -- HTTP ---------------------------------------------------------------------------

    async def process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        path = request.path.split("?", 1)[0]
        if path == "/healthz":
            healthy = await self.in_db(self.store.ping)
            body = Health(status="ok" if healthy else "unavailable", database="ok" if healthy else "not answering",
                          protocol=PROTOCOL_VERSION, server_time=format_utc(datetime.now(UTC)))
            return json_response(HTTPStatus.OK if healthy else HTTPStatus.SERVICE_UNAVAILABLE, msgspec.json.encode(body))
        if path == "/api/load":
            return json_response(HTTPStatus.OK, await self._load_report())
        if path != "/" or "upgrade" not in request.headers.get("Connection", "").lower():
            return json_response(HTTPStatus.NOT_FOUND, b'{"error": "not found"}')
        return None

    async def _load_report(self) -> bytes:
        loop = asyncio.get_running_loop()
        if self._load is None or loop.time() - self._load[0] > LOAD_CACHE_S:
            self._load = (loop.time(), await self.in_db(self._compute_load))
        return self._load[1]

    def _compute_load(self) -> bytes:
        now = datetime.now(UTC)
        offices = []
        for office_config in self.site.offices:
            with self.store.office(office_config.id) as tx:
                offices.append(office_load(tx.engine, now))
        return msgspec.json.encode(LoadReport(generated_at=format_utc(now), offices=offices))

    # -- on the database thread ---------------------------------------------------------

    def open_window_of(self, office_id: str, login: str) -> int | None:
        """The window ``login`` still staffs (a console reconnecting after a restart)."""
        with self.store.office(office_id) as tx:
            for number, window in tx.state.windows.items():
                if window.operator == login and window.status is not WindowStatus.CLOSED:
                    return number
        return None

    def catch_up(self, office_id: str, role: Role, after: int | None) -> tuple[str, list[str], int]:
        """What a client resuming after ``after`` needs: ("events", frames, head) or a snapshot."""
        public = role in (Role.KIOSK, Role.DISPLAY)
        now = datetime.now(UTC)
        with self.store.office(office_id) as tx:
            head = tx.start_seq
            office = tx.engine.office
            midnight = datetime.combine(local_day(office, now), time(0), office.tz).astimezone(UTC)
            if after is not None and 0 <= head - after <= RESUME_LIMIT:
                if after == head:
                    return "events", [], head
                seen_at = tx.conn.execute(select(EventRow.at).where(
                    EventRow.office_id == office_id, EventRow.seq == max(after, 1))).scalar_one_or_none()
                if seen_at is not None and seen_at >= midnight:  # an earlier local day: a fresh snapshot
                    rows = tx.conn.execute(select(EventRow).where(
                        EventRow.office_id == office_id, EventRow.seq > after, EventRow.seq <= head,
                    ).order_by(EventRow.seq))
                    frames = [encode(wire_event(office_id, event_from_row(row), public=public)) for row in rows]
                    return "events", frames, head
            rows = tx.conn.execute(select(EventRow).where(
                EventRow.office_id == office_id, EventRow.seq <= head, EventRow.at >= midnight,
                EventRow.type.in_([t.value for t in CALL_TYPES])).order_by(EventRow.seq.desc()).limit(MAX_CALLS))
            calls = [call_view(event_from_row(row)) for row in rows]
            view = office_view(tx.engine, role, calls, now)
        return "snapshot", [encode(Snapshot(office=office_id, seq=head, state=view))], head

    def _tick_all(self) -> tuple[list[tuple[str, list[Event]]], list[str]]:
        """Let time act on every office; also say which offices' availability time alone changed
        (opening hours began or ended, a daily limit was reached, a new day): no event tells that."""
        now = datetime.now(UTC)
        happened, moved = [], []
        for office_config in self.site.offices:
            with self.store.office(office_config.id) as tx:
                tx.handle(Tick(), now)
                tx.state.prune(local_day(office_config.office, now) - timedelta(days=1))
                engine = tx.engine
                reasons = (engine.unavailable_reason(s.id, now) for s in office_config.office.services
                           if not s.is_category)  # window and service changes come as events; these do not:
                availability = (local_day(office_config.office, now),
                                tuple(r if r in TIME_DRIVEN else None for r in reasons))
            if tx.committed:
                happened.append((office_config.id, tx.committed))
            if self._availability.setdefault(office_config.id, availability) != availability:
                self._availability[office_config.id] = availability
                moved.append(office_config.id)
        return happened, moved

    def _heads(self) -> dict[str, int]:
        with self.store.engines.read.connect() as conn:
            return {row.id: row.last_seq for row in conn.execute(select(OfficeRow.id, OfficeRow.last_seq))}

    # -- periodic work ------------------------------------------------------------------

    async def _every(self, seconds: float, work: Callable[[], Awaitable[None]]) -> None:
        while True:
            try:
                await work()
            except Exception:
                log.exception("periodic %s failed; retrying", getattr(work, "__name__", work))
            await asyncio.sleep(seconds)

    async def _tick(self) -> None:
        happened, moved = await self.in_db(self._tick_all)
        for office_id, events in happened:
            self.fanout.publish(office_id, events)
        for office_id in moved:  # a fresh snapshot, so kiosks grey out or enable services in time
            for connection in self.followers(office_id):
                if office_id in connection.floors:
                    await connection.refresh(office_id)

    async def _poll(self) -> None:
        """Deliver events this process did not commit (other processes), or whose delivery was lost.

        Only events already seen in the previous poll are fetched, so an event this process is
        about to publish right after its reply is not raced ahead of that reply.
        """
        heads = await asyncio.to_thread(self._heads)
        previous, self._previous_heads = self._previous_heads, heads
        for office_id, head in heads.items():
            delivered = self.fanout.delivered.get(office_id, head)
            settled = min(head, previous.get(office_id, 0))
            if settled > delivered:
                events = await asyncio.to_thread(self.store.events_since, office_id, delivered, settled - delivered)
                self.fanout.publish(office_id, events)

