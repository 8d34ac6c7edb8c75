"""The meetings domain's refusals: one class per kind, each with a stable ``code``.

The domain says *why* a change is refused; what that means on the wire (an HTTP status, a page
in the person's language) is decided at the edge (``adapters/http_errors.py``), so the rules can
be used from a Kafka consumer, a tool or a test without knowing HTTP. ``reason`` is the English
sentence the API returns and the pages match (``adapters/page_errors.py``): keep it stable.
"""

from __future__ import annotations


class MeetingsError(Exception):
    """A rule of the meetings service refused the request; ``reason`` says which."""

    code = "meetings-error"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class MeetingNotFound(MeetingsError):
    """No such meeting, or the caller may not see it (its existence is not revealed)."""

    code = "meeting-not-found"

    def __init__(self, reason: str = "meeting not found") -> None:
        super().__init__(reason)


class StudentNotOnChecklist(MeetingsError):
    """The student is not on the meeting's checklist (by its roster)."""

    code = "not-on-checklist"

    def __init__(self, reason: str = "the student is not on this meeting's checklist") -> None:
        super().__init__(reason)


class NotAnEditor(MeetingsError):
    """The caller sees the meeting but does not fill it in."""

    code = "not-an-editor"

    def __init__(self, reason: str = "only the meeting's counselor and responsible teacher may fill in "
                                     "its record") -> None:
        super().__init__(reason)


class MeetingClosed(MeetingsError):
    """The meeting is completed or cancelled: its record no longer changes."""

    code = "meeting-closed"


class NotStartedYet(MeetingsError):
    """The meeting is completed only once it has started (less the early window)."""

    code = "not-started"


class RuleBroken(MeetingsError):
    """A rule of the model refused what was recorded (free text, an unknown code, a missing row)."""

    code = "rule-broken"
