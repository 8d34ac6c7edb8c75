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


# --- referral code lists (closed; defined here once, published as JSON Schema enums) ----------
# Values may be added within a version of a list (``codes.<list>.v1``); a value is never removed
# or renamed (an older event would stop parsing). Every page translates every value.


class ReferralReason(StrEnum):
    """Why a student is referred (palveluohjaus). Pedagogical reasons only; a welfare target
    keeps only ``welfare`` (the fact), whatever was chosen."""

    STUDY_PROGRESS_BEHIND = "study-progress-behind"
    ABSENCES = "absences"
    HOKS_OUTDATED = "hoks-outdated"
    STUDY_SKILLS = "study-skills"
    LEARNING_SUPPORT_NEED = "learning-support-need"
    COMMITMENT = "commitment"
    CAREER_PLANNING = "career-planning"
    STUDY_RIGHT_INTERRUPTED = "study-right-interrupted"
    STUDY_RIGHT_RESIGNED = "study-right-resigned"
    COMPULSORY_EDUCATION = "compulsory-education"
    LANGUAGE_SUPPORT = "language-support"
    WORKPLACE_LEARNING = "workplace-learning"
    STUDENT_REQUEST = "student-request"
    WELFARE = "welfare"


class ReferralOutcome(StrEnum):
    """How a referral was closed."""

    SUPPORT_ARRANGED = "support-arranged"
    HOKS_UPDATED = "hoks-updated"
    STUDENT_MEETING_HELD = "student-meeting-held"
    NO_NEED = "no-need"
    FORWARDED = "forwarded"
    VALPAS_NOTIFIED = "valpas-notified"
    HANDED_OVER = "handed-over"


class CancellationReason(StrEnum):
    """Why a referral was cancelled."""

    MADE_IN_ERROR = "made-in-error"
    DUPLICATE = "duplicate"
    STUDENT_LEFT = "student-left"
    STUDENT_DECLINED = "student-declined"
    STUDY_RIGHT_RESTORED = "study-right-restored"


_PEDAGOGICAL_REASONS = frozenset(ReferralReason) - {
    ReferralReason.WELFARE, ReferralReason.STUDY_RIGHT_INTERRUPTED, ReferralReason.STUDY_RIGHT_RESIGNED}
_VALPAS_REASONS = frozenset({ReferralReason.STUDY_RIGHT_INTERRUPTED, ReferralReason.STUDY_RIGHT_RESIGNED})
_PEDAGOGICAL_OUTCOMES = frozenset(ReferralOutcome) - {ReferralOutcome.VALPAS_NOTIFIED, ReferralOutcome.HANDED_OVER}
_ALL_CANCELLATIONS = frozenset(CancellationReason)


def reasons_for(target: str) -> frozenset[ReferralReason]:
    """The reasons a referral to ``target`` may carry (as stored and published). A welfare target
    keeps only ``welfare``; a Valpas task is about the study right; a pedagogical target takes a
    pedagogical reason, or the study right's state (a counselor or teacher may refer for it)."""
    t = ReferralTarget(target)
    if t in WELFARE_TARGETS:
        return frozenset({ReferralReason.WELFARE})
    if t == ReferralTarget.VALPAS_NOTIFICATION:
        return _VALPAS_REASONS
    return _PEDAGOGICAL_REASONS | {ReferralReason.STUDY_RIGHT_INTERRUPTED}


def outcomes_for(target: str) -> frozenset[ReferralOutcome]:
    """The outcomes a referral to ``target`` may be closed with."""
    t = ReferralTarget(target)
    if t in WELFARE_TARGETS:
        return frozenset({ReferralOutcome.HANDED_OVER})
    if t == ReferralTarget.VALPAS_NOTIFICATION:
        return frozenset({ReferralOutcome.VALPAS_NOTIFIED, ReferralOutcome.NO_NEED, ReferralOutcome.FORWARDED})
    return _PEDAGOGICAL_OUTCOMES


def cancellations_for(target: str) -> frozenset[CancellationReason]:
    """The reasons a referral to ``target`` may be cancelled with (``study-right-restored`` is
    for Valpas tasks only)."""
    if ReferralTarget(target) == ReferralTarget.VALPAS_NOTIFICATION:
        return _ALL_CANCELLATIONS
    return _ALL_CANCELLATIONS - {CancellationReason.STUDY_RIGHT_RESTORED}


#: Every closed code list, by the name it is published under (``shared/schemas/codes/``).
CODE_LISTS: dict[str, type[StrEnum]] = {
    "referral-reason": ReferralReason,
    "referral-outcome": ReferralOutcome,
    "referral-cancellation-reason": CancellationReason,
}
