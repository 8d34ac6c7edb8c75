"""Credit amounts (laajuus) and their units (Koski code set ``opintojenlaajuusyksikko``).

Only osaamispiste (code 6) is a competence point. Opintoviikko (code 1, the pre-2015 vocational
unit) converts at 1.5 osp, the rate of the 2015 reform (120 ov → 180 osp). Every other unit
(opintopiste 2, vuosiviikkotunti 3, kurssi 4, tunti 5, …) has no official rate and is kept apart.
A laajuus without a unit is osaamispiste: it is the unit of a vocational unit's laajuus in Koski.
"""

from __future__ import annotations

import math

from hoks_sisfeed.adapters.errors import Reader, type_name

OSAAMISPISTE = "6"
OPINTOVIIKKO = "1"
UNIT_NAMES = {"1": "opintoviikko", "2": "opintopiste", "3": "vuosiviikkotunti", "4": "kurssi",
              "5": "tunti", "6": "osaamispiste"}
OTHER_UNIT = "muu"  # a code this adapter does not know: kept apart, never added to points
TO_OSAAMISPISTE = {OSAAMISPISTE: 1.0, OPINTOVIIKKO: 1.5}
MOST = 1000.0  # no single unit or plan part is larger; larger numbers are typing errors


def read_amount(reader: Reader, value: object, field: str) -> float:
    """A finite, non-negative number of credits; booleans, strings and absurd sizes are refused."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise reader.fail(field, f"expected a number of credits, got {type_name(value)}")
    if isinstance(value, int) and abs(value) > MOST:  # before float(): a 5,000-digit int overflows
        raise reader.fail(field, f"not a plausible number of credits (more than {MOST:g})")
    amount = float(value)
    if not math.isfinite(amount):
        raise reader.fail(field, "not a finite number")
    if amount < 0 or amount > MOST:
        raise reader.fail(field, f"not a plausible number of credits (0 to {MOST:g})")
    return amount


def read_laajuus(reader: Reader, laajuus: object, field: str) -> tuple[float, str] | None:
    """Koski's ``{"arvo": n, "yksikkö": {"koodiarvo": c}}`` → (n, c); None when there is none."""
    if laajuus is None:
        return None
    node = reader.obj(laajuus, field)
    if node.get("arvo") is None:
        return None
    amount = read_amount(reader, node["arvo"], f"{field}.arvo")
    unit = node.get("yksikkö")
    if unit is None:
        return amount, OSAAMISPISTE
    code = reader.at(f"{field}.yksikkö").get(reader.obj(unit, f"{field}.yksikkö"), "koodiarvo", kind=(str, int))
    return amount, str(code) if str(code) in UNIT_NAMES else OTHER_UNIT


def unit_name(unit: str) -> str:
    return UNIT_NAMES.get(unit, OTHER_UNIT)


def osaamispisteet(amount: float, unit: str) -> float | None:
    """The amount in osaamispiste, or None when the unit has no official conversion."""
    rate = TO_OSAAMISPISTE.get(unit)
    return None if rate is None else amount * rate
