"""The one mapping from the scheduler's refusals to HTTP: status by kind, the sentence as detail."""

from __future__ import annotations

import pytest
from fastapi import HTTPException

from hoks_scheduler.adapters.http_errors import refusals_as_http
from hoks_scheduler.domain.errors import (
    Conflict,
    InvalidRequest,
    MeetingNotFound,
    RoundNotFound,
    SchedulerError,
    StaleMeeting,
)


@pytest.mark.parametrize(("refusal", "status", "detail"), [
    (MeetingNotFound(meeting_id="m1"), 404, "no such meeting"),
    (RoundNotFound(meeting_id="grp-X-2026-2027-r9"), 404, "no such round this year"),
    (InvalidRequest("a meeting cannot be moved into the past"), 422, "a meeting cannot be moved into the past"),
    (Conflict("the meeting is cancelled"), 409, "the meeting is cancelled"),
    (StaleMeeting(meeting_id="m1"), 409, "the meeting was changed meanwhile; reload"),
    (SchedulerError("anything else"), 400, "anything else"),
])
def test_each_refusal_has_its_status_and_its_sentence(refusal, status, detail):
    with pytest.raises(HTTPException) as raised, refusals_as_http():
        raise refusal
    assert (raised.value.status_code, raised.value.detail) == (status, detail)


def test_other_errors_pass_through():
    with pytest.raises(KeyError), refusals_as_http():
        raise KeyError("not a refusal")
