"""The kiosk's rules without Qt or a server: words, the service tree, one ticket per tap."""

from __future__ import annotations

import itertools
import string

import msgspec
import pytest

from kiosk import asked, i18n
from kiosk.catalog import Catalog
from kiosk.flow import IssueFlow, IssueState
from kiosk.info_print import InfoPrint, InfoPrintState
from kiosk.info_print import apply_notice as apply_info_notice
from kiosk.info_print import fail_key as info_fail_key
from kiosk.info_print import from_reply as info_from_reply
from kiosk.info_print import refused as info_refused
from kiosk.info_print import timed_out as info_timed_out
from kiosk.ticket import NoticeBuffer, PrintState, apply_notice, fail_key, from_reply, timed_out
from queue_protocol.replies import PrintNotice
from queue_protocol.views import OfficeView


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_text_has_both_languages_with_the_same_fields() -> None:
    for key in i18n.all_keys():
        ru, en = i18n.both(key)
        assert ru.strip() and en.strip(), key
        assert fields(ru) == fields(en), key


@pytest.mark.parametrize("n, ru, en", [
    (1, "1 человек", "1 person"), (2, "2 человека", "2 people"), (5, "5 человек", "5 people"),
    (11, "11 человек", "11 people"), (21, "21 человек", "21 people"), (22, "22 человека", "22 people"),
    (112, "112 человек", "112 people"),
])
def test_people_in_both_languages(n: int, ru: str, en: str) -> None:
    assert i18n.people(n, "ru") == ru and i18n.people(n, "en") == en


def test_waits_read_at_a_glance() -> None:
    assert i18n.duration(30, "ru") == "меньше минуты"
    assert i18n.duration(61, "ru") == "2 минуты"
    assert i18n.duration(1380, "ru") == "23 минуты"
    assert i18n.duration(1500, "en") == "25 minutes"
    assert i18n.duration(2 * 3600 + 600, "ru") == "2 ч 10 мин"
    assert i18n.duration(2 * 3600, "en") == "2 h"


def office(**changes: dict[str, object]) -> OfficeView:
    services = [
        {"id": "passports", "name_ru": "Паспорта", "name_en": "Passports", "is_category": True},
        {"id": "passport", "name_ru": "Паспорт РФ", "name_en": "Passport", "parent": "passports", "prefix": "А",
         "waiting": 4, "estimated_wait_s": 1380.0},
        {"id": "foreign", "name_ru": "Загранпаспорт", "name_en": "Foreign", "parent": "passports", "prefix": "Б",
         "unavailable": "no_open_window"},
        {"id": "results", "name_ru": "Выдача", "name_en": "Results", "prefix": "Д", "unavailable": "office_closed"},
    ]
    for service in services:
        service.update(changes.get(str(service["id"]), {}))
    return msgspec.convert({
        "office": {"id": "demo", "name": "МФЦ", "name_en": "MFC", "timezone": "Europe/Moscow", "local_day": "2026-01-01"},
        "services": services, "priorities": [{"id": "disabled", "name_ru": "Инвалиды", "name_en": "Disabled"}],
    }, OfficeView)


def test_the_tree_in_configuration_order_with_reasons() -> None:
    catalog = Catalog(office())
    assert [e.id for e in catalog.children_of(None)] == ["passports", "results"]
    assert [e.id for e in catalog.children_of("passports")] == ["passport", "foreign"]
    assert catalog.entry("passports").available   # one service under it takes tickets
    assert catalog.entry("passports").children("ru") == ("Паспорт РФ", "Загранпаспорт")
    assert catalog.entry("results").unavailable == "office_closed"
    assert catalog.entry("foreign").unavailable == "no_open_window"


def test_a_category_takes_the_reason_its_services_share() -> None:
    same = Catalog(office(passport={"unavailable": "office_closed"}, foreign={"unavailable": "office_closed"}))
    assert same.entry("passports").unavailable == "office_closed" and same.office_closed()
    mixed = Catalog(office(passport={"unavailable": "service_inactive"}))
    assert mixed.entry("passports").unavailable == "category" and mixed.nothing_available()


def test_a_refusal_the_mirror_cannot_know_wins_over_its_none() -> None:
    catalog = Catalog(office(), {"passport": "daily_limit_reached"})
    assert catalog.entry("passport").unavailable == "daily_limit_reached"


def test_texts_the_snapshot_does_not_carry_yet_are_empty_not_invented() -> None:
    entry = Catalog(office()).entry("passport")
    assert entry.description("ru") == "" and entry.documents("ru") == ()


def flow() -> IssueFlow:
    counter = itertools.count(1)
    return IssueFlow(lambda: f"id-{next(counter)}")


def test_taps_while_in_flight_are_ignored() -> None:
    f = flow()
    first = f.begin("passport", None)
    assert first is not None and first.request_id == "id-1"
    assert f.begin("passport", None) is None and f.begin("results", None) is None
    assert f.answered("id-1") and f.state is IssueState.IDLE
    assert f.begin("passport", None).request_id == "id-2"


def test_an_unanswered_request_is_retried_with_its_id() -> None:
    f = flow()
    f.begin("passport", "disabled")
    assert f.timed_out("id-1") and f.state is IssueState.UNKNOWN
    again = f.retry()
    assert again is not None and again.request_id == "id-1" and again.attempt == 2
    assert f.timed_out("id-1")
    assert f.begin("passport", "disabled").request_id == "id-1"   # a new tap, same content: same id
    f.timed_out("id-1")
    assert f.begin("results", None).request_id == "id-2"          # another service: a new request


def test_a_late_answer_after_the_visitor_left_is_not_ours() -> None:
    f = flow()
    f.begin("passport", None)
    f.abandon()
    assert not f.answered("id-1") and f.retry() is None


REPLY = {"ticket": "t1", "office": "demo", "label": "А015", "number": 15, "service": "passport", "priority": None,
         "issued_at": "2026-01-01T10:00:00.000000Z", "local_day": "2026-01-01", "people_ahead": 4,
         "estimated_wait_s": 1380.0, "print_job": "pj-1", "printer_status": "ok", "seq": 7}


def notice(state: str, job: str = "pj-1", reason: str = "") -> PrintNotice:
    return PrintNotice(office="demo", job=job, ticket="t1", label="А015", printer="p", state=state, reason=reason)


def test_print_states_from_the_reply_and_the_notices() -> None:
    ticket = from_reply(REPLY)
    assert ticket.print_state is PrintState.PRINTING and ticket.people_ahead == 4
    assert apply_notice(ticket, notice("printed", job="pj-other")) == ticket
    assert apply_notice(ticket, notice("printed")).print_state is PrintState.PRINTED
    failed = apply_notice(ticket, notice("failed", reason="paper_out"))
    assert failed.failed and fail_key(failed.fail_reason) == "print_failed.paper_out"
    assert timed_out(ticket).failed and fail_key(timed_out(ticket).fail_reason) == "print_failed.other"


def test_a_printer_known_to_be_out_fails_at_once_and_no_job_means_no_paper() -> None:
    assert from_reply({**REPLY, "printer_status": "paper_out"}).fail_reason == "paper_out"
    assert from_reply({**REPLY, "print_job": None}).failed


def test_a_notice_that_overtook_its_reply_is_applied() -> None:
    buffer = NoticeBuffer()
    buffer.add(notice("printing"))
    buffer.add(notice("failed", reason="cover_open"))
    ticket = buffer.replay(from_reply(REPLY), apply_notice)
    assert ticket.failed and ticket.fail_reason == "cover_open"


INFO_REPLY = {"office": "demo", "service": "passport", "printer": "kiosk-printer", "print_job": "pj-9",
              "printer_status": "ok"}


def info_notice(state: str, job: str = "pj-9", reason: str = "") -> PrintNotice:
    return PrintNotice(office="demo", job=job, kind="info", service="passport", printer="p", state=state,
                       reason=reason)


def test_an_info_page_follows_its_own_job_and_fails_in_plain_words() -> None:
    asked = InfoPrint("passport")
    assert asked.state is InfoPrintState.PRINTING and asked.job is None
    assert apply_info_notice(asked, info_notice("printed")) == asked   # no job yet: nothing is ours
    waiting = info_from_reply(asked, INFO_REPLY)
    assert waiting.job == "pj-9" and waiting.state is InfoPrintState.PRINTING
    assert apply_info_notice(waiting, info_notice("printed", job="pj-other")) == waiting
    assert apply_info_notice(waiting, notice("printed", job="pj-1")) == waiting   # a ticket's job
    assert apply_info_notice(waiting, info_notice("printed")).state is InfoPrintState.PRINTED
    failed = apply_info_notice(waiting, info_notice("failed", reason="cover_open"))
    assert failed.state is InfoPrintState.FAILED and info_fail_key(failed.fail_reason) == "info_failed.cover_open"
    assert info_fail_key(info_timed_out(waiting).fail_reason) == "info_failed.other"
    assert info_refused(asked).state is InfoPrintState.FAILED
    out = info_from_reply(asked, {**INFO_REPLY, "printer_status": "paper_out"})
    assert (out.state, out.fail_reason) == (InfoPrintState.FAILED, "paper_out")
    assert "сфотографируйте эту страницу" in i18n.tr(info_fail_key("offline"))
    assert "take a photo of this page" in i18n.tr(info_fail_key(""), "en")


def test_a_notice_that_overtook_the_info_reply_is_applied() -> None:
    buffer = NoticeBuffer()
    buffer.add(info_notice("printed"))
    page = buffer.replay(info_from_reply(InfoPrint("passport"), INFO_REPLY), apply_info_notice)
    assert page.state is InfoPrintState.PRINTED


def test_only_a_job_still_on_its_way_is_asked_for_again_word_for_word() -> None:
    sent = asked.ticket_issue("kiosk-1", "passport", None)
    ticket = from_reply(REPLY, sent)
    assert ticket.awaiting_end == sent and sent.as_fields() == {"service": "passport", "priority": None,
                                                              "channel": "walk_in"}
    assert apply_notice(ticket, notice("printed")).awaiting_end is None
    assert from_reply({**REPLY, "print_job": None}, sent).awaiting_end is None   # nothing to print, nothing to learn
    page = InfoPrint("passport", asked=asked.print_info("kiosk-2", "passport", "en"))
    assert page.awaiting_end is None   # no reply yet: that is a retry of an unknown request, not a follow-up
    waiting = info_from_reply(page, INFO_REPLY)
    assert waiting.awaiting_end == page.asked and waiting.awaiting_end.verb == "service.print_info"
    assert info_timed_out(waiting).awaiting_end is None


def test_a_bullet_list_keeps_bullet_and_text_in_columns_so_wrapped_lines_hang() -> None:
    from kiosk.widgets.chrome import bullet_list

    rich = bullet_list(["Паспорт", "Справка <форма 9> & копия"])
    assert rich.count("<tr><td") == 2 and rich.count("•</td><td") == 2   # the bullet's own column
    assert "Справка &lt;форма 9&gt; &amp; копия" in rich                  # the configuration's text, not markup
