"""Referral (palveluohjaus) events: public, other institutional systems subscribe to them.

Minimal data only: ids, target, reason code, dates. For welfare targets only the fact and the
target exist anywhere in the system.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal, Self

from pydantic import AwareDatetime, Field, model_validator

from hoks_shared.contracts.event_base import IntegrationEvent
from hoks_shared.contracts.codes import ClosingCode, ReasonCode
from hoks_shared.contracts.identifiers import LocalId, Oid
from hoks_shared.contracts.vocabulary import CancellationReason, ReferralOutcome, ReferralTarget


class _ReferralEvent(IntegrationEvent):
    referral_id: LocalId
    student_oid: Oid

    def partition_key(self) -> str:
        return self.student_oid

    def subject(self) -> str:
        return self.referral_id


class ReferralMade(_ReferralEvent):
    """A student was referred to a specialist (``referral-made``)."""

    EVENT_TYPE = "referral-made"
    event_type: Literal["referral-made"] = "referral-made"

    unit_id: LocalId
    target: ReferralTarget
    reason_code: ReasonCode
    made_by_oid: Oid
    made_at: AwareDatetime
    origin: Literal["group-meeting", "student-meeting", "staff", "student", "valpas"] = "group-meeting"
    origin_meeting_id: LocalId | None = None
    assignee_oid: Oid | None = Field(default=None, description="The person the referral was routed to")
    acknowledge_by: date | None = Field(default=None, description="SLA: accept by this school day")


class ReferralAccepted(_ReferralEvent):
    """The assignee (or the target's staff of the unit) took the referral on (``referral-accepted``)."""

    EVENT_TYPE = "referral-accepted"
    event_type: Literal["referral-accepted"] = "referral-accepted"

    accepted_by_oid: Oid
    accepted_at: AwareDatetime
    target: ReferralTarget | None = Field(default=None, description="The referral's target")
    unit_id: LocalId | None = None


class ReferralClosed(_ReferralEvent):
    """Closed with an outcome code, or cancelled with a reason code (``referral-closed``)."""

    EVENT_TYPE = "referral-closed"
    event_type: Literal["referral-closed"] = "referral-closed"

    status: Literal["closed", "cancelled"]
    outcome_code: ClosingCode
    closed_by_oid: Oid
    closed_at: AwareDatetime
    referred_by_oid: Oid | None = Field(default=None, description="Told the outcome (close the loop)")
    target: ReferralTarget | None = Field(default=None, description="The referral's target")
    unit_id: LocalId | None = None

    @model_validator(mode="after")
    def _code_fits_status(self) -> Self:
        listed = ReferralOutcome if self.status == "closed" else CancellationReason
        if self.outcome_code not in {c.value for c in listed}:
            raise ValueError(f"a {self.status} referral's code comes from {listed.__name__}")
        return self


class ReferralOverdue(_ReferralEvent):
    """Not accepted by its acknowledge-by school day; sent once per referral (``referral-overdue``)."""

    EVENT_TYPE = "referral-overdue"
    event_type: Literal["referral-overdue"] = "referral-overdue"

    target: ReferralTarget
    acknowledge_by: date
    assignee_oid: Oid | None = None


ReferralEvent = Annotated[
    ReferralMade | ReferralAccepted | ReferralClosed | ReferralOverdue,
    Field(discriminator="event_type"),
]
