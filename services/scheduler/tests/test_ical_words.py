"""Calendar events read in words: the title in the reader's language with the theme's label (no
codes), the unit's name as the location, and the meeting page's address."""

from __future__ import annotations

from datetime import UTC, date, datetime

from icalendar import Calendar

from hoks_scheduler.adapters.ical import EventWords, invitation, person_feed, summary
from hoks_scheduler.domain.meeting import Meeting


def meeting(**over) -> Meeting:
    fields = dict(meeting_id="grp-TVO26PT001-2026-2027-r2", kind="group", unit_id="unit-tech",
                  academic_year="2026-2027", theme="absence-mapping", day=date(2026, 12, 15), slot=0,
                  starts_at=datetime(2026, 12, 15, 6, 30, tzinfo=UTC), ends_at=datetime(2026, 12, 15, 7, 30, tzinfo=UTC),
                  seats=(), group_id="TVO26PT001", round=2, rounds_in_year=5)
    return Meeting(**{**fields, **over})


def test_titles_are_words_in_the_readers_language():
    assert summary(meeting()) == "HOKS-seurantapalaveri TVO26PT001, kierros 2/5 · poissaolojen kartoitus"
    assert summary(meeting(), EventWords.of("sv")) == "PUK-uppföljningsmöte TVO26PT001, omgång 2/5 · kartläggning av frånvaro"
    student = meeting(kind="student", group_id=None, round=None, rounds_in_year=None, theme="referral-follow-up")
    assert summary(student, EventWords.of("en")) == "Student-level HOKS meeting · referral follow-up"


def test_events_carry_the_units_name_and_the_meeting_page():
    words = EventWords.of("fi", {"unit-tech": "Tekniikka ja liikenne"}, "https://hoks.example.fi/")
    for body in (person_feed([meeting()], "hoks.example.fi", words=words),
                 invitation(meeting(), "hoks.example.fi", words=words)):
        (event,) = Calendar.from_ical(body).walk("VEVENT")
        assert str(event["location"]) == "Tekniikka ja liikenne"
        assert str(event["url"]) == "https://hoks.example.fi/ui/meetings/grp-TVO26PT001-2026-2027-r2"
        assert "theme" not in str(event["summary"]) and "absence-mapping" not in str(event["summary"])
    (event,) = Calendar.from_ical(person_feed([meeting(unit_id="unit-x")], "d")).walk("VEVENT")
    assert str(event["location"]) == "unit-x"  # no name known: the id rather than nothing
