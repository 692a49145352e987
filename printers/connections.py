"""Byte transports to printers, chosen by one URL string.

Every transport has the same four methods (``Transport``) and short timeouts, so a hung
printer costs seconds, not a stuck thread::

    transport = connect("tcp://10.0.0.5:9100")    # opened; raises ConnectError if it cannot be
    transport.write(ticket_bytes)                  # TransportTimeout if no progress in `timeout`
    transport.read(1, timeout=1.0)                 # b"" when nothing arrived in time
    transport.close()                              # idempotent, never raises

URLs::

    tcp://HOST[:PORT]                         raw TCP, port 9100 by default
    serial:///dev/ttyUSB0?baudrate=19200&flow=rtscts   pyserial; flow = none|rtscts|xonxoff
    usb://VID:PID[?in_ep=0x82&out_ep=0x01]    python-escpos Usb (needs pyusb)
    file:///dev/usb/lp0                       write-only, status unknown
    cups://QUEUE                              ``lp -d QUEUE -o raw``, write-only
    memory://[NAME]                           in-process, for tests (see ``memory_device``)

Any URL may add ``timeout=SECONDS`` (default 3). Writes go in 4 KiB chunks and the timeout
applies per chunk, so a slow serial link printing a big raster ticket is not a "timeout".
Transports compose python-escpos / pyserial objects; none inherits from a printer class.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from .errors import PrinterConfigError
from .transports import (
    DEFAULT_TIMEOUT,
    FLOW,
    CupsTransport,
    FileTransport,
    MemoryDevice,
    MemoryTransport,
    SerialTransport,
    TcpTransport,
    Transport,
    UsbTransport,
    memory_device,
)

__all__ = ["DEFAULT_TIMEOUT", "MemoryDevice", "Transport", "connect", "memory_device", "parse_url"]


ALLOWED_PARAMS = {
    "tcp": {"timeout"},
    "serial": {"timeout", "baudrate", "flow"},
    "usb": {"timeout", "in_ep", "out_ep"},
    "file": {"timeout"},
    "cups": {"timeout"},
    "memory": {"timeout"},
}


def _int(url: str, name: str, text: str, base: int = 10) -> int:
    try:
        return int(text, base)
    except ValueError:
        raise PrinterConfigError(f"{url}: {name} must be a number, not {text!r}") from None


def parse_url(url: str, timeout: float = DEFAULT_TIMEOUT) -> Transport:
    """A transport for ``url``, not yet opened. Raises ``PrinterConfigError`` on a bad URL."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_PARAMS:
        raise PrinterConfigError(
            f"{url!r}: unknown printer URL scheme; use one of "
            + ", ".join(f"{s}://" for s in ALLOWED_PARAMS))
    try:
        query = {k: v[-1] for k, v in parse_qs(parts.query, strict_parsing=bool(parts.query)).items()}
    except ValueError:
        raise PrinterConfigError(f"{url!r}: malformed query string") from None
    unknown = set(query) - ALLOWED_PARAMS[scheme]
    if unknown:
        raise PrinterConfigError(f"{url!r}: unknown parameter(s) {', '.join(sorted(unknown))}")
    if "timeout" in query:
        try:
            timeout = float(query["timeout"])
        except ValueError:
            raise PrinterConfigError(f"{url!r}: timeout must be seconds") from None
        if not 0 < timeout <= 120:
            raise PrinterConfigError(f"{url!r}: timeout must be in (0, 120] seconds")
    if scheme == "tcp":
        try:
            host, port = parts.hostname, parts.port or 9100
        except ValueError:
            raise PrinterConfigError(f"{url!r}: bad port") from None
        if not host or parts.path not in ("", "/"):
            raise PrinterConfigError(f"{url!r}: expected tcp://HOST[:PORT]")
        return TcpTransport(url, host, port, timeout)
    if scheme == "serial":
        if parts.netloc or not parts.path.startswith("/"):
            raise PrinterConfigError(f"{url!r}: expected serial:///dev/ttyXXX (three slashes)")
        flow = query.get("flow", "none").lower()
        if flow not in FLOW:
            raise PrinterConfigError(f"{url!r}: flow must be one of {', '.join(FLOW)}")
        baudrate = _int(url, "baudrate", query.get("baudrate", "9600"))
        if baudrate <= 0:
            raise PrinterConfigError(f"{url!r}: baudrate must be positive")
        return SerialTransport(url, parts.path, baudrate, flow, timeout)
    if scheme == "usb":
        ids = parts.netloc.split(":")
        if len(ids) != 2 or not all(ids):
            raise PrinterConfigError(f"{url!r}: expected usb://VID:PID in hex, e.g. usb://04b8:0202")
        vid, pid = (_int(url, "USB id", i, 16) for i in ids)
        in_ep = _int(url, "in_ep", query.get("in_ep", "0x82"), 0)
        out_ep = _int(url, "out_ep", query.get("out_ep", "0x01"), 0)
        return UsbTransport(url, vid, pid, in_ep, out_ep, timeout)
    if scheme == "file":
        if parts.netloc or not parts.path.startswith("/"):
            raise PrinterConfigError(f"{url!r}: expected file:///absolute/path")
        return FileTransport(url, parts.path, timeout)
    if scheme == "cups":
        if not parts.netloc or parts.path not in ("", "/"):
            raise PrinterConfigError(f"{url!r}: expected cups://QUEUE")
        return CupsTransport(url, parts.netloc, timeout)
    return MemoryTransport(url, parts.netloc or "default", timeout)


def connect(url: str, timeout: float = DEFAULT_TIMEOUT) -> Transport:
    """An opened transport for ``url`` (``PrinterConfigError`` if bad, ``ConnectError`` if down)."""
    transport = parse_url(url, timeout)
    transport.open()
    return transport
