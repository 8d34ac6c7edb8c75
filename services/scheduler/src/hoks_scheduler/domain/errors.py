"""The scheduler's own refusals. Each has a stable ``code``; the message is the English sentence
the pages match (``adapters/page_errors.py``). The HTTP status of each is decided in one place at
the edge (``adapters/http_errors.py``), never here."""

from __future__ import annotations


class SchedulerError(Exception):
    """A use case refused to do what it was asked; nothing was written. ``sentence``: the
    message of a refusal that always says the same."""

    code = "scheduler-error"
    sentence = ""

    def __init__(self, detail: str | None = None, *, meeting_id: str | None = None) -> None:
        super().__init__(detail or self.sentence or self.code)
        self.meeting_id = meeting_id

    @property
    def detail(self) -> str:
        return str(self.args[0])


class NotFound(SchedulerError):
    code = "not-found"


class MeetingNotFound(NotFound):
    """No meeting has this id."""

    code = "meeting-not-found"
    sentence = "no such meeting"


class RoundNotFound(NotFound):
    """The id names no round a group needs this year (or no group)."""

    code = "round-not-found"
    sentence = "no such round this year"


class InvalidRequest(SchedulerError):
    """The request can never succeed as asked (a time off the slot grid, in the past, another year)."""

    code = "invalid-request"


class Conflict(SchedulerError):
    """The request clashes with the current state (someone busy, already cancelled, planned)."""

    code = "conflict"


class StaleMeeting(Conflict):
    """The meeting changed since it was read (another writer); nothing was written."""

    code = "stale-meeting"
    sentence = "the meeting was changed meanwhile; reload"
