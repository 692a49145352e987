"""Who is on a connection: a device (kiosk, board) or an account (operator, manager, admin)."""

from __future__ import annotations

from dataclasses import dataclass, field

from queue_protocol.enums import Role

PUBLIC_ROLES = frozenset({Role.KIOSK, Role.DISPLAY})
STAFF_ROLES = frozenset({Role.OPERATOR, Role.MANAGER, Role.ADMIN})
MANAGER_ROLES = frozenset({Role.MANAGER, Role.ADMIN})


@dataclass
class Principal:
    role: Role
    user: str                       # login, or the device id
    name: str
    office: str                     # home office
    offices: tuple[str, ...]
    printer: str | None = None      # kiosks: the id of their printer
    device_window: int | None = None  # window boards: their window
    window: int | None = field(default=None)  # staff: the window this session works at

    @property
    def key(self) -> str:
        """The idempotency namespace: request ids are unique per device or account."""
        kind = "device" if self.role in PUBLIC_ROLES else "account"
        return f"{kind}:{self.office}/{self.user}" if kind == "device" else f"{kind}:{self.user}"

    @property
    def is_public(self) -> bool:
        return self.role in PUBLIC_ROLES

    @property
    def is_manager(self) -> bool:
        return self.role in MANAGER_ROLES
