"""Closed vocabularies shared by the contracts (roles, meeting kinds, referral targets)."""

from __future__ import annotations

from enum import StrEnum


class StaffRole(StrEnum):
    COUNSELOR = "counselor"  # opinto-ohjaaja
    RESPONSIBLE_TEACHER = "responsible-teacher"  # vastuuopettaja
    SPECIAL_NEEDS_TEACHER = "special-needs-teacher"  # erityisopettaja
    CURATOR = "curator"  # kuraattori
    EDUCATION_MANAGER = "education-manager"  # koulutuspäällikkö
    PSYCHOLOGIST = "psychologist"
    CAREER_SERVICES = "career-services"
    DIRECTOR = "director"


class ParticipantRole(StrEnum):
    COUNSELOR = "counselor"
    RESPONSIBLE_TEACHER = "responsible-teacher"
    SPECIAL_NEEDS_TEACHER = "special-needs-teacher"
    CURATOR = "curator"
    SPECIALIST = "specialist"
    STUDENT = "student"
    GUARDIAN = "guardian"


class MeetingKind(StrEnum):
    GROUP = "group"  # ryhmäkohtainen: students not present
    STUDENT = "student"  # opiskelijakohtainen: the student must be present


class ReferralTarget(StrEnum):
    """Where a service referral (palveluohjaus) sends the student."""

    SPECIAL_NEEDS_TEACHER = "special-needs-teacher"
    CURATOR = "curator"
    PSYCHOLOGIST = "psychologist"
    COUNSELOR = "counselor"
    CAREER_SERVICES = "career-services"
    STUDENT_MEETING = "student-meeting"
    VALPAS_NOTIFICATION = "valpas-notification"
    WELFARE_GROUP = "welfare-group"  # monialainen asiantuntijaryhmä: only the fact is stored


#: Targets on the welfare side: only the fact and the target are ever stored, never details.
WELFARE_TARGETS = frozenset(
    {ReferralTarget.CURATOR, ReferralTarget.PSYCHOLOGIST, ReferralTarget.WELFARE_GROUP}
)


class ChecklistOutcome(StrEnum):
    NO_ACTION = "no-action"
    HOKS_UPDATE = "hoks-update"
    REFERRAL = "referral"


class StudyType(StrEnum):
    PT = "pt"  # perustutkinto
    AT = "at"  # ammattitutkinto
    EAT = "eat"  # erikoisammattitutkinto
    TUVA = "tuva"  # tutkintokoulutukseen valmentava


class StudyRightState(StrEnum):
    """Koski ``opiskeluoikeudentila`` codes for vocational study rights."""

    LASNA = "lasna"
    VALIAIKAISESTI_KESKEYTYNYT = "valiaikaisestikeskeytynyt"
    LOMA = "loma"
    ERONNUT = "eronnut"
    KATSOTAAN_ERONNEEKSI = "katsotaaneronneeksi"
    PERUUTETTU = "peruutettu"
    MITATOITY = "mitatoity"
    VALMISTUNUT = "valmistunut"
