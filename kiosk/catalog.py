"""The office's service tree as the kiosk shows it: pure, no Qt, no I/O.

Built from the snapshot (``OfficeView``, as the client's mirror keeps it).  A category is
available when any service under it is; when none is, it carries the reason they share
(``office_closed`` for all of them, say) or ``"category"``.

Texts the configuration has but the snapshot does not carry yet (``description_ru/en``,
``documents_ru/en``) are read with ``getattr`` so they appear the day the server sends them;
until then a service's line shows its queue and a category's line lists its services.

``refusals`` are reasons the kiosk learned from a refused ``ticket.issue`` (``office_closed``,
``daily_limit_reached``): the mirror cannot know them between snapshots, so the model keeps
them for a while and they win over the mirror's ``None``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from queue_protocol.views import OfficeView, PriorityView, ServiceView

REASONS: Final = ("service_inactive", "office_closed", "daily_limit_reached", "no_open_window")
"""The ``unavailable`` codes of the snapshot, each with a plain-words text in the catalogue."""


@dataclass(frozen=True, slots=True)
class Entry:
    """One button of the kiosk: a category or a service."""

    id: str
    name_ru: str
    name_en: str
    is_category: bool
    prefix: str = ""
    unavailable: str | None = None
    waiting: int = 0
    estimated_wait_s: float | None = None
    norm_min: int = 15
    children_ru: tuple[str, ...] = ()
    children_en: tuple[str, ...] = ()
    description_ru: str = ""
    description_en: str = ""
    documents_ru: tuple[str, ...] = field(default=())
    documents_en: tuple[str, ...] = field(default=())

    @property
    def available(self) -> bool:
        return self.unavailable is None

    def name(self, lang: str) -> str:
        return self.name_en if lang == "en" and self.name_en else self.name_ru

    def description(self, lang: str) -> str:
        return self.description_en if lang == "en" and self.description_en else self.description_ru

    def documents(self, lang: str) -> tuple[str, ...]:
        return self.documents_en if lang == "en" and self.documents_en else self.documents_ru

    def children(self, lang: str) -> tuple[str, ...]:
        return self.children_en if lang == "en" else self.children_ru


def _texts(service: ServiceView, name: str) -> tuple[str, ...]:
    value = getattr(service, name, None)
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(str(v) for v in value)


def _leaf_reason(service: ServiceView, refusals: Mapping[str, str]) -> str | None:
    if service.unavailable is not None:
        return service.unavailable
    return refusals.get(service.id)


class Catalog:
    """The tree of one snapshot; cheap to rebuild on every change of the mirror."""

    def __init__(self, view: OfficeView | None, refusals: Mapping[str, str] | None = None) -> None:
        self._services: dict[str, ServiceView] = {s.id: s for s in view.services} if view else {}
        self._order = [s.id for s in view.services] if view else []
        self._refusals = dict(refusals or {})
        self.priorities: list[PriorityView] = list(view.priorities) if view else []
        self.office_name_ru = view.office.name if view else ""
        self.office_name_en = (view.office.name_en or view.office.name) if view else ""
        self.office_id = view.office.id if view else ""

    def __contains__(self, service_id: object) -> bool:
        return service_id in self._services

    def children_of(self, parent: str | None) -> list[Entry]:
        """The buttons under ``parent`` (``None``: the home screen), in the configuration's order."""
        return [self.entry(sid) for sid in self._order if self._services[sid].parent == parent]

    def leaves_under(self, service_id: str) -> list[ServiceView]:
        found: list[ServiceView] = []
        for sid in self._order:
            service = self._services[sid]
            if service.parent != service_id:
                continue
            found.extend(self.leaves_under(sid) if service.is_category else [service])
        return found

    def entry(self, service_id: str) -> Entry:
        service = self._services[service_id]
        reason = self._category_reason(service_id) if service.is_category else _leaf_reason(service, self._refusals)
        kids = [self._services[s] for s in self._order if self._services[s].parent == service_id]
        return Entry(
            id=service.id, name_ru=service.name_ru, name_en=service.name_en or service.name_ru,
            is_category=service.is_category, prefix=service.prefix, unavailable=reason,
            waiting=service.waiting, estimated_wait_s=service.estimated_wait_s, norm_min=service.norm_walk_in_min,
            children_ru=tuple(k.name_ru for k in kids), children_en=tuple(k.name_en or k.name_ru for k in kids),
            description_ru=" ".join(_texts(service, "description_ru")),
            description_en=" ".join(_texts(service, "description_en")),
            documents_ru=_texts(service, "documents_ru"), documents_en=_texts(service, "documents_en"),
        )

    def _category_reason(self, service_id: str) -> str | None:
        reasons = {_leaf_reason(s, self._refusals) for s in self.leaves_under(service_id)}
        if not reasons or None in reasons:
            return None if reasons else "category"
        return reasons.pop() if len(reasons) == 1 else "category"

    def is_service(self, service_id: str) -> bool:
        service = self._services.get(service_id)
        return service is not None and not service.is_category

    def parent_of(self, service_id: str) -> str | None:
        service = self._services.get(service_id)
        return service.parent if service is not None else None

    def office_closed(self) -> bool:
        """Every service says the office is closed: the home screen says it once, on top."""
        leaves = [s for s in self._services.values() if not s.is_category]
        return bool(leaves) and all(_leaf_reason(s, self._refusals) == "office_closed" for s in leaves)

    def nothing_available(self) -> bool:
        leaves = [s for s in self._services.values() if not s.is_category]
        return bool(leaves) and all(_leaf_reason(s, self._refusals) is not None for s in leaves)

    def office_name(self, lang: str) -> str:
        return self.office_name_en if lang == "en" else self.office_name_ru

    def priority_name(self, priority_id: str | None, lang: str) -> str:
        for p in self.priorities:
            if p.id == priority_id:
                return p.name_en if lang == "en" and p.name_en else p.name_ru
        return ""


def names(entries: Sequence[Entry], lang: str) -> list[str]:
    return [e.name(lang) for e in entries]
