"""The one place where the reporting domain's refusals become HTTP statuses.

The JSON API and the pages declare ``domain_refusals`` as a router dependency: a
``ReportingError`` raised while a route runs leaves as ``HTTPException(status, reason)``, which the
shared app renders (JSON for the API, a page for ``/ui``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import Depends, HTTPException
from fastapi.params import Depends as DependsParam

from hoks_reporting.domain.errors import NoAccess, ReportingError

#: a refusal not listed here is 422 (a rule the request broke)
STATUS: dict[type[ReportingError], int] = {NoAccess: 403}


async def _as_http_errors() -> AsyncIterator[None]:
    try:
        yield
    except ReportingError as refused:
        raise HTTPException(STATUS.get(type(refused), 422), detail=refused.reason) from None


#: ``APIRouter(dependencies=[domain_refusals])``
domain_refusals: DependsParam = Depends(_as_http_errors)
