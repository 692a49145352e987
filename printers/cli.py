"""``talon-printer``: run the printer emulator, ask a printer's status, print a test ticket.

    talon-printer emulate --tcp 127.0.0.1:9100 [--serial] [--state ok] [--save-dir DIR]
                          [--codepage-table 17] [--control 9101] [--quiet]
    talon-printer status URL [--timeout 1]          exit 0 when it can print (ok / near_end)
    talon-printer test-print URL [--model epson] [--width 80] [--mode text|raster] [--lang ru]
    talon-printer preview OUT.png [--width 80] [--lang ru]

While ``emulate`` runs, ``kill -USR1 <pid>`` cycles ok -> near_end -> out -> cover_open ->
dead -> ok, and ``--control PORT`` accepts ``state out`` lines on 127.0.0.1 (see emulator).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from datetime import UTC, datetime
from types import FrameType

from .connections import connect
from .emulator import CYCLE, EmulatedPrinter
from .errors import PrinterError
from .layout import PRINTER_MODELS, PrinterProfile, TicketLayout
from .render import render_ticket, render_ticket_image
from .status import probe


def sample_layout(lang: str = "ru") -> TicketLayout:
    """A realistic demo ticket (the demo office's "Выдача готовых документов" queue)."""
    russian = lang == "ru"
    return TicketLayout(
        office_name="МФЦ «Мои документы» — Кировский район" if russian
        else "My Documents centre, Kirovsky district",
        service_name="Выдача готовых документов" if russian else "Collecting documents",
        number="Д015",
        issued_at=datetime(2026, 11, 22, 9, 5, tzinfo=UTC),
        timezone="Asia/Yekaterinburg",
        people_ahead=3,
        estimated_wait_min=12,
        qr_payload="https://talon.example/s/D015-7Q4K",
        pin="4821",
        footer="Следите за табло. Талон действителен сегодня." if russian
        else "Watch the board. Valid today only.",
        lang="ru" if russian else "en",
    )


def _host_port(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit():
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, not {text!r}")
    return host, int(port)


def _emulate(args: argparse.Namespace) -> int:
    printer = EmulatedPrinter(args.state, codepage_table=args.codepage_table,
                              save_dir=args.save_dir, echo=not args.quiet, columns=args.columns)
    if args.tcp is None and not args.serial:
        args.tcp = ("127.0.0.1", 9100)
    if args.tcp is not None:
        host, port = printer.start_tcp(*args.tcp)
        print(f"tcp://{host}:{port}", flush=True)
    if args.serial:
        print(f"serial://{printer.start_pty()}", flush=True)
    if args.control is not None:
        host, port = printer.start_control("127.0.0.1", args.control)
        print(f"control: {host}:{port}", file=sys.stderr, flush=True)
    print(f"state: {printer.state.value} (SIGUSR1 cycles {' -> '.join(s.value for s in CYCLE)})",
          file=sys.stderr, flush=True)
    done = threading.Event()

    def on_usr1(signum: int, frame: FrameType | None) -> None:
        print(f"state: {printer.cycle_state().value}", file=sys.stderr, flush=True)

    def on_term(signum: int, frame: FrameType | None) -> None:
        done.set()

    signal.signal(signal.SIGUSR1, on_usr1)
    signal.signal(signal.SIGTERM, on_term)
    try:
        while not done.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        printer.stop()
    return 0


def _status(args: argparse.Namespace) -> int:
    status = probe(args.url, args.timeout)
    print(status.value)
    return 0 if status.can_print else 1


def _profile(args: argparse.Namespace) -> PrinterProfile:
    overrides: dict[str, object] = {"paper_width_mm": args.width, "mode": args.mode}
    if args.table is not None:
        overrides["codepage_table"] = args.table
    return PrinterProfile.for_model(args.model, **overrides)


def _test_print(args: argparse.Namespace) -> int:
    data = render_ticket(sample_layout(args.lang), _profile(args))
    transport = connect(args.url)
    try:
        transport.write(data)
    finally:
        transport.close()
    print(f"sent {len(data)} bytes to {args.url}")
    return 0


def _preview(args: argparse.Namespace) -> int:
    image = render_ticket_image(sample_layout(args.lang), PrinterProfile(paper_width_mm=args.width))
    image.save(args.out)
    print(f"{args.out}: {image.width}x{image.height}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="talon-printer", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    emulate = sub.add_parser("emulate", help="run an ESC/POS printer emulator")
    emulate.add_argument("--tcp", type=_host_port, metavar="HOST:PORT")
    emulate.add_argument("--serial", action="store_true", help="also listen on a new pty")
    emulate.add_argument("--state", default="ok", choices=[s.value for s in CYCLE])
    emulate.add_argument("--save-dir", metavar="DIR")
    emulate.add_argument("--codepage-table", type=int, default=17, metavar="N",
                         help="the ESC t number this printer maps to CP866 (default 17, Epson)")
    emulate.add_argument("--control", type=int, metavar="PORT")
    emulate.add_argument("--columns", type=int, default=48)
    emulate.add_argument("--quiet", action="store_true", help="do not echo tickets to stdout")
    emulate.set_defaults(func=_emulate)

    status = sub.add_parser("status", help="query a printer's status")
    status.add_argument("url")
    status.add_argument("--timeout", type=float, default=1.0)
    status.set_defaults(func=_status)

    for name, func in (("test-print", _test_print), ("preview", _preview)):
        cmd = sub.add_parser(name, help="print a sample ticket" if func is _test_print
                             else "save a sample raster ticket as PNG")
        cmd.add_argument("out" if func is _preview else "url")
        cmd.add_argument("--width", type=int, default=80, choices=[58, 80])
        cmd.add_argument("--lang", default="ru", choices=["ru", "en"])
        if func is _test_print:
            cmd.add_argument("--model", default="epson", choices=sorted(PRINTER_MODELS))
            cmd.add_argument("--mode", default="text", choices=["text", "raster"])
            cmd.add_argument("--table", type=int, help="override the CP866 table number")
        cmd.set_defaults(func=func)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except PrinterError as exc:
        print(f"talon-printer: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
