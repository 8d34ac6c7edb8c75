"""Meeting themes: the agenda each one generates and the theme's own checklist items.

Themes are the same for every counselor and follow the group's phase of studies. Unknown theme
codes (a new theme planned by the scheduler) get the common agenda and no own items.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Agenda items every group-level meeting goes through (the model's three steps).
COMMON_AGENDA: tuple[str, ...] = ("check-each-hoks", "measures-and-commitment", "progress-per-hoks")


@dataclass(frozen=True)
class Theme:
    code: str
    agenda: tuple[str, ...]
    #: Codes of the theme's own items, marked per student (``theme_flags``).
    items: tuple[str, ...] = ()
    #: Figures shown per student in this theme: ``absences`` and/or ``final-phase``.
    figures: tuple[str, ...] = ()


THEMES: dict[str, Theme] = {
    t.code: t
    for t in (
        Theme("start-of-studies", ("welcome-and-roles", *COMMON_AGENDA, "first-hoks-approved"),
              items=("hoks-first-approved", "study-start-confirmed")),
        Theme("absence-mapping", ("absence-figures", *COMMON_AGENDA, "absence-follow-up"),
              items=("absence-over-threshold", "absence-plan-agreed"), figures=("absences",)),
        Theme("study-progress", (*COMMON_AGENDA, "points-against-plan"),
              items=("points-behind-plan", "catch-up-agreed")),
        Theme("final-phase", ("remaining-units", *COMMON_AGENDA, "graduation-and-next-steps"),
              items=("remaining-units-planned", "end-date-at-risk", "next-steps-discussed"),
              figures=("final-phase",)),
    )
}

STUDENT_MEETING_AGENDA: tuple[str, ...] = (
    "student-present", "student-goals", "hoks-update", "agreed-actions",
)


def theme_of(code: str | None) -> Theme:
    if code and code in THEMES:
        return THEMES[code]
    return Theme(code or "general", COMMON_AGENDA)


def agenda_for(kind: str, theme: str | None) -> tuple[str, ...]:
    """The agenda generated from the meeting's kind and theme."""
    if kind == "student":
        return STUDENT_MEETING_AGENDA
    return theme_of(theme).agenda
