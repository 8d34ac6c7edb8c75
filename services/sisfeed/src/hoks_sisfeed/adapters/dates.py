"""Date and time parsing for the national formats, with errors naming the field."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hoks_sisfeed.adapters.errors import Reader


def parse_date(reader: Reader, value: object, field: str) -> date:
    if not isinstance(value, str):
        raise reader.fail(field, f"expected a date YYYY-MM-DD, got {type(value).__name__}")
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise reader.fail(field, f"not a date: {value!r}") from None


def parse_datetime(reader: Reader, value: object, field: str) -> datetime:
    if not isinstance(value, str):
        raise reader.fail(field, f"expected a timestamp, got {type(value).__name__}")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise reader.fail(field, f"not a timestamp: {value!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def epoch_ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def day_ms(day: date) -> int:
    return epoch_ms(datetime(day.year, day.month, day.day, tzinfo=UTC))
