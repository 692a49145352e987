"""What the event log does not say: service names, norms and purposes, operators' names.

The database keeps only the office row (name, time zone) and the events.  Names and norms
come from the site configuration (``--config FILE``); an office the configuration does not
describe — or every office when no configuration is given — takes the demo office's
catalogue, and the report says so.  Nothing new is stored for the statistics.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from queue_server.core.model import Channel, Office, Operator, Service

from .definitions import DEFAULT_SERVICE

PURPOSE_RU = {
    "hand_in": "подача документов",
    "ask_status": "узнать статус",
    "collect_result": "получение результата",
    "consult": "консультация",
}


@dataclass(frozen=True)
class Catalogue:
    office_id: str
    office_name: str
    timezone: str
    services: Mapping[str, Service] = field(default_factory=dict)
    operators: Mapping[str, str] = field(default_factory=dict)     # login -> display name
    categories: Mapping[str, str] = field(default_factory=dict)    # priority category -> name
    source: str = ""                                               # where the names come from
    from_demo: bool = False

    def service(self, service_id: str) -> Service:
        return self.services.get(service_id) or DEFAULT_SERVICE

    def service_name(self, service_id: str) -> str:
        service = self.services.get(service_id)
        return service.name_ru if service is not None else service_id

    def purpose(self, service_id: str) -> str:
        service = self.services.get(service_id)
        return service.purpose.value if service is not None else ""

    def norm_min(self, service_id: str, channel: Channel = Channel.WALK_IN) -> int:
        return self.service(service_id).norm_seconds(channel) // 60

    def operator_name(self, login: str | None) -> str:
        if login is None:
            return ""
        return self.operators.get(login, "")

    def category_name(self, category: str | None) -> str:
        if category is None:
            return ""
        return self.categories.get(category, category)


def catalogue_from_office(office: Office, *, office_id: str, office_name: str, timezone: str, source: str,
                          from_demo: bool) -> Catalogue:
    return Catalogue(
        office_id=office_id, office_name=office_name, timezone=timezone,
        services={s.id: s for s in office.services},
        operators={o.login: o.display_name for o in office.operators},
        categories={p.id: p.name_ru for p in office.priority_categories},
        source=source, from_demo=from_demo,
    )


Catalogues = tuple[Mapping[str, Office], Office, str]   # configured offices by id, the fallback, the source


def load_catalogues(config: str | None) -> Catalogues:
    """(offices of the configuration by id, the fallback office, the configuration's name).

    Without ``config`` there are no configured offices and the fallback is the demo office.
    """
    from queue_server.config import load_site

    demo = demo_office()
    if config is None:
        return {}, demo, ""
    site = load_site(config)
    return {o.id: o.office for o in site.offices}, demo, config


def demo_office() -> Office:
    """The demo office's catalogue: its services (read and checked by the configuration's own
    reader), operators' names and the federal priority categories.

    Not ``demo_site()``: that checks the whole file, accounts included, and hashing the demo's
    plain-text passwords with argon2 takes most of a second, for names a report does not need.
    """
    from queue_server.config.defaults import FEDERAL_PRIORITY_CATEGORIES
    from queue_server.config.demo import demo_data
    from queue_server.config.services import read_services
    from queue_server.config.tables import Problems, Table

    data = demo_data(1)["office"][0]
    problems = Problems("demo office")
    services, _ = read_services(Table(data, "office[1]", problems))
    problems.raise_if_any()
    operators = tuple(Operator(str(a["login"]), str(a.get("display_name", a["login"])))
                      for a in data.get("operators", ()))
    return Office(id=str(data["id"]), name=str(data["name"]), timezone=str(data.get("timezone", "Europe/Moscow")),
                  services=services, operators=operators, priority_categories=tuple(FEDERAL_PRIORITY_CATEGORIES))


def catalogue_for(office_id: str, office_name: str, timezone: str, configured: Mapping[str, Office],
                  demo: Office, config_name: str) -> Catalogue:
    """The catalogue of a stored office: its configuration's, else the demo office's."""
    office = configured.get(office_id)
    if office is not None:
        return catalogue_from_office(office, office_id=office_id, office_name=office_name, timezone=timezone,
                                     source=config_name, from_demo=False)
    return catalogue_from_office(demo, office_id=office_id, office_name=office_name, timezone=timezone,
                                 source="demo", from_demo=True)
