"""Calendar feeds over HTTP: a person creates (or replaces) and turns off their own feed address,
and calendar clients read the feed with the address's token.

A feed holds only meetings its person takes part in, from 60 days back, without names or OIDs.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response, status
from pydantic import BaseModel, Field

from hoks_scheduler.adapters.api_checks import person_oid_of
from hoks_scheduler.adapters.feed_tokens import FeedTokens
from hoks_scheduler.adapters.ical import EventWords, person_feed
from hoks_scheduler.adapters.settings import SchedulerSettings
from hoks_scheduler.domain.access import STAFF
from hoks_scheduler.handlers.ports import SchedulerDeps
from hoks_shared.auth import Allow, Principal
from hoks_shared.contracts.identifiers import OID_PATTERN
from hoks_shared.web.render import ui_settings

HISTORY = timedelta(days=60)
PersonOid = Annotated[str, Path(pattern=OID_PATTERN, description="The person's OID")]


class FeedStatusOut(BaseModel):
    active: bool
    issued_at: datetime | None = None
    expires_at: datetime | None = None


class NewFeedOut(BaseModel):
    url: str = Field(description="Subscribe to this URL in Outlook or Google Calendar; keep it secret. It is "
                     "shown only now: a lost address is replaced by creating a new one")
    issued_at: datetime
    expires_at: datetime


def own_feed(principal: Principal, person_oid: str) -> None:
    person_oid_of(person_oid)
    if not principal.is_person(person_oid):
        raise HTTPException(status.HTTP_403_FORBIDDEN, detail="only your own calendar feed")


async def event_words(request: Request, lang: str) -> EventWords:
    """Titles in ``lang``, units by name (the app's page context, when it has one), links to the meeting pages."""
    context = getattr(request.app.state, "page_context", None)
    names = await context.unit_names() if context is not None else {}
    return EventWords.of(lang, names, ui_settings().meetings_url)


def feed_url(settings: SchedulerSettings, person_oid: str, token: str) -> str:
    return f"{settings.public_base_url.rstrip('/')}/calendar/{person_oid}.ics?token={token}"


def build_feed_router(deps: SchedulerDeps, settings: SchedulerSettings, feeds: FeedTokens) -> APIRouter:
    router = APIRouter(tags=["calendar feeds"])

    @router.get("/calendar/{person_oid}/feed", response_model=FeedStatusOut, summary="Your calendar feed's state")
    async def feed_status(person_oid: PersonOid, principal: Principal = Depends(Allow(*STAFF))) -> FeedStatusOut:
        own_feed(principal, person_oid)
        found = await feeds.status(person_oid)
        if found is None:
            return FeedStatusOut(active=False)
        return FeedStatusOut(active=True, issued_at=found.issued_at, expires_at=found.expires_at)

    @router.post("/calendar/{person_oid}/feed", response_model=NewFeedOut, status_code=201,
                 summary="Create a new feed address (the previous one stops working)")
    async def rotate(person_oid: PersonOid, principal: Principal = Depends(Allow(*STAFF))) -> NewFeedOut:
        own_feed(principal, person_oid)
        token, issued = await feeds.issue(person_oid)
        return NewFeedOut(url=feed_url(settings, person_oid, token), issued_at=issued.issued_at,
                          expires_at=issued.expires_at)

    @router.delete("/calendar/{person_oid}/feed", status_code=204, summary="Turn your calendar feed off")
    async def revoke(person_oid: PersonOid, principal: Principal = Depends(Allow(*STAFF))) -> Response:
        own_feed(principal, person_oid)
        await feeds.revoke(person_oid)
        return Response(status_code=204)

    @router.get("/calendar/{person_oid}.ics", summary="A person's calendar feed (iCalendar)",
                response_class=Response, responses={200: {"content": {"text/calendar": {}}}})
    async def feed(request: Request, person_oid: PersonOid,
                   token: str | None = Query(default=None, min_length=1, max_length=100),
                   lang: Literal["fi", "sv", "en"] = Query(default="fi", description="Language of the events' titles"),
                   reader: str = Depends(FeedReader(feeds))) -> Response:
        """For Outlook / Google Calendar subscriptions: authenticated by the address's random token,
        since calendar clients cannot send bearer tokens; or by the person's own session."""
        meetings = await deps.meetings.find(person_oid=reader, day_from=deps.today() - HISTORY)
        own = [m for m in meetings if reader in m.person_oids]  # the store's filter, checked again
        words = await event_words(request, lang)
        return Response(person_feed(own, settings.calendar_domain, words=words),
                        media_type="text/calendar; charset=utf-8")

    return router


class FeedReader(Allow):
    """Whose feed is read: by the address's token (calendar clients), else the person's own session."""

    def __init__(self, feeds: FeedTokens) -> None:
        super().__init__(*STAFF)
        self.feeds = feeds

    async def __call__(self, request: Request) -> str:  # type: ignore[override]
        person_oid = person_oid_of(request.path_params.get("person_oid", ""))
        token = request.query_params.get("token")
        if token is not None:
            if not await self.feeds.valid(person_oid, token):
                raise HTTPException(status.HTTP_403_FORBIDDEN, detail="this feed address is not valid")
            return person_oid
        own_feed(await super().__call__(request), person_oid)
        return person_oid
