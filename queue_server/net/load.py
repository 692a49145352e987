"""``GET /api/load``: the public load of every office, for МФЦ websites and regional maps.

Per office and service: people waiting, open windows serving it, the current average wait
(tickets first called in the last 30 minutes, else the age of those waiting) and a colour
against the walk-in norm.  No personal data and no ticket labels.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from statistics import fmean

from queue_protocol.enums import LoadLevel
from queue_protocol.views import OfficeLoad, ServiceLoad
from queue_server.core.engine import QueueEngine
from queue_server.core.states import WindowStatus

RECENT = timedelta(minutes=30)


def level(average: float | None, norm_s: int, waiting: int, open_windows: int) -> LoadLevel:
    if waiting and not open_windows:
        return LoadLevel.RED
    if average is None or average <= norm_s / 2:
        return LoadLevel.GREEN
    return LoadLevel.YELLOW if average <= norm_s else LoadLevel.RED


def office_load(engine: QueueEngine, now: datetime) -> OfficeLoad:
    office, state = engine.office, engine.state
    services = []
    total_waiting = 0
    open_numbers = {n for n, w in state.windows.items() if w.status is WindowStatus.OPEN}
    for service in office.services:
        if service.is_category:
            continue
        waiting = [t for t in state.waiting.values() if t.service_id == service.id]
        recent = [(t.first_called_at - t.issued_at).total_seconds() for t in state.tickets.values()
                  if t.service_id == service.id and t.first_called_at and now - t.first_called_at <= RECENT]
        ages = [(now - t.issued_at).total_seconds() for t in waiting]
        average = fmean(recent) if recent else (fmean(ages) if ages else None)
        windows = sum(1 for n in open_numbers if service.id in state.windows[n].services)
        norm = service.norm_walk_in_min * 60
        total_waiting += len(waiting)
        services.append(ServiceLoad(
            service=service.id, name_ru=service.name_ru, name_en=service.name_en, waiting=len(waiting),
            open_windows=windows, average_wait_s=round(average, 1) if average is not None else None, norm_s=norm,
            level=level(average, norm, len(waiting), windows),
        ))
    return OfficeLoad(office=office.id, name=office.name, name_en=office.name_en, timezone=office.timezone,
                      open=office.hours.is_open(office.local(now)), waiting=total_waiting,
                      open_windows=len(open_numbers), services=services)
