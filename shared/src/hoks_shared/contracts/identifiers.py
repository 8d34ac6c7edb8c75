"""Identifier and code types used in every contract.

People, study rights and organisations are OIDs (``1.2.246.562.<class>.<n>``), the pseudonymous
ids of the Finnish national education registers. Groups and units are the provider's own codes.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import StringConstraints

#: The shape of a national OID, for code that checks OIDs outside a pydantic model.
OID_PATTERN = r"^1\.2\.246\.562\.\d{1,3}\.\d{5,20}$"

#: A national OID such as ``1.2.246.562.24.10000000001`` (person) or ``...15...`` (study right).
Oid = Annotated[str, StringConstraints(pattern=OID_PATTERN)]

#: A provider-local code: group code, unit code, meeting id, referral id.
LocalId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")]

#: A machine-readable code from a fixed vocabulary (theme, reason, outcome): never free text.
Code = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9-]{0,47}$")]

#: An academic year, 1 Aug – 31 Jul, written ``2026-2027``.
AcademicYear = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{4}$")]
