"""The meetings HTTP API, one module per resource, each ``def routes(deps) -> APIRouter``:

* ``meetings``: my meetings, the closed code lists, one meeting with its checklist;
* ``checklist``: one student's row (autosaved);
* ``meeting_record``: attendance and the student-level meeting's agreed record;
* ``completion``: completing the meeting (its events leave through the outbox).

``adapters/http_api.py`` puts them together. Each route names its roles; object-level access
is the domain's; every read or change of a meeting record is audited (ids only).
"""

from __future__ import annotations

from fastapi import APIRouter

from hoks_meetings.adapters.http_errors import domain_refusals


def meetings_router() -> APIRouter:
    """A router under ``/meetings`` whose domain refusals become HTTP errors (``http_errors``)."""
    return APIRouter(prefix="/meetings", tags=["meetings"], dependencies=[domain_refusals])
