"""The eHOKS and Koski adapters on the national sample files and on broken input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hoks_shared.contracts.sis import CreditRecorded, HoksUpdated, StudyRightStatus
from hoks_sisfeed.adapters.batch import convert_files
from hoks_sisfeed.adapters.ehoks import convert_hoks
from hoks_sisfeed.adapters.errors import ConversionError
from hoks_sisfeed.adapters.koski import convert_koski
from hoks_sisfeed.adapters.pseudonyms import PersonResolver, birth_date_from_hetu, compulsory_education_ends
from hoks_sisfeed.cli import main as sis_cli
from hoks_sisfeed.records import feed_record
from sisfeed_samples import EHOKS, FIXTURES, KOSKI, leaks



def test_the_fixtures_are_there():
    assert len(EHOKS) == 7 and len(KOSKI) == 7, f"reference fixtures missing under {FIXTURES}"
    reference = Path(__file__).resolve().parents[3].parent / "shared" / "fixtures"
    if reference.is_dir():  # the copy is still the reference data
        for path in EHOKS + KOSKI:
            assert path.read_bytes() == (reference / path.parent.name / path.name).read_bytes(), path.name


@pytest.mark.parametrize("path", EHOKS, ids=lambda p: p.name)
def test_every_ehoks_fixture_converts(path):
    event = convert_hoks(json.loads(path.read_text()), str(path))
    assert isinstance(event, HoksUpdated)
    assert event.student_oid.startswith("1.2.246.562.24.")
    assert event.study_right_oid.startswith("1.2.246.562.15.")
    assert event.planned_units, "every sample plans at least one unit"


@pytest.mark.parametrize("path", KOSKI, ids=lambda p: p.name)
def test_every_koski_fixture_converts(path):
    converted = convert_koski(json.loads(path.read_text()), str(path))
    assert converted.errors == []
    events = converted.events
    statuses = [e for e in events if isinstance(e, StudyRightStatus)]
    assert statuses
    assert all(s.periods[0].state == "lasna" for s in statuses)


def test_hoks_content_is_read_as_the_document_says():
    event = convert_hoks(json.loads((FIXTURES / "ehoks" / "hoksit.json").read_text()), "hoksit.json")
    assert str(event.first_approved) == "2017-10-25"
    assert event.learning_support is True  # oppimisen-tuki is recorded
    kinds = {u.kind for u in event.planned_units}
    assert kinds == {"vocational", "common", "local"}
    assert max(u.ends for u in event.planned_units if u.ends).isoformat() == "2025-04-13"
    tuva = convert_hoks(json.loads((FIXTURES / "ehoks" / "hoks_tuva.json").read_text()), "tuva")
    assert tuva.planned_points == 165 and {u.kind for u in tuva.planned_units} == {"preparatory"}


def test_koski_completed_points_states_and_compulsory_education():
    doc = json.loads((FIXTURES / "koski" / "ammatillinen-perustutkinto_2024-08-13.json").read_text())
    events = convert_koski(doc, "pt.json").events
    status = next(e for e in events if isinstance(e, StudyRightStatus))
    assert [p.state for p in status.periods] == ["lasna", "valmistunut"]
    assert status.completed_points == 183.0 and status.completed_units == 12
    assert sum(isinstance(e, CreditRecorded) for e in events) == 12
    assert status.compulsory_education_ends is None  # the sample hetu says born 1918: not compulsory
    young = json.loads(json.dumps(doc))
    young["henkilö"]["hetu"] = "010106A9986"  # born 2006-01-01: compulsory until 2023-12-31
    status = next(e for e in convert_koski(young, "young.json").events if isinstance(e, StudyRightStatus))
    assert status.compulsory_education_ends.isoformat() == "2023-12-31"


def test_no_hetu_name_or_contact_detail_leaves_the_adapter():
    result = convert_files([FIXTURES / "ehoks", FIXTURES / "koski"])
    assert not result.errors
    lines = [feed_record(e).to_json_line() for e in result.events]
    assert leaks(lines) == []
    assert "nimi" not in "\n".join(lines)  # names of assessors and representatives stay behind


def test_the_same_hetu_gives_the_same_pseudonym_and_another_key_another():
    doc = json.loads((FIXTURES / "koski" / "ammatillinen-perustutkinto_2024-08-13.json").read_text())
    a = convert_koski(doc, "x").events[0].student_oid
    b = convert_koski(doc, "x").events[0].student_oid
    c = convert_koski(doc, "x", PersonResolver(key=b"another key")).events[0].student_oid
    assert a == b != c
    mapped = convert_koski(doc, "x", PersonResolver({doc["henkilö"]["hetu"]: "1.2.246.562.24.12345678901"}))
    assert mapped.events[0].student_oid == "1.2.246.562.24.12345678901"


def test_hetu_check_and_compulsory_education_rule():
    assert birth_date_from_hetu("280618-402H").isoformat() == "1918-06-28"
    assert birth_date_from_hetu("131052-308T").isoformat() == "1952-10-13"
    assert birth_date_from_hetu("131052-308U") is None  # wrong check character
    assert compulsory_education_ends(birth_date_from_hetu("010106A9986")).isoformat() == "2023-12-31"
    assert compulsory_education_ends(birth_date_from_hetu("131052-308T")) is None


def write(tmp_path, name, content):
    path = tmp_path / name
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


def test_a_bad_document_names_file_and_field_and_the_rest_still_convert(tmp_path):
    good = json.loads((FIXTURES / "ehoks" / "hoks_tuva.json").read_text())
    missing = {k: v for k, v in good.items() if k != "oppija-oid"}
    unknown = json.loads((FIXTURES / "koski" / "ammatillinen-lisatiedot_2024-07-26.json").read_text())
    unknown["opiskeluoikeudet"][0]["tila"]["opiskeluoikeusjaksot"][0]["tila"]["koodiarvo"] = "lomautettu"
    bad_date = dict(good, **{"ensikertainen-hyvaksyminen": "25.10.2017"})
    paths = [write(tmp_path, "a-good.json", good), write(tmp_path, "b-broken.json", '{"oppija-oid": '),
             write(tmp_path, "c-missing.json", missing), write(tmp_path, "d-unknown.json", unknown),
             write(tmp_path, "e-date.json", bad_date), write(tmp_path, "f-other.json", {"hello": 1})]
    result = convert_files(paths)
    assert len(result.events) == 1
    errors = {Path(e.source).name: e for e in result.errors}
    assert errors["b-broken.json"].problem.startswith("malformed JSON")
    assert errors["c-missing.json"].field == "oppija-oid"
    assert errors["d-unknown.json"].field == "opiskeluoikeudet[0].tila.opiskeluoikeusjaksot[0].tila.koodiarvo"
    assert "unknown study-right state" in errors["d-unknown.json"].problem
    assert "lomautettu" not in str(errors["d-unknown.json"])  # values are never echoed
    assert errors["e-date.json"].field == "ensikertainen-hyvaksyminen"
    assert "neither an eHOKS" in errors["f-other.json"].problem


def test_an_invalid_hetu_is_refused_without_echoing_it():
    doc = json.loads((FIXTURES / "koski" / "ammatillinen-lisatiedot_2024-07-26.json").read_text())
    doc["henkilö"]["hetu"] = "280618-999X"
    with pytest.raises(ConversionError) as err:
        convert_koski(doc, "typo.json")
    assert err.value.field == "henkilö.hetu"
    assert "280618" not in str(err.value)


def test_convert_command_writes_json_lines_and_exits_1_when_something_failed(tmp_path, capsys):
    out = tmp_path / "events.jsonl"
    ok = sis_cli(["convert", str(FIXTURES / "ehoks"), "--out", str(out)])
    assert ok == 0
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(lines) == 7 and {line["topic"] for line in lines} == {"hoks.sis.hoks.v1"}
    assert all(line["headers"]["ce_type"] == "fi.hoks.followup.sis-hoks" for line in lines)
    broken = write(tmp_path, "broken.json", "{")
    assert sis_cli(["convert", str(FIXTURES / "ehoks"), str(broken), "--out", str(out)]) == 1
    assert "broken.json" in capsys.readouterr().err
    assert len(out.read_text().splitlines()) == 7


def test_re_converting_a_document_gives_the_same_event_ids():
    doc = json.loads((FIXTURES / "ehoks" / "hoksit.json").read_text())
    first = feed_record(convert_hoks(doc, "a"))
    again = feed_record(convert_hoks(doc, "a"))
    assert first.headers["ce_id"] == again.headers["ce_id"]
    newer = feed_record(convert_hoks(dict(doc, paivitetty="2018-01-01T00:00:00.000Z"), "a"))
    assert newer.headers["ce_id"] != first.headers["ce_id"]
    assert newer.value["source_version"] > first.value["source_version"]
