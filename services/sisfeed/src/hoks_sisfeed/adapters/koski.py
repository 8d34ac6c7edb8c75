"""Koski study rights (opiskeluoikeus, Opetushallitus' JSON) → ``sis-study-right`` and ``sis-credit``.

Only vocational study rights (``ammatillinenkoulutus``) are converted; others are skipped. What
crosses: pseudonymous OIDs, the status periods, the estimated end, completed units and points
(``koski_credits``), and the derived end of compulsory education. What stops here: ``henkilö``
(hetu, names), people named in certificates, places of on-the-job learning.

Each study right is converted on its own: one that cannot be read is reported with its path and
the others of the same document are still converted.

``source_version`` is the document's ``aikaleima`` (Finnish time) when present, else the latest
date it states (status period, assessment, confirmation): a newer document never loses to an older.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import Any

from hoks_shared.contracts.sis import CreditRecorded, StatusPeriod, StudyRightStatus
from hoks_shared.contracts.vocabulary import StudyRightState
from hoks_sisfeed.adapters.conversion import Conversion
from hoks_sisfeed.adapters.dates import day_ms, epoch_ms, parse_date, parse_datetime
from hoks_sisfeed.adapters.errors import ConversionError, Reader, type_name
from hoks_sisfeed.adapters.identifiers import OID_RE, local_id
from hoks_sisfeed.adapters.koski_credits import CountedPart, common_units_done, counted_parts
from hoks_sisfeed.adapters.points import osaamispisteet, unit_name
from hoks_sisfeed.adapters.pseudonyms import PersonResolver
from hoks_sisfeed.adapters.study_right_ids import identity, study_right_oid

VOCATIONAL = "ammatillinenkoulutus"
STATES = tuple(s.value for s in StudyRightState)
STUDY_RIGHT_MARKERS = frozenset({"tila", "suoritukset", "tyyppi", "oppilaitos"})


def looks_like_koski(doc: Any) -> bool:
    return isinstance(doc, dict) and ("opiskeluoikeudet" in doc or "henkilö" in doc)


def looks_like_bare_study_right(doc: Any) -> bool:
    """One opiskeluoikeus on its own, without the person it belongs to."""
    return isinstance(doc, dict) and len(STUDY_RIGHT_MARKERS & doc.keys()) >= 2


def _periods(reader: Reader, right: dict) -> list[StatusPeriod]:
    periods = []
    for j, period in enumerate(reader.get(right, "tila.opiskeluoikeusjaksot", kind=list)):
        at = reader.at(f"tila.opiskeluoikeusjaksot[{j}]")
        period = at.obj(period)
        state = at.get(period, "tila.koodiarvo", kind=str)
        if state not in STATES:
            raise at.fail("tila.koodiarvo", f"unknown study-right state (expected one of {', '.join(STATES)})")
        periods.append(StatusPeriod(start=parse_date(at, period.get("alku"), "alku"), state=state))
    if not periods:
        raise reader.fail("tila.opiskeluoikeusjaksot", "no status periods")
    return periods


def _credits(oid: str, student: str, parts: list[CountedPart], whole_common: dict[str, date]) -> list[CreditRecorded]:
    """One credit per completed unit (a common unit assessed as a whole sums its areas), else one
    per assessed area; only amounts in osaamispiste (or converted to it) become credits."""
    osp: dict[str, tuple[float, date]] = {}
    for part in parts:
        points = osaamispisteet(part.amount, part.unit)
        if points is None:
            continue
        unit = part.unit_code.split("/", 1)[0]
        key = unit if not part.whole and unit in whole_common else part.unit_code
        day = max(part.day, whole_common.get(key, part.day))
        before, last = osp.get(key, (0.0, day))
        osp[key] = (before + points, max(day, last))
    for code, day in whole_common.items():
        osp.setdefault(code, (0.0, day))
    return [CreditRecorded(source_version=day_ms(day), credit_id=local_id("cr", oid, code), student_oid=student,
                           unit_code=code[:64], points=points, day=day)
            for code, (points, day) in osp.items()]


def _study_right(reader: Reader, right: dict, student: str, compulsory_ends: date | None,
                 persons: PersonResolver, taken: dict[str, str]) -> list[StudyRightStatus | CreditRecorded]:
    oid = right.get("oid")
    if oid is not None:
        if not (isinstance(oid, str) and OID_RE.match(oid)):
            raise reader.fail("oid", f"not a study-right OID (got a {type_name(oid)} of another form)")
    else:
        oid = study_right_oid(persons.key, identity(reader, right, student))
    if oid in taken:
        raise reader.fail("$", f"the same study right as {taken[oid]} (same oid, or same person, institution, "
                               "start date and qualification): sent twice")
    taken[oid] = reader.base
    periods = _periods(reader, right)
    dates = [p.start for p in periods]
    parts: list[CountedPart] = []
    whole_common: dict[str, date] = {}
    for s, completion in enumerate(reader.items(right, "suoritukset")):
        at = reader.at(f"suoritukset[{s}]")
        completion = at.obj(completion)
        parts.extend(counted_parts(at, completion, persons.key))
        whole_common.update(common_units_done(at, completion, persons.key))
        confirmed = at.get(completion, "vahvistus", required=False)
        if confirmed is not None and at.obj(confirmed, "vahvistus").get("päivä") is not None:
            dates.append(parse_date(at, confirmed["päivä"], "vahvistus.päivä"))
    dates.extend(p.day for p in parts)
    other: dict[str, float] = defaultdict(float)
    for part in parts:
        if osaamispisteet(part.amount, part.unit) is None:
            other[unit_name(part.unit)] += part.amount
    credits = _credits(oid, student, parts, whole_common)
    stamp = right.get("aikaleima")
    version = epoch_ms(parse_datetime(reader, stamp, "aikaleima")) if stamp is not None else day_ms(max(dates))
    estimated = right.get("arvioituPäättymispäivä")
    status = StudyRightStatus(
        source_version=version, study_right_oid=oid, student_oid=student, periods=periods,
        estimated_end=parse_date(reader, estimated, "arvioituPäättymispäivä") if estimated is not None else None,
        completed_points=sum(c.points for c in credits),
        completed_units=sum(1 for p in parts if p.whole) + len(whole_common),
        completed_other_units=dict(other), compulsory_education_ends=compulsory_ends,
    )
    return [status, *credits]


def convert_koski(doc: Any, source: str, persons: PersonResolver | None = None) -> Conversion:
    """Every vocational study right of one Koski oppija document; bad ones become errors."""
    reader = Reader(source)
    persons = persons or PersonResolver()
    result = Conversion()
    if not looks_like_koski(doc):
        raise reader.fail("$", "expected a Koski oppija object with henkilö and opiskeluoikeudet")
    with reader.guard("henkilö"):
        student, compulsory_ends = persons.resolve(reader, doc.get("henkilö"))
    rights = reader.get(doc, "opiskeluoikeudet", kind=list)
    taken: dict[str, str] = {}
    for r, right in enumerate(rights):
        at = reader.at(f"opiskeluoikeudet[{r}]")
        try:
            with at.guard():
                right = at.obj(right)
                if at.get(right, "tyyppi.koodiarvo", kind=str) != VOCATIONAL:
                    continue
                result.events.extend(_study_right(at, right, student, compulsory_ends, persons, taken))
        except ConversionError as exc:
            result.errors.append(exc)
    return result
