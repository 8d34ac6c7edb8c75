"""Closed code lists on event fields, and their published JSON Schemas.

The lists themselves are in ``vocabulary`` (``ReferralReason``, ``ReferralOutcome``,
``CancellationReason``). Each is published as a JSON Schema ``enum`` of its own,
``shared/schemas/codes/<list>.v1.json`` (``urn:hoks-followup:codes:<list>:v1``), exported with the
event schemas. Versioning of a list is additive: a value may be added, never removed (a test
compares the committed file with the code).

Why the v1 event fields keep their published shape (a ``Code`` pattern) instead of becoming an
``enum`` in the event schema: narrowing an existing field is a changed type under the project's
versioning rules (``schemas.incompatibilities``), which would need a new major version of the
referral and checklist events and of their topics. Instead the field's model validates
membership in the list (stricter than the published pattern, like the OID's ASCII rule), so an
unknown code fails parsing everywhere: the API answers 422 and a consumer dead-letters the event.
The field's description names the list it takes its values from.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, Field

from hoks_shared.contracts.identifiers import Code
from hoks_shared.contracts.vocabulary import CODE_LISTS, CancellationReason, ReferralOutcome, ReferralReason

CODE_LIST_VERSION = 1


def code_list_urn(name: str) -> str:
    return f"urn:hoks-followup:codes:{name}:v{CODE_LIST_VERSION}"


def code_list_schema(name: str) -> dict[str, Any]:
    codes = CODE_LISTS[name]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": code_list_urn(name),
        "title": codes.__name__,
        "description": (codes.__doc__ or "").strip(),
        "type": "string",
        "enum": [c.value for c in codes],
    }


def _member_of(*lists: type[StrEnum]) -> AfterValidator:
    allowed = frozenset(c.value for codes in lists for c in codes)
    names = ", ".join(n for n, c in CODE_LISTS.items() if c in lists)

    def check(value: str) -> str:
        if value not in allowed:
            raise ValueError(f"{value!r} is not in the closed code list {names}")
        return value

    return AfterValidator(check)


#: A referral reason on an event (published as a ``Code``; only values of ``referral-reason``).
ReasonCode = Annotated[Code, _member_of(ReferralReason),
                       Field(description=f"One of {code_list_urn('referral-reason')}")]
#: How a referral ended: an outcome or, when cancelled, a cancellation reason.
ClosingCode = Annotated[Code, _member_of(ReferralOutcome, CancellationReason),
                        Field(description=f"closed: one of {code_list_urn('referral-outcome')}; cancelled: "
                                          f"one of {code_list_urn('referral-cancellation-reason')}")]
#: A referral outcome chosen where the referral is handled (e.g. in its student-level meeting).
OutcomeCode = Annotated[Code, _member_of(ReferralOutcome),
                        Field(description=f"One of {code_list_urn('referral-outcome')}")]


def unknown_codes(name: str, values: list[str]) -> list[str]:
    """The values that are not in the list ``name``."""
    allowed = {c.value for c in CODE_LISTS[name]}
    return [v for v in values if v not in allowed]
