"""Closed lists of codes the meetings service accepts: nothing a person types reaches the record.

A group meeting stores only these codes and booleans about a student; a reason is always a code
from ``REFERRAL_REASONS``. Welfare matters are never stored: a referral to a welfare target keeps
only the fact and the target (its reason becomes ``welfare``).
"""

from __future__ import annotations

from hoks_shared.contracts.vocabulary import WELFARE_TARGETS, ReferralReason, ReferralTarget

#: Why a student is referred (palveluohjaus): the contracts' closed list, less the reasons that only
#: a Valpas task or a student's own request carries. Pedagogical reasons only, plus ``welfare``.
REFERRAL_REASONS: tuple[str, ...] = tuple(
    r.value for r in ReferralReason if r not in (ReferralReason.STUDY_RIGHT_RESIGNED, ReferralReason.STUDENT_REQUEST))

WELFARE_REASON = "welfare"

#: Targets a checklist may refer to (every target of the contract).
REFERRAL_TARGETS: tuple[str, ...] = tuple(t.value for t in ReferralTarget)

#: The agreed HOKS update of a student-level meeting.
HOKS_UPDATES: tuple[str, ...] = (
    "no-change",
    "goals-changed",
    "schedule-changed",
    "units-changed",
    "learning-methods-changed",
    "support-measures-changed",
    "demonstrations-changed",
)

#: Actions agreed in a student-level meeting (each with an owner and a due date).
ACTION_CODES: tuple[str, ...] = (
    "update-hoks-in-ehoks",
    "plan-demonstration",
    "support-lessons",
    "catch-up-plan",
    "contact-workplace",
    "study-guidance",
    "career-guidance",
    "follow-up-meeting",
)

#: The checklist's four items of the model, in the order they are asked.
CHECK_ITEMS: tuple[str, ...] = ("hoks_checked", "measures_taken", "committed", "progressing")


def item_code(item: str) -> str:
    """``hoks_checked`` → ``hoks-checked`` (a contract ``Code``)."""
    return item.replace("_", "-")


def is_welfare(target: str) -> bool:
    return ReferralTarget(target) in WELFARE_TARGETS


def stored_reason(target: str, reason_code: str) -> str:
    """The reason that may be stored for ``target``: welfare targets keep only the fact."""
    return WELFARE_REASON if is_welfare(target) else reason_code
