"""``talon-printer``: sample ticket bytes, test a printer, ask its status, run the emulator.

    talon-printer sample --out FILE [--width 58|80] [--mode text|raster] [--model epson]
                         [--table N] [--lang ru|en]          ESC/POS bytes of a sample ticket
    talon-printer test --printer URL [--width 58|80] [--mode text|raster] [--model epson]
                       [--table N] [--lang ru] [--timeout S]  print that ticket on a printer
    talon-printer status --printer URL [--timeout 1] [--verbose]
    talon-printer emulate --tcp 127.0.0.1:9100 [--serial] [--state ok] [--save-dir DIR]
                          [--codepage-table 17] [--control 9101] [--columns 48] [--quiet]
    talon-printer preview OUT.png [--width 80] [--lang ru]   the raster ticket as a PNG

Exit codes: 0 done (``status``: the printer can print, ok or near_end); 1 the printer is not
ready (``status``: paper_out, cover_open, offline, unknown; ``test``: the ticket was not
printed, the reason is on stderr); 2 a bad command line or printer URL.

``--out -`` writes the bytes to stdout (``talon-printer sample --out - | nc printer 9100``).
The old spellings ``status URL`` and ``test-print URL`` still work.

While ``emulate`` runs, ``kill -USR1 <pid>`` cycles ok -> near_end -> out -> cover_open ->
dead -> ok, and ``--control PORT`` accepts ``state out`` lines on 127.0.0.1 (see emulator).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import signal
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType

from .connections import DEFAULT_TIMEOUT, parse_url
from .emulator import CYCLE, EmulatedPrinter
from .errors import ConnectError, PrinterError, PrintFailed
from .layout import PRINTER_MODELS, PrinterProfile, TicketLayout
from .render import render_ticket, render_ticket_image
from .status import PrinterStatus, StatusReport, query_status_report
from .worker import PrinterWorker

EXIT_OK, EXIT_NOT_READY, EXIT_USAGE = 0, 1, 2

# What each status means for the person at the printer (``status`` prints it on stderr).
STATUS_HELP: dict[PrinterStatus, str] = {
    PrinterStatus.OK: "online, paper loaded, cover closed: prints",
    PrinterStatus.NEAR_END: "prints, but the roll is nearly finished: change it soon",
    PrinterStatus.PAPER_OUT: "no paper: load a roll",
    PrinterStatus.COVER_OPEN: "the cover is open: close it",
    PrinterStatus.OFFLINE: "no connection, or the printer reports an error: check power, cable, address",
    PrinterStatus.UNKNOWN: "no (or no valid) status answer: a hung printer, a write-only link "
                           "(file://, cups://) or a printer without DLE EOT; never taken for ok",
}


def sample_layout(lang: str = "ru") -> TicketLayout:
    """The sample ticket: А015 for «Паспорт РФ» at «МФЦ Азовского района», with a QR."""
    russian = lang == "ru"
    return TicketLayout(
        office_name="МФЦ Азовского района" if russian else "Azov district MFC",
        service_name="Паспорт РФ" if russian else "Russian passport",
        number="А015",
        issued_at=datetime(2026, 11, 22, 6, 5, tzinfo=UTC),  # 09:05 in Moscow
        timezone="Europe/Moscow",
        people_ahead=4,
        estimated_wait_min=23,
        qr_payload="https://talon.example/s/A015-7Q4K",
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


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, not {text!r}") from None
    if not 0 < value <= 120:
        raise argparse.ArgumentTypeError("a timeout must be in (0, 120] seconds")
    return value


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
    return EXIT_OK


def _report(url: str, timeout: float) -> StatusReport:
    """Connect, ask DLE EOT 1/2/4, close: like ``status.probe``, keeping the raw answers."""
    transport = parse_url(url, timeout)
    try:
        transport.open()
    except ConnectError as exc:
        return StatusReport(PrinterStatus.OFFLINE, error=str(exc))
    try:
        return query_status_report(transport, timeout)
    finally:
        transport.close()


def _status(args: argparse.Namespace) -> int:
    url = args.printer
    report = _report(url, args.timeout)
    print(report.status.value, flush=True)
    if args.verbose:
        answers = ", ".join(f"DLE EOT {n}: {'none' if b is None else f'0x{b:02x}'}"
                            for n, b in report.answers.items()) or "no answers"
        print(f"{url}: {STATUS_HELP[report.status]} ({answers})"
              + (f"; {report.error}" if report.error else ""), file=sys.stderr)
    return EXIT_OK if report.status.can_print else EXIT_NOT_READY


def _profile(args: argparse.Namespace) -> PrinterProfile:
    overrides: dict[str, object] = {"mode": args.mode}
    if args.width is not None:
        overrides["paper_width_mm"] = args.width
    if args.table is not None:
        overrides["codepage_table"] = args.table
    return PrinterProfile.for_model(args.model, **overrides)


def _describe(profile: PrinterProfile, model: str) -> str:
    text = f"{profile.paper_width_mm} mm, {profile.mode}, {model}"
    return text + (f", ESC t {profile.codepage_table}" if profile.mode == "text" else "")


def _sample(args: argparse.Namespace) -> int:
    profile = _profile(args)
    data = render_ticket(sample_layout(args.lang), profile)
    if args.out == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        print(f"{len(data)} bytes ({_describe(profile, args.model)})", file=sys.stderr)
    else:
        Path(args.out).write_bytes(data)
        print(f"{args.out}: {len(data)} bytes ({_describe(profile, args.model)})")
    return EXIT_OK


def _test(args: argparse.Namespace) -> int:
    """Print the sample ticket through a ``PrinterWorker``: status first, then the bytes."""
    url = args.printer
    profile = _profile(args)
    data = render_ticket(sample_layout(args.lang), profile)
    timeout = parse_url(url, args.timeout or DEFAULT_TIMEOUT).timeout  # the URL's timeout= wins
    worker = PrinterWorker(url, timeout=timeout, status_timeout=min(timeout, 1.0), name="talon-printer-test")
    # The worker bounds every step (a write per chunk); this only guards against a bug. A slow
    # serial line may need len/100 s for a big raster ticket (100 B/s is below 1200 baud).
    bound = 4 * timeout + len(data) / 100 + 10
    try:
        future = worker.print(data)
        try:
            result = future.result(timeout=bound)
        except PrintFailed as failed:
            print(f"not printed: {failed.reason} ({failed})", file=sys.stderr)
            return EXIT_NOT_READY
        except concurrent.futures.TimeoutError:
            print(f"not printed: no result within {bound:.0f} s", file=sys.stderr)
            return EXIT_NOT_READY
    finally:
        worker.stop(timeout=timeout + 2)
    note = {PrinterStatus.NEAR_END: "; the paper is near its end",
            PrinterStatus.UNKNOWN: "; this link cannot report paper or cover: look at the printer"}
    print(f"sent {result.bytes_sent} bytes to {url} in {result.seconds:.2f} s "
          f"({_describe(profile, args.model)}); status {result.status.value}{note.get(result.status, '')}")
    return EXIT_OK


def _preview(args: argparse.Namespace) -> int:
    image = render_ticket_image(sample_layout(args.lang), PrinterProfile(paper_width_mm=args.width))
    image.save(args.out)
    print(f"{args.out}: {image.width}x{image.height}")
    return EXIT_OK


def _ticket_options(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--width", type=int, choices=[58, 80],
                     help="paper width in mm (default: the model's, 58 for zjiang, else 80)")
    cmd.add_argument("--mode", default="text", choices=["text", "raster"],
                     help="text: CP866 with the printer's font; raster: the ticket as an image")
    cmd.add_argument("--model", default="epson", choices=sorted(PRINTER_MODELS),
                     help="the printer family (its CP866 table and native QR support)")
    cmd.add_argument("--table", type=int, metavar="N", help="override the model's CP866 table number (ESC t N)")
    cmd.add_argument("--lang", default="ru", choices=["ru", "en"])


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="talon-printer", description=__doc__.splitlines()[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="\n".join(__doc__.splitlines()[2:]))
    sub = parser.add_subparsers(dest="command", required=True)

    sample = sub.add_parser("sample", help="write the ESC/POS bytes of a sample ticket to a file")
    sample.add_argument("--out", required=True, metavar="FILE", help="where to write; - for stdout")
    _ticket_options(sample)
    sample.set_defaults(func=_sample)

    test = sub.add_parser("test", aliases=["test-print"], help="print a test ticket on a printer")
    test.add_argument("--printer", metavar="URL", help="tcp://HOST:9100, serial:///dev/ttyUSB0, usb://VID:PID, ...")
    test.add_argument("url", nargs="?", help=argparse.SUPPRESS)
    test.add_argument("--timeout", type=_seconds, metavar="S",
                      help=f"connect / write timeout when the URL has no timeout= (default {DEFAULT_TIMEOUT:g} s)")
    _ticket_options(test)
    test.set_defaults(func=_test)

    status = sub.add_parser("status", help="ask a printer's status (DLE EOT)")
    status.add_argument("--printer", metavar="URL")
    status.add_argument("url", nargs="?", help=argparse.SUPPRESS)
    status.add_argument("--timeout", type=_seconds, default=1.0, metavar="S",
                        help="for the connection and for all the status answers together (default 1)")
    status.add_argument("--verbose", "-v", action="store_true", help="explain the status and show the raw answers")
    status.set_defaults(func=_status)

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

    preview = sub.add_parser("preview", help="save the sample ticket as a raster PNG")
    preview.add_argument("out", metavar="OUT.png")
    preview.add_argument("--width", type=int, default=80, choices=[58, 80])
    preview.add_argument("--lang", default="ru", choices=["ru", "en"])
    preview.set_defaults(func=_preview)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if hasattr(args, "printer"):  # test / status: --printer URL, or the old positional URL
        if args.printer and args.url and args.printer != args.url:
            parser.error(f"{args.command}: two different printers given")
        args.printer = args.printer or args.url
        if not args.printer:
            parser.error(f"{args.command}: --printer URL is required")
    try:
        return int(args.func(args))
    except PrinterError as exc:
        print(f"talon-printer: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:  # sample --out into a missing directory, say
        print(f"talon-printer: {exc}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
