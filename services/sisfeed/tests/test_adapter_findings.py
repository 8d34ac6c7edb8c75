"""One test per finding of issue 18 (adapters run on real national data and crafted broken input)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from hoks_shared.contracts.sis import CreditRecorded, StudyRightStatus
from hoks_sisfeed.adapters.batch import BatchResult, add_data, convert_files
from hoks_sisfeed.adapters.dates import HELSINKI, epoch_ms
from hoks_sisfeed.adapters.ehoks import convert_hoks
from hoks_sisfeed.adapters.errors import ConversionError
from hoks_sisfeed.adapters.koski import convert_koski
from hoks_sisfeed.adapters.pseudonyms import PersonResolver
from sisfeed_samples import EHOKS, KOSKI, leaks, load

PT = "koski/ammatillinen-perustutkinto_2024-08-13.json"  # one right: 12 assessed units, 183 osp
REFORM = "koski/ammatillinen-reforminmukainenperustutkinto2022_2024-08-08.json"  # common unit with areas
RIGHT = "opiskeluoikeudet[0]"
UNIT0 = f"{RIGHT}.suoritukset[0].osasuoritukset[0]"


def batch(*docs: tuple[str, object]) -> BatchResult:
    result, persons = BatchResult(), PersonResolver()
    for source, doc in docs:
        add_data(result, doc if isinstance(doc, bytes) else json.dumps(doc).encode(), source, persons)
    return result


def statuses(events) -> list[StudyRightStatus]:
    return [e for e in events if isinstance(e, StudyRightStatus)]


def two_rights() -> dict:
    """The pt sample with a second study right of the same person (another start day)."""
    doc = load(PT)
    second = json.loads(json.dumps(doc["opiskeluoikeudet"][0]))
    second["alkamispäivä"] = "2013-01-07"
    doc["opiskeluoikeudet"].append(second)
    return doc


# --- one malformed document never stops the run -------------------------------------------------

@pytest.mark.parametrize(("where", "value", "field", "problem"), [
    (["suoritukset", 0, "osasuoritukset", 0, "koulutusmoduuli", "laajuus"], [15, 6],
     f"{UNIT0}.koulutusmoduuli.laajuus", "expected an object, got list"),
    (["suoritukset", 0, "vahvistus"], "2016-08-31", f"{RIGHT}.suoritukset[0].vahvistus", "expected an object"),
    (["suoritukset", 0], None, f"{RIGHT}.suoritukset[0]", "expected an object, got null"),
    (["suoritukset", 0, "osasuoritukset", 0], None, UNIT0, "expected an object, got null"),
    (["suoritukset", 0, "osasuoritukset", 0, "arviointi", 0], None, f"{UNIT0}.arviointi[0]", "got null"),
    (["suoritukset", 0, "osasuoritukset", 0, "koulutusmoduuli", "laajuus", "arvo"], True,
     f"{UNIT0}.koulutusmoduuli.laajuus.arvo", "expected a number of credits, got boolean"),
    (["tila"], {}, f"{RIGHT}.tila.opiskeluoikeusjaksot", "required field is missing"),
    (["tila", "opiskeluoikeusjaksot", 0, "tila"], None, f"{RIGHT}.tila.opiskeluoikeusjaksot[0].tila",
     "required field is missing"),
])
def test_a_bad_study_right_is_reported_at_its_full_path_and_the_other_right_converts(where, value, field, problem):
    doc = two_rights()
    node = doc["opiskeluoikeudet"][0]
    for step in where[:-1]:
        node = node[step]
    node[where[-1]] = value
    result = batch(("pt.json", doc))
    assert [(e.source, e.field) for e in result.errors] == [("pt.json", field)]
    assert problem in result.errors[0].problem
    assert len(statuses(result.events)) == 1  # the second study right of the same document
    assert result.partly == 1 and result.refused == 0


def test_null_in_place_of_the_institution_or_a_hoks_learning_period():
    doc = load(PT)
    doc["opiskeluoikeudet"][0]["oppilaitos"] = None  # only used for a made-up id: still converts
    assert len(statuses(convert_koski(doc, "pt.json").events)) == 1
    hoks = load("ehoks/hoksit.json")
    hoks["hankittavat-ammat-tutkinnon-osat"][0]["osaamisen-hankkimistavat"][0] = None
    with pytest.raises(ConversionError) as err:
        convert_hoks(hoks, "hoksit.json")
    assert err.value.field == "hankittavat-ammat-tutkinnon-osat[0].osaamisen-hankkimistavat[0]"


@pytest.mark.parametrize(("text", "problem"), [
    ('{"a": ' * 5000 + "1" + "}" * 5000, "nested too deeply"),
    ("[" * 200_000 + "]" * 200_000, "nested too deeply"),
    ('{"oppija-oid": ' + "7" * 5000 + "}", "a number too long"),
    ('{"oppija-oid": "1.2.246.562.24.1", ', "malformed JSON"),
    ("\udcff".encode("utf-8", "surrogateescape").decode("latin-1"), "not UTF-8"),
])
def test_unreadable_files_are_refused_alone(text, problem):
    data = text.encode("latin-1") if problem == "not UTF-8" else text.encode()
    good = [(p.name, p.read_bytes()) for p in EHOKS + KOSKI]
    result = batch(("bad.json", data), *good)
    assert [e.source for e in result.errors] == ["bad.json"]
    assert problem in result.errors[0].problem
    assert result.documents - result.refused == len(good)


def test_points_refuse_booleans_and_non_finite_numbers():
    for value, problem in ((True, "got boolean"), (float("nan"), "not a finite number"),
                           (float("inf"), "not a finite number"), (-3, "not a plausible"), ("15", "got string")):
        doc = load(PT)
        doc["opiskeluoikeudet"][0]["suoritukset"][0]["osasuoritukset"][0]["koulutusmoduuli"]["laajuus"]["arvo"] = value
        errors = convert_koski(doc, "pt.json").errors
        assert [e.field for e in errors] == [f"{UNIT0}.koulutusmoduuli.laajuus.arvo"], value
        assert problem in errors[0].problem
    hoks = load("ehoks/hoks_tuva.json")
    hoks["hankittavat-koulutuksen-osat"][0]["laajuus"] = True
    with pytest.raises(ConversionError, match="got boolean"):
        convert_hoks(hoks, "tuva.json")


def test_a_utf8_byte_order_mark_is_accepted():
    for path in EHOKS + KOSKI:
        plain = batch((path.name, path.read_bytes()))
        marked = batch((path.name, b"\xef\xbb\xbf" + path.read_bytes()))
        assert not marked.errors, path.name
        assert [e.model_dump() for e in marked.events] == [e.model_dump() for e in plain.events]


# --- points as Koski counts them ----------------------------------------------------------------

def _common_unit(doc: dict) -> dict:
    units = doc["opiskeluoikeudet"][0]["suoritukset"][0]["osasuoritukset"]
    return next(u for u in units if u["koulutusmoduuli"]["tunniste"]["koodiarvo"] == "106727")


def _points(doc: dict) -> float:
    return statuses(convert_koski(doc, "x.json").events)[0].completed_points


def test_assessed_areas_of_a_common_unit_count_when_the_unit_has_no_assessment_of_its_own():
    doc = load(REFORM)
    unit = _common_unit(doc)
    assert "arviointi" not in unit
    areas = unit["osasuoritukset"]
    base = _points(doc)
    unit["koulutusmoduuli"]["laajuus"]["arvo"] = 8.0  # the case: a unit of 8 with 19 in areas
    areas[0]["koulutusmoduuli"]["laajuus"]["arvo"] = 10.0
    areas[1]["koulutusmoduuli"]["laajuus"]["arvo"] = 9.0
    assert _points(doc) == base - 7 + 19
    unit["arviointi"] = areas[0]["arviointi"]  # assessed as a whole: still its areas, not 8, not twice
    assert _points(doc) == base - 7 + 19
    del areas[1]["arviointi"]  # an area without an assessment does not count
    assert _points(doc) == base - 7 + 10


def test_a_common_unit_assessed_as_a_whole_is_one_credit_with_its_areas_points():
    events = convert_koski(load(PT), "pt.json").events
    credits = {c.unit_code: c.points for c in events if isinstance(c, CreditRecorded)}
    doc = load(PT)
    unit = next(u for u in doc["opiskeluoikeudet"][0]["suoritukset"][0]["osasuoritukset"]
                if u["koulutusmoduuli"]["tunniste"]["koodiarvo"] == "101054")
    area_points = sum(a["koulutusmoduuli"]["laajuus"]["arvo"] for a in unit["osasuoritukset"] if a.get("arviointi"))
    assert credits["101054"] == area_points
    assert sum(credits.values()) == statuses(events)[0].completed_points


def test_parts_under_a_heading_count_each_as_a_unit_of_its_own():
    doc = load(REFORM)
    units = doc["opiskeluoikeudet"][0]["suoritukset"][0]["osasuoritukset"]
    headings = [u for u in units if u["koulutusmoduuli"]["tunniste"]["koodiarvo"] in ("1", "2")]
    assert headings and all("laajuus" not in h["koulutusmoduuli"] for h in headings)
    under = [c for h in headings for c in h["osasuoritukset"] if c.get("arviointi")]
    expected = sum(c["koulutusmoduuli"].get("laajuus", {}).get("arvo", 0) for c in under)
    status = statuses(convert_koski(doc, "x.json").events)[0]
    for heading in headings:
        del heading["osasuoritukset"]
    without = statuses(convert_koski(doc, "x.json").events)[0]
    assert expected > 0 and status.completed_points - without.completed_points == expected
    assert status.completed_units - without.completed_units == len(under)  # a heading is no unit


def _other_training(parts: list[tuple[str, float, str]]) -> dict:
    """A study right of other vocational training whose parts have the given (code, amount, unit)."""
    doc = load(PT)
    right = doc["opiskeluoikeudet"][0]
    assessed = right["suoritukset"][0]["osasuoritukset"][0]["arviointi"]
    right["suoritukset"] = [{
        "tyyppi": {"koodiarvo": "muuammatillinenkoulutus"},
        "koulutusmoduuli": {"tunniste": {"koodiarvo": "KISA"}},
        "osasuoritukset": [{
            "tyyppi": {"koodiarvo": "muunammatillisenkoulutuksenosasuoritus"},
            "koulutusmoduuli": {"tunniste": {"koodiarvo": code},
                                "laajuus": {"arvo": amount, "yksikkö": {"koodiarvo": unit}}},
            "arviointi": assessed,
        } for code, amount, unit in parts],
    }]
    return doc


def test_mixed_point_units_are_converted_or_kept_apart_never_summed():
    doc = _other_training([("A1", 5.0, "2"), ("A2", 10.0, "2"), ("B1", 4.0, "6"), ("C1", 2.0, "1"), ("D1", 7.0, "5")])
    events = convert_koski(doc, "other.json").events
    status = statuses(events)[0]
    assert status.completed_points == 4.0 + 2.0 * 1.5  # osaamispiste, and opintoviikko at 1.5
    assert status.completed_other_units == {"opintopiste": 15.0, "tunti": 7.0}
    assert status.completed_units == 5
    assert sorted((c.unit_code, c.points) for c in events if isinstance(c, CreditRecorded)) == [("B1", 4.0), ("C1", 3.0)]


# --- study-right ids that cannot collide ---------------------------------------------------------

def test_made_up_study_right_ids_differ_for_every_different_study_right_and_repeat_for_the_same():
    template = load(PT)
    del template["henkilö"]["hetu"]
    right = template["opiskeluoikeudet"][0]
    ids: dict[tuple, set[str]] = {}
    for person in range(6):
        for start in ("2022-08-01", "2022-08-02", "2023-01-09"):
            for institution in ("1.2.246.562.10.52251087186", "1.2.246.562.10.52251087187"):
                for qualification in ("361902", "457305", "351301", "999904"):
                    for attempt in range(2):  # the same study right sent twice gets the same id
                        doc = json.loads(json.dumps(template))
                        doc["henkilö"]["oid"] = f"1.2.246.562.24.{10000000000 + person}"
                        r = doc["opiskeluoikeudet"][0]
                        r["alkamispäivä"], r["oppilaitos"]["oid"] = start, institution
                        r["suoritukset"][0]["koulutusmoduuli"]["tunniste"]["koodiarvo"] = qualification
                        status = statuses(convert_koski(doc, f"{person}-{attempt}.json").events)[0]
                        ids.setdefault((person, start, institution, qualification), set()).add(status.study_right_oid)
    assert all(len(found) == 1 for found in ids.values())
    every = [next(iter(found)) for found in ids.values()]
    assert len(set(every)) == len(ids) == 6 * 3 * 2 * 4
    assert "oid" not in right


def test_two_qualifications_of_one_person_starting_the_same_day_get_two_ids():
    doc = load(PT)
    upper = doc["opiskeluoikeudet"][0]
    specialist = json.loads(json.dumps(upper))
    specialist["suoritukset"][0]["koulutusmoduuli"]["tunniste"]["koodiarvo"] = "457305"
    doc["opiskeluoikeudet"].append(specialist)
    converted = convert_koski(doc, "two.json")
    assert converted.errors == []
    assert len({s.study_right_oid for s in statuses(converted.events)}) == 2
    doc["opiskeluoikeudet"].append(json.loads(json.dumps(specialist)))  # the very same one again
    again = convert_koski(doc, "three.json")
    assert [e.field for e in again.errors] == ["opiskeluoikeudet[2]"] and "sent twice" in again.errors[0].problem


def test_the_sources_own_id_is_used_when_koski_has_not_given_an_oid():
    doc = load(PT)
    right = doc["opiskeluoikeudet"][0]
    right["lähdejärjestelmänId"] = {"id": "SIS-4711", "lähdejärjestelmä": {"koodiarvo": "primus"}}
    first = statuses(convert_koski(doc, "a.json").events)[0].study_right_oid
    right["alkamispäivä"] = "2012-09-02"  # corrected start day: the same study right
    assert statuses(convert_koski(doc, "a.json").events)[0].study_right_oid == first
    right["oid"] = "1.2.246.562.15.12345678901"
    assert statuses(convert_koski(doc, "a.json").events)[0].study_right_oid == "1.2.246.562.15.12345678901"


# --- Finnish time -------------------------------------------------------------------------------

def test_a_utc_first_approval_is_the_day_in_finland_and_koski_stamps_are_finnish_time():
    hoks = load("ehoks/hoksit.json")
    hoks["ensikertainen-hyvaksyminen"] = "2017-10-25T21:00:00.000Z"  # 00:00 on 26 Oct in Helsinki
    assert convert_hoks(hoks, "h.json").first_approved == date(2017, 10, 26)
    hoks["ensikertainen-hyvaksyminen"] = "2017-10-25T20:59:59Z"
    assert convert_hoks(hoks, "h.json").first_approved == date(2017, 10, 25)
    hoks["paivitetty"] = "2018-01-15T10:00:00"  # no offset: Finnish time (winter, +02:00)
    updated = convert_hoks(hoks, "h.json").updated_at
    assert updated == datetime(2018, 1, 15, 8, 0, tzinfo=UTC) and updated.tzinfo == HELSINKI
    doc = load(PT)
    doc["opiskeluoikeudet"][0]["aikaleima"] = "2017-05-09T10:11:12.123456"  # summer: +03:00
    version = statuses(convert_koski(doc, "pt.json").events)[0].source_version
    assert version == epoch_ms(datetime(2017, 5, 9, 7, 11, 12, 123456, tzinfo=UTC))


# --- older eHOKS shapes ---------------------------------------------------------------------------

OLD_KEYS = {"hankittavat-ammat-tutkinnon-osat": "puuttuvat-ammatilliset-tutkinnon-osat",
            "hankittavat-yhteiset-tutkinnon-osat": "puuttuvat-yhteiset-tutkinnon-osat",
            "hankittavat-paikalliset-tutkinnon-osat": "puuttuvat-paikalliset-tutkinnon-osat"}


def test_the_2019_shape_gives_the_same_planned_units():
    current = load("ehoks/hoksit.json")
    old = {OLD_KEYS.get(k, k): v for k, v in current.items()}
    assert convert_hoks(old, "2019.json").planned_units == convert_hoks(current, "now.json").planned_units
    assert len(convert_hoks(old, "2019.json").planned_units) == 16


def test_an_unknown_older_shape_is_refused_with_the_key_and_why():
    doc = load("ehoks/hoks_yksi_tutkinnonosa.json")
    doc["puuttuva-ammatillinen-osaaminen"] = doc.pop("hankittavat-ammat-tutkinnon-osat")
    with pytest.raises(ConversionError) as err:
        convert_hoks(doc, "old.json")
    assert err.value.field == "puuttuva-ammatillinen-osaaminen"
    assert "older eHOKS shape" in err.value.problem


# --- messages ---------------------------------------------------------------------------------------

def test_a_bare_study_right_is_reported_as_missing_its_person():
    right = load(PT)["opiskeluoikeudet"][0]
    result = batch(("right.json", right))
    assert [e.field for e in result.errors] == ["henkilö"]
    assert "study right on its own" in result.errors[0].problem


def test_a_hetu_typed_into_an_oid_field_is_never_echoed():
    hetu = load(PT)["henkilö"]["hetu"]
    hoks = load("ehoks/hoksit.json")
    hoks["oppija-oid"] = hetu
    koski = load(PT)
    koski["henkilö"]["oid"] = hetu
    koski2 = load(PT)
    koski2["opiskeluoikeudet"][0]["oid"] = hetu
    result = batch(("hoks.json", hoks), ("koski.json", koski), ("koski2.json", koski2))
    assert [e.field for e in result.errors] == ["oppija-oid", "henkilö.oid", "opiskeluoikeudet[0].oid"]
    assert leaks(str(e) for e in result.errors) == []


def test_every_vocational_sample_converts_and_nothing_personal_leaves():
    result = convert_files(EHOKS + KOSKI)
    assert result.errors == [] and result.documents == 14
    assert len(statuses(result.events)) == 7
    assert leaks(json.dumps(e.model_dump(mode="json"), ensure_ascii=False) for e in result.events) == []
