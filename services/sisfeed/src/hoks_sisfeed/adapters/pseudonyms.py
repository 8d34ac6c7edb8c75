"""Turning a Koski ``henkilö`` into a pseudonymous OID; the hetu and the names stop here.

A person with an ``oid`` keeps it. A person known only by hetu gets the OID from the provider's
person map when one is given (the SIS knows each student's oppija-OID), otherwise a keyed
pseudonym: HMAC-SHA256 of the hetu with ``HOKS_PSEUDONYM_KEY``, written as an OID under
``1.2.246.562.24.9…`` (11 digits). The same hetu and key give the same OID; without the key the
OID reveals nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from datetime import date, timedelta

from hoks_sisfeed.adapters.errors import Reader, type_name
from hoks_sisfeed.adapters.identifiers import OID_RE

HETU_RE = re.compile(r"^(\d{2})(\d{2})(\d{2})([-+A-FU-Y])(\d{3})([0-9A-Y])$")
CENTURY = {"+": 1800, "-": 1900, "U": 1900, "V": 1900, "W": 1900, "X": 1900, "Y": 1900,
           "A": 2000, "B": 2000, "C": 2000, "D": 2000, "E": 2000, "F": 2000}
CHECK_CHARS = "0123456789ABCDEFHJKLMNPRSTUVWXY"
DEV_KEY = "hoks-followup-development-key-not-for-production"


def pseudonym_key() -> bytes:
    return os.environ.get("HOKS_PSEUDONYM_KEY", DEV_KEY).encode()


def keyed_number(key: bytes, *parts: str, digits: int = 10) -> str:
    digest = hmac.new(key, "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()
    return str(int(digest, 16) % 10**digits).zfill(digits)


def birth_date_from_hetu(hetu: str) -> date | None:
    """The birth date a valid hetu encodes (None when it is not a valid hetu)."""
    m = HETU_RE.match(hetu)
    if not m:
        return None
    dd, mm, yy, sign, serial, check = m.groups()
    if CHECK_CHARS[int(dd + mm + yy + serial) % 31] != check:
        return None
    try:
        return date(CENTURY[sign] + int(yy), int(mm), int(dd))
    except ValueError:
        return None


def compulsory_education_ends(birth: date) -> date | None:
    """Compulsory education lasts until the day before the 18th birthday, for people born 2004 or later."""
    if birth.year < 2004:
        return None
    try:
        eighteenth = birth.replace(year=birth.year + 18)
    except ValueError:  # 29 February
        eighteenth = date(birth.year + 18, 3, 1)
    return eighteenth - timedelta(days=1)


class PersonResolver:
    def __init__(self, person_map: dict[str, str] | None = None, key: bytes | None = None) -> None:
        self.person_map = person_map or {}
        self.key = key or pseudonym_key()

    def resolve(self, reader: Reader, henkilo: object) -> tuple[str, date | None]:
        """The person's OID and the end of their compulsory education (if any)."""
        if henkilo is None:
            raise reader.fail("henkilö", "required object is missing (the person the study rights belong to)")
        if not isinstance(henkilo, dict):
            raise reader.fail("henkilö", f"expected an object, got {type_name(henkilo)}")
        hetu = henkilo.get("hetu")
        birth = None
        if hetu is not None:
            birth = birth_date_from_hetu(hetu) if isinstance(hetu, str) else None
            if birth is None:  # never echo the value: it may be a real hetu with a typo
                raise reader.fail("henkilö.hetu", "not a valid personal identity code")
        ends = compulsory_education_ends(birth) if birth else None
        oid = henkilo.get("oid")
        if oid is not None:
            if not (isinstance(oid, str) and OID_RE.match(oid)):  # never echoed: it may be a hetu
                raise reader.fail("henkilö.oid", "not a person OID (1.2.246.562.24.…)")
            return oid, ends
        if hetu is None:
            raise reader.fail("henkilö", "neither oid nor hetu")
        if hetu in self.person_map:
            return self.person_map[hetu], ends
        return "1.2.246.562.24.9" + keyed_number(self.key, "person", hetu), ends
