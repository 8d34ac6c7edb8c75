"""From the report's drill-down the student's teacher and counselor start a student-level meeting
(the referrals service's page); the manager, who makes no referrals, gets no link."""

from __future__ import annotations

from hoks_shared.auth import Role
from hoks_testing.auth import auth_headers

from .institution import C1, S1, T1, UNIT
from .test_report_http import Q, client  # noqa: F401  (the fixture)


async def test_teacher_and_counselor_get_the_link_the_manager_does_not(client):  # noqa: F811
    path = f"/ui/reports/units/{UNIT}/teachers/{T1}/groups/G1?{Q}"
    link = f"/ui/referrals/new?student_oid={S1}"
    teacher = await client.get(path, headers=auth_headers(Role.RESPONSIBLE_TEACHER, staff_oid=T1, unit_ids=[UNIT]))
    assert teacher.status_code == 200 and link in teacher.text and "Opiskelijakohtainen palaveri" in teacher.text
    counselor = await client.get(path, headers=auth_headers(Role.COUNSELOR, staff_oid=C1, unit_ids=[UNIT]))
    assert counselor.status_code == 200 and link in counselor.text
    manager = await client.get(path, headers=auth_headers(Role.EDUCATION_MANAGER, staff_oid="1.2.246.562.24.20000000099",
                                                          unit_ids=[UNIT]))
    assert manager.status_code == 200 and link not in manager.text
