"""The office as the core sees it: services, windows, operators, priority categories and the
ordering policy.  Plain frozen data, loaded from configuration by the server; the core never
reads files or clocks.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo


class VisitPurpose(enum.StrEnum):
    HAND_IN = "hand_in"
    ASK_STATUS = "ask_status"
    COLLECT_RESULT = "collect_result"
    CONSULT = "consult"


class Role(enum.StrEnum):
    OPERATOR = "operator"
    MANAGER = "manager"
    ADMIN = "admin"


class Channel(enum.StrEnum):
    """How the visitor came: the wait norm differs (15 min walk-in, 5 min appointment)."""

    WALK_IN = "walk_in"
    APPOINTMENT = "appointment"


class OrderingMode(enum.StrEnum):
    STRICT = "strict"          # a waiting priority ticket always goes first
    INTERLEAVE = "interleave"  # p priority tickets, then n normal ones, while both wait


class Placement(enum.StrEnum):
    """Where a ticket coming back (from the postponed pool or a transfer) joins the queue."""

    FRONT = "front"            # ahead of every class, first come first served among returns
    ISSUE_TIME = "issue_time"  # by its original issue time
    END = "end"                # behind everyone, as if it had just been issued


def text_lines(text: str) -> list[str]:
    """The non-blank lines of a multi-line configuration text (a service's documents), stripped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


@dataclass(frozen=True, slots=True)
class Service:
    """A leaf of the service tree a visitor can take a ticket for, or a category (a branch)."""

    id: str
    name_ru: str
    name_en: str
    parent_id: str | None = None
    is_category: bool = False
    prefix: str = ""
    numbering_group: str = ""          # services sharing a group share a counter; "" = prefix
    number_start: int = 1
    number_end: int = 999
    norm_walk_in_min: int = 15
    norm_appointment_min: int = 5
    daily_limit: int | None = None
    active: bool = True
    purpose: VisitPurpose = VisitPurpose.HAND_IN
    expected_service_min: float = 15.0  # the estimate before real service times are known
    description_ru: str = ""
    description_en: str = ""
    documents_ru: str = ""
    documents_en: str = ""

    @property
    def counter_group(self) -> str:
        return self.numbering_group or self.prefix

    def norm_seconds(self, channel: Channel) -> int:
        minutes = self.norm_appointment_min if channel is Channel.APPOINTMENT else self.norm_walk_in_min
        return minutes * 60


@dataclass(frozen=True, slots=True)
class WindowConfig:
    """A service window (окно).  ``services`` maps service id -> weight (1.0 = neutral)."""

    number: int
    name: str = ""
    services: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Operator:
    login: str
    display_name: str
    role: Role = Role.OPERATOR
    may_call_specific: bool = True


@dataclass(frozen=True, slots=True)
class PriorityCategory:
    """A «льготная категория»; ``weight`` >= 1 scales its tickets' score in the priority class."""

    id: str
    name_ru: str
    name_en: str
    weight: float = 1.0
    needs_document_check: bool = True


@dataclass(frozen=True, slots=True)
class OrderingPolicy:
    mode: OrderingMode = OrderingMode.STRICT
    interleave_priority: int = 1
    interleave_normal: int = 2
    ageing_min: int = 0                 # a ticket this long in its queue goes first-come first-served; 0 = off
    return_placement: Placement = Placement.FRONT
    transfer_placement: Placement = Placement.ISSUE_TIME
    max_recalls: int = 3                # a further recall makes a no-show; 0 = never
    postpone_default_min: int = 10


Interval = tuple[time, time]


@dataclass(frozen=True, slots=True)
class OpeningHours:
    """Local opening hours: per weekday (0 = Monday) and per-date exceptions ([] = closed)."""

    weekly: Mapping[int, tuple[Interval, ...]] = field(default_factory=dict)
    exceptions: Mapping[date, tuple[Interval, ...]] = field(default_factory=dict)
    always_open: bool = False

    def is_open(self, local: datetime) -> bool:
        if self.always_open:
            return True
        day = local.date()
        intervals = self.exceptions.get(day, self.weekly.get(day.weekday(), ()))
        moment = local.time().replace(tzinfo=None)
        return any(start <= moment < end for start, end in intervals)


RESULTS = ("done", "another_visit", "refused", "consulted")


@dataclass(frozen=True, slots=True)
class Office:
    id: str
    name: str
    timezone: str = "Europe/Moscow"
    name_en: str = ""
    hours: OpeningHours = field(default_factory=lambda: OpeningHours(always_open=True))
    services: tuple[Service, ...] = ()
    windows: tuple[WindowConfig, ...] = ()
    operators: tuple[Operator, ...] = ()
    priority_categories: tuple[PriorityCategory, ...] = ()
    policy: OrderingPolicy = field(default_factory=OrderingPolicy)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.tz)
