"""Types for query parameters that pydantic's lax mode would read too generously.

A ``date`` query parameter accepts a number in lax mode, read as a Unix timestamp:
``?as_of=-2.1e-302`` became 1 January 1970 and answered 200 with an empty report (found by the API
fuzz test on the report's CSV export). A date in a URL is written ``YYYY-MM-DD``; anything else is a
422 with the reason.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any

from pydantic import BeforeValidator

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date_only(value: Any) -> Any:
    if value is None or isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return value  # pydantic checks that it is a real day (no 2026-13-45)
    raise ValueError("a date is written YYYY-MM-DD (e.g. 2026-12-01)")


#: A date in a query string: ``YYYY-MM-DD`` only.
IsoDate = Annotated[date, BeforeValidator(_iso_date_only)]
