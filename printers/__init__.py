"""Thermal ticket printing for Talon: layout -> ESC/POS bytes -> a transport, plus status.

A leaf package: it imports nothing from the other Talon packages and no Qt. The server uses::

    render_ticket(layout, profile) -> bytes          pure, golden-file tested
    render_info(info_layout, profile) -> bytes       a service's info page ("what to bring")
    PrinterWorker(url).print(data) -> Future[PrintResult]    one thread per printer
    PrinterWorker(url).status() -> Future[PrinterStatus]
    connect(url) -> Transport; query_status(transport) -> PrinterStatus

and tests and the demo use ``EmulatedPrinter`` at the other end of the wire.
"""

from . import escpos_cache  # noqa: F401  (first: escpos comes in through the cache)
from .connections import Transport, connect, memory_device, parse_url
from .emulator import EmulatedPrinter, EmulatorState
from .errors import (
    ConnectError,
    LayoutError,
    PrinterConfigError,
    PrinterError,
    PrintFailed,
    TransportError,
    TransportTimeout,
)
from .info_page import render_info, render_info_image
from .layout import PRINTER_MODELS, InfoLayout, PrinterProfile, TicketLayout
from .render import render_ticket, render_ticket_image
from .status import PrinterStatus, probe, query_status
from .worker import PrinterWorker, PrintResult

__all__ = [
    "PRINTER_MODELS",
    "ConnectError",
    "EmulatedPrinter",
    "EmulatorState",
    "InfoLayout",
    "LayoutError",
    "PrintFailed",
    "PrintResult",
    "PrinterConfigError",
    "PrinterError",
    "PrinterProfile",
    "PrinterStatus",
    "PrinterWorker",
    "TicketLayout",
    "Transport",
    "TransportError",
    "TransportTimeout",
    "connect",
    "memory_device",
    "parse_url",
    "probe",
    "query_status",
    "render_info",
    "render_info_image",
    "render_ticket",
    "render_ticket_image",
]
