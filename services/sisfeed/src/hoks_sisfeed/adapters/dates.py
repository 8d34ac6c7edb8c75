"""Dates and times as the national services mean them: Finnish time (Europe/Helsinki).

eHOKS sends instants as UTC timestamps (``2017-10-25T21:00:00.000Z``) and days as ``YYYY-MM-DD``;
Koski sends ``aikaleima`` as a local timestamp without an offset, which is Finnish time. So:

* a timestamp with an offset is that instant; one without an offset is Helsinki wall-clock time;
* a day read from a timestamp is the day in Helsinki at that instant (21:00Z on 25 Oct is 26 Oct);
* every datetime leaves the adapter in Europe/Helsinki (same instant, Finnish offset).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from hoks_sisfeed.adapters.errors import Reader, type_name

HELSINKI = ZoneInfo("Europe/Helsinki")
_LONGEST = 40  # longer strings are not timestamps, and are not parsed


def _timestamp(text: str) -> datetime | None:
    if len(text) > _LONGEST:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=HELSINKI)).astimezone(HELSINKI)
    except (ValueError, OverflowError):  # not ISO, or an instant outside the calendar in Helsinki
        return None


def parse_date(reader: Reader, value: object, field: str) -> date:
    """A day: ``YYYY-MM-DD``, or a timestamp taken as the Helsinki day of that instant."""
    if not isinstance(value, str):
        raise reader.fail(field, f"expected a date YYYY-MM-DD, got {type_name(value)}")
    if len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    moment = _timestamp(value)
    if moment is None:
        raise reader.fail(field, "not a date (expected YYYY-MM-DD or an ISO timestamp)")
    return moment.date()


def parse_datetime(reader: Reader, value: object, field: str) -> datetime:
    """An instant in Europe/Helsinki; a timestamp without an offset is Helsinki time."""
    if not isinstance(value, str):
        raise reader.fail(field, f"expected a timestamp, got {type_name(value)}")
    moment = _timestamp(value)
    if moment is None:
        raise reader.fail(field, "not a timestamp (expected ISO 8601)")
    return moment


def epoch_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def day_ms(day: date) -> int:
    """A version number for a day (midnight UTC, as every earlier conversion numbered it)."""
    return epoch_ms(datetime(day.year, day.month, day.day, tzinfo=UTC))
