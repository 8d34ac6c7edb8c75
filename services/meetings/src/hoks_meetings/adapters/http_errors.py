"""The one place where the meetings domain's refusals become HTTP statuses.

Every router of the service (the JSON API and the staff pages) declares ``domain_refusals`` as a
router dependency: a ``MeetingsError`` raised by a use case leaves as ``HTTPException(status,
reason)``, and the shared app renders it (JSON for the API, a page in the person's language for
``/ui``). The domain itself knows no status codes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import Depends, HTTPException
from fastapi.params import Depends as DependsParam

from hoks_meetings.domain.errors import (
    MeetingClosed,
    MeetingNotFound,
    MeetingsError,
    NotAnEditor,
    NotStartedYet,
    RuleBroken,
    StudentNotOnChecklist,
)

STATUS: dict[type[MeetingsError], int] = {
    MeetingNotFound: 404,
    StudentNotOnChecklist: 404,
    NotAnEditor: 403,
    MeetingClosed: 409,
    NotStartedYet: 409,
    RuleBroken: 422,
}


def status_of(exc: MeetingsError) -> int:
    """The HTTP status of a refusal (the nearest mapped class; 422 for an unmapped rule)."""
    for kind in type(exc).__mro__:
        if kind in STATUS:
            return STATUS[kind]
    return 422


def http_error(exc: MeetingsError) -> HTTPException:
    return HTTPException(status_of(exc), detail=exc.reason)


async def _refusals_as_http() -> AsyncIterator[None]:
    try:
        yield
    except MeetingsError as exc:
        raise http_error(exc) from None


#: ``APIRouter(dependencies=[domain_refusals])``: the route's refusals as HTTP errors.
domain_refusals: DependsParam = Depends(_refusals_as_http)
