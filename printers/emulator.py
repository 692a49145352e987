"""An ESC/POS printer emulator: a real TCP port or pty that decodes what a printer would print.

Used by the tests and the demo in place of a thermal printer. Bytes arrive on a TCP socket
(``start_tcp``) or on the master side of a pseudo-terminal (``start_pty``; clients open the
slave as ``serial:///dev/pts/N``); each connection gets its own ``EscPosDecoder``. Like port
9100 on a real printer, a TCP endpoint serves one connection at a time in accept order, so
jobs print in the order they were sent and a client that holds an idle connection keeps the
others waiting (which is why ``PrinterWorker`` connects per job by default). ``DLE EOT``
requests are answered according to the current state; finished tickets are kept (the last
``keep``), optionally echoed to stdout as text and saved to ``save_dir`` (.txt + .png).

States (``set_state`` at run time):

    ok          answers "online, paper present"; prints
    near_end    answers "paper near end"; still prints
    out         answers "offline, paper end"; drops what it is sent (``lost`` counts tickets)
    cover_open  answers "offline, cover open"; drops what it is sent
    dead        accepts bytes, never answers, prints nothing (a hung printer)

Control while running (the CLI): SIGUSR1 cycles the states in the order above, and
``start_control(port)`` opens a line protocol on 127.0.0.1: send ``state out`` -> ``ok out``,
``state`` -> the current state, ``tickets`` -> the number printed so far.
"""

from __future__ import annotations

import contextlib
import os
import select
import socket
import threading
import tty
from collections import deque
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path

from .escpos_decoder import DecodedTicket, EscPosDecoder, StatusRequested, TicketDecoded


class EmulatorState(StrEnum):
    """What the emulated printer reports and does."""

    OK = "ok"
    NEAR_END = "near_end"
    OUT = "out"
    COVER_OPEN = "cover_open"
    DEAD = "dead"

    @classmethod
    def parse(cls, value: str | EmulatorState) -> EmulatorState:
        aliases = {"paper_out": "out", "near-end": "near_end", "cover-open": "cover_open"}
        text = value.value if isinstance(value, EmulatorState) else value.strip().lower()
        return cls(aliases.get(text, text))


# The answer byte for DLE EOT 1, 2, 4 in each state (fixed bits 0x12 always set).
ANSWERS: dict[EmulatorState, dict[int, int]] = {
    EmulatorState.OK: {1: 0x12, 2: 0x12, 3: 0x12, 4: 0x12},
    EmulatorState.NEAR_END: {1: 0x12, 2: 0x12, 3: 0x12, 4: 0x12 | 0x0C},
    EmulatorState.OUT: {1: 0x12 | 0x08, 2: 0x12 | 0x20, 3: 0x12, 4: 0x12 | 0x0C | 0x60},
    EmulatorState.COVER_OPEN: {1: 0x12 | 0x08, 2: 0x12 | 0x04, 3: 0x12, 4: 0x12},
    EmulatorState.DEAD: {},
}
CYCLE = list(EmulatorState)
POLL = 0.1  # seconds between checks of the stop flag


class EmulatedPrinter:
    """One emulated printer; any number of TCP / pty endpoints feed it. Thread-safe."""

    def __init__(self, state: str | EmulatorState = EmulatorState.OK, *, codepage_table: int = 17,
                 save_dir: str | Path | None = None, echo: bool = False, columns: int = 48,
                 keep: int = 100) -> None:
        self.state = EmulatorState.parse(state)
        self.codepage_table = codepage_table
        self.save_dir = Path(save_dir) if save_dir else None
        self.echo, self.columns = echo, columns
        self.lost = 0  # tickets dropped because of the state
        self.printed = 0
        self._tickets: deque[DecodedTicket] = deque(maxlen=keep)
        self._cond = threading.Condition()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._closers: list[Callable[[], None]] = []
        self._decoder = EscPosDecoder(codepage_table)  # for ``feed`` (memory:// responder)

    # -- state and results ----------------------------------------------------------------

    def set_state(self, state: str | EmulatorState) -> None:
        with self._cond:
            self.state = EmulatorState.parse(state)

    def cycle_state(self) -> EmulatorState:
        with self._cond:
            self.state = CYCLE[(CYCLE.index(self.state) + 1) % len(CYCLE)]
            return self.state

    @property
    def tickets(self) -> list[DecodedTicket]:
        """The recent printed tickets, oldest first."""
        with self._cond:
            return list(self._tickets)

    def wait_for_tickets(self, n: int, timeout: float = 5.0) -> list[DecodedTicket]:
        """Block until ``n`` tickets were printed in total; TimeoutError after ``timeout`` s."""
        with self._cond:
            if not self._cond.wait_for(lambda: self.printed >= n, timeout=timeout):
                raise TimeoutError(f"{self.printed} of {n} tickets printed within {timeout} s")
            return list(self._tickets)

    def feed(self, data: bytes) -> bytes:
        """Decode ``data`` as one stream and return the status answers (a memory:// responder)."""
        return self._process(self._decoder, data)

    def _process(self, decoder: EscPosDecoder, data: bytes) -> bytes:
        with self._cond:
            events = decoder.feed(data)
            state = self.state
        replies = bytearray()
        for event in events:
            if isinstance(event, StatusRequested):
                answer = ANSWERS[state].get(event.n)
                if answer is not None:
                    replies.append(answer)
            elif isinstance(event, TicketDecoded):
                self._finished(event.ticket, state)
        return bytes(replies)

    def _finished(self, ticket: DecodedTicket, state: EmulatorState) -> None:
        if not ticket.items:
            return
        with self._cond:
            if state not in (EmulatorState.OK, EmulatorState.NEAR_END):
                self.lost += 1
                return
            self._tickets.append(ticket)
            self.printed += 1
            index = self.printed
            self._cond.notify_all()
        if self.echo:
            print(ticket.to_text(self.columns), flush=True)
        if self.save_dir is not None:
            self.save(ticket, self.save_dir / f"ticket-{index:04d}")

    @staticmethod
    def save(ticket: DecodedTicket, stem: Path) -> list[Path]:
        """Write ``stem``.txt and ``stem``-N.png for each image; returns the paths."""
        stem.parent.mkdir(parents=True, exist_ok=True)
        paths = [stem.with_suffix(".txt")]
        paths[0].write_text(ticket.to_text() + "\n", encoding="utf-8")
        for i, image in enumerate(ticket.images, 1):
            path = stem.parent / f"{stem.name}-{i}.png"
            image.save(path)
            paths.append(path)
        return paths

    # -- endpoints ------------------------------------------------------------------------

    def _thread(self, target: Callable[..., None], *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True,
                                  name=f"emulator-{target.__name__}")
        with self._cond:
            self._threads = [t for t in self._threads if t.is_alive()]
            self._threads.append(thread)
        thread.start()

    def start_tcp(self, host: str = "127.0.0.1", port: int = 0) -> tuple[str, int]:
        """Listen like a JetDirect port (one client at a time, in accept order); returns the bound (host, port)."""
        return self._listen(host, port, self._serve_socket)

    def _listen(self, host: str, port: int, serve: Callable[[socket.socket], None]) -> tuple[str, int]:
        server = socket.create_server((host, port))
        server.settimeout(POLL)
        self._closers.append(server.close)
        self._thread(self._accept, server, serve)
        bound = server.getsockname()
        return bound[0], bound[1]

    def _accept(self, server: socket.socket, serve: Callable[[socket.socket], None]) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            serve(conn)

    def _serve_socket(self, conn: socket.socket) -> None:
        decoder = EscPosDecoder(self.codepage_table)
        conn.settimeout(POLL)
        with conn:
            while not self._stop.is_set():
                try:
                    data = conn.recv(65536)
                except TimeoutError:
                    continue
                except OSError:
                    break
                if not data:
                    break
                reply = self._process(decoder, data)
                if reply:
                    try:
                        conn.sendall(reply)
                    except OSError:
                        break
        self._close_stream(decoder)

    def _close_stream(self, decoder: EscPosDecoder) -> None:
        with self._cond:
            state, events = self.state, decoder.close()
        for event in events:
            if isinstance(event, TicketDecoded):
                self._finished(event.ticket, state)

    def start_pty(self) -> str:
        """Open a pseudo-terminal pair; returns the slave path for ``serial://``."""
        master, slave = os.openpty()
        tty.setraw(slave)  # no echo, no newline translation: a clean 8-bit line
        os.set_blocking(master, False)
        path = os.ttyname(slave)

        def close() -> None:
            for fd in (master, slave):
                with contextlib.suppress(OSError):
                    os.close(fd)

        self._closers.append(close)
        self._thread(self._serve_pty, master)
        return path

    def _serve_pty(self, master: int) -> None:
        # The slave stays open in this process, so a client closing it is not an EOF: a pty
        # stream is one long connection, as a serial cable is.
        decoder = EscPosDecoder(self.codepage_table)
        poller = select.poll()
        poller.register(master, select.POLLIN)
        while not self._stop.is_set():
            try:
                if not poller.poll(POLL * 1000):
                    continue
                data = os.read(master, 65536)
            except BlockingIOError:
                continue
            except (OSError, ValueError):
                break
            if not data:
                break
            reply = self._process(decoder, data)
            if reply:
                try:
                    os.write(master, reply)
                except OSError:
                    break

    def start_control(self, host: str = "127.0.0.1", port: int = 0) -> tuple[str, int]:
        """The line protocol described in the module doc; returns the bound (host, port)."""
        return self._listen(host, port, self._serve_control)

    def _serve_control(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(2.0)
            try:
                line = conn.makefile("r", encoding="utf-8").readline(200)
                conn.sendall((self.control(line) + "\n").encode())
            except OSError:
                pass

    def control(self, command: str) -> str:
        """Answer one control line: ``state [NAME]`` or ``tickets``."""
        words = command.split()
        if words[:1] == ["state"] and len(words) == 2:
            try:
                self.set_state(words[1])
            except ValueError:
                return f"error unknown state {words[1]!r}; use {', '.join(s.value for s in CYCLE)}"
            return f"ok {self.state.value}"
        if words == ["state"]:
            return self.state.value
        if words == ["tickets"]:
            return str(self.printed)
        return "error commands: state [NAME] | tickets"

    def stop(self, timeout: float = 2.0) -> None:
        """Close every endpoint and join the threads this emulator started."""
        self._stop.set()
        with self._cond:
            threads, self._threads = self._threads, []
        for thread in threads:  # they notice the flag within POLL seconds
            if thread is not threading.current_thread():
                thread.join(timeout)
        for close in self._closers:  # only now: a closed fd number could be reused
            with contextlib.suppress(OSError):
                close()
        self._closers.clear()

    def __enter__(self) -> EmulatedPrinter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

