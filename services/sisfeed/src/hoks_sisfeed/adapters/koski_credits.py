"""Completed credits of one Koski study right, counted as Koski counts them.

The rule is the one of Koski's own vocational reports (``suoritettujen opintojen yhteislaajuus``
in the Suoritustiedot reports): the laajuus of every assessed and accepted

* vocational unit (``ammatillisentutkinnonosa`` that is not a common unit), counted whole;
* part listed under a heading of code set ``tutkinnonosatvalinnanmahdollisuus`` (1: parts of
  common units, upper-secondary or other further-study studies; 2: higher-education studies),
  each counted as a unit of its own (the heading itself has no laajuus);
* area (osa-alue) of a common unit (codes below) — the common unit itself is not counted, so
  its areas count whether or not the unit has an assessment of its own.

One deviation: a common unit that lists no areas at all (older documents) counts whole when it
is assessed. Amounts are read with their unit (``points``): osaamispiste counts, opintoviikko is
converted, every other unit is kept apart.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from hoks_sisfeed.adapters.codes import crossing_code
from hoks_sisfeed.adapters.dates import parse_date
from hoks_sisfeed.adapters.errors import Reader
from hoks_sisfeed.adapters.points import read_laajuus

#: Koski's common units (yhteiset tutkinnon osat): before the 2018 reform, 2018–2022, from 1.8.2022,
#: and the education-export trials (AmmatillisenTutkinnonOsa.yhteisetTutkinnonOsat in Koski).
COMMON_UNITS = frozenset({"101053", "101054", "101055", "101056", "400012", "400013", "400014",
                          "106727", "106728", "106729", "600001", "600002"})
HEADING_CODE_SET = "tutkinnonosatvalinnanmahdollisuus"
HEADING_CODES = frozenset({"1", "2"})
FAILED_GRADES = frozenset({"hylatty", "hylätty"})


@dataclass(frozen=True)
class CountedPart:
    """One assessed part that Koski counts. ``unit_code`` is the unit, or ``unit/part`` for a
    part counted on its own; ``whole`` when it is a completed unit (not an area of one)."""

    unit_code: str
    amount: float
    unit: str
    day: date
    whole: bool


def accepted_on(reader: Reader, part: dict) -> date | None:
    """The latest day the part was assessed as accepted; None when it has no accepted assessment."""
    days = []
    for i, assessment in enumerate(reader.items(part, "arviointi")):
        at = reader.at(f"arviointi[{i}]")
        assessment = at.obj(assessment)
        accepted = at.get(assessment, "hyväksytty", required=False, kind=bool)
        grade = at.get(assessment, "arvosana.koodiarvo", required=False, kind=(str, int))
        if accepted is False or str(grade).lower() in FAILED_GRADES:
            continue
        days.append(parse_date(at, assessment.get("päivä"), "päivä"))
    return max(days, default=None)


def _code(reader: Reader, part: dict) -> str:
    return str(reader.get(part, "koulutusmoduuli.tunniste.koodiarvo", kind=(str, int)))


def _crossing(reader: Reader, part: dict, key: bytes) -> str:
    return crossing_code(_code(reader, part), key)


def _is_heading(reader: Reader, part: dict, code: str) -> bool:
    code_set = reader.get(part, "koulutusmoduuli.tunniste.koodistoUri", required=False, kind=str)
    return code_set == HEADING_CODE_SET or (code_set is None and code in HEADING_CODES)


def _is_common(reader: Reader, part: dict, code: str) -> bool:
    group = reader.get(part, "tutkinnonOsanRyhmä.koodiarvo", required=False, kind=(str, int))
    return code in COMMON_UNITS or str(group) == "2"


def _counted(reader: Reader, part: dict, unit_code: str, whole: bool) -> CountedPart | None:
    day = accepted_on(reader, part)
    if day is None:
        return None
    laajuus = read_laajuus(reader, reader.get(part, "koulutusmoduuli.laajuus", required=False), "koulutusmoduuli.laajuus")
    amount, unit = laajuus if laajuus else (0.0, "6")
    return CountedPart(unit_code, amount, unit, day, whole)


def _children(reader: Reader, part: dict, code: str, whole: bool, key: bytes) -> Iterator[CountedPart]:
    for i, child in enumerate(reader.items(part, "osasuoritukset")):
        at = reader.at(f"osasuoritukset[{i}]")
        child = at.obj(child)
        counted = _counted(at, child, f"{code}/{_crossing(at, child, key)}", whole)
        if counted:
            yield counted


def counted_parts(reader: Reader, completion: dict, key: bytes) -> Iterator[CountedPart]:
    """Every part of one suoritus that counts towards the completed points, in document order
    (unit codes as they may cross, see ``codes``)."""
    for u, part in enumerate(reader.items(completion, "osasuoritukset")):
        at = reader.at(f"osasuoritukset[{u}]")
        part = at.obj(part)
        code = _code(at, part)
        crossing = crossing_code(code, key)
        if _is_heading(at, part, code):
            yield from _children(at, part, crossing, whole=True, key=key)
        elif _is_common(at, part, code) and at.items(part, "osasuoritukset"):
            yield from _children(at, part, crossing, whole=False, key=key)
        else:
            counted = _counted(at, part, crossing, whole=True)
            if counted:
                yield counted


def common_units_done(reader: Reader, completion: dict, key: bytes) -> dict[str, date]:
    """Common units with areas that are assessed as a whole, with the day (they count as completed units)."""
    done = {}
    for u, part in enumerate(reader.items(completion, "osasuoritukset")):
        at = reader.at(f"osasuoritukset[{u}]")
        part = at.obj(part)
        code = _code(at, part)
        if not _is_heading(at, part, code) and _is_common(at, part, code) and at.items(part, "osasuoritukset"):
            day = accepted_on(at, part)
            if day:
                done[crossing_code(code, key)] = day
    return done
