"""iCalendar (RFC 5545): per-person feeds and per-meeting invitations.

The UID of a meeting is ``<meeting id>@<domain>`` and never changes, and SEQUENCE is the
meeting's sequence, so a calendar client updates or cancels the event it already has. Feeds
carry no names and no OIDs: the summary says what kind of meeting it is (group code, round and
theme for group meetings; only "student-level" for student meetings).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from icalendar import Calendar, Event

from hoks_scheduler.domain.meeting import Meeting

PRODID = "-//HOKS follow-up//scheduler//EN"


def summary(meeting: Meeting) -> str:
    if meeting.kind == "group":
        return f"HOKS follow-up {meeting.group_id}, round {meeting.round} ({meeting.theme})"
    return f"HOKS student-level meeting ({meeting.theme})"


def _event(meeting: Meeting, domain: str, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", f"{meeting.meeting_id}@{domain}")
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", stamp)
    event.add("dtstart", meeting.starts_at.astimezone(UTC))
    event.add("dtend", meeting.ends_at.astimezone(UTC))
    event.add("summary", summary(meeting))
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


def person_feed(meetings: Iterable[Meeting], domain: str, now: datetime | None = None) -> bytes:
    """A subscribable feed (no METHOD): cancelled meetings stay in it with STATUS:CANCELLED."""
    stamp = now or datetime.now(UTC)
    cal = _calendar(None, "HOKS follow-up meetings")
    for meeting in meetings:
        cal.add_component(_event(meeting, domain, stamp))
    return cal.to_ical()


def invitation(meeting: Meeting, domain: str, now: datetime | None = None) -> bytes:
    """One meeting as an iTIP message: METHOD:REQUEST, or METHOD:CANCEL once it is cancelled."""
    cal = _calendar("REQUEST" if meeting.planned else "CANCEL")
    cal.add_component(_event(meeting, domain, now or datetime.now(UTC)))
    return cal.to_ical()
