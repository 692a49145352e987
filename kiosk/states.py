"""The kiosk's screens, its overlay lifecycle and its time limits (shared by the model and views)."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Screen(enum.StrEnum):
    HOME = "home"
    CATEGORY = "category"
    SERVICE = "service"
    PRIORITY = "priority"
    TICKET = "ticket"


class Overlay(enum.StrEnum):
    """What covers the screens (the kiosk's connection lifecycle as a visitor sees it)."""

    NONE = "none"                # online: the kiosk works
    LOADING = "loading"          # starting up, the first snapshot has not arrived yet
    OFFLINE = "offline"          # the server is unreachable: "temporarily unavailable, ask the administrator"
    NOT_CONNECTED = "not_connected"   # the token was refused: only a person can fix it


ONLINE_STATES = frozenset({"online", "resyncing"})
REFUSED_STATES = frozenset({"auth_failed", "auth_required"})
UNAVAILABLE_CODES = frozenset({"office_closed", "daily_limit_reached", "service_inactive", "no_open_window"})
SERVER_ONLY_REASONS = frozenset({"office_closed", "daily_limit_reached"})


@dataclass(frozen=True)
class Timing:
    """Every time limit of the kiosk, in seconds (tests shorten them)."""

    idle_s: float = 60.0
    ticket_s: float = 20.0
    failed_s: float = 60.0
    print_watchdog_s: float = 12.0
    offline_grace_s: float = 1.5
    request_timeout_s: float = 15.0
    refusal_ttl_s: float = 300.0
