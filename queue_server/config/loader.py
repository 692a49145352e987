"""Load a site configuration file (TOML) into a :class:`~.site.Site`.

Call :func:`load_site` with a path, or :func:`parse_site` with the dict ``tomllib`` made.
Either returns a fully checked, frozen :class:`Site` or raises :class:`ConfigError` listing
every problem found, each naming the file, the office, the table and the key::

    office.toml: office "demo": services[3] ("passport"): unknown key "prefx" (did you mean "prefix"?)

Tables are numbered from 1 in file order.  The format is described key by key in
docs/configuration.md.  Plain passwords are hashed here (argon2id; each distinct one once per
process, see :mod:`.passwords`).
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from queue_server.core.engine import MAX_POSTPONE_MIN
from queue_server.core.model import (
    Office,
    Operator,
    OrderingMode,
    OrderingPolicy,
    Placement,
    PriorityCategory,
    Role,
    Service,
    WindowConfig,
)

from .defaults import FEDERAL_PRIORITY_CATEGORIES
from .devices import read_devices, read_printers
from .hours import read_hours
from .passwords import cached_hash, is_argon2_hash
from .services import read_id, read_services
from .site import Account, OfficeConfig, Site
from .tables import ConfigError, Problems, Table, show

__all__ = ["ConfigError", "load_site", "parse_site"]

MAX_WEIGHT = 100.0
_LOGIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}")
_RATIO = re.compile(r"\s*(\d{1,2})\s*:\s*(\d{1,2})\s*")


def load_site(path: str | os.PathLike[str]) -> Site:
    """Read and check the file at ``path``; the file name starts every error message."""
    source = os.fspath(path)
    try:
        with open(path, "rb") as file:
            data = tomllib.load(file)
    except OSError as error:
        raise ConfigError([f"{source}: cannot read the file: {error.strerror or error}"]) from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError([f"{source}: not valid TOML: {error}"]) from None
    except UnicodeDecodeError as error:
        raise ConfigError([f"{source}: not UTF-8 text: {error}"]) from None
    return parse_site(data, source)


def parse_site(data: Mapping[str, Any], source: str) -> Site:
    """Check the parsed TOML ``data``; ``source`` names it in messages (a file name)."""
    problems = Problems(source)
    top = Table(data, "", problems)
    raw = top.raw("office")
    if isinstance(raw, dict):  # [office] instead of [[office]]: one office, fine
        raw = [raw]
    if not isinstance(raw, list) or not raw or not all(isinstance(o, dict) for o in raw):
        problems.add("", "no offices: describe each office in an [[office]] table")
        raw = []
    top.where = "top level"
    top.finish()
    offices: list[OfficeConfig] = []
    seen_offices: set[str] = set()
    logins: dict[str, str] = {}
    tokens: dict[str, str] = {}
    for n, item in enumerate(raw, start=1):
        table = Table(item, f"office[{n}]", problems)
        office_id = read_id(table)
        if office_id is not None:
            table.where = f'office "{office_id}"'
            if office_id in seen_offices:
                table.problem("this office id is used twice in the file")
            seen_offices.add(office_id)
        config = _read_office(table, office_id or f"office[{n}]", logins, tokens)
        offices.append(config)
    problems.raise_if_any()
    return Site(offices=tuple(offices), source=source)


def _read_office(table: Table, office_id: str, logins: dict[str, str], tokens: dict[str, str]) -> OfficeConfig:
    name = table.text("name", max_len=200)
    name_en = table.text("name_en", name, max_len=200)
    timezone = _timezone(table)
    always_open = table.boolean("always_open", False)
    hours = read_hours(table, always_open)
    policy = _ordering(table)
    services, service_places = read_services(table)
    windows, windows_ok = _windows(table, services)
    accounts = _accounts(table, office_id, logins)
    categories = _priority_categories(table)
    printers = read_printers(table, office_id)
    devices = read_devices(table, office_id, {p.id for p in printers}, {w.number for w in windows})
    for device, place in devices:
        if device.token in tokens:
            place.problem(f'"token" is already used by {tokens[device.token]}; every device needs its own token')
        elif device.token:
            tokens[device.token] = f'device "{device.id}" of office "{office_id}"'
    table.finish()
    if windows_ok:  # else a broken window entry would make its services look unserved
        _check_served(service_places, services, windows)
    if not any(not s.is_category for s in services) and table.ok:
        table.problem("the office has no services ([[office.services]])")
    if not windows and table.ok:
        table.problem("the office has no windows ([[office.windows]])")
    office = Office(
        id=office_id, name=name, timezone=timezone, name_en=name_en, hours=hours, services=services,
        windows=windows, operators=tuple(Operator(a.login, a.display_name, a.role, may) for a, may in accounts),
        priority_categories=categories, policy=policy,
    )
    return OfficeConfig(office=office, devices=tuple(d for d, _ in devices), printers=printers,
                        accounts=tuple(a for a, _ in accounts))


def _timezone(table: Table) -> str:
    value: str = table.text("timezone", max_len=100)
    if not value:
        return "Europe/Moscow"
    if re.fullmatch(r"(Etc/)?GMT[+-]\d+", value):
        table.problem(f'"timezone" {show(value)} is a fixed offset with an inverted sign (Etc/GMT-3 is UTC+3); '
                      'use the city name of the zone, like "Europe/Moscow"')
        return "Europe/Moscow"
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        table.problem(f'"timezone" {show(value)} is not an IANA time zone name '
                      '(like "Europe/Moscow", "Asia/Yekaterinburg", "Asia/Vladivostok")')
        return "Europe/Moscow"
    return value


def _ordering(office: Table) -> OrderingPolicy:
    table = office.sub("ordering")
    if table is None:
        return OrderingPolicy()
    default = OrderingPolicy()
    ratio = table.text("interleave", "1:2")
    match = _RATIO.fullmatch(ratio) if isinstance(ratio, str) else None
    if match is None or int(match[1]) < 1 or int(match[2]) < 1:
        table.problem(f'"interleave" must be "priority:normal" like "1:2" (both at least 1), not {show(ratio)}')
        priority, normal = default.interleave_priority, default.interleave_normal
    else:
        priority, normal = int(match[1]), int(match[2])
    policy = OrderingPolicy(
        mode=table.choice("mode", OrderingMode, default.mode),
        interleave_priority=priority, interleave_normal=normal,
        ageing_min=table.integer("ageing_min", default.ageing_min, lo=0, hi=24 * 60),
        return_placement=table.choice("return_placement", Placement, default.return_placement),
        transfer_placement=table.choice("transfer_placement", Placement, default.transfer_placement),
        max_recalls=table.integer("max_recalls", default.max_recalls, lo=0, hi=100),
        postpone_default_min=table.integer("postpone_default_min", default.postpone_default_min,
                                           lo=1, hi=MAX_POSTPONE_MIN),
    )
    table.finish()
    return policy


def _windows(office: Table, services: tuple[Service, ...]) -> tuple[tuple[WindowConfig, ...], bool]:
    """The windows by number, and whether every window entry was fine."""
    by_id = {s.id: s for s in services}
    windows: dict[int, WindowConfig] = {}
    all_ok = True
    for _, table in office.tables("windows"):
        given = table.raw("number")
        if isinstance(given, int) and not isinstance(given, bool):
            table.where += f" (window {given})"
        number = table.integer("number", lo=1, hi=9999)
        name = table.text("name", "", empty=True, max_len=100)
        weights = _window_services(table, by_id)
        table.finish()
        all_ok = all_ok and table.ok
        if not isinstance(given, int) or isinstance(given, bool):
            continue
        if number in windows:
            table.problem(f"window number {number} is used twice")
            continue
        windows[number] = WindowConfig(number=number, name=name, services=weights)
    return tuple(windows[n] for n in sorted(windows)), all_ok


def _window_services(table: Table, by_id: Mapping[str, Service]) -> dict[str, float]:
    raw = table.raw("services", [])
    if isinstance(raw, list) and all(isinstance(v, str) for v in raw):
        if len(set(raw)) != len(raw):
            table.problem('"services" names a service twice')
        pairs: list[tuple[str, Any]] = [(v, 1.0) for v in raw]
    elif isinstance(raw, dict):
        pairs = list(raw.items())
    else:
        table.problem(f'"services" must be a list of service ids or a table {{id = weight}}, not {show(raw)}')
        return {}
    weights: dict[str, float] = {}
    for service_id, weight in pairs:
        service = by_id.get(service_id)
        if service is None:
            table.problem(f'"services": {show(service_id)} is not a service of this office')
        elif service.is_category:
            table.problem(f'"services": {show(service_id)} is a category; a window serves services (leaves) only')
        elif (not isinstance(weight, int | float) or isinstance(weight, bool)
              or not 0 < weight <= MAX_WEIGHT):
            table.problem(f'"services": the weight of "{service_id}" must be a number above 0 '
                          f"and at most {MAX_WEIGHT:g}, not {show(weight)}")
        else:
            weights[service_id] = float(weight)
    return weights


def _check_served(places: Mapping[str, Table], services: tuple[Service, ...],
                  windows: tuple[WindowConfig, ...]) -> None:
    served = {s for w in windows for s in w.services}
    for service in services:
        if not service.is_category and service.active and service.id not in served:
            places[service.id].problem("the service is active but no window serves it "
                                       "(add it to a window's services, or set active = false)")


def _accounts(office: Table, office_id: str, logins: dict[str, str]) -> list[tuple[Account, bool]]:
    accounts: list[tuple[Account, bool]] = []
    for _, table in office.tables("operators"):
        login = table.text("login", max_len=64)
        if login and not _LOGIN.fullmatch(login):
            table.problem(f'"login" {show(login)} must be 1-64 Latin letters, digits, "_", ".", "@", "-"')
        if login:
            table.where += f' ("{login}")'
        display_name = table.text("display_name", login, max_len=100)
        role = table.choice("role", Role, Role.OPERATOR)
        may_call_specific = table.boolean("may_call_specific", True)
        password_hash = _password(table)
        table.finish()
        if not login:
            continue
        if login.casefold() in logins:
            table.problem(f'login "{login}" is already used in office "{logins[login.casefold()]}" '
                          "(logins are unique in the whole file, letter case aside)")
            continue
        logins[login.casefold()] = office_id
        accounts.append((Account(login=login, office_id=office_id, role=role, display_name=display_name,
                                 password_hash=password_hash), may_call_specific))
    return accounts


def _password(table: Table) -> str:
    plain = table.raw("password")
    given_hash = table.raw("password_hash")
    if plain is not None and given_hash is not None:
        table.problem('give either "password" or "password_hash", not both')
        return ""
    if given_hash is not None:
        if not isinstance(given_hash, str) or not is_argon2_hash(given_hash):
            table.problem('"password_hash" is not an argon2 hash (make one with: talon-server hash-password)')
            return ""
        return given_hash
    if plain is None:
        table.missing_key('missing key "password_hash" (or "password" for a test setup)', "password", "password_hash")
        return ""
    if not isinstance(plain, str) or not plain:
        table.problem('"password" must be a non-empty string')
        return ""
    return cached_hash(plain)


def _priority_categories(office: Table) -> tuple[PriorityCategory, ...]:
    include_federal = office.boolean("federal_priority_categories", True)
    listed: dict[str, PriorityCategory] = {}
    for _, table in office.tables("priority_categories"):
        category_id = read_id(table)
        if category_id is not None:
            table.where += f' ("{category_id}")'
        name_ru = table.text("name_ru", max_len=200)
        category = PriorityCategory(
            id=category_id or "", name_ru=name_ru, name_en=table.text("name_en", name_ru, max_len=200),
            weight=table.number("weight", 1.0, lo=1, hi=MAX_WEIGHT),
            needs_document_check=table.boolean("needs_document_check", True),
        )
        table.finish()
        if category_id is None:
            continue
        if category_id in listed:
            table.problem(f'id "{category_id}" is used twice')
            continue
        listed[category_id] = category
    federal = [c for c in FEDERAL_PRIORITY_CATEGORIES if c.id not in listed] if include_federal else []
    return (*federal, *listed.values())

