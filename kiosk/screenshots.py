"""``--screenshot DIR``: every screen of the kiosk rendered offscreen to PNG, against a live server.

The home, category, service and priority screens show the server's real snapshot.  The
ticket and print-failure screens show a sample ticket built from that snapshot (its first
service's letter, queue and wait) instead of taking a real ticket, and the info page's
printout states are set, not printed: a screenshot run must not put a visitor in an office's
queue or print on its printer.  The offline screen is shown by
setting the overlay, not by stopping anybody's server.  The tests drive the real paths.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEventLoop, QTimer

from .info_print import InfoPrint, InfoPrintState
from .model import KioskModel
from .states import Overlay
from .ticket import IssuedTicket, PrintState
from .window import KioskWindow

PORTRAIT = (1080, 1920)
LANDSCAPE = (1920, 1080)
CONNECT_TIMEOUT_S = 20.0


def pump(until: Callable[[], bool], timeout: float) -> bool:
    """Run the Qt event loop until ``until()`` or ``timeout`` seconds; returns ``until()``."""
    deadline = time.monotonic() + timeout
    loop = QEventLoop()
    while not until() and time.monotonic() < deadline:
        QTimer.singleShot(20, loop.quit)   # a real event loop: deferred deletes run too
        loop.exec()
    return until()


def sample_ticket(model: KioskModel, failed: bool) -> IssuedTicket:
    """A ticket as the first service of the snapshot would give one now (no request is sent)."""
    catalog = model.catalog
    services = [e for top in catalog.children_of(None)
                for e in ([top] if not top.is_category else catalog.children_of(top.id))]
    entry = next((e for e in services if e.available), services[0] if services else None)
    prefix = entry.prefix if entry is not None else "А"
    waiting = entry.waiting if entry is not None else 4
    return IssuedTicket(
        ticket="sample", office=catalog.office_id or "demo", label=f"{prefix}{waiting + 15:03d}",
        service=entry.id if entry is not None else "", people_ahead=waiting,
        estimated_wait_s=entry.estimated_wait_s if entry is not None else None, priority=None,
        print_job="sample" if not failed else None,
        print_state=PrintState.FAILED if failed else PrintState.PRINTED, fail_reason="paper_out" if failed else "")


def render_all(model: KioskModel, out_dir: str | Path) -> int:
    """Write the PNGs; 0 when the server answered and every screen was written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    window = KioskWindow(model)
    window.resize(*PORTRAIT)
    window.show()
    model.start()
    online = pump(lambda: model.overlay is Overlay.NONE, CONNECT_TIMEOUT_S)
    written: list[Path] = []

    def shot(name: str, screen_size: tuple[int, int], setup: Callable[[], None]) -> None:
        model.ticket_done()   # a fresh home screen: Russian, default look, nothing chosen
        model.preview_overlay(Overlay.NONE if online else Overlay.OFFLINE)
        setup()
        window.resize(*screen_size)
        pump(lambda: False, 0.15)
        path = out / f"kiosk-{name}.png"
        window.grab().save(str(path))
        written.append(path)

    if not online:
        shot("offline-portrait", PORTRAIT, lambda: model.preview_overlay(Overlay.OFFLINE))
        print(f"talon-kiosk: no answer from the server within {CONNECT_TIMEOUT_S:g} s; wrote {written[0]}")
        return 1
    category = next((e.id for e in model.catalog.children_of(None) if e.is_category), None)
    service = next((e.id for e in model.catalog.children_of(category) if not e.is_category), None)
    priority = model.catalog.priorities[0].id if model.catalog.priorities else ""

    def open_category() -> None:
        if category is not None:
            model.open_entry(category)

    def open_service() -> None:
        open_category()
        if service is not None:
            model.open_entry(service)

    def first(switch: Callable[[], None], then: Callable[[], None]) -> Callable[[], None]:
        def both() -> None:
            switch()
            then()
        return both

    def english(then: Callable[[], None]) -> Callable[[], None]:
        return first(lambda: model.set_lang("en"), then)

    def contrast(then: Callable[[], None]) -> Callable[[], None]:
        return first(lambda: model.set_high_contrast(True), then)

    def large(then: Callable[[], None]) -> Callable[[], None]:
        return first(lambda: model.set_large_text(True), then)

    def nothing() -> None:
        return None

    def ticket() -> None:
        model.show_ticket(sample_ticket(model, failed=False))

    def failure() -> None:
        model.show_ticket(sample_ticket(model, failed=True))

    def info_printout(state: InfoPrintState, reason: str = "") -> Callable[[], None]:
        def setup() -> None:
            open_service()
            if service is not None:
                model.preview_info_print(InfoPrint(service, state, "sample", reason))
        return setup

    def offline() -> None:
        model.preview_overlay(Overlay.OFFLINE)

    def chosen_priority() -> None:
        model.open_priority()
        model.choose_priority(priority)

    for name, screen_size, setup in [
        ("home-portrait", PORTRAIT, nothing),
        ("category-portrait", PORTRAIT, open_category),
        ("info-portrait", PORTRAIT, open_service),
        ("info-printed-portrait", PORTRAIT, info_printout(InfoPrintState.PRINTED)),
        ("info-print-failure-portrait", PORTRAIT, info_printout(InfoPrintState.FAILED, "paper_out")),
        ("priority-portrait", PORTRAIT, model.open_priority),
        ("priority-chosen-portrait", PORTRAIT, chosen_priority),
        ("ticket-portrait", PORTRAIT, ticket),
        ("print-failure-portrait", PORTRAIT, failure),
        ("offline-portrait", PORTRAIT, offline),
        ("contrast-home-portrait", PORTRAIT, contrast(nothing)),
        ("contrast-info-portrait", PORTRAIT, contrast(open_service)),
        ("contrast-print-failure-portrait", PORTRAIT, contrast(failure)),
        ("large-text-home-portrait", PORTRAIT, large(nothing)),
        ("large-text-info-portrait", PORTRAIT, large(open_service)),
        ("english-home-portrait", PORTRAIT, english(nothing)),
        ("english-ticket-portrait", PORTRAIT, english(ticket)),
        ("english-info-print-failure-portrait", PORTRAIT, english(info_printout(InfoPrintState.FAILED, "offline"))),
        ("home-landscape", LANDSCAPE, nothing),
        ("category-landscape", LANDSCAPE, open_category),
        ("info-landscape", LANDSCAPE, open_service),
        ("info-print-failure-landscape", LANDSCAPE, info_printout(InfoPrintState.FAILED, "paper_out")),
        ("english-info-landscape", LANDSCAPE, english(open_service)),
        ("priority-landscape", LANDSCAPE, model.open_priority),
        ("ticket-landscape", LANDSCAPE, ticket),
        ("print-failure-landscape", LANDSCAPE, failure),
        ("offline-landscape", LANDSCAPE, offline),
        ("large-text-home-landscape", LANDSCAPE, large(nothing)),
    ]:
        shot(name, screen_size, setup)
    model.ticket_done()
    window.close()
    for path in written:
        print(path)
    return 0
