"""``QtQueueClient``: the :class:`~queue_protocol.client.QueueClient` for the PySide6 apps.

The only module of ``queue_protocol`` that imports Qt (tests/test_layering.py).  The apps'
model objects own one bridge each (DESIGN.md §8, STYLE.md lesson 9): widgets never see it.

How it works: the asyncio client runs in its own event loop in a worker thread.  Everything it
reports — state changes, snapshots, events, notices, replies — is handed to the GUI thread
through one internal signal with an explicit ``QueuedConnection`` to a slot of this object, so
every public signal is emitted *on the GUI thread*, whatever a receiver connects with, and
the views the bridge keeps are read and written there only.  ``send()`` only schedules the
request on the worker's loop (``run_coroutine_threadsafe``) and returns: it never blocks the
GUI.  Views cross the thread as frozen :class:`~queue_protocol.views.OfficeView` Structs that
the worker built and never touches again.

Call order: ``start()``; any number of ``send()``; ``stop()`` before the bridge goes away
(it joins the worker thread, at most ``timeout`` seconds).

Why a worker thread and not QtAsyncio: measured on this machine (2 cores, Python 3.11,
PySide6 6.12, websockets 17, QT_QPA_PLATFORM=offscreen, the demo server on 127.0.0.1; run
``python -m queue_protocol.qt_bridge ws://127.0.0.1:PORT/`` to measure again):

(a) asyncio loop in a worker thread, results through queued signals (this module)
    200 sequential pings, from send() in the GUI thread to request_finished in the GUI
    thread: median 0.53-0.57 ms, p95 0.63-2.4 ms, max 1.2-4.5 ms over three runs; the same
    200 pings from a plain asyncio program without Qt: median 0.30-0.46 ms, p95 0.42-4.1 ms.
    The hop to the GUI thread costs about 0.1-0.25 ms.  200 pipelined pings: 33-57 ms in all.
    GUI responsiveness: a 5 ms PreciseTimer fired at most 0.57-0.78 ms late while the pings
    ran (median 0.02 ms), no worse than idle (median 0.14 ms late); send() took 0.03 ms
    (median) and 0.35 ms at most in the GUI thread.
(b) PySide6's QtAsyncio (asyncio on the Qt event loop)
    Not usable: it is not in PySide6-Essentials, our dependency (it ships in PySide6-Addons,
    a 59 MB wheel), and in 6.12 its loop raises ``NotImplementedError:
    QAsyncioEventLoop.create_connection() is not implemented yet`` (also ``add_reader``,
    ``sock_*``, ``getaddrinfo``), so websockets cannot open a connection at all: no round
    trip to measure.  It also makes ``QtAsyncio.run()`` own the application's main loop,
    which pytest-qt and ``app.exec()`` style apps do not fit.

So (a).  The bridge is one module with a small surface (signals + send/start/stop), so it can
be swapped for QtAsyncio once that loop can open sockets.

Found while measuring: PySide6-Essentials 6.12.0 on Python 3.11 loses a reference to ``True``
at every ``Signal.emit()`` (``emit`` returns ``True`` without a new reference), so a bridge
that emits a few thousand signals aborts with "Fatal Python error: bool_dealloc"; 6.11.3 is
correct.  setup.cfg keeps the binding below 6.12 and tests/test_qt_runtime.py checks it;
tests/client/test_qt_bridge.py checks the bridge's own emits.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
from collections.abc import Callable
from functools import partial
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal, SignalInstance, Slot

from .client import (
    ClientClosed,
    ConnectionState,
    Credentials,
    Notice,
    PasswordLogin,
    QueueClient,
)
from .replies import EventMessage
from .views import HelloResult, OfficeView


class QtQueueClient(QObject):
    """A :class:`QueueClient` in a worker thread, seen from the GUI thread through signals.

    Signals (all emitted on the thread this object lives in, the GUI thread):

    * ``state_changed(str)`` — a :class:`ConnectionState` value ("online", "offline", ...);
      :attr:`detail` says why.
    * ``snapshot_received(str office, object OfficeView)`` — a fresh snapshot was loaded.
    * ``event_received(str office, object EventMessage)`` — an event was applied to the mirror.
    * ``notice_received(str office, object PrintNotice | PrinterNotice)``.
    * ``mirror_changed(str office)`` — after either of the two above: re-read :meth:`view`.
    * ``request_finished(str tag, bool ok, object result)`` — ``result`` is the reply's
      ``result`` dict when ``ok``, else the exception (``RequestError`` with ``.code``,
      ``RequestTimeout``, ``AuthError``, ``ClientClosed``).
    """

    state_changed = Signal(str)
    snapshot_received = Signal(str, object)
    event_received = Signal(str, object)
    notice_received = Signal(str, object)
    mirror_changed = Signal(str)
    request_finished = Signal(str, bool, object)
    _deliver = Signal(object)   # a callable, run on the GUI thread by _run_delivered

    def __init__(self, url: str, credentials: Credentials, *, client_name: str, request_timeout: float = 10.0,
                 parent: QObject | None = None, **client_options: Any) -> None:
        super().__init__(parent)
        self._deliver.connect(self._run_delivered, Qt.ConnectionType.QueuedConnection)
        self._client = QueueClient(
            url, credentials, client_name=client_name, request_timeout=request_timeout,
            on_state=self._w_state, on_snapshot=self._w_snapshot, on_event=self._w_event, on_notice=self._w_notice,
            **client_options,
        )
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stopping: asyncio.Event | None = None
        # GUI-thread copies of what the worker reported
        self._state = ConnectionState.OFFLINE.value
        self._detail = ""
        self._hello: HelloResult | None = None
        self._views: dict[str, OfficeView] = {}

    # -- GUI thread: what the app reads ------------------------------------------------

    @property
    def state(self) -> str:
        return self._state

    @property
    def detail(self) -> str:
        return self._detail

    @property
    def hello(self) -> HelloResult | None:
        """The last hello reply (role, user, offices, window, printer), as of the last state change."""
        return self._hello

    def view(self, office: str) -> OfficeView | None:
        """The office as of the last ``mirror_changed``; frozen, safe to keep."""
        return self._views.get(office)

    @property
    def offices(self) -> list[str]:
        return list(self._views)

    # -- GUI thread: what the app does -------------------------------------------------

    @Slot()
    def start(self) -> None:
        """Start the worker thread and the connection; returns at once."""
        if self._thread is not None:
            raise RuntimeError("start() was already called")
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._w_main, name="talon-client", daemon=True)
        self._thread.start()

    @Slot()
    def stop(self, timeout: float = 5.0) -> None:
        """Close the connection and end the worker thread (waits for it at most ``timeout`` s)."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None or not thread.is_alive():
            return
        with contextlib.suppress(RuntimeError):   # the loop may have ended already
            loop.call_soon_threadsafe(self._w_stop)
        thread.join(timeout)

    def send(self, verb: str, fields: dict[str, Any] | None = None, tag: str = "",
             request_id: str | None = None, timeout: float | None = None) -> str:
        """Send a request; ``request_finished(tag, ok, result)`` tells the outcome.  Never blocks.

        ``tag`` defaults to the request id (returned), so a caller can match replies either way;
        pass ``request_id`` to retry a request whose outcome is unknown, ``timeout`` (seconds)
        for a request slower than the client's default (``stats.report``).
        """
        if self._loop is None:
            raise RuntimeError("start() first")
        rid = request_id if request_id is not None else self._client.new_request_id()
        tag = tag or rid
        request = self._client.request(verb, request_id=rid, timeout=timeout, **(fields or {}))
        try:
            future = asyncio.run_coroutine_threadsafe(request, self._loop)
        except RuntimeError:   # the loop is gone: stopped
            request.close()
            self.request_finished.emit(tag, False, ClientClosed("the client is stopped"))
            return tag
        future.add_done_callback(partial(self._w_finished, tag))
        return tag

    def login(self, username: str, password: str) -> None:
        """Credentials after ``auth_required`` / ``auth_failed``."""
        self.set_credentials(PasswordLogin(username, password))

    def set_credentials(self, credentials: Credentials) -> None:
        self._call_in_worker(self._client.set_credentials, credentials)

    def drop_connection(self) -> None:
        """Abort the connection as if the network failed; the client reconnects by itself."""
        self._call_in_worker(self._client.drop_connection)

    def _call_in_worker(self, function: Callable[..., Any], *args: Any) -> None:
        if self._loop is None:
            raise RuntimeError("start() first")
        with contextlib.suppress(RuntimeError):
            self._loop.call_soon_threadsafe(function, *args)

    @Slot(object)
    def _run_delivered(self, job: Callable[[], None]) -> None:
        job()

    # -- worker thread -----------------------------------------------------------------

    def _w_main(self) -> None:
        assert self._loop is not None
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._w_run())
        finally:
            self._loop.close()

    async def _w_run(self) -> None:
        self._stopping = asyncio.Event()
        self._client.start()
        try:
            await self._stopping.wait()
        finally:
            await self._client.close()

    def _w_stop(self) -> None:
        if self._stopping is not None:
            self._stopping.set()

    def _post(self, job: Callable[[], None]) -> None:
        self._deliver.emit(job)

    def _w_state(self, state: ConnectionState, detail: str) -> None:
        self._post(partial(self._g_state, state.value, detail, self._client.hello))

    def _w_snapshot(self, office: str, view: OfficeView) -> None:
        self._post(partial(self._g_mirror, office, view, self.snapshot_received, view))

    def _w_event(self, office: str, message: EventMessage) -> None:
        view = self._client.view(office)
        if view is not None:
            self._post(partial(self._g_mirror, office, view, self.event_received, message))

    def _w_notice(self, office: str, notice: Notice) -> None:
        self._post(partial(self.notice_received.emit, office, notice))

    def _w_finished(self, tag: str, future: concurrent.futures.Future[dict[str, Any]]) -> None:
        if future.cancelled():
            outcome: tuple[bool, object] = (False, ClientClosed("the request was cancelled"))
        elif future.exception() is not None:
            outcome = (False, future.exception())
        else:
            outcome = (True, future.result())
        self._post(partial(self.request_finished.emit, tag, *outcome))

    # -- GUI thread: applying what the worker posted -----------------------------------

    def _g_state(self, state: str, detail: str, hello: HelloResult | None) -> None:
        self._state, self._detail, self._hello = state, detail, hello
        self.state_changed.emit(state)

    def _g_mirror(self, office: str, view: OfficeView, signal: SignalInstance, payload: object) -> None:
        self._views[office] = view
        signal.emit(office, payload)
        self.mirror_changed.emit(office)


# -- the measurement in the module docstring -------------------------------------------------

def _summary(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(s * 1000 for s in seconds)
    return {"n": len(ordered), "median_ms": round(ordered[len(ordered) // 2], 3),
            "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1], 3), "max_ms": round(ordered[-1], 3)}


def measure(url: str, token: str, count: int = 200) -> dict[str, Any]:
    """Round trips of ``count`` pings without Qt and through the bridge, and GUI timer lateness."""
    import time

    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from .client import DeviceToken

    async def plain() -> list[float]:
        async with QueueClient(url, DeviceToken(token), client_name="bridge measurement") as client:
            await client.wait_online(15)
            rtts = []
            for _ in range(count):
                started = time.perf_counter()
                await client.request("ping")
                rtts.append(time.perf_counter() - started)
            return rtts

    report: dict[str, Any] = {"asyncio_without_qt": _summary(asyncio.run(plain()))}
    app = QApplication.instance() or QApplication([])
    try:
        from PySide6 import QtAsyncio  # PySide6-Addons only
    except ImportError:
        report["qtasyncio"] = "not installed: QtAsyncio ships in PySide6-Addons, not in PySide6-Essentials"
    else:
        report["qtasyncio"] = _try_qtasyncio(QtAsyncio, url)
    bridge = QtQueueClient(url, DeviceToken(token), client_name="bridge measurement")
    wait = QEventLoop()
    lateness: list[float] = []
    last_tick = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        lateness.append(max(0.0, now - last_tick[0] - 0.005))
        last_tick[0] = now

    timer = QTimer(interval=5)
    timer.setTimerType(Qt.TimerType.PreciseTimer)
    timer.timeout.connect(tick)
    bridge.state_changed.connect(lambda state: wait.quit() if state == "online" else None)
    bridge.start()
    QTimer.singleShot(15_000, wait.quit)
    wait.exec()
    timer.start()
    QTimer.singleShot(1000, wait.quit)
    wait.exec()
    report["gui_timer_late_idle"] = _summary(lateness)
    lateness.clear()
    rtts: list[float] = []
    send_costs: list[float] = []
    sent_at = [0.0]

    def send_one() -> None:
        sent_at[0] = time.perf_counter()
        bridge.send("ping")
        send_costs.append(time.perf_counter() - sent_at[0])

    def finished(tag: str, ok: bool, result: object) -> None:
        rtts.append(time.perf_counter() - sent_at[0])
        if len(rtts) < count:
            send_one()
        else:
            wait.quit()

    bridge.request_finished.connect(finished)
    send_one()
    wait.exec()
    report["bridge_sequential"] = _summary(rtts)
    report["gui_timer_late_during_pings"] = _summary(lateness)
    report["send_call_in_gui_thread"] = _summary(send_costs)
    bridge.request_finished.disconnect(finished)
    done = [0]

    def counted(tag: str, ok: bool, result: object) -> None:
        done[0] += 1
        if done[0] == count:
            wait.quit()

    bridge.request_finished.connect(counted)
    started = time.perf_counter()
    for _ in range(count):
        bridge.send("ping")
    wait.exec()
    report["bridge_pipelined_total_ms"] = round((time.perf_counter() - started) * 1000, 1)
    timer.stop()
    bridge.stop()
    del app
    return report


def _try_qtasyncio(qtasyncio: Any, url: str) -> str:
    from websockets.asyncio.client import connect

    async def attempt() -> str:
        try:
            async with connect(url, open_timeout=5):
                return "connected"
        except Exception as error:
            return f"{type(error).__name__}: {error}"

    outcome: str = qtasyncio.run(attempt(), keep_running=False)
    return outcome


if __name__ == "__main__":
    import json
    import sys

    if len(sys.argv) < 2:
        sys.exit("usage: python -m queue_protocol.qt_bridge ws://127.0.0.1:PORT/ [kiosk-token]")
    print(json.dumps(measure(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "demo-kiosk"), indent=2))
