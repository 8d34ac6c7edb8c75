"""Koski study rights (opiskeluoikeus, Opetushallitus' JSON) → ``sis-study-right`` and ``sis-credit``.

Only vocational study rights (``ammatillinenkoulutus``) are converted; others are skipped. What
crosses: pseudonymous OIDs, the status periods, the estimated end, completed units and points,
and the derived end of compulsory education. What stops here: ``henkilö`` (hetu, names), people
named in certificates, places of on-the-job learning.

``source_version`` is the latest date the document states (status period, assessment,
confirmation), in ms, or its ``aikaleima`` when present: a newer document never loses to an older.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import ValidationError

from hoks_shared.contracts.sis import CreditRecorded, StatusPeriod, StudyRightStatus
from hoks_shared.contracts.vocabulary import StudyRightState
from hoks_sisfeed.adapters.dates import day_ms, epoch_ms, parse_date, parse_datetime
from hoks_sisfeed.adapters.ehoks import OID_RE
from hoks_sisfeed.adapters.errors import ConversionError, Reader
from hoks_sisfeed.adapters.pseudonyms import PersonResolver

VOCATIONAL = "ammatillinenkoulutus"
STATES = {s.value for s in StudyRightState}


def looks_like_koski(doc: Any) -> bool:
    return isinstance(doc, dict) and "opiskeluoikeudet" in doc


def _accepted_on(reader: Reader, unit: dict, where: str) -> date | None:
    days = [parse_date(reader, a.get("päivä"), f"{where}.arviointi[{i}].päivä")
            for i, a in enumerate(unit.get("arviointi") or []) if a.get("hyväksytty", True) and a.get("päivä")]
    if unit.get("arviointi") and not days:
        return None
    return max(days, default=None)


def convert_koski(doc: Any, source: str, persons: PersonResolver | None = None) -> list[StudyRightStatus | CreditRecorded]:
    reader = Reader(source)
    persons = persons or PersonResolver()
    if not looks_like_koski(doc):
        raise reader.fail("$", "expected an object with henkilö and opiskeluoikeudet")
    student, compulsory_ends = persons.resolve(reader, doc.get("henkilö"))
    rights = reader.get(doc, "opiskeluoikeudet", kind=list)
    events: list[StudyRightStatus | CreditRecorded] = []
    for r, right in enumerate(rights):
        where = f"opiskeluoikeudet[{r}]"
        if not isinstance(right, dict):
            raise reader.fail(where, "expected an object")
        if reader.get(right, "tyyppi.koodiarvo", kind=str) != VOCATIONAL:
            continue
        oid = right.get("oid")
        if oid is not None and not (isinstance(oid, str) and OID_RE.match(oid)):
            raise reader.fail(f"{where}.oid", f"not an OID: {oid!r}")
        if oid is None:
            oid = persons.study_right_oid(student, str(right.get("oppilaitos", {}).get("oid")),
                                          str(right.get("alkamispäivä")))
        periods = []
        for j, period in enumerate(reader.get(right, "tila.opiskeluoikeusjaksot", kind=list)):
            at = f"{where}.tila.opiskeluoikeusjaksot[{j}]"
            state = reader.get(period, "tila.koodiarvo", kind=str) if isinstance(period, dict) else None
            if state not in STATES:
                raise reader.fail(f"{at}.tila.koodiarvo", f"unknown study-right state {state!r}")
            periods.append(StatusPeriod(start=parse_date(reader, period.get("alku"), f"{at}.alku"), state=state))
        if not periods:
            raise reader.fail(f"{where}.tila.opiskeluoikeusjaksot", "no status periods")
        dates = [p.start for p in periods]
        points = 0.0
        credits: list[tuple[str, float, date]] = []
        for s, completion in enumerate(right.get("suoritukset") or []):
            for u, unit in enumerate(completion.get("osasuoritukset") or []):
                at = f"{where}.suoritukset[{s}].osasuoritukset[{u}]"
                accepted = _accepted_on(reader, unit, at)
                if accepted is None:
                    continue
                dates.append(accepted)
                code = reader.get(unit, "koulutusmoduuli.tunniste.koodiarvo", kind=(str, int))
                value = (unit.get("koulutusmoduuli", {}).get("laajuus") or {}).get("arvo", 0)
                if not isinstance(value, (int, float)):
                    raise reader.fail(f"{at}.koulutusmoduuli.laajuus.arvo", f"expected a number, got {value!r}")
                points += value
                credits.append((str(code), float(value), accepted))
            confirmed = (completion.get("vahvistus") or {}).get("päivä")
            if confirmed:
                dates.append(parse_date(reader, confirmed, f"{where}.suoritukset[{s}].vahvistus.päivä"))
        stamp = right.get("aikaleima")
        version = epoch_ms(parse_datetime(reader, stamp, f"{where}.aikaleima")) if stamp else day_ms(max(dates))
        estimated = right.get("arvioituPäättymispäivä")
        try:
            events.append(StudyRightStatus(
                source_version=version, study_right_oid=oid, student_oid=student, periods=periods,
                estimated_end=parse_date(reader, estimated, f"{where}.arvioituPäättymispäivä") if estimated else None,
                completed_points=points, completed_units=len(credits), compulsory_education_ends=compulsory_ends,
            ))
            for code, value, day in credits:
                events.append(CreditRecorded(
                    source_version=day_ms(day), credit_id=f"cr-{oid}-{code}"[:128], student_oid=student,
                    unit_code=code, points=value, day=day,
                ))
        except ValidationError as exc:
            raise ConversionError.from_validation(source, exc, where) from None
    return events
