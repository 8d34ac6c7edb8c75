"""eHOKS HOKS documents (Opetushallitus' national format, kebab-case Finnish) → ``sis-hoks`` events.

What crosses: the student and study-right OIDs, approval and update dates, the planned units
with their competence points (where the document has them) and acquisition periods, and whether
learning support is recorded. What stops here: e-mail, phone, every person named in the
document (assessors, representatives), free-text descriptions. Older shapes: ``ehoks_shapes``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from hoks_shared.contracts.sis import HoksUpdated, PlannedUnit
from hoks_sisfeed.adapters.codes import crossing_code
from hoks_sisfeed.adapters.dates import epoch_ms, parse_date, parse_datetime
from hoks_sisfeed.adapters.ehoks_shapes import UNIT_GROUPS, unknown_shape_keys
from hoks_sisfeed.adapters.errors import Reader, type_name
from hoks_sisfeed.adapters.identifiers import OID_RE
from hoks_sisfeed.adapters.points import read_amount
from hoks_sisfeed.adapters.pseudonyms import pseudonym_key

EHOKS_MARKERS = frozenset({"oppija-oid", "opiskeluoikeus-oid", "ensikertainen-hyvaksyminen"})
CODE_FIELDS = ("tutkinnon-osa-koodi-uri", "koulutuksen-osa-koodi-uri")


def looks_like_ehoks(doc: Any) -> bool:
    return isinstance(doc, dict) and not EHOKS_MARKERS.isdisjoint(doc)


def _oid(reader: Reader, doc: dict, field: str, kind: str) -> str:
    value = reader.get(doc, field, kind=str)
    if not OID_RE.match(value):  # never echoed: a hetu typed into the box would leak
        raise reader.fail(field, f"not {kind} OID")
    return value


def _unit_code(reader: Reader, unit: dict) -> str:
    """The national code of the unit's koodi-uri (``tutkinnonosat_106727`` → 106727); a local unit
    (no koodi-uri) is known by its name, which crosses only as a keyed pseudonym (``codes``)."""
    for field in CODE_FIELDS:
        value = reader.get(unit, field, required=False, kind=str)
        if value:
            return crossing_code(value.split("_", 1)[-1], pseudonym_key())
    name = reader.get(unit, "nimi", required=False, kind=str)
    return crossing_code("local:" + name.strip(), pseudonym_key()) if name and name.strip() else "local"


def _periods(reader: Reader, unit: dict) -> list[tuple[date, date | None]]:
    found = []
    holders = [(reader, unit)]
    for i, part in enumerate(reader.items(unit, "osa-alueet")):
        at = reader.at(f"osa-alueet[{i}]")
        holders.append((at, at.obj(part)))
    for at, holder in holders:
        for j, way in enumerate(at.items(holder, "osaamisen-hankkimistavat")):
            way_at = at.at(f"osaamisen-hankkimistavat[{j}]")
            way = way_at.obj(way)
            end = way.get("loppu")
            found.append((parse_date(way_at, way.get("alku"), "alku"),
                          parse_date(way_at, end, "loppu") if end is not None else None))
    if not found and unit.get("alku") is not None:
        end = unit.get("loppu")
        found.append((parse_date(reader, unit["alku"], "alku"), parse_date(reader, end, "loppu") if end is not None else None))
    return found


def _planned_unit(reader: Reader, unit: object, kind: str) -> PlannedUnit:
    unit = reader.obj(unit)
    periods = _periods(reader, unit)
    points = unit.get("laajuus")
    ends = [e for _, e in periods if e]
    return PlannedUnit(
        unit_code=_unit_code(reader, unit), kind=kind,
        points=read_amount(reader, points, "laajuus") if points is not None else None,
        starts=min((s for s, _ in periods), default=None), ends=max(ends, default=None),
    )


def _hoks(reader: Reader, doc: dict) -> HoksUpdated:
    unknown = unknown_shape_keys(doc)
    if unknown:
        raise reader.fail(unknown[0], "an older eHOKS shape this adapter does not map (known: "
                                      + ", ".join(k for k in UNIT_GROUPS) + "); refused rather than read without its units")
    student = _oid(reader, doc, "oppija-oid", "a person (1.2.246.562.24.…)")
    study_right = _oid(reader, doc, "opiskeluoikeus-oid", "a study-right (1.2.246.562.15.…)")
    changed_field = "paivitetty" if doc.get("paivitetty") is not None else "hyvaksytty"
    updated_at = parse_datetime(reader, reader.get(doc, changed_field), changed_field)
    first = doc.get("ensikertainen-hyvaksyminen")
    units: list[PlannedUnit] = []
    for group, kind in UNIT_GROUPS.items():
        for i, unit in enumerate(reader.items(doc, group)):
            at = reader.at(f"{group}[{i}]")
            with at.guard():
                units.append(_planned_unit(at, unit, kind))
    ends = [u.ends for u in units if u.ends]
    with reader.guard():
        return HoksUpdated(
            source_version=epoch_ms(updated_at),
            hoks_id="hoks-" + study_right,
            student_oid=student,
            study_right_oid=study_right,
            first_approved=parse_date(reader, first, "ensikertainen-hyvaksyminen") if first is not None else None,
            updated_at=updated_at,
            planned_units=units,
            planned_points=sum(u.points or 0 for u in units),
            target_completion_date=max(ends, default=None),
            learning_support=bool(doc.get("oppimisen-tuki")),
        )


def convert_hoks(doc: Any, source: str) -> HoksUpdated:
    """One HOKS → one event; a HOKS that cannot be read raises one ConversionError (its units are
    one plan: a plan with a unit left out would be wrong, not partial)."""
    reader = Reader(source)
    if not isinstance(doc, dict):
        raise reader.fail("$", f"expected a HOKS object, got {type_name(doc)}")
    with reader.guard():
        return _hoks(reader, doc)

