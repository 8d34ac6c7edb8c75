"""Every code a page shows has a label in Finnish, Swedish and English, in the catalogue of the
service whose page shows it (or the shared layout's): themes, agenda items, theme flags, checklist
signals, study types, HOKS updates, actions, the planner's reasons. (Referral reasons, targets and
outcomes are checked with their code lists in shared/tests/test_code_lists.py.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from hoks_meetings.adapters.translations import TRANSLATIONS as MEETINGS
from hoks_meetings.domain.themes import STUDENT_MEETING_AGENDA, THEMES
from hoks_meetings.domain.vocabulary import ACTION_CODES, HOKS_UPDATES
from hoks_scheduler.adapters.translations import OVERVIEW, TRANSLATIONS as SCHEDULER
from hoks_scheduler.domain.conflicts import REASONS
from hoks_shared.web.i18n import COMMON, LANGUAGES

SUGGESTIONS = Path(__file__).resolve().parents[1] / "services/meetings/src/hoks_meetings/domain/suggestions.py"
STUDENT_THEMES = ("referral-follow-up", "student-meeting")


def signals() -> set[str]:
    """The signal codes the checklist suggestions can raise (read from the rules' source)."""
    return set(re.findall(r'found\.append\("([a-z-]+)"\)', SUGGESTIONS.read_text()))


def labels(catalog, lang: str) -> dict[str, str]:
    return {**COMMON[lang], **catalog[lang]}


def meeting_codes() -> list[str]:
    keys = [f"theme.{c}" for c in (*THEMES, *STUDENT_THEMES)]
    keys += [f"agenda.{a}" for t in THEMES.values() for a in t.agenda] + [f"agenda.{a}" for a in STUDENT_MEETING_AGENDA]
    keys += [f"flag.{f}" for t in THEMES.values() for f in t.items]
    keys += [f"signal.{s}" for s in signals()]
    keys += [f"hoks.{h}" for h in HOKS_UPDATES] + [f"action.{a}" for a in ACTION_CODES]
    keys += [f"study.{s}" for s in ("pt", "at", "eat")]
    return keys


@pytest.mark.parametrize("lang", LANGUAGES)
def test_meeting_page_codes_have_labels(lang):
    assert len(signals()) >= 5
    have = labels(MEETINGS, lang)
    assert [k for k in meeting_codes() if k not in have] == []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_scheduler_page_codes_have_labels(lang):
    have = {**labels(SCHEDULER, lang), **OVERVIEW[lang]}
    keys = [f"reason.{r}" for r in REASONS] + [f"theme.{c}" for c in (*THEMES, *STUDENT_THEMES)]
    keys += [f"study.{s}" for s in ("pt", "at", "eat")] + ["ical.group", "ical.student", "ical.calendar"]
    assert [k for k in keys if k not in have] == []
