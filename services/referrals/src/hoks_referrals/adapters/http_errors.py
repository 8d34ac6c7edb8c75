"""The one mapping from the referrals rules' errors to HTTP statuses: status codes exist only at
the HTTP edge. Routers take ``domain_errors_as_http`` as a dependency, so a use case or an access
rule raises its own error and the caller sees the status and the rule's sentence."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import HTTPException, status

from hoks_referrals.domain.errors import (
    ConcurrentChange,
    InvalidCode,
    InvalidTransition,
    NotAllowed,
    ReferralNotFound,
    ReferralsError,
    StudentNotFound,
    StudentUnknown,
    WrongUnit,
)

STATUS: dict[type[ReferralsError], int] = {
    ReferralNotFound: status.HTTP_404_NOT_FOUND,  # also what may not be seen: its existence is not revealed
    StudentNotFound: status.HTTP_404_NOT_FOUND,
    NotAllowed: status.HTTP_403_FORBIDDEN,
    InvalidTransition: status.HTTP_409_CONFLICT,
    ConcurrentChange: status.HTTP_409_CONFLICT,
    InvalidCode: status.HTTP_422_UNPROCESSABLE_CONTENT,
    StudentUnknown: status.HTTP_422_UNPROCESSABLE_CONTENT,
    WrongUnit: status.HTTP_422_UNPROCESSABLE_CONTENT,
}


def http_error(exc: ReferralsError) -> HTTPException:
    code = next((s for kind, s in STATUS.items() if isinstance(exc, kind)), status.HTTP_400_BAD_REQUEST)
    return HTTPException(code, detail=str(exc))


async def domain_errors_as_http() -> AsyncIterator[None]:
    """A router dependency: a ``ReferralsError`` raised by an endpoint leaves as its status."""
    try:
        yield
    except ReferralsError as exc:
        raise http_error(exc) from None
