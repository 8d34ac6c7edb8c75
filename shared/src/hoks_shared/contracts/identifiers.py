"""Identifier and code types used in every contract.

People, study rights and organisations are OIDs (``1.2.246.562.<class>.<n>``), the pseudonymous
ids of the Finnish national education registers. Groups and units are the provider's own codes.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, StringConstraints

#: The shape of a national OID: ASCII digits only (``\d`` would also take e.g. Arabic-Indic
#: digits), and nothing after the last digit (check with ``is_oid``, not ``re.match``: Python's
#: ``$`` also matches before a trailing newline).
OID_PATTERN = r"^1\.2\.246\.562\.[0-9]{1,3}\.[0-9]{5,20}$"
_OID = re.compile(OID_PATTERN)
#: The committed event schemas spell the pattern with ``\d``, which means [0-9] in JSON Schema
#: (ECMA-262) but any Unicode digit in pydantic's regex engine; the validator below keeps pydantic
#: to ASCII without changing the published schemas.
_SCHEMA_OID_PATTERN = r"^1\.2\.246\.562\.\d{1,3}\.\d{5,20}$"


def _ascii_digits(value: str) -> str:
    if not value.isascii():
        raise ValueError("only ASCII digits")
    return value


#: A national OID such as ``1.2.246.562.24.10000000001`` (person) or ``...15...`` (study right).
Oid = Annotated[str, StringConstraints(pattern=_SCHEMA_OID_PATTERN), AfterValidator(_ascii_digits)]

#: A provider-local code: group code, unit code, meeting id, referral id.
LocalId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")]

#: A machine-readable code from a fixed vocabulary (theme, reason, outcome): never free text.
Code = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{0,47}$")]

#: An academic year, 1 Aug – 31 Jul, written ``2026-2027``.
def _consecutive_years(value: str) -> str:
    first, second = int(value[:4]), int(value[5:])
    if not (1900 <= first <= 2999 and second == first + 1):
        raise ValueError("an academic year is two consecutive years, e.g. 2026-2027")
    return value


AcademicYear = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{4}$"), AfterValidator(_ascii_digits),
                         AfterValidator(_consecutive_years)]


def is_oid(value: object) -> bool:
    """True for a string that is exactly one national OID (ASCII digits, no trailing newline)."""
    return isinstance(value, str) and _OID.fullmatch(value) is not None
