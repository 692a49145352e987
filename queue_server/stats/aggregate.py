"""From the facts of one office to its report: the groupings, the figures, the headings.

Every figure of a row comes from one of three blocks, so a figure means the same in every
table: the **ticket block** (tickets issued — by service, local hour or day of issue, group),
the **visit block** (calls to windows — by the service called for, window, operator) and the
**time block** (window time — by window, operator, local hour or day).  See
docs/statistics.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Any, TypeVar, overload

import numpy as np

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

K = TypeVar("K", bound=Hashable)
NONE = np.zeros(0, dtype=np.int64)        # the rows of an empty group
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

STATE_CODES = {"finished": 1, "no_show": 2, "cancelled": 3}      # anything else: 0, open
END_CODES = {NO_SHOW: 1, TRANSFERRED: 2, POSTPONED: 3}


class _Columns:
    """Facts as numpy columns: a month is some 60,000 tickets and as many visits, grouped a
    dozen ways; one vectorised pass per group instead of a Python loop.  The statistics stay
    :class:`~.definitions.Figures` (exact integer microseconds, the same interpolation)."""

    size = 0

    @overload
    def groups(self, keys: np.ndarray) -> dict[int, np.ndarray]: ...
    @overload
    def groups(self, keys: Sequence[K]) -> dict[K, np.ndarray]: ...

    def groups(self, keys: Sequence[Hashable] | np.ndarray) -> dict[Any, np.ndarray]:
        """key -> the indexes of the rows with that key, in row order.  ``keys``: one per row,
        any hashable, or a numpy array of integers."""
        if isinstance(keys, np.ndarray):
            values, codes = np.unique(keys, return_inverse=True)
            names: list[Hashable] = [v.item() for v in values]
        else:
            index: dict[Hashable, int] = {}
            codes = np.array([index.setdefault(k, len(index)) for k in keys], dtype=np.int64)
            names = list(index)
        order = np.argsort(codes, kind="stable")
        bounds = np.searchsorted(codes[order], np.arange(len(names) + 1))
        return {key: order[bounds[c]:bounds[c + 1]] for c, key in enumerate(names)}


class TicketColumns(_Columns):
    def __init__(self, tickets: Sequence[TicketFacts]) -> None:
        n = self.size = len(tickets)
        self.wait = np.fromiter((t.wait_us or 0 for t in tickets), np.int64, n)
        self.called = np.fromiter((t.wait_us is not None for t in tickets), np.bool_, n)
        self.counted = np.fromiter((t.counted for t in tickets), np.bool_, n)
        self.within = np.fromiter((t.within for t in tickets), np.bool_, n)
        self.state = np.fromiter((STATE_CODES.get(t.state, 0) for t in tickets), np.int8, n)
        self.recalls = np.fromiter((t.recalls for t in tickets), np.int64, n)
        self.transfers = np.fromiter((t.transfers for t in tickets), np.int64, n)
        self.postponements = np.fromiter((t.postponements for t in tickets), np.int64, n)
        self.priority = np.fromiter((t.priority is not None for t in tickets), np.bool_, n)
        self.bucket = np.fromiter((t.bucket for t in tickets), np.int64, n)

    def block(self, rows: np.ndarray | None = None) -> dict[str, Any]:
        """The figures of the tickets ``rows`` (default: all)."""
        def pick(column: np.ndarray) -> np.ndarray:
            return column if rows is None else column[rows]

        state = pick(self.state)
        waits = np.sort(pick(self.wait)[pick(self.called)])
        wait = Figures.of_sorted(waits)
        counted = pick(self.counted)
        within = int(np.count_nonzero(pick(self.within) & counted))
        counted_n = int(np.count_nonzero(counted))
        counts = np.bincount(state, minlength=4)
        served, no_shows, cancelled = int(counts[1]), int(counts[2]), int(counts[3])
        return {
            "tickets": len(state), "served": served, "no_shows": no_shows, "cancelled": cancelled,
            "open": int(counts[0]), "called": wait.count,
            "wait_mean": wait.mean_s, "wait_median": wait.median_s, "wait_p90": wait.p90_s, "wait_max": wait.max_s,
            "norm_counted": counted_n, "within_norm": within, "over_norm": counted_n - within,
            "within_norm_pct": _pct(within, counted_n), "called_within_pct": _pct(within, wait.count),
            "recalls": int(pick(self.recalls).sum()), "transfers": int(pick(self.transfers).sum()),
            "postponements": int(pick(self.postponements).sum()),
            "priority": int(np.count_nonzero(pick(self.priority))),
        }


class VisitColumns(_Columns):
    def __init__(self, visits: Sequence[Visit]) -> None:
        n = self.size = len(visits)
        self.walk = np.fromiter((v.walk_us or 0 for v in visits), np.int64, n)
        self.came = np.fromiter((v.walk_us is not None for v in visits), np.bool_, n)
        self.service = np.fromiter((v.service_us or 0 for v in visits), np.int64, n)
        self.completed = np.fromiter((v.service_us is not None for v in visits), np.bool_, n)
        self.end = np.fromiter((END_CODES.get(v.end or "", 0) for v in visits), np.int8, n)

    def block(self, rows: np.ndarray | None = None) -> dict[str, Any]:
        def pick(column: np.ndarray) -> np.ndarray:
            return column if rows is None else column[rows]

        walk = Figures.of_sorted(np.sort(pick(self.walk)[pick(self.came)]))
        service = Figures.of_sorted(np.sort(pick(self.service)[pick(self.completed)]))
        ends = np.bincount(pick(self.end), minlength=4)
        return {
            "visits": int(ends.sum()), "came": walk.count, "completed": service.count,
            "visit_no_shows": int(ends[1]), "visit_transfers": int(ends[2]), "visit_postponed": int(ends[3]),
            "walk_mean": walk.mean_s, "walk_median": walk.median_s, "walk_p90": walk.p90_s, "walk_max": walk.max_s,
            "service_mean": service.mean_s, "service_median": service.median_s, "service_p90": service.p90_s,
            "service_max": service.max_s,
        }


def ticket_block(tickets: Sequence[TicketFacts]) -> dict[str, Any]:
    """The figures of a group of tickets (see docs/statistics.md)."""
    return TicketColumns(tickets).block()


def visit_block(visits: Sequence[Visit]) -> dict[str, Any]:
    """The figures of a group of visits to windows."""
    return VisitColumns(visits).block()


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


PRINTED = {     # the columns the PDF shows (the spreadsheets show all): what fits an A4 page
    "groups": ("group", "tickets", "wait_mean", "wait_median", "wait_p90", "wait_max", "within_norm_pct",
               "over_norm"),
    "categories": ("name", "tickets", "wait_mean", "wait_median", "wait_p90", "wait_max", "within_norm_pct",
                   "over_norm"),
    "services": ("name", "norm", "tickets", "served", "wait_mean", "wait_p90", "wait_max", "within_norm_pct",
                 "walk_mean", "service_mean", "service_p90"),
    "operators": ("operator", "windows", "completed", "walk_mean", "service_mean", "service_p90", "at_work", "idle",
                  "on_break", "busy_pct"),
    "days": ("date", "weekday", "tickets", "served", "no_shows", "wait_mean", "wait_p90", "wait_max",
             "within_norm_pct", "windows", "busy_pct"),
}


def _mark_printed(table: Table) -> None:
    keys = PRINTED.get(table.key)
    if keys is not None:
        table.columns = tuple(Column(c.key, c.title, c.kind, c.key in keys) for c in table.columns)


# -- the report of one office ---------------------------------------------------------------

def build_office_report(facts: Facts, catalogue: Catalogue) -> OfficeReport:
    grid = facts.grid
    until = facts.until_us
    tickets = list(facts.tickets.values())
    visits = facts.visits
    labels = grid.labels

    tcols = TicketColumns(tickets)
    vcols = VisitColumns(visits)

    def group_time(key: Callable[[tuple[int, str | None, int]], K]) -> dict[K, list[list[int]]]:
        groups: dict[K, list[list[int]]] = defaultdict(list)
        for k, counters in facts.time.items():
            groups[key(k)].append(counters)
        return groups

    working_days = len({labels[b][0] for b in {t.bucket for t in tickets}})
    report = OfficeReport(
        office_id=catalogue.office_id, office_name=catalogue.office_name, timezone=catalogue.timezone,
        first=grid.first, last=grid.last, as_of=from_us(min(until, grid.end_us)),
        catalogue_source=catalogue.source,
    )
    if catalogue.from_demo:
        report.notes.append("Названия услуг и нормативы ожидания взяты из демонстрационного офиса: "
                            "файл конфигурации офиса отчёту не передан (--config).")
    if facts.unknown_services:
        report.notes.append("Услуги без описания в конфигурации (норматив по умолчанию 15 мин, по записи 5 мин): "
                            + ", ".join(sorted(facts.unknown_services)))
    if until < grid.end_us:
        report.notes.append(f"Данные на {from_us(until).astimezone(UTC):%Y-%m-%d %H:%M} UTC: период ещё не закончился.")

    # -- summary
    all_tickets = tcols.block()
    all_visits = vcols.block()
    all_time = time_block(facts.time.values())
    priority = tcols.block(np.flatnonzero(tcols.priority))
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
    appointment = np.fromiter((t.channel == "appointment" for t in tickets), np.bool_, len(tickets))
    selections = {"all": None, "normal": ~tcols.priority, "priority": tcols.priority,
                  "walk_in": ~appointment, "appointment": appointment}
    for key, title in GROUPS:
        mask = selections[key]
        if mask is None or mask.all():
            block = all_tickets
        elif key == "priority":
            block = priority
        else:
            block = tcols.block(np.flatnonzero(mask))
        group_table.rows.append({"key": key, "group": title, **block})
    report.tables["groups"] = group_table

    # -- services
    by_service_t = tcols.groups([t.service_id for t in tickets])
    by_service_v = vcols.groups([v.service_id for v in visits])
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
            **tcols.block(by_service_t.get(service_id, NONE)), **vcols.block(by_service_v.get(service_id, NONE)),
        })
    report.tables["services"] = services

    # -- windows and operators
    time_by_window = group_time(lambda k: k[0])
    visits_by_window = vcols.groups([v.window for v in visits])
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
            **vcols.block(visits_by_window.get(window, NONE)), **time_block(time_by_window.get(window, [])),
        })
    report.tables["windows"] = window_table

    time_by_operator = group_time(lambda k: k[1])
    visits_by_operator = vcols.groups([v.operator for v in visits])
    operator_table = Table("operators", "По операторам", (
        Column("operator", "Логин", TEXT), Column("name", "Оператор", TEXT, printed=False),
        Column("windows", "Окна", TEXT), *visit_cols, *time_cols),
        note="Всё, что происходило у окна, пока оно открыто оператором, относится к этому оператору.")
    logins = set(time_by_operator) | set(visits_by_operator)
    for login in sorted(logins, key=lambda x: (x is None, _natural(x or ""))):
        operator_table.rows.append({
            "operator": login or "—", "name": catalogue.operator_name(login),
            "windows": ", ".join(str(w) for w in sorted(windows_of.get(login, ()))),
            **vcols.block(visits_by_operator.get(login, NONE)), **time_block(time_by_operator.get(login, [])),
        })
    report.tables["operators"] = operator_table

    # -- hours of the day (local)
    hour_of = np.array([hour for _day, hour in labels] or [0], dtype=np.int64)
    day_of = np.array([day.toordinal() for day, _hour in labels] or [0], dtype=np.int64)
    by_hour_t = tcols.groups(hour_of[tcols.bucket])
    time_by_hour = group_time(lambda k: labels[k[2]][1])
    hours = Table("hours", "По часам суток (местное время)", (
        Column("hour", "Час", TEXT), Column("tickets", "Талонов"),
        Column("per_day", "Талонов в день, в среднем", NUM), Column("windows_open", "Окон открыто, в среднем", NUM),
        *_only(TICKET_COLUMNS, "called", "wait_mean", "wait_median", "wait_p90", "wait_max", "within_norm_pct",
               "over_norm")),
        note="Талоны — по часу выдачи. Средние за день — на рабочий день (день, когда выдавались талоны).")
    for hour in range(24):
        group = by_hour_t.get(hour, NONE)
        counters = time_by_hour.get(hour, [])
        at_work = sum(c[AT_WORK] for c in counters)
        if not len(group) and not at_work:
            continue
        block = tcols.block(group)
        hours.rows.append({
            "hour_of_day": hour, "hour": f"{hour:02d}:00–{(hour + 1) % 24:02d}:00",
            "per_day": len(group) / working_days if working_days else None,
            "windows_open": at_work / (3600 * US * working_days) if working_days else None,
            **block,
        })
    report.tables["hours"] = hours

    # -- days (local)
    by_day_t = {date.fromordinal(int(k)): rows for k, rows in tcols.groups(day_of[tcols.bucket]).items()}
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
        group = by_day_t.get(day, NONE)
        counters = time_by_day.get(day, [])
        if not len(group) and not counters:
            continue
        worked = worked_on.get(day, set())
        time = time_block(counters)
        days.rows.append({
            "date": day.isoformat(), "weekday": WEEKDAYS_RU[day.weekday()], **tcols.block(group),
            "windows": len(worked), "at_work": time["at_work"], "busy_pct": time["busy_pct"],
        })
    report.tables["days"] = days

    # -- priority categories
    categories = Table("categories", "Льготные категории", (
        Column("category", "Категория", TEXT, printed=False), Column("name", "Льготная категория", TEXT),
        *_only(TICKET_COLUMNS, "tickets", "served", "called", "wait_mean", "wait_median", "wait_p90", "wait_max",
               "within_norm_pct", "over_norm")),
        note="Категория, с которой талон был вызван в первый раз (не вызванный — последняя).")
    by_category = tcols.groups([t.priority for t in tickets])
    for category in sorted(c for c in by_category if c is not None):
        categories.rows.append({"category": category, "name": catalogue.category_name(category),
                                **tcols.block(by_category[category])})
    report.tables["categories"] = categories
    for table in report.tables.values():
        _mark_printed(table)
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
