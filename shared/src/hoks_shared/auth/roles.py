"""Who may call what: the roles a signed-in principal can hold."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    COUNSELOR = "counselor"  # opinto-ohjaaja
    RESPONSIBLE_TEACHER = "responsible-teacher"  # vastuuopettaja
    SPECIAL_NEEDS_TEACHER = "special-needs-teacher"  # erityisopettaja
    CURATOR = "curator"  # kuraattori
    PSYCHOLOGIST = "psychologist"
    CAREER_SERVICES = "career-services"
    EDUCATION_MANAGER = "education-manager"  # koulutuspäällikkö: own unit(s)
    DIRECTOR = "director"  # all units of the provider
    INTEGRATION_CLIENT = "integration-client"  # machine-to-machine, scoped


#: Staff who take part in follow-up meetings (the staff side of the model).
MEETING_STAFF = frozenset({Role.COUNSELOR, Role.RESPONSIBLE_TEACHER, Role.SPECIAL_NEEDS_TEACHER, Role.CURATOR})
#: Specialists a referral can be routed to.
SPECIALISTS = frozenset({Role.SPECIAL_NEEDS_TEACHER, Role.CURATOR, Role.PSYCHOLOGIST, Role.COUNSELOR,
                         Role.CAREER_SERVICES})
ALL_STAFF = frozenset(Role) - {Role.INTEGRATION_CLIENT}
