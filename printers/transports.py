"""The transport classes behind ``connections.connect``; see that module for the URLs.

Each one wraps a socket, a pyserial port, a file descriptor, ``lp`` or python-escpos's
``Usb`` (composition: none inherits from a python-escpos printer class) and maps their
errors onto ``ConnectError`` / ``TransportTimeout`` / ``TransportError``.
"""

from __future__ import annotations

import os
import select
import shutil
import socket
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import serial

from .errors import ConnectError, TransportError, TransportTimeout

DEFAULT_TIMEOUT = 3.0
CHUNK = 4096


@runtime_checkable
class Transport(Protocol):
    """A byte pipe to one printer. ``bidirectional`` is False when status can never be read."""

    url: str
    timeout: float

    @property
    def bidirectional(self) -> bool: ...

    def open(self) -> None: ...

    def write(self, data: bytes) -> None: ...

    def read(self, n: int, timeout: float | None = None) -> bytes: ...

    def close(self) -> None: ...


def _chunks(data: bytes, size: int = CHUNK) -> Iterator[bytes]:
    view = memoryview(data)
    for start in range(0, len(view), size):
        yield bytes(view[start:start + size])


class TcpTransport:
    """Raw TCP ("port 9100", JetDirect); answers to DLE EOT come back on the same socket."""

    bidirectional = True

    def __init__(self, url: str, host: str, port: int, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.url, self.host, self.port, self.timeout = url, host, port, timeout
        self._sock: socket.socket | None = None

    def open(self) -> None:
        try:
            self._sock = socket.create_connection((self.host, self.port), timeout=self.timeout)
        except OSError as exc:
            raise ConnectError(f"{self.url}: cannot connect: {exc}") from exc
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _socket(self) -> socket.socket:
        if self._sock is None:
            raise TransportError(f"{self.url}: not open")
        return self._sock

    def write(self, data: bytes) -> None:
        sock = self._socket()
        sock.settimeout(self.timeout)
        for chunk in _chunks(data):
            try:
                sock.sendall(chunk)
            except TimeoutError as exc:
                raise TransportTimeout(f"{self.url}: write stalled for {self.timeout} s") from exc
            except OSError as exc:
                raise TransportError(f"{self.url}: write failed: {exc}") from exc

    def read(self, n: int, timeout: float | None = None) -> bytes:
        sock = self._socket()
        wait = self.timeout if timeout is None else timeout
        try:
            sock.settimeout(max(0.0, wait))  # 0 = non-blocking; no select(): fds may be > 1024
            data = sock.recv(n)
        except (TimeoutError, BlockingIOError):
            return b""
        except OSError as exc:
            raise TransportError(f"{self.url}: read failed: {exc}") from exc
        if not data:
            raise TransportError(f"{self.url}: connection closed by the printer")
        return data

    def close(self) -> None:
        if self._sock is not None:
            try:
                self._sock.close()
            finally:
                self._sock = None


FLOW = {"none": (False, False), "rtscts": (True, False), "xonxoff": (False, True)}


class SerialTransport:
    """RS-232 or USB-serial through pyserial (also a pty, which is how the emulator is tested).

    Chunks are sized so one takes at most half the timeout at the line speed (8N1 = 10 bits a
    byte): 1440 bytes at 9600 baud with the default 3 s. Note pyserial waits with select(),
    so the port's file descriptor must stay below 1024 in a process with many sockets.
    """

    bidirectional = True

    def __init__(self, url: str, port: str, baudrate: int = 9600, flow: str = "none",
                 timeout: float = DEFAULT_TIMEOUT) -> None:
        self.url, self.port, self.baudrate, self.flow, self.timeout = url, port, baudrate, flow, timeout
        self._serial: serial.Serial | None = None

    def open(self) -> None:
        rtscts, xonxoff = FLOW[self.flow]
        try:
            self._serial = serial.Serial(self.port, self.baudrate, timeout=self.timeout,
                                         write_timeout=self.timeout, rtscts=rtscts,
                                         xonxoff=xonxoff)
        except (serial.SerialException, OSError, ValueError) as exc:
            raise ConnectError(f"{self.url}: cannot open: {exc}") from exc

    def _port(self) -> serial.Serial:
        if self._serial is None:
            raise TransportError(f"{self.url}: not open")
        return self._serial

    def write(self, data: bytes) -> None:
        port = self._port()
        size = max(64, min(CHUNK, int(self.baudrate / 10 * self.timeout / 2)))
        for chunk in _chunks(data, size):
            try:
                port.write(chunk)
            except serial.SerialTimeoutException as exc:
                raise TransportTimeout(f"{self.url}: write stalled for {self.timeout} s") from exc
            except (serial.SerialException, OSError) as exc:
                raise TransportError(f"{self.url}: write failed: {exc}") from exc

    def read(self, n: int, timeout: float | None = None) -> bytes:
        port = self._port()
        try:
            port.timeout = self.timeout if timeout is None else max(0.0, timeout)
            data = port.read(1)
            if data and n > 1 and port.in_waiting:
                data += port.read(min(port.in_waiting, n - 1))
        except (serial.SerialException, OSError) as exc:
            raise TransportError(f"{self.url}: read failed: {exc}") from exc
        return bytes(data)

    def close(self) -> None:
        if self._serial is not None:
            try:
                self._serial.close()
            except (serial.SerialException, OSError):
                pass
            finally:
                self._serial = None


class FileTransport:
    """A device node such as /dev/usb/lp0 (or a plain file). Write-only: status is unknown."""

    bidirectional = False

    def __init__(self, url: str, path: str, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.url, self.path, self.timeout = url, path, timeout
        self._fd: int | None = None

    def open(self) -> None:
        flags = os.O_WRONLY | os.O_NONBLOCK
        if not self.path.startswith("/dev/"):
            flags |= os.O_CREAT | os.O_APPEND
        try:
            self._fd = os.open(self.path, flags, 0o644)
        except OSError as exc:
            raise ConnectError(f"{self.url}: cannot open: {exc}") from exc

    def write(self, data: bytes) -> None:
        if self._fd is None:
            raise TransportError(f"{self.url}: not open")
        view = memoryview(data)
        while view:
            poller = select.poll()  # poll, not select: a busy server has fds above 1024
            poller.register(self._fd, select.POLLOUT)
            if not poller.poll(self.timeout * 1000):
                raise TransportTimeout(f"{self.url}: write stalled for {self.timeout} s")
            try:
                view = view[os.write(self._fd, view[:CHUNK]):]
            except BlockingIOError:
                continue
            except OSError as exc:
                raise TransportError(f"{self.url}: write failed: {exc}") from exc

    def read(self, n: int, timeout: float | None = None) -> bytes:
        return b""

    def close(self) -> None:
        if self._fd is not None:
            try:
                os.close(self._fd)
            except OSError:
                pass
            finally:
                self._fd = None


class CupsTransport:
    """A CUPS queue fed raw bytes by ``lp``; one write is one CUPS job. Status is unknown."""

    bidirectional = False

    def __init__(self, url: str, queue: str, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.url, self.queue, self.timeout = url, queue, timeout
        self._lp: str | None = None

    def open(self) -> None:
        self._lp = shutil.which("lp")
        if self._lp is None:
            raise ConnectError(f"{self.url}: the CUPS client `lp` is not installed")

    def write(self, data: bytes) -> None:
        if self._lp is None:
            raise TransportError(f"{self.url}: not open")
        try:
            done = subprocess.run([self._lp, "-s", "-d", self.queue, "-o", "raw"], input=data,
                                  capture_output=True, timeout=self.timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise TransportTimeout(f"{self.url}: lp did not finish in {self.timeout} s") from exc
        if done.returncode != 0:
            message = done.stderr.decode(errors="replace").strip()
            raise TransportError(f"{self.url}: lp failed: {message}")

    def read(self, n: int, timeout: float | None = None) -> bytes:
        return b""

    def close(self) -> None:
        self._lp = None


@dataclass
class MemoryDevice:
    """The far end of ``memory://NAME``: what was written, and an optional answering function.

    With a ``responder`` (e.g. ``EmulatedPrinter.feed``) the transport is bidirectional.
    """

    written: bytearray = field(default_factory=bytearray)
    replies: bytearray = field(default_factory=bytearray)
    responder: Callable[[bytes], bytes] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


_MEMORY: dict[str, MemoryDevice] = {}
_MEMORY_LOCK = threading.Lock()


def memory_device(name: str = "default") -> MemoryDevice:
    """The shared device behind ``memory://NAME`` (created on first use)."""
    with _MEMORY_LOCK:
        return _MEMORY.setdefault(name, MemoryDevice())


class MemoryTransport:
    """In-process transport for tests: records bytes; answers via the device's responder."""

    def __init__(self, url: str, name: str, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.url, self.name, self.timeout = url, name, timeout
        self.device = memory_device(name)

    @property
    def bidirectional(self) -> bool:
        return self.device.responder is not None

    def open(self) -> None:
        pass

    def write(self, data: bytes) -> None:
        with self.device.lock:
            self.device.written += data
            if self.device.responder is not None:
                self.device.replies += self.device.responder(bytes(data))

    def read(self, n: int, timeout: float | None = None) -> bytes:
        with self.device.lock:
            data = bytes(self.device.replies[:n])
            del self.device.replies[:n]
        return data

    def close(self) -> None:
        pass


class UsbTransport:
    """A USB printer through python-escpos's ``Usb`` (pyusb). Imported lazily.

    Not exercised by the test suite: it needs pyusb, libusb and a real device (the test
    machines have none). Timeouts are passed to pyusb in milliseconds.
    """

    bidirectional = True

    def __init__(self, url: str, vid: int, pid: int, in_ep: int = 0x82, out_ep: int = 0x01,
                 timeout: float = DEFAULT_TIMEOUT) -> None:
        self.url, self.vid, self.pid, self.timeout = url, vid, pid, timeout
        self.in_ep, self.out_ep = in_ep, out_ep
        self._printer: Any = None

    def open(self) -> None:
        from escpos.printer import usb as escpos_usb

        if not escpos_usb.is_usable():
            raise ConnectError(f"{self.url}: USB printing needs pyusb (pip install pyusb)")
        printer = escpos_usb.Usb(self.vid, self.pid, timeout=int(self.timeout * 1000),
                                 in_ep=self.in_ep, out_ep=self.out_ep)
        try:
            printer.open()
        except Exception as exc:  # DeviceNotFoundError, usb.core.USBError, ...
            raise ConnectError(f"{self.url}: cannot open: {exc}") from exc
        self._printer = printer

    def write(self, data: bytes) -> None:
        if self._printer is None:
            raise TransportError(f"{self.url}: not open")
        import usb.core

        for chunk in _chunks(data):
            try:
                self._printer._raw(chunk)
            except usb.core.USBTimeoutError as exc:
                raise TransportTimeout(f"{self.url}: write stalled: {exc}") from exc
            except usb.core.USBError as exc:
                raise TransportError(f"{self.url}: write failed: {exc}") from exc

    def read(self, n: int, timeout: float | None = None) -> bytes:
        if self._printer is None:
            raise TransportError(f"{self.url}: not open")
        import usb.core

        wait = self.timeout if timeout is None else timeout
        try:
            return bytes(self._printer.device.read(self.in_ep, n, max(1, int(wait * 1000))))
        except usb.core.USBTimeoutError:
            return b""
        except usb.core.USBError as exc:
            raise TransportError(f"{self.url}: read failed: {exc}") from exc

    def close(self) -> None:
        if self._printer is not None:
            try:
                self._printer.close()
            except Exception:  # closing must never raise
                pass
            finally:
                self._printer = None


