"""iCalendar (RFC 5545): per-person feeds and per-meeting invitations.

The UID of a meeting is ``<meeting id>@<domain>`` and never changes, and SEQUENCE is the
meeting's sequence, so a calendar client updates or cancels the event it already has. Feeds
carry no names and no OIDs: the summary says what kind of meeting it is (group code, round and
theme for group meetings; only "student-level" for student meetings), in the reader's language
(Finnish unless the feed's address says ``lang=sv|en``), with the unit's name as the location and
the meeting page's address.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from icalendar import Calendar, Event

from hoks_scheduler.adapters.translations import TRANSLATIONS
from hoks_scheduler.domain.meeting import Meeting
from hoks_shared.web.i18n import DEFAULT_LANGUAGE, translator

PRODID = "-//HOKS follow-up//scheduler//EN"


@dataclass(frozen=True)
class EventWords:
    """How the events read: labels in one language, unit names, the meeting pages' address."""

    t: Callable[[str], str] = field(default_factory=lambda: translator(DEFAULT_LANGUAGE, TRANSLATIONS))
    unit_names: Mapping[str, str] = field(default_factory=dict)
    meetings_url: str = ""

    @classmethod
    def of(cls, lang: str, unit_names: Mapping[str, str] | None = None, meetings_url: str = "") -> EventWords:
        return cls(translator(lang, TRANSLATIONS), unit_names or {}, meetings_url.rstrip("/"))


def summary(meeting: Meeting, words: EventWords | None = None) -> str:
    t = (words or EventWords()).t
    theme = t(f"theme.{meeting.theme}")
    if meeting.kind == "group":
        of = f"/{meeting.rounds_in_year}" if meeting.rounds_in_year else ""
        return f"{t('ical.group')} {meeting.group_id}, {t('col.round').lower()} {meeting.round}{of} · {theme}"
    return f"{t('ical.student')} · {theme}"


def _event(meeting: Meeting, domain: str, stamp: datetime, words: EventWords | None = None) -> Event:
    words = words or EventWords()
    event = Event()
    event.add("uid", f"{meeting.meeting_id}@{domain}")
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", meeting.starts_at.astimezone(UTC))
    event.add("dtend", meeting.ends_at.astimezone(UTC))
    event.add("summary", summary(meeting, words))
    event.add("location", words.unit_names.get(meeting.unit_id, meeting.unit_id))
    if words.meetings_url:
        event.add("url", f"{words.meetings_url}/ui/meetings/{meeting.meeting_id}")
    event.add("status", "CONFIRMED" if meeting.planned else "CANCELLED")
    event.add("transp", "OPAQUE")
    return event


def _calendar(method: str | None, name: str | None = None) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    if method:
        cal.add("method", method)
    if name:
        cal.add("x-wr-calname", name)
    return cal


def person_feed(meetings: Iterable[Meeting], domain: str, now: datetime | None = None,
                words: EventWords | None = None) -> bytes:
    """A subscribable feed (no METHOD): cancelled meetings stay in it with STATUS:CANCELLED."""
    stamp = now or datetime.now(UTC)
    words = words or EventWords()
    cal = _calendar(None, words.t("ical.calendar"))
    for meeting in meetings:
        cal.add_component(_event(meeting, domain, stamp, words))
    return cal.to_ical()


def invitation(meeting: Meeting, domain: str, now: datetime | None = None, words: EventWords | None = None) -> bytes:
    """One meeting as an iTIP message: METHOD:REQUEST, or METHOD:CANCEL once it is cancelled."""
    cal = _calendar("REQUEST" if meeting.planned else "CANCEL")
    cal.add_component(_event(meeting, domain, now or datetime.now(UTC), words))
    return cal.to_ical()
