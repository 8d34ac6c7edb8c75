"""Unit codes that may leave the adapter.

A code crosses as it is only when it has the form of a national code: up to 9 digits
(``tutkinnonosat``: 106727) or an upper-case letter and up to 11 upper-case letters and digits
(``ammatillisenoppiaineet``: VVAI22, TVT). Anything else — a provider's local code, a local
unit's name, or whatever was typed into the box (a hetu, a name, a phone number) — crosses as a
keyed pseudonym ``x`` + 12 digits: the same code gives the same pseudonym, and without the key
(``HOKS_PSEUDONYM_KEY``) it reveals nothing.
"""

from __future__ import annotations

import re

from hoks_sisfeed.adapters.pseudonyms import keyed_number

NATIONAL_CODE = re.compile(r"^(?:\d{1,9}|[A-Z][A-Z0-9]{0,11})$")


def crossing_code(code: str, key: bytes) -> str:
    return code if NATIONAL_CODE.match(code) else "x" + keyed_number(key, "code", code, digits=12)
