"""The one mapping from the scheduler's refusals (``domain.errors``) to HTTP: status codes exist
only here, at the edge. The detail is the refusal's English sentence, which the pages match
(``page_errors.PATTERNS``) to show it in the reader's language."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import HTTPException, status

from hoks_scheduler.domain.errors import Conflict, InvalidRequest, NotFound, SchedulerError

#: Most specific first: the first class the refusal is an instance of decides.
STATUS: tuple[tuple[type[SchedulerError], int], ...] = (
    (NotFound, status.HTTP_404_NOT_FOUND),
    (InvalidRequest, 422),
    (Conflict, status.HTTP_409_CONFLICT),
)


def http_error(exc: SchedulerError) -> HTTPException:
    code = next((c for kind, c in STATUS if isinstance(exc, kind)), status.HTTP_400_BAD_REQUEST)
    return HTTPException(code, detail=exc.detail)


@contextmanager
def refusals_as_http() -> Iterator[None]:
    """Runs a use case; its refusal becomes the HTTP error it maps to."""
    try:
        yield
    except SchedulerError as exc:
        raise http_error(exc) from None
