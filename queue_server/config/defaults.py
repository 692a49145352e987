"""Data every office gets unless its file says otherwise.

FEDERAL_PRIORITY_CATEGORIES are the people federal law lets through out of turn in an МФЦ
(see docs/configuration.md, "Priority categories").  Regions add their own in the office's
``[[office.priority_categories]]``; a listed category with one of these ids replaces the
federal entry, and ``federal_priority_categories = false`` leaves the federal list out.
"""

from __future__ import annotations

from queue_server.core.model import PriorityCategory

FEDERAL_PRIORITY_CATEGORIES: tuple[PriorityCategory, ...] = (
    PriorityCategory(
        id="disabled_1_2",
        name_ru="Инвалиды I и II групп",
        name_en="Disabled people, groups I and II",
    ),
    PriorityCategory(
        id="disabled_child",
        name_ru="Дети-инвалиды и сопровождающие их лица",
        name_en="Disabled children and their companions",
    ),
    PriorityCategory(
        id="ww2_veteran",
        name_ru="Ветераны и инвалиды Великой Отечественной войны",
        name_en="Veterans and invalids of the Great Patriotic War",
    ),
    PriorityCategory(
        id="hero",
        name_ru="Герои Советского Союза, Герои Российской Федерации, полные кавалеры ордена Славы",
        name_en="Heroes of the Soviet Union and of Russia, full holders of the Order of Glory",
    ),
    PriorityCategory(
        id="leningrad_siege",
        name_ru="Жители блокадного Ленинграда",
        name_en="Residents of besieged Leningrad",
    ),
)
