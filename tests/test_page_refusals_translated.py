"""The API's refusals a page can meet are shown in the page's language: each service's patterns
match the sentences its rules say, and every pattern has a text in Finnish, Swedish and English."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from hoks_meetings.adapters import page_errors as meetings
from hoks_meetings.domain.meeting_record import from_scheduled
from hoks_meetings.domain.timing import check_may_complete
from hoks_meetings.adapters.http_errors import status_of
from hoks_meetings.domain.errors import NotStartedYet
from hoks_scheduler.adapters import page_errors as scheduler
from hoks_testing import samples
from hoks_shared.web.i18n import COMMON, LANGUAGES, merged, translator
from hoks_shared.web.page_errors import error_table, page_error


@pytest.mark.parametrize("module", [meetings, scheduler])
def test_every_pattern_has_a_text_in_every_language(module):
    for lang in LANGUAGES:
        assert sorted(f"error.{k}" for k in module.PATTERNS) == sorted(module.ERROR_TEXTS[lang]), lang


def table(module, lang):
    return error_table(module.PATTERNS, translator(lang, merged(COMMON, module.ERROR_TEXTS)))


def test_a_rule_the_meeting_page_meets_is_shown_in_finnish():
    start = datetime(2026, 9, 14, 9, 0, tzinfo=UTC)
    meeting = from_scheduled(samples.meeting_scheduled(starts_at=start, ends_at=start + timedelta(hours=1)))
    with pytest.raises(NotStartedYet) as refused:
        check_may_complete(meeting, start - timedelta(hours=8), timedelta(minutes=30), UTC)
    shown = page_error(refused.value.reason, status_of(refused.value), table(meetings, "fi"))
    assert shown == "Palaveri ei ole vielä alkanut: sen voi merkitä pidetyksi 14.09.2026 08:30 alkaen."
    assert page_error("3 student row(s) not confirmed yet", 422, table(meetings, "sv")).startswith("3 studerandes")


@pytest.mark.parametrize(("sentence", "finnish"), [
    ("participant 1.2.246.562.24.1 is unavailable on 2026-12-15", "Osallistuja on poissa 2026-12-15."),
    ("participant 1.2.246.562.24.1 already has 3 meetings that day", "Osallistujalla on jo 3 palaveria sinä päivänä."),
    ("a meeting cannot be moved into the past", "Palaveria ei voi siirtää menneisyyteen."),
    ("something the table does not know", "Muutosta ei voitu tallentaa (virhe 409). Lataa sivu uudelleen ja yritä uudestaan."),
])
def test_scheduler_refusals_in_finnish(sentence, finnish):
    assert page_error(sentence, 409, table(scheduler, "fi")) == finnish
