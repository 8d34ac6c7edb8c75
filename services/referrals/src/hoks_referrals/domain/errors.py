"""The referrals service's own errors. Each has a stable ``code``; none knows HTTP: the one
mapping to statuses is ``adapters/http_errors.py``, so a rule can be reused by a consumer, a
timer or a page without dragging a status code along."""

from __future__ import annotations


class ReferralsError(Exception):
    """Base of every refusal the referrals rules make."""

    code = "referrals-error"


class InvalidTransition(ReferralsError, ValueError):
    """A lifecycle move that the referral's state does not allow."""

    code = "invalid-transition"


class InvalidCode(ReferralsError, ValueError):
    """A reason, outcome or cancellation code outside the vocabulary or not fitting the target."""

    code = "invalid-code"


class ReferralNotFound(ReferralsError, LookupError):
    """No such referral, or none the caller may see (its existence is not revealed)."""

    code = "referral-not-found"


class StudentNotFound(ReferralsError, LookupError):
    """No such student among the caller's (their existence is not revealed)."""

    code = "student-not-found"


class StudentUnknown(ReferralsError):
    """The student's unit is not known (no SIS record) and none was given."""

    code = "student-unknown"


class WrongUnit(ReferralsError):
    """A unit was given that is not the student's own."""

    code = "wrong-unit"


class NotAllowed(ReferralsError):
    """The caller may see the referral or student but not do this to it."""

    code = "not-allowed"


class ConcurrentChange(ReferralsError):
    """Someone changed the referral at the same time (and kept changing it); try again."""

    code = "concurrent-change"
