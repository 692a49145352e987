"""What a configuration file becomes: a :class:`Site` of offices, each an :class:`OfficeConfig`.

The queue rules of an office live in :class:`queue_server.core.model.Office`; the rest of what
the server needs to run it (accounts with password hashes, kiosks and boards with their device
tokens, ticket printers) sits beside it here.  Everything is frozen: the server loads a site
once and hands the same objects to every part.

Secrets (password hashes, device tokens) are left out of ``repr`` so that a logged object
does not leak them.
"""

from __future__ import annotations

import enum
import hashlib
import hmac
from dataclasses import dataclass, field
from typing import Any

from queue_server.core.model import Office, Role


class DeviceKind(enum.StrEnum):
    KIOSK = "kiosk"      # a touchscreen that issues tickets (and prints them)
    DISPLAY = "display"  # a board: the hall board or one window's board


class DisplayLayout(enum.StrEnum):
    MAIN = "main"        # the hall board: the latest calls, the clock, the running text
    WINDOW = "window"    # the small board above one window: the ticket being served there


class PrinterModel(enum.StrEnum):
    """Printer families; each has a default CP866 code table (see printers.layout)."""

    EPSON = "epson"
    STAR = "star"
    RONGTA = "rongta"
    ZJIANG = "zjiang"
    GENERIC = "generic"


class PrintMode(enum.StrEnum):
    TEXT = "text"        # CP866 text with the printer's fonts: fast, sharp
    RASTER = "raster"    # the whole ticket as an image, for printers without CP866


@dataclass(frozen=True, slots=True)
class Account:
    """A person who logs in to the operator console: an operator, a manager or an admin."""

    login: str
    office_id: str
    role: Role
    display_name: str
    password_hash: str = field(repr=False)  # argon2id, see queue_server.config.passwords


@dataclass(frozen=True, slots=True)
class Device:
    """A kiosk or a board; it proves who it is with ``token`` in its ``hello``."""

    id: str                     # unique within the office, for logs and the manager's screen
    office_id: str
    kind: DeviceKind
    token: str = field(repr=False)
    name: str = ""
    printer: str | None = None  # kiosks: the id of the office's printer that prints its tickets
    layout: DisplayLayout | None = None  # displays only
    window: int | None = None   # window displays only: the window number they show


@dataclass(frozen=True, slots=True)
class PrinterSpec:
    """A ticket printer as configured.  ``None`` means "the model's default"."""

    id: str
    office_id: str
    url: str                    # tcp://host:9100, serial:///dev/ttyUSB0, usb://..., file:///...
    model: PrinterModel = PrinterModel.GENERIC
    paper_mm: int | None = None
    mode: PrintMode = PrintMode.TEXT
    codepage_table: int | None = None

    def profile_overrides(self) -> dict[str, Any]:
        """Keyword overrides for ``printers.layout.PrinterProfile.for_model(spec.model, ...)``."""
        overrides: dict[str, Any] = {"mode": self.mode.value}
        if self.paper_mm is not None:
            overrides["paper_width_mm"] = self.paper_mm
        if self.codepage_table is not None:
            overrides["codepage_table"] = self.codepage_table
        return overrides


@dataclass(frozen=True, slots=True)
class OfficeConfig:
    """One office: the core's view of it plus its devices, printers and accounts."""

    office: Office
    devices: tuple[Device, ...] = ()
    printers: tuple[PrinterSpec, ...] = ()
    accounts: tuple[Account, ...] = ()

    @property
    def id(self) -> str:
        return self.office.id

    def printer(self, printer_id: str) -> PrinterSpec:
        for spec in self.printers:
            if spec.id == printer_id:
                return spec
        raise KeyError(printer_id)

    def device(self, device_id: str) -> Device:
        for device in self.devices:
            if device.id == device_id:
                return device
        raise KeyError(device_id)


def _token_key(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8")).digest()


@dataclass(frozen=True, slots=True)
class Site:
    """Every office one server runs.  Office ids, logins and device tokens are unique here.

    Look-ups: :meth:`office` by id, :meth:`account` by login (case-insensitive; use the
    returned ``account.login`` from then on), :meth:`device_by_token` (indexed by a digest
    of the token and confirmed with a constant-time comparison).
    """

    offices: tuple[OfficeConfig, ...]
    source: str = ""
    _by_office: dict[str, OfficeConfig] = field(init=False, repr=False, compare=False)
    _by_login: dict[str, Account] = field(init=False, repr=False, compare=False)
    _by_token: dict[bytes, Device] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_office", {o.id: o for o in self.offices})
        object.__setattr__(self, "_by_login", {a.login.casefold(): a for o in self.offices for a in o.accounts})
        object.__setattr__(self, "_by_token", {_token_key(d.token): d for o in self.offices for d in o.devices})

    def office(self, office_id: str) -> OfficeConfig:
        """The office with this id; ``KeyError`` if there is none."""
        return self._by_office[office_id]

    @property
    def office_ids(self) -> tuple[str, ...]:
        return tuple(self._by_office)

    def account(self, login: str) -> Account | None:
        return self._by_login.get(login.casefold())

    def device_by_token(self, token: str) -> Device | None:
        device = self._by_token.get(_token_key(token))
        if device is None or not hmac.compare_digest(device.token.encode("utf-8"), token.encode("utf-8")):
            return None
        return device

    @property
    def accounts(self) -> tuple[Account, ...]:
        return tuple(a for o in self.offices for a in o.accounts)

    @property
    def devices(self) -> tuple[Device, ...]:
        return tuple(d for o in self.offices for d in o.devices)
