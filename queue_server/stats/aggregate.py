"""From the facts of one office to its report: the groupings, the figures, the headings.

Every figure of a row comes from one of three blocks, so a figure means the same in every
table: the **ticket block** (tickets issued — by service, local hour or day of issue, group),
the **visit block** (calls to windows — by the service called for, window, operator) and the
**time block** (window time — by window, operator, local hour or day).  See
docs/statistics.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any

from .catalogue import Catalogue
from .definitions import (
    AT_WORK,
    NO_SHOW,
    ON_BREAK,
    POSTPONED,
    TRANSFERRED,
    US,
    Facts,
    Figures,
    TicketFacts,
    Visit,
    from_us,
)
from .model import HOURS, INT, MIN, NUM, PCT, TEXT, Column, Figure, OfficeReport, Report, Table

WEEKDAYS_RU = ("пн", "вт", "ср", "чт", "пт", "сб", "вс")
GROUPS = (
    ("all", "Все талоны"),
    ("normal", "Без льготы"),
    ("priority", "Льготные"),
    ("walk_in", "Без записи"),
    ("appointment", "По предварительной записи"),
)


def _pct(part: int | float, whole: int | float) -> float | None:
    return 100 * part / whole if whole else None


# -- the three blocks -----------------------------------------------------------------------

def ticket_block(tickets: Sequence[TicketFacts]) -> dict[str, Any]:
    """The figures of a group of tickets (one pass: a month is some 60,000 tickets)."""
    waits: list[int] = []
    append = waits.append
    counted = within = served = no_shows = cancelled = recalls = transfers = postponements = priority = 0
    for t in tickets:
        wait = t.wait_us
        if wait is not None:
            append(wait)
        if t.counted:
            counted += 1
            within += t.within
        state = t.state
        if state == "finished":
            served += 1
        elif state == "no_show":
            no_shows += 1
        elif state == "cancelled":
            cancelled += 1
        recalls += t.recalls
        transfers += t.transfers
        postponements += t.postponements
        if t.priority is not None:
            priority += 1
    wait = Figures.of_us(waits)
    return {
        "tickets": len(tickets), "served": served, "no_shows": no_shows, "cancelled": cancelled,
        "open": len(tickets) - served - no_shows - cancelled, "called": wait.count,
        "wait_mean": wait.mean_s, "wait_median": wait.median_s, "wait_p90": wait.p90_s, "wait_max": wait.max_s,
        "norm_counted": counted, "within_norm": within, "over_norm": counted - within,
        "within_norm_pct": _pct(within, counted), "called_within_pct": _pct(within, wait.count),
        "recalls": recalls, "transfers": transfers, "postponements": postponements, "priority": priority,
    }


def visit_block(visits: Sequence[Visit]) -> dict[str, Any]:
    walks: list[int] = []
    services: list[int] = []
    no_shows = transfers = postponed = 0
    for v in visits:
        if v.walk_us is not None:
            walks.append(v.walk_us)
        if v.service_us is not None:
            services.append(v.service_us)
        end = v.end
        if end == NO_SHOW:
            no_shows += 1
        elif end == TRANSFERRED:
            transfers += 1
        elif end == POSTPONED:
            postponed += 1
    walk = Figures.of_us(walks)
    service = Figures.of_us(services)
    return {
        "visits": len(visits), "came": walk.count, "completed": service.count,
        "visit_no_shows": no_shows, "visit_transfers": transfers, "visit_postponed": postponed,
        "walk_mean": walk.mean_s, "walk_median": walk.median_s, "walk_p90": walk.p90_s, "walk_max": walk.max_s,
        "service_mean": service.mean_s, "service_median": service.median_s, "service_p90": service.p90_s,
        "service_max": service.max_s,
    }


def time_block(counters: Iterable[Sequence[int]]) -> dict[str, Any]:
    total = [0, 0, 0, 0]
    for row in counters:
        for i in range(4):
            total[i] += row[i]
    at_work, on_break, calling, serving = total
    return {
        "at_work": at_work / US, "serving": serving / US, "calling": calling / US,
        "idle": (at_work - calling - serving) / US, "on_break": on_break / US,
        "busy_pct": _pct(calling + serving, at_work),
    }


# -- columns --------------------------------------------------------------------------------

TICKET_COLUMNS = (
    Column("tickets", "Талонов"),
    Column("served", "Обслужено"),
    Column("no_shows", "Неявки"),
    Column("cancelled", "Отменено", printed=False),
    Column("open", "Не завершено", printed=False),
    Column("called", "Вызвано", printed=False),
    Column("wait_mean", "Ожидание, сред., мин", MIN),
    Column("wait_median", "Ожидание, медиана, мин", MIN),
    Column("wait_p90", "Ожидание, 90-й перц., мин", MIN),
    Column("wait_max", "Ожидание, макс., мин", MIN),
    Column("within_norm_pct", "В пределах норматива, %", PCT),
    Column("over_norm", "Сверх норматива, талонов", INT),
    Column("called_within_pct", "В нормативе, % от вызванных", PCT, printed=False),
)
VISIT_COLUMNS = (
    Column("visits", "Вызовов к окну", printed=False),
    Column("came", "Подошли", printed=False),
    Column("completed", "Услуг завершено"),
    Column("visit_no_shows", "Неявки при вызове", printed=False),
    Column("visit_transfers", "Переадресовано", printed=False),
    Column("visit_postponed", "Отложено", printed=False),
    Column("walk_mean", "Подход, сред., мин", MIN),
    Column("walk_median", "Подход, медиана, мин", MIN, printed=False),
    Column("walk_p90", "Подход, 90-й перц., мин", MIN, printed=False),
    Column("walk_max", "Подход, макс., мин", MIN, printed=False),
    Column("service_mean", "Обслуживание, сред., мин", MIN),
    Column("service_median", "Обслуживание, медиана, мин", MIN),
    Column("service_p90", "Обслуживание, 90-й перц., мин", MIN),
    Column("service_max", "Обслуживание, макс., мин", MIN),
)
TIME_COLUMNS = (
    Column("at_work", "Окно открыто, ч", HOURS),
    Column("serving", "Обслуживание, ч", HOURS),
    Column("calling", "Вызов и подход, ч", HOURS),
    Column("idle", "Простой, ч", HOURS),
    Column("on_break", "Перерыв, ч", HOURS),
    Column("busy_pct", "Загрузка, %", PCT),
)


def _only(columns: Sequence[Column], *keys: str, printed: Sequence[str] = ()) -> tuple[Column, ...]:
    chosen = {c.key: c for c in columns}
    out = []
    for key in keys:
        column = chosen[key]
        if printed:
            column = Column(column.key, column.title, column.kind, key in printed)
        out.append(column)
    return tuple(out)


# -- the report of one office ---------------------------------------------------------------

def build_office_report(facts: Facts, catalogue: Catalogue) -> OfficeReport:
    grid = facts.grid
    until = facts.until_us
    tickets = list(facts.tickets.values())
    visits = facts.visits
    labels = grid.labels

    def group_tickets(key: Callable[[TicketFacts], Any]) -> dict[Any, list[TicketFacts]]:
        groups: dict[Any, list[TicketFacts]] = defaultdict(list)
        for t in tickets:
            groups[key(t)].append(t)
        return groups

    def group_visits(key: Callable[[Visit], Any]) -> dict[Any, list[Visit]]:
        groups: dict[Any, list[Visit]] = defaultdict(list)
        for v in visits:
            groups[key(v)].append(v)
        return groups

    def group_time(key: Callable[[tuple[int, str | None, int]], Any]) -> dict[Any, list[list[int]]]:
        groups: dict[Any, list[list[int]]] = defaultdict(list)
        for k, counters in facts.time.items():
            groups[key(k)].append(counters)
        return groups

    days_with_tickets = sorted({labels[t.bucket][0] for t in tickets})
    working_days = len(days_with_tickets)
    report = OfficeReport(
        office_id=catalogue.office_id, office_name=catalogue.office_name, timezone=catalogue.timezone,
        first=grid.first, last=grid.last, as_of=from_us(min(until, grid.end_us)),
        catalogue_source=catalogue.source,
    )
    if catalogue.from_demo:
        report.notes.append("Названия услуг и нормативы ожидания взяты из демонстрационного офиса "
                            "(конфигурация офиса не указана: --config).")
    if facts.unknown_services:
        report.notes.append("Услуги без описания в конфигурации (норматив по умолчанию 15 мин, по записи 5 мин): "
                            + ", ".join(sorted(facts.unknown_services)))
    if until < grid.end_us:
        report.notes.append(f"Данные на {from_us(until).astimezone(UTC):%Y-%m-%d %H:%M} UTC: период ещё не закончился.")

    # -- summary
    all_tickets = ticket_block(tickets)
    all_visits = visit_block(visits)
    all_time = time_block(facts.time.values())
    priority = ticket_block([t for t in tickets if t.is_priority])
    windows_worked = {k[0] for k, c in facts.time.items() if c[AT_WORK] or c[ON_BREAK]}
    operators_worked = {k[1] for k, c in facts.time.items() if (c[AT_WORK] or c[ON_BREAK]) and k[1] is not None}
    report.summary = [
        Figure("tickets", "Выдано талонов", all_tickets["tickets"]),
        Figure("working_days", "Рабочих дней (с талонами)", working_days),
        Figure("tickets_per_day", "Талонов в день, в среднем", all_tickets["tickets"] / working_days
               if working_days else None, NUM),
        Figure("served", "Обслужено", all_tickets["served"]),
        Figure("no_shows", "Неявки", all_tickets["no_shows"]),
        Figure("cancelled", "Отменено (в т. ч. не дождались до закрытия)", all_tickets["cancelled"]),
        Figure("open", "Не завершено на конец периода", all_tickets["open"]),
        Figure("called", "Вызвано к окну", all_tickets["called"]),
        Figure("wait_mean", "Ожидание вызова: среднее, мин", all_tickets["wait_mean"], MIN),
        Figure("wait_median", "Ожидание вызова: медиана, мин", all_tickets["wait_median"], MIN),
        Figure("wait_p90", "Ожидание вызова: 90-й перцентиль, мин", all_tickets["wait_p90"], MIN),
        Figure("wait_max", "Ожидание вызова: максимум, мин", all_tickets["wait_max"], MIN),
        Figure("within_norm_pct", "Вызваны в пределах норматива, %", all_tickets["within_norm_pct"], PCT),
        Figure("over_norm", "Ждали дольше норматива, талонов", all_tickets["over_norm"]),
        Figure("called_within_pct", "В пределах норматива, % от вызванных", all_tickets["called_within_pct"], PCT),
        Figure("walk_mean", "Подход к окну: среднее, мин", all_visits["walk_mean"], MIN),
        Figure("walk_median", "Подход к окну: медиана, мин", all_visits["walk_median"], MIN),
        Figure("walk_p90", "Подход к окну: 90-й перцентиль, мин", all_visits["walk_p90"], MIN),
        Figure("walk_max", "Подход к окну: максимум, мин", all_visits["walk_max"], MIN),
        Figure("service_mean", "Обслуживание: среднее, мин", all_visits["service_mean"], MIN),
        Figure("service_median", "Обслуживание: медиана, мин", all_visits["service_median"], MIN),
        Figure("service_p90", "Обслуживание: 90-й перцентиль, мин", all_visits["service_p90"], MIN),
        Figure("service_max", "Обслуживание: максимум, мин", all_visits["service_max"], MIN),
        Figure("completed", "Услуг завершено с результатом", all_visits["completed"]),
        Figure("recalls", "Повторных вызовов", all_tickets["recalls"]),
        Figure("transfers", "Переадресаций", all_tickets["transfers"]),
        Figure("postponements", "Отложено (отправлены оплатить, снять копии)", all_tickets["postponements"]),
        Figure("priority", "Льготных талонов", priority["tickets"]),
        Figure("priority_wait_mean", "Льготные: ожидание, среднее, мин", priority["wait_mean"], MIN),
        Figure("priority_within_norm_pct", "Льготные: в пределах норматива, %", priority["within_norm_pct"], PCT),
        Figure("windows", "Окон работало", len(windows_worked)),
        Figure("operators", "Операторов работало", len(operators_worked)),
        Figure("at_work", "Окна открыты, ч", all_time["at_work"], HOURS),
        Figure("serving", "  из них обслуживание, ч", all_time["serving"], HOURS),
        Figure("calling", "  из них вызов и подход посетителя, ч", all_time["calling"], HOURS),
        Figure("idle", "  из них простой (никого у окна), ч", all_time["idle"], HOURS),
        Figure("on_break", "Перерывы, ч", all_time["on_break"], HOURS),
        Figure("busy_pct", "Загрузка окон, %", all_time["busy_pct"], PCT),
    ]

    # -- groups of tickets
    group_table = Table("groups", "Группы посетителей", (Column("group", "Группа", TEXT),
                        *_only(TICKET_COLUMNS, "tickets", "called", "wait_mean", "wait_median", "wait_p90", "wait_max",
                               "within_norm_pct", "over_norm", "called_within_pct")))
    selectors: dict[str, Callable[[TicketFacts], bool]] = {
        "all": lambda t: True, "normal": lambda t: not t.is_priority, "priority": lambda t: t.is_priority,
        "walk_in": lambda t: t.channel != "appointment", "appointment": lambda t: t.channel == "appointment",
    }
    for key, title in GROUPS:
        chosen = [t for t in tickets if selectors[key](t)]
        block = all_tickets if len(chosen) == len(tickets) else priority if key == "priority" else ticket_block(chosen)
        group_table.rows.append({"key": key, "group": title, **block})
    report.tables["groups"] = group_table

    # -- services
    by_service_t = group_tickets(lambda t: t.service_id)
    by_service_v = group_visits(lambda v: v.service_id)
    order = [s.id for s in catalogue.services.values() if not s.is_category]
    seen = set(by_service_t) | set(by_service_v)
    service_ids = [s for s in order if s in seen] + sorted(seen - set(order))
    services = Table("services", "По услугам", (
        Column("service", "Код услуги", TEXT, printed=False), Column("name", "Услуга", TEXT),
        Column("norm", "Норматив, мин", TEXT), *TICKET_COLUMNS, *VISIT_COLUMNS),
        note="Талоны — по услуге, на которую выдан талон; вызовы и обслуживание — по услуге, "
             "по которой вызван посетитель.")
    for service_id in service_ids:
        norm = f"{catalogue.norm_min(service_id)}"
        service = catalogue.service(service_id)
        if service.norm_appointment_min != service.norm_walk_in_min:
            norm += f" / {service.norm_appointment_min} по записи"
        services.rows.append({
            "service": service_id, "name": catalogue.service_name(service_id), "norm": norm,
            **ticket_block(by_service_t.get(service_id, [])), **visit_block(by_service_v.get(service_id, [])),
        })
    report.tables["services"] = services

    # -- windows and operators
    time_by_window = group_time(lambda k: k[0])
    visits_by_window = group_visits(lambda v: v.window)
    people_at: dict[int, set[str]] = defaultdict(set)
    windows_of: dict[str | None, set[int]] = defaultdict(set)
    for (window, operator, _bucket) in facts.time:
        if operator is not None:
            people_at[window].add(operator)
        windows_of[operator].add(window)
    for v in visits:
        if v.operator is not None:
            people_at[v.window].add(v.operator)
        windows_of[v.operator].add(v.window)
    visit_cols = _only(VISIT_COLUMNS, *(c.key for c in VISIT_COLUMNS),
                       printed=("completed", "walk_mean", "service_mean", "service_p90"))
    time_cols = _only(TIME_COLUMNS, *(c.key for c in TIME_COLUMNS),
                      printed=("at_work", "serving", "idle", "on_break", "busy_pct"))
    window_table = Table("windows", "По окнам", (
        Column("window", "Окно", INT), Column("operators", "Операторы", TEXT), *visit_cols, *time_cols))
    for window in sorted(set(time_by_window) | set(visits_by_window)):
        window_table.rows.append({
            "window": window, "operators": ", ".join(sorted(people_at.get(window, ()))),
            **visit_block(visits_by_window.get(window, [])), **time_block(time_by_window.get(window, [])),
        })
    report.tables["windows"] = window_table

    time_by_operator = group_time(lambda k: k[1])
    visits_by_operator = group_visits(lambda v: v.operator)
    operator_table = Table("operators", "По операторам", (
        Column("operator", "Логин", TEXT), Column("name", "Оператор", TEXT, printed=False),
        Column("windows", "Окна", TEXT), *visit_cols, *time_cols),
        note="Всё, что происходило у окна, пока оно открыто оператором, относится к этому оператору.")
    logins = set(time_by_operator) | set(visits_by_operator)
    for login in sorted(logins, key=lambda x: (x is None, _natural(x or ""))):
        operator_table.rows.append({
            "operator": login or "—", "name": catalogue.operator_name(login),
            "windows": ", ".join(str(w) for w in sorted(windows_of.get(login, ()))),
            **visit_block(visits_by_operator.get(login, [])), **time_block(time_by_operator.get(login, [])),
        })
    report.tables["operators"] = operator_table

    # -- hours of the day (local)
    by_hour_t = group_tickets(lambda t: labels[t.bucket][1])
    time_by_hour = group_time(lambda k: labels[k[2]][1])
    hours = Table("hours", "По часам суток (местное время)", (
        Column("hour", "Час", TEXT), Column("tickets", "Талонов"),
        Column("per_day", "Талонов в день, в среднем", NUM), Column("windows_open", "Окон открыто, в среднем", NUM),
        *_only(TICKET_COLUMNS, "called", "wait_mean", "wait_median", "wait_p90", "wait_max", "within_norm_pct",
               "over_norm")),
        note="Талоны — по часу выдачи. Средние за день — на рабочий день (день, когда выдавались талоны).")
    for hour in range(24):
        group = by_hour_t.get(hour, [])
        counters = time_by_hour.get(hour, [])
        at_work = sum(c[AT_WORK] for c in counters)
        if not group and not at_work:
            continue
        block = ticket_block(group)
        hours.rows.append({
            "hour_of_day": hour, "hour": f"{hour:02d}:00–{(hour + 1) % 24:02d}:00",
            "per_day": len(group) / working_days if working_days else None,
            "windows_open": at_work / (3600 * US * working_days) if working_days else None,
            **block,
        })
    report.tables["hours"] = hours

    # -- days (local)
    by_day_t = group_tickets(lambda t: labels[t.bucket][0])
    time_by_day = group_time(lambda k: labels[k[2]][0])
    days = Table("days", "По дням", (
        Column("date", "Дата", TEXT), Column("weekday", "День", TEXT),
        *_only(TICKET_COLUMNS, "tickets", "served", "no_shows", "cancelled", "called", "wait_mean", "wait_median",
               "wait_p90", "wait_max", "within_norm_pct", "over_norm",
               printed=("tickets", "served", "no_shows", "wait_mean", "wait_median", "wait_p90", "wait_max",
                        "within_norm_pct", "over_norm")),
        Column("windows", "Окон работало"), *_only(TIME_COLUMNS, "at_work", "busy_pct")))
    worked_on: dict[date, set[int]] = defaultdict(set)
    for (window, _operator, bucket), c in facts.time.items():
        if c[AT_WORK] or c[ON_BREAK]:
            worked_on[labels[bucket][0]].add(window)
    for day in grid.days:
        group = by_day_t.get(day, [])
        counters = time_by_day.get(day, [])
        if not group and not counters:
            continue
        worked = worked_on.get(day, set())
        time = time_block(counters)
        days.rows.append({
            "date": day.isoformat(), "weekday": WEEKDAYS_RU[day.weekday()], **ticket_block(group),
            "windows": len(worked), "at_work": time["at_work"], "busy_pct": time["busy_pct"],
        })
    report.tables["days"] = days

    # -- priority categories
    categories = Table("categories", "Льготные категории", (
        Column("category", "Категория", TEXT, printed=False), Column("name", "Льготная категория", TEXT),
        *_only(TICKET_COLUMNS, "tickets", "served", "called", "wait_mean", "wait_median", "wait_p90", "wait_max",
               "within_norm_pct", "over_norm")),
        note="Категория, с которой талон был вызван в первый раз (не вызванный — последняя).")
    by_category = group_tickets(lambda t: t.priority)
    for category in sorted(c for c in by_category if c is not None):
        categories.rows.append({"category": category, "name": catalogue.category_name(category),
                                **ticket_block(by_category[category])})
    report.tables["categories"] = categories
    return report


def _natural(text: str) -> tuple[Any, ...]:
    """sim2 before sim10."""
    import re

    return tuple(int(p) if p.isdigit() else p for p in re.split(r"(\d+)", text))


OFFICE_COLUMNS = (
    Column("office", "Офис", TEXT), Column("name", "Название", TEXT),
    *_only(TICKET_COLUMNS, "tickets", "served", "no_shows", "wait_mean", "wait_median", "wait_p90", "wait_max",
           "within_norm_pct", "over_norm"),
    Column("service_mean", "Обслуживание, сред., мин", MIN), Column("windows", "Окон работало"),
    Column("busy_pct", "Загрузка, %", PCT),
)


def build_report(offices: list[OfficeReport], first: date, last: date, generated_at: datetime) -> Report:
    table = Table("offices", "По офисам", OFFICE_COLUMNS)
    for office in offices:
        row: dict[str, Any] = {"office": office.office_id, "name": office.office_name}
        for column in OFFICE_COLUMNS[2:]:
            row[column.key] = office.figure(column.key)
        table.rows.append(row)
    return Report(first=first, last=last, generated_at=generated_at, offices=offices, by_office=table)
