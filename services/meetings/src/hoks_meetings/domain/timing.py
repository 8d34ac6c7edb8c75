"""Time rules of a meeting, decided in the provider's time zone (pure).

* "today" is the provider's local day (Europe/Helsinki by default), never the UTC day: at 00:30
  Helsinki time it is already the new day, while UTC is still on the previous one;
* a meeting is completed only once it has started: from ``early`` before its start at the
  earliest (a configurable window, e.g. staff filling in the record just before the meeting).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo

from hoks_meetings.domain.errors import NotStartedYet
from hoks_meetings.domain.meeting_record import MeetingRecord


def local_date(now: datetime, zone: tzinfo) -> date:
    """The provider's calendar day at ``now``."""
    return now.astimezone(zone).date()


def start_of_local_day(now: datetime, zone: tzinfo) -> datetime:
    """Midnight of the provider's day at ``now`` (an aware datetime in ``zone``)."""
    return datetime.combine(local_date(now, zone), time(), tzinfo=zone)


def earliest_completion(meeting: MeetingRecord, early: timedelta) -> datetime:
    return meeting.starts_at - early


def check_may_complete(meeting: MeetingRecord, now: datetime, early: timedelta, zone: tzinfo) -> None:
    """``NotStartedYet`` when the meeting has not started yet (beyond the early window)."""
    earliest = earliest_completion(meeting, early)
    if now < earliest:
        shown = earliest.astimezone(zone).strftime("%d.%m.%Y %H:%M")
        raise NotStartedYet(f"the meeting has not started yet; it can be completed from {shown} on")
