"""A referral as the API and the pages show it, and who may call them. Welfare targets are
presented as fact + target + dates only."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel

from hoks_referrals.domain.referral import Referral
from hoks_shared.auth import Role

STAFF_ROLES = (Role.COUNSELOR, Role.RESPONSIBLE_TEACHER, Role.SPECIAL_NEEDS_TEACHER, Role.CURATOR,
               Role.PSYCHOLOGIST, Role.CAREER_SERVICES, Role.EDUCATION_MANAGER, Role.DIRECTOR)
MAKERS = (Role.COUNSELOR, Role.RESPONSIBLE_TEACHER, Role.SPECIAL_NEEDS_TEACHER, Role.CURATOR,
          Role.PSYCHOLOGIST, Role.CAREER_SERVICES, Role.DIRECTOR)
ACTORS = MAKERS
#: where the API's resources live
PREFIX = "/referrals"
#: the audit trail's name for what these endpoints read and change
RESOURCE = "referral"


class ReferralView(BaseModel):
    """A referral as the API shows it. Welfare targets: only the fact, the target and dates."""

    referral_id: str
    student_oid: str
    unit_id: str
    target: str
    status: str
    welfare: bool
    made_at: datetime
    acknowledge_by: date
    overdue: bool
    closed_at: datetime | None = None
    reason_code: str | None = None
    origin: str | None = None
    origin_meeting_id: str | None = None
    made_by_oid: str | None = None
    assignee_oid: str | None = None
    accepted_at: datetime | None = None
    meeting_id: str | None = None
    meeting_starts_at: datetime | None = None
    outcome_code: str | None = None


def present(referral: Referral) -> ReferralView:
    base = dict(referral_id=referral.referral_id, student_oid=referral.student_oid, unit_id=referral.unit_id,
                target=referral.target, status=referral.status, welfare=referral.welfare,
                made_at=referral.made_at, acknowledge_by=referral.acknowledge_by, overdue=referral.overdue,
                closed_at=referral.closed_at)
    if referral.welfare:
        return ReferralView(**base)
    return ReferralView(**base, reason_code=referral.reason_code, origin=referral.origin,
                        origin_meeting_id=referral.origin_meeting_id, made_by_oid=referral.made_by_oid,
                        assignee_oid=referral.assignee_oid, accepted_at=referral.accepted_at,
                        meeting_id=referral.meeting_id, meeting_starts_at=referral.meeting_starts_at,
                        outcome_code=referral.outcome_code)
