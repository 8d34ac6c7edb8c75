"""eHOKS HOKS documents (Opetushallitus' national format, kebab-case Finnish) → ``sis-hoks`` events.

What crosses: the student and study-right OIDs, approval and update dates, the planned units
with their competence points (where the document has them) and acquisition periods, and whether
learning support is recorded. What stops here: e-mail, phone, every person named in the
document (assessors, representatives), free-text descriptions.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from pydantic import ValidationError

from hoks_shared.contracts.identifiers import OID_PATTERN
from hoks_shared.contracts.sis import HoksUpdated, PlannedUnit
from hoks_sisfeed.adapters.dates import epoch_ms, parse_date, parse_datetime
from hoks_sisfeed.adapters.errors import ConversionError, Reader

OID_RE = re.compile(OID_PATTERN)

UNIT_GROUPS: dict[str, str] = {
    "hankittavat-ammat-tutkinnon-osat": "vocational",
    "hankittavat-yhteiset-tutkinnon-osat": "common",
    "hankittavat-paikalliset-tutkinnon-osat": "local",
    "hankittavat-koulutuksen-osat": "preparatory",
}


EHOKS_MARKERS = frozenset({"oppija-oid", "opiskeluoikeus-oid", "ensikertainen-hyvaksyminen"})


def looks_like_ehoks(doc: Any) -> bool:
    return isinstance(doc, dict) and not EHOKS_MARKERS.isdisjoint(doc)


def _oid(reader: Reader, doc: dict, field: str) -> str:
    value = reader.get(doc, field, kind=str)
    if not OID_RE.match(value):
        raise reader.fail(field, f"not an OID: {value!r}")
    return value


def _unit_code(unit: dict) -> str:
    for field in ("tutkinnon-osa-koodi-uri", "koulutuksen-osa-koodi-uri"):
        if isinstance(unit.get(field), str):
            return unit[field].split("_", 1)[-1]
    name = unit.get("nimi")
    return ("local:" + name.strip())[:64] if isinstance(name, str) and name.strip() else "local"


def _periods(reader: Reader, unit: dict, where: str) -> list[tuple[date, date | None]]:
    found = []
    holders = [(unit, where)] + [(part, f"{where}.osa-alueet[{i}]") for i, part in enumerate(unit.get("osa-alueet") or [])]
    for holder, path in holders:
        for j, way in enumerate(holder.get("osaamisen-hankkimistavat") or []):
            start = parse_date(reader, way.get("alku"), f"{path}.osaamisen-hankkimistavat[{j}].alku")
            end = way.get("loppu")
            found.append((start, parse_date(reader, end, f"{path}.osaamisen-hankkimistavat[{j}].loppu") if end else None))
    if not found and unit.get("alku"):
        found.append((parse_date(reader, unit["alku"], f"{where}.alku"),
                      parse_date(reader, unit["loppu"], f"{where}.loppu") if unit.get("loppu") else None))
    return found


def convert_hoks(doc: Any, source: str) -> HoksUpdated:
    reader = Reader(source)
    if not isinstance(doc, dict):
        raise reader.fail("$", f"expected a HOKS object, got {type(doc).__name__}")
    student = _oid(reader, doc, "oppija-oid")
    study_right = _oid(reader, doc, "opiskeluoikeus-oid")
    changed_field = "paivitetty" if doc.get("paivitetty") else "hyvaksytty"
    updated_at = parse_datetime(reader, reader.get(doc, changed_field), changed_field)
    first = doc.get("ensikertainen-hyvaksyminen")
    units: list[PlannedUnit] = []
    for group, kind in UNIT_GROUPS.items():
        items = doc.get(group) or []
        if not isinstance(items, list):
            raise reader.fail(group, f"expected a list, got {type(items).__name__}")
        for i, unit in enumerate(items):
            where = f"{group}[{i}]"
            if not isinstance(unit, dict):
                raise reader.fail(where, "expected an object")
            periods = _periods(reader, unit, where)
            points = unit.get("laajuus")
            if points is not None and not isinstance(points, (int, float)):
                raise reader.fail(f"{where}.laajuus", f"expected a number, got {points!r}")
            ends = [e for _, e in periods if e]
            units.append(PlannedUnit(
                unit_code=_unit_code(unit), kind=kind, points=points,
                starts=min((s for s, _ in periods), default=None), ends=max(ends, default=None),
            ))
    ends = [u.ends for u in units if u.ends]
    try:
        return HoksUpdated(
            source_version=epoch_ms(updated_at),
            hoks_id="hoks-" + study_right,
            student_oid=student,
            study_right_oid=study_right,
            first_approved=parse_date(reader, first, "ensikertainen-hyvaksyminen") if first else None,
            updated_at=updated_at,
            planned_units=units,
            planned_points=sum(u.points or 0 for u in units),
            target_completion_date=max(ends, default=None),
            learning_support=bool(doc.get("oppimisen-tuki")),
        )
    except ValidationError as exc:
        raise ConversionError.from_validation(source, exc) from None
