"""The office a simulated day runs in: the demand mix and the demo office scaled to W windows.

The demand mix is a heuristic on what the catalogue says about a service (its purpose and its
name), so it works for any office without extra configuration: collecting a ready document
is the commonest visit, the internal passport next, consultations and business services the
rarest.  ``scale_office`` then gives W windows 1–3 services each, so that each service's share
of the windows follows its share of the work (visitors x expected service time).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence

from queue_server.core.model import Office, Operator, Role, Service, VisitPurpose, WindowConfig

MAX_SERVICES_PER_WINDOW = 3
MIN_WEIGHT = 0.25

_PURPOSE_WEIGHT = {
    VisitPurpose.COLLECT_RESULT: 4.5,
    VisitPurpose.HAND_IN: 1.0,
    VisitPurpose.CONSULT: 0.9,
    VisitPurpose.ASK_STATUS: 0.5,
}


def leaf_services(office: Office) -> list[Service]:
    """The services a visitor can take a ticket for, in catalogue order."""
    return [s for s in office.services if not s.is_category and s.active]


def demand_weight(service: Service) -> float:
    """Relative number of visitors for ``service`` on a typical day (a heuristic)."""
    weight = _PURPOSE_WEIGHT.get(service.purpose, 1.0)
    if service.purpose is VisitPurpose.COLLECT_RESULT:
        return weight
    name = f"{service.name_ru} {service.name_en}".casefold()
    if "загран" in name or "foreign" in name or "international" in name:
        return weight * 1.0
    if "паспорт" in name or "passport" in name:
        return weight * 2.2
    if "бизнес" in name or "business" in name or "юрлиц" in name:
        return weight * 0.6
    return weight


def demand_mix(services: Sequence[Service], overrides: Mapping[str, float] | None = None) -> dict[str, float]:
    """Service id -> share of visitors (sums to 1)."""
    raw = {s.id: float(overrides[s.id]) if overrides and s.id in overrides else demand_weight(s) for s in services}
    total = sum(raw.values())
    if total <= 0:
        raise ValueError("the demand mix is empty")
    return {sid: w / total for sid, w in raw.items()}


def assign_services(
    services: Sequence[Service], mix: Mapping[str, float], windows: int,
    max_per_window: int = MAX_SERVICES_PER_WINDOW,
) -> list[dict[str, float]]:
    """For each of ``windows`` windows, service id -> weight.

    Each service needs ``windows x its share of the work`` windows.  The needs are laid end to
    end on a line of length ``windows`` and window i takes the services overlapping [i, i+1),
    the biggest overlaps first (at most ``max_per_window``, more only if there are too few
    windows to cover every service).  The weight is the overlap relative to the window's
    biggest one (floored at MIN_WEIGHT), so a window prefers its main service.
    """
    if windows < 1:
        raise ValueError("at least one window")
    if not services:
        raise ValueError("no services")
    cap = max(max_per_window, math.ceil(len(services) / windows))
    work = [mix.get(s.id, 0.0) * s.expected_service_min for s in services]
    total = sum(work)
    if total <= 0:
        work = [1.0] * len(services)
        total = float(len(services))
    needs = [w / total * windows for w in work]
    bounds: list[tuple[float, float]] = []
    start = 0.0
    for need in needs:
        bounds.append((start, start + need))
        start += need
    overlaps: list[dict[str, float]] = []
    for i in range(windows):
        here: dict[str, float] = {}
        for service, (lo, hi) in zip(services, bounds, strict=True):
            overlap = min(hi, i + 1) - max(lo, i)
            if overlap > 1e-9:
                here[service.id] = overlap
        overlaps.append(here)
    result: list[dict[str, float]] = []
    for here in overlaps:
        kept = sorted(here.items(), key=lambda kv: (-kv[1], kv[0]))[:cap]
        result.append(dict(kept))
    # every service on at least one window: a dropped one goes to a window with room, nearest first
    covered = {sid for here in result for sid in here}
    for service, (lo, hi) in zip(services, bounds, strict=True):
        if service.id in covered:
            continue
        middle = (lo + hi) / 2
        roomy = [i for i, here in enumerate(result) if len(here) < cap] or list(range(windows))
        best = min(roomy, key=lambda i: (abs(i + 0.5 - middle), i))
        result[best][service.id] = overlaps[best].get(service.id, 0.0)
        covered.add(service.id)
    weighted: list[dict[str, float]] = []
    for here in result:
        top = max(here.values())
        weighted.append({sid: round(max(MIN_WEIGHT, v / top), 2) for sid, v in here.items()})
    return weighted


def sim_operators(count: int) -> tuple[Operator, ...]:
    return tuple(Operator(login=f"sim{i}", display_name=f"Оператор {i} (симуляция)") for i in range(1, count + 1))


def scale_office(base: Office, windows: int, demand: Mapping[str, float] | None = None) -> Office:
    """``base`` with its services on ``windows`` new windows and operators sim1..simW."""
    services = leaf_services(base)
    mix = demand_mix(services, demand)
    assignment = assign_services(services, mix, windows)
    configs = tuple(
        WindowConfig(number=i, name=f"Окно {i}", services=assignment[i - 1]) for i in range(1, windows + 1)
    )
    managers = tuple(o for o in base.operators if o.role is not Role.OPERATOR)
    return dataclasses.replace(base, windows=configs, operators=sim_operators(windows) + managers)


def staff(office: Office, windows: int | None = None) -> tuple[Office, list[tuple[int, str]]]:
    """Pair windows with operators for an office used as configured.

    The office's own operators (role operator) take the windows in order; windows beyond them
    get generated operators simN (added to the returned office).  ``windows`` caps how many
    windows are staffed.
    """
    numbers = [w.number for w in office.windows]
    if windows is not None:
        numbers = numbers[:max(1, windows)]
    logins = [o.login for o in office.operators if o.role is Role.OPERATOR]
    extra: list[Operator] = []
    taken = {o.login for o in office.operators}
    i = 0
    while len(logins) < len(numbers):
        i += 1
        login = f"sim{i}"
        if login in taken:
            continue
        extra.append(Operator(login=login, display_name=f"Оператор {i} (симуляция)"))
        logins.append(login)
    if extra:
        office = dataclasses.replace(office, operators=office.operators + tuple(extra))
    return office, list(zip(numbers, logins, strict=False))
