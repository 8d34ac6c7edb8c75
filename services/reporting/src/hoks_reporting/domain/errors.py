"""The reporting domain's refusals. Each has a stable ``code``; which HTTP status it becomes is
decided at the HTTP edge (``adapters/http_errors.py``), never here."""

from __future__ import annotations


class ReportingError(Exception):
    code = "reporting-refused"

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class NoAccess(ReportingError):
    """The caller may not see this part of the report (another unit, another teacher's figures)."""

    code = "no-access"
