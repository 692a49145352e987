"""The service tree of one office: ``[[office.services]]`` -> core :class:`Service` objects.

A category (``category = true``) only groups: it has an id, names, an optional parent and
descriptions, never a prefix or norms.  A service is a leaf a visitor takes a ticket for; its
``parent`` (if any) must be a category.  Checked here, because they are properties of the tree
alone: ids unique, parents exist and are categories, no loops, no empty categories, prefixes
unique unless shared on purpose through one ``numbering_group``, and services sharing a counter
share its number range.
"""

from __future__ import annotations

import re

from queue_server.core.model import Service, VisitPurpose

from .tables import Table, show

ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
ID_RULE = "1-64 Latin letters, digits, '_', '.', '-'"
MAX_NUMBER = 99_999
MAX_NORM_MIN = 24 * 60
MAX_SERVICE_MIN = 8 * 60

SERVICE_ONLY = (
    "prefix", "numbering_group", "number_range", "norm_walk_in_min", "norm_appointment_min",
    "daily_limit", "purpose", "expected_service_min", "documents_ru", "documents_en",
)

# Latin capitals that print exactly like a Cyrillic one: "A" and "А" on one ticket roll
# are two prefixes nobody can tell apart.
_LOOKALIKES = str.maketrans("ABCEHKMOPTXY", "АВСЕНКМОРТХУ")


def read_id(table: Table, key: str = "id") -> str | None:
    """An identifier key; None (and a problem) when it is missing or malformed."""
    value = table.text(key)
    if not isinstance(value, str) or not value:
        return None
    if not ID.fullmatch(value):
        table.problem(f'"{key}" {show(value)} must be {ID_RULE}')
        return None
    return value


def read_services(office: Table) -> tuple[tuple[Service, ...], dict[str, Table]]:
    """The services and categories in file order, and the table each came from (by id)."""
    services: list[Service] = []
    places: dict[str, Table] = {}
    for _, table in office.tables("services"):
        service = _read_one(table)
        if service is None:
            continue
        if service.id in places:
            table.problem(f'id "{service.id}" is already used by {places[service.id].where.rsplit(": ", 1)[-1]}')
            continue
        places[service.id] = table
        services.append(service)
    _check_tree(services, places)
    _check_numbering(services, places)
    return tuple(services), places


def _read_one(table: Table) -> Service | None:
    service_id = read_id(table)
    if service_id is not None:
        table.where += f' ("{service_id}")'
    is_category = table.boolean("category", False)
    name_ru = table.text("name_ru", max_len=200)
    name_en = table.text("name_en", name_ru, max_len=200)
    parent = table.raw("parent")
    if parent is not None and not isinstance(parent, str):
        table.problem(f'"parent" must be the id of a category, not {show(parent)}')
        parent = None
    active = table.boolean("active", True)
    description_ru = table.text("description_ru", "", empty=True)
    description_en = table.text("description_en", "", empty=True)
    if is_category:
        for key in SERVICE_ONLY:
            if table.has(key):
                table.problem(f'"{key}" is for services; a category only groups them')
        table.ignore(*SERVICE_ONLY)
        table.finish()
        if service_id is None:
            return None
        return Service(id=service_id, name_ru=name_ru, name_en=name_en, parent_id=parent, is_category=True,
                       active=active, description_ru=description_ru, description_en=description_en)

    prefix = table.text("prefix", max_len=3)
    if prefix and not prefix.isalpha():
        table.problem(f'"prefix" {show(prefix)} must be 1-3 letters (Cyrillic is fine)')
    elif _mixes_scripts(prefix):
        table.problem(f'"prefix" {show(prefix)} mixes Latin and Cyrillic letters')
    numbering_group = table.text("numbering_group", "", empty=True, max_len=64)
    start, end = _number_range(table)
    service = Service(
        id=service_id or "", name_ru=name_ru, name_en=name_en, parent_id=parent, is_category=False,
        prefix=prefix, numbering_group=numbering_group.strip(), number_start=start, number_end=end,
        norm_walk_in_min=table.integer("norm_walk_in_min", 15, lo=1, hi=MAX_NORM_MIN),
        norm_appointment_min=table.integer("norm_appointment_min", 5, lo=1, hi=MAX_NORM_MIN),
        daily_limit=table.integer("daily_limit", None, lo=1, hi=100_000),
        active=active,
        purpose=table.choice("purpose", VisitPurpose, VisitPurpose.HAND_IN),
        expected_service_min=table.number("expected_service_min", 15.0, lo=0, lo_open=True, hi=MAX_SERVICE_MIN),
        description_ru=description_ru, description_en=description_en,
        documents_ru=table.text_or_lines("documents_ru"), documents_en=table.text_or_lines("documents_en"),
    )
    table.finish()
    return service if service_id is not None else None


def _mixes_scripts(prefix: str) -> bool:
    latin = any("A" <= ch.upper() <= "Z" for ch in prefix)
    cyrillic = any("\u0400" <= ch <= "\u04ff" for ch in prefix)
    return latin and cyrillic


def _number_range(table: Table) -> tuple[int, int]:
    value = table.raw("number_range", [1, 999])
    if (
        not isinstance(value, list) or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        table.problem(f'"number_range" must be two integers like [1, 999], not {show(value)}')
        return 1, 999
    start, end = value
    if not 1 <= start < end <= MAX_NUMBER:
        table.problem(f'"number_range" {value} must satisfy 1 <= first < last <= {MAX_NUMBER}')
        return 1, 999
    return start, end


def _check_tree(services: list[Service], places: dict[str, Table]) -> None:
    by_id = {s.id: s for s in services}
    for service in services:
        if service.parent_id is None:
            continue
        parent = by_id.get(service.parent_id)
        if parent is None:
            places[service.id].problem(f'"parent" {show(service.parent_id)} is not the id of any category here')
        elif not parent.is_category:
            places[service.id].problem(
                f'"parent" {show(service.parent_id)} is a service; only a category (category = true) can be a parent')
    for service in services:  # loops: walk up at most len(services) steps
        path, node = [service.id], service
        while node.parent_id is not None and node.parent_id in by_id:
            node = by_id[node.parent_id]
            if node.id in path:
                if node.id == service.id:
                    places[service.id].problem("the parents form a loop: " + " -> ".join([*path, node.id]))
                break
            path.append(node.id)
    children = {s.parent_id for s in services}
    for service in services:
        if service.is_category and service.id not in children:
            places[service.id].problem("the category has no services (add some with parent = "
                                       f'"{service.id}", or remove it)')


def _check_numbering(services: list[Service], places: dict[str, Table]) -> None:
    by_prefix: dict[str, Service] = {}
    by_group: dict[str, Service] = {}
    for service in services:
        if service.is_category or not service.prefix:
            continue
        folded = service.prefix.upper().translate(_LOOKALIKES)
        first = by_prefix.setdefault(folded, service)
        if first is not service and (not service.numbering_group or first.counter_group != service.counter_group):
            same = "" if first.prefix == service.prefix else f' (it looks the same as "{first.prefix}")'
            places[service.id].problem(
                f'prefix "{service.prefix}"{same} is already used by service "{first.id}"; give both the same '
                'numbering_group to share one counter, or use another letter')
            continue
        owner = by_group.setdefault(service.counter_group, service)
        if (owner.number_start, owner.number_end) != (service.number_start, service.number_end):
            places[service.id].problem(
                f'shares the counter "{service.counter_group}" with service "{owner.id}" but its number_range '
                f"[{service.number_start}, {service.number_end}] differs from [{owner.number_start}, {owner.number_end}]")
