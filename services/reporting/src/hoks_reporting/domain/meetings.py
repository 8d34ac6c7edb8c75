"""A meeting as the report sees it: planned (not cancelled) and held, for whom and when.

The state merges every event of the meeting so the result does not depend on their order:
the schedule facts (year, round, teacher) from ``meeting-scheduled``; the counselor from the
scheduled/rescheduled event with the highest ``sequence``; cancelled when the highest
``meeting-cancelled`` sequence is at least that high; held once ``meeting-held`` arrived.
"""

from __future__ import annotations

from typing import Any

from hoks_reporting.domain import keys
from hoks_reporting.domain.contribution import Contribution, counters
from hoks_shared.contracts.meetings import (
    MeetingCancelled,
    MeetingHeld,
    MeetingRescheduled,
    MeetingScheduled,
    Participant,
)
from hoks_shared.contracts.vocabulary import MeetingKind, ParticipantRole

MeetingEvent = MeetingScheduled | MeetingRescheduled | MeetingCancelled | MeetingHeld


def entity_id(event: MeetingEvent) -> str:
    return f"mtg|{event.meeting_id}"


def _counselor(participants: list[Participant]) -> str | None:
    return next((p.person_oid for p in participants if p.role == ParticipantRole.COUNSELOR), None)


def _subject(event: MeetingEvent) -> dict[str, Any]:
    return {"unit": event.unit_id, "kind": event.kind, "group": event.group_id, "student": event.student_oid}


def apply(state: dict[str, Any] | None, event: MeetingEvent) -> dict[str, Any] | None:
    """The new state, or ``None`` when the event changes nothing."""
    new = dict(state or {})
    new["id"] = event.meeting_id
    match event:
        case MeetingScheduled():
            info = {**_subject(event), "year": event.academic_year, "round": event.round,
                    "teacher": event.responsible_teacher_oid, "theme": event.theme,
                    "rounds": event.rounds_in_year}
            if new.get("info") is None or new["info"].get("seq", -1) < event.sequence:
                new["info"] = {**info, "seq": event.sequence}
            _people(new, event.sequence, _counselor(event.participants))
        case MeetingRescheduled():
            _people(new, event.sequence, _counselor(event.participants))
        case MeetingCancelled():
            new["cancel_seq"] = max(new.get("cancel_seq") or 0, event.sequence)
            new.setdefault("subject", _subject(event))
        case MeetingHeld():
            present = [a.person_oid for a in event.attendance
                       if a.role == ParticipantRole.COUNSELOR and a.present]
            new["held"] = {**_subject(event), "year": event.academic_year, "round": event.round,
                           "teacher": event.responsible_teacher_oid, "held_on": event.held_on.isoformat(),
                           "counselor": present[0] if present else None}
    return None if new == (state or {}) else new


def target_counters(rounds_in_year: int) -> dict[str, int]:
    """A group's meeting target for the year (every meeting of the group writes the same member,
    so the group counts once) and the mark that its target is known."""
    return counters(group_meetings_target=rounds_in_year, groups_with_target=1)


def _people(state: dict[str, Any], sequence: int, counselor: str | None) -> None:
    people = state.get("people")
    if people is None or people["seq"] < sequence:
        state["people"] = {"seq": sequence, "counselor": counselor}


def is_cancelled(state: dict[str, Any]) -> bool:
    cancel = state.get("cancel_seq")
    if cancel is None or state.get("held"):
        return False
    return cancel >= (state.get("people") or {}).get("seq", 0)


def contributions(state: dict[str, Any]) -> list[Contribution]:
    info, held = state.get("info"), state.get("held")
    place = held or info
    if place is None:
        return []  # only a cancellation or reschedule seen so far: nothing to count yet
    year = place["year"]
    round_ = (info or {}).get("round") or (held or {}).get("round")
    teacher = (held or {}).get("teacher") or (info or {}).get("teacher")
    counselor = (held or {}).get("counselor") or (state.get("people") or {}).get("counselor")
    planned = not is_cancelled(state)
    member = f"m:{state['id']}"
    if place["kind"] == MeetingKind.GROUP:
        figures = counters(group_meetings_planned=planned, group_meetings_held=bool(held))
        out = [Contribution(keys.teacher(place["unit"], keys.year_period(year), teacher), member, figures,
                            place["group"])]
        if round_:
            out.append(Contribution(keys.teacher(place["unit"], keys.round_period(year, round_), teacher),
                                    member, figures, place["group"]))
        rounds = (info or {}).get("rounds")
        if rounds:  # the group's target for the year, as the scheduler planned it (same for each round)
            out.append(Contribution(keys.teacher(place["unit"], keys.year_period(year), teacher),
                                    f"target:{place['group']}", target_counters(rounds), place["group"]))
    else:
        figures = counters(student_meetings_planned=planned, student_meetings_held=bool(held))
        out = [Contribution(keys.teacher(place["unit"], keys.year_period(year), teacher), member, figures)]
    if counselor:
        out.append(Contribution(keys.counselor(place["unit"], year, counselor), member, figures))
    return out
