"""Planning during the year and the plan overview: catch-up from 30 November, conflicts a person
decides (another counselor, another day, accept the miss) through the handlers and the API,
optional seats marked tentative, the overview page in Finnish, Swedish and English."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import httpx
import pytest
from fakes import COUNSELOR, CURATOR, SPECIAL, TEACHER, deps, group, held

from hoks_scheduler.adapters.plan_api import build_plan_router
from hoks_scheduler.adapters.plan_page import build_plan_page
from hoks_scheduler.domain.errors import Conflict
from hoks_scheduler.handlers.changes import Cancel, Reschedule, cancel, reschedule
from hoks_scheduler.handlers.plan_decisions import AcceptMiss, PlaceByHand, accept_miss, place_by_hand
from hoks_scheduler.handlers.planning import PlanYear, plan_year
from hoks_shared.auth import Role
from hoks_shared.contracts.meetings import MeetingScheduled
from hoks_testing.auth import RecordingAudit, app_for_tests, auth_headers

YEAR = "2026-2027"
NOV30 = date(2026, 11, 30)
OTHER_COUNSELOR = "1.2.246.562.24.20000000011"
OTHER_TEACHER = "1.2.246.562.24.20000000012"


def two_groups():
    return [group("TVO24A"), group("TVO24B", counselor_oid=OTHER_COUNSELOR, responsible_teacher_oids=(OTHER_TEACHER,))]


def school_days_from(d, day: date) -> list[date]:
    return [x for x in d.config.calendar_for(YEAR).school_days if x >= day]


async def test_planning_on_30_november_catches_up_every_round_and_again_later_changes_nothing():
    d = deps(today=NOV30, groups=two_groups())
    report = await plan_year(PlanYear(YEAR, ["unit-tech"]), d)
    assert report["unplaced"] == [] and report["scheduled"] == 10
    assert report["summary"]["groups_with_all_rounds"] == 2 and report["summary"]["groups_caught_up"] == 2
    assert report["rounds_per_year"]["pt"] == 5
    events = [MeetingScheduled.model_validate(e) for e in d.meetings.events("meeting-scheduled")]
    assert {e.rounds_in_year for e in events} == {5}  # the N of "round n/N" on the meetings pages
    days = sorted(m.day for m in d.meetings.docs.values() if m.group_id == "TVO24A")
    assert len(days) == 5 and days[0] >= NOV30
    # spread over the rest of the year, not bunched: at least 3 weeks between rounds
    assert min((b - a).days for a, b in zip(days, days[1:], strict=False)) >= 21
    assert set(d.meetings.catch_up[YEAR]) == {"TVO24A", "TVO24B"}
    # two months on (round 1 held), the same windows: nothing moves
    d.today = lambda: date(2027, 2, 1)
    again = await plan_year(PlanYear(YEAR, ["unit-tech"]), d)
    assert (again["scheduled"], again["rescheduled"], again["cancelled"]) == (0, 0, 0)


async def test_a_counselor_away_for_the_rest_of_the_year_is_a_conflict_with_another_counselor_as_option():
    d = deps(today=NOV30, groups=two_groups())
    await d.meetings.set_unavailable(COUNSELOR, school_days_from(d, NOV30))
    report = await plan_year(PlanYear(YEAR, ["unit-tech"]), d)
    conflicts = {c["meeting_id"]: c for c in report["unplaced"]}
    assert sorted(conflicts) == [f"grp-TVO24A-{YEAR}-r{r}" for r in range(1, 6)]
    first = conflicts[f"grp-TVO24A-{YEAR}-r1"]
    assert first["reason"] == "participant-unavailable" and first["unit_id"] == "unit-tech"
    option = next(o for o in first["options"] if o["counselor_oid"] == OTHER_COUNSELOR)
    calendar = d.config.calendar_for(YEAR)
    starts, _ = calendar.slot_times(date.fromisoformat(option["day"]), option["slot"])
    placed = await place_by_hand(PlaceByHand(first["meeting_id"], starts, OTHER_COUNSELOR), d)
    assert OTHER_COUNSELOR in placed.required_oids and COUNSELOR not in placed.person_oids
    event = MeetingScheduled.model_validate(d.meetings.events("meeting-scheduled")[-1])
    assert event.meeting_id == placed.meeting_id and OTHER_COUNSELOR in {p.person_oid for p in event.participants}
    # a re-plan keeps the decision (day and counselor) and reports only the four others
    again = await plan_year(PlanYear(YEAR, ["unit-tech"]), d)
    assert d.meetings.docs[placed.meeting_id] == placed
    assert len(again["unplaced"]) == 4 and placed.meeting_id not in {c["meeting_id"] for c in again["unplaced"]}
    with pytest.raises(Conflict):
        await place_by_hand(PlaceByHand(placed.meeting_id, starts, OTHER_COUNSELOR), d)


async def test_an_accepted_miss_is_no_longer_reported_nor_spread_again():
    d = deps(today=NOV30, groups=[group("TVO24A", planned_end_date=date(2026, 12, 1))])
    report = await plan_year(PlanYear(YEAR, ["unit-tech"]), d)
    # two school days left in the group's studies for its three rounds of the year
    missing = [c["meeting_id"] for c in report["unplaced"]]
    planned = [m for m in d.meetings.docs.values() if m.planned]
    assert report["meetings"] == 3 and len(planned) == 2 and len(missing) == 1
    assert report["unplaced"][0]["reason"] == "round-window-passed"
    # a person may still put it on one of the two days (a second meeting that day), never later
    assert {o["day"] for o in report["unplaced"][0]["options"]} == {"2026-11-30", "2026-12-01"}
    assert {m.rounds_in_year for m in planned} == {3}  # active a third of the year: 3 of pt's 5
    await accept_miss(AcceptMiss(missing[0], COUNSELOR), d)
    again = await plan_year(PlanYear(YEAR, ["unit-tech"]), d)
    assert missing[0] not in {c["meeting_id"] for c in again["unplaced"]}
    assert again["summary"]["accepted_misses"] == 1


async def test_a_curator_invited_twice_at_the_same_time_is_tentative_in_one_with_the_clash_named():
    other_special = "1.2.246.562.24.20000000013"
    d = deps(today=date(2026, 8, 1), groups=[group("TVO24A"), group(
        "TVO24B", counselor_oid=OTHER_COUNSELOR, responsible_teacher_oids=(OTHER_TEACHER,),
        special_needs_teacher_oid=other_special)])
    await plan_year(PlanYear(YEAR, ["unit-tech"]), d)
    assert not any(s.tentative for m in d.meetings.docs.values() for s in m.seats)  # free slots were found
    a = d.meetings.docs[f"grp-TVO24A-{YEAR}-r2"]
    b = d.meetings.docs[f"grp-TVO24B-{YEAR}-r2"]
    assert (a.day, a.slot) != (b.day, b.slot)
    # the other group's round moved by hand onto the same hour: the curator, optional in both, clashes
    moved = await reschedule(Reschedule(b.meeting_id, a.starts_at, "clash"), d)
    curator = next(s for s in moved.seats if s.person_oid == CURATOR)
    assert curator.tentative and curator.conflict == f"meeting:{a.meeting_id}"
    assert next(s for s in d.meetings.docs[a.meeting_id].seats if s.person_oid == CURATOR).tentative is False
    # moved back to a free hour, the invitation is confirmed again
    back = await reschedule(Reschedule(b.meeting_id, b.starts_at, "clash"), d)
    assert not any(s.tentative for s in back.seats)
    # again onto the same hour, and then the other meeting goes away: the invitation that was
    # tentative because of it is confirmed and re-sent (the next sequence)
    again = await reschedule(Reschedule(b.meeting_id, a.starts_at, "clash"), d)
    assert next(s for s in again.seats if s.person_oid == CURATOR).tentative
    await cancel(Cancel(a.meeting_id, "group-ended"), d)
    freed = d.meetings.docs[b.meeting_id]
    assert not any(s.tentative for s in freed.seats) and freed.sequence == again.sequence + 1
    assert d.meetings.events()[-1]["meeting_id"] == b.meeting_id


@pytest.fixture
async def overview():
    d = deps(today=NOV30, groups=two_groups())
    await d.meetings.set_unavailable(COUNSELOR, school_days_from(d, NOV30))
    await plan_year(PlanYear(YEAR, ["unit-tech"]), d)

    class Names:
        async def names(self, oids):
            return {COUNSELOR: "Olli Ohjaaja", OTHER_COUNSELOR: "Oona Opo", TEACHER: "Vilma Vastuu"}

    app = app_for_tests([build_plan_router(d), build_plan_page(d, Names())], audit=RecordingAudit())
    return d, httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://scheduler")


async def test_the_overview_shows_the_grid_and_the_conflicts_in_words_in_three_languages(overview):
    d, client = overview
    director = auth_headers(Role.DIRECTOR, staff_oid="1.2.246.562.24.20000000099", unit_ids=["*"])
    words = {"fi": "poissa kierroksen jokaisena", "sv": "borta varje dag", "en": "away on every day"}
    for lang, text in words.items():
        page = await client.get(f"/ui/plan?year={YEAR}&unit=unit-tech&lang={lang}", headers=director)
        assert page.status_code == 200, page.text
        assert text in page.text
        assert page.text.count('data-conflict="grp-TVO24A-') == 5
    html = (await client.get(f"/ui/plan?year={YEAR}&unit=unit-tech&lang=fi", headers=director)).text
    assert html.count('data-group="TVO24') == 2 and 'data-state="unplaced"' in html
    assert html.count('data-state="planned"') == 5  # TVO24B's five rounds
    assert "Ohjaajaksi Oona Opo" in html
    # filter by counselor: only the other counselor's group
    only = (await client.get(f"/ui/plan?year={YEAR}&unit=unit-tech&counselor={OTHER_COUNSELOR}",
                             headers=director)).text
    assert 'data-group="TVO24B"' in only and 'data-group="TVO24A"' not in only


async def test_a_manager_of_another_unit_sees_and_decides_nothing_here(overview):
    d, client = overview
    other = auth_headers(Role.EDUCATION_MANAGER, staff_oid="1.2.246.562.24.20000000098", unit_ids=["unit-bus"])
    assert (await client.get(f"/ui/plan?year={YEAR}&unit=unit-tech", headers=other)).status_code == 403
    r = await client.post(f"/plans/conflicts/grp-TVO24A-{YEAR}-r1/accept-miss", headers=other)
    assert r.status_code == 403 and d.meetings.misses == {}
    teacher = auth_headers(Role.RESPONSIBLE_TEACHER, staff_oid=TEACHER, unit_ids=["unit-tech"])
    assert (await client.post(f"/plans/conflicts/grp-TVO24A-{YEAR}-r1/accept-miss", headers=teacher)).status_code == 403


async def test_a_counselor_resolves_a_conflict_with_one_click_through_the_api(overview):
    d, client = overview
    counselor = auth_headers(Role.COUNSELOR, staff_oid=OTHER_COUNSELOR, unit_ids=["unit-tech"])
    report = d.meetings.reports[f"{YEAR}:unit-tech"]
    item = report["unplaced"][0]
    option = next(o for o in item["options"] if o["counselor_oid"])
    starts, _ = d.config.calendar_for(YEAR).slot_times(date.fromisoformat(option["day"]), option["slot"])
    r = await client.post(f"/plans/conflicts/{item['meeting_id']}/place",
                          json={"starts_at": starts.isoformat(), "counselor_oid": option["counselor_oid"]},
                          headers=counselor)
    assert r.status_code == 201, r.text
    assert {p["person_oid"] for p in r.json()["participants"]} >= {OTHER_COUNSELOR, TEACHER, SPECIAL}
    # the same slot again is refused: the round is planned
    again = await client.post(f"/plans/conflicts/{item['meeting_id']}/place",
                              json={"starts_at": starts.isoformat()}, headers=counselor)
    assert again.status_code == 409
    # a time off the slot grid is a 422
    off = await client.post(f"/plans/conflicts/{report['unplaced'][1]['meeting_id']}/place",
                            json={"starts_at": (starts + timedelta(minutes=7)).isoformat()}, headers=counselor)
    assert off.status_code == 422
    missed = await client.post(f"/plans/conflicts/{report['unplaced'][1]['meeting_id']}/accept-miss",
                               headers=counselor)
    assert missed.status_code == 200 and missed.json()["round"] == report["unplaced"][1]["round"]
    html = (await client.get(f"/ui/plan?year={YEAR}&unit=unit-tech&lang=en", headers=counselor)).text
    assert html.count('data-conflict="') == 3 and 'data-state="missed"' in html
    assert 'data-complete="1"' in html  # TVO24B has all five; TVO24A one placed, one missed
    rounds = (await client.get("/rounds", headers=counselor)).json()["rounds_per_year"]
    assert rounds == {"at": 3, "eat": 3, "pt": 5, "*": 5}


async def test_a_person_week_shows_their_meetings_and_marks_tentative_seats(overview):
    d, client = overview
    b = d.meetings.docs[f"grp-TVO24B-{YEAR}-r1"]
    d.meetings.docs[b.meeting_id] = replace(b, seats=tuple(
        replace(s, tentative=True, conflict="unavailable") if s.person_oid == CURATOR else s for s in b.seats))
    director = auth_headers(Role.DIRECTOR, staff_oid="1.2.246.562.24.20000000099", unit_ids=["*"])
    page = (await client.get(f"/ui/plan?year={YEAR}&unit=unit-tech&person={CURATOR}&on={b.day.isoformat()}",
                             headers=director)).text
    week = page[page.index('id="person-days"'):]
    assert f'data-meeting="{b.meeting_id}"' in week and "alustava: poissa sinä päivänä" in week
    month = (await client.get(f"/ui/plan?year={YEAR}&unit=unit-tech&person={CURATOR}&view=month"
                              f"&on={b.day.isoformat()}", headers=director)).text
    assert month[month.index('id="person-days"'):].count('class="d') >= 19  # every weekday of the month
    assert isinstance(b.starts_at, datetime)


def test_every_label_of_the_scheduler_pages_is_translated():
    from hoks_scheduler.adapters.translations import TRANSLATIONS
    from hoks_shared.web.i18n import missing_translations

    assert missing_translations(TRANSLATIONS) == {}
    reasons = {"participant-unavailable", "daily-cap-reached", "no-common-free-slot", "round-window-passed",
               "missing-counselor", "missing-responsible-teacher", "missing-special-needs-teacher"}
    assert all(f"reason.{r}" in TRANSLATIONS[lang] for r in reasons for lang in ("fi", "sv", "en"))


async def test_a_tentative_invitation_is_shown_to_the_person_on_their_schedule_page():
    from hoks_scheduler.adapters.feed_tokens import FeedTokens, MemoryFeedStore
    from hoks_scheduler.adapters.settings import SchedulerSettings
    from hoks_scheduler.adapters.web_pages import build_pages

    d = deps(today=date(2026, 8, 1))
    await plan_year(PlanYear(YEAR, ["unit-tech"]), d)
    r2 = d.meetings.docs[f"grp-TVO24A-{YEAR}-r2"]
    d.meetings.docs[r2.meeting_id] = replace(r2, seats=tuple(
        replace(s, tentative=True, conflict="meeting:stu-x") if s.person_oid == CURATOR else s for s in r2.seats))
    settings = SchedulerSettings()
    feeds = FeedTokens(MemoryFeedStore(), settings.feed_key("dev"), settings.feed_token_days)
    app = app_for_tests([build_pages(d, settings, feeds)], audit=RecordingAudit())
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://scheduler")
    page = (await client.get("/ui/schedule", headers=auth_headers(Role.CURATOR, staff_oid=CURATOR))).text
    row = page[page.index(f'data-meeting="{r2.meeting_id}"'):]
    row = row[:row.index("</tr>")]
    assert "alustava: päällekkäin toisen palaverin kanssa" in row
    assert page.count("data-tentative") == 1
    # a planner's form there names unplaced rounds' reasons in words and links to the overview
    form = (await client.get("/ui/schedule", headers=auth_headers(Role.COUNSELOR, staff_oid=COUNSELOR,
                                                                 unit_ids=["unit-tech"]))).text
    assert 'id="overview-link"' in form and "poissa kierroksen jokaisena" in form


async def test_a_meeting_recorded_held_shows_held_and_a_past_one_without_the_record_not_held():
    from hoks_scheduler.domain.overview import HELD, PAST, PLANNED, unit_grids
    from hoks_scheduler.handlers.changes import on_meeting_held

    d = deps(today=date(2026, 8, 1))
    await plan_year(PlanYear(YEAR, ["unit-tech"]), d)
    r1, r2 = d.meetings.docs[f"grp-TVO24A-{YEAR}-r1"], d.meetings.docs[f"grp-TVO24A-{YEAR}-r2"]
    assert await on_meeting_held(held(r1.meeting_id, r1.day), d) is True
    assert await on_meeting_held(held("grp-NOPE-2026-2027-r1", r1.day), d) is False
    later = r2.day + timedelta(days=1)
    grid = unit_grids(YEAR, [group("TVO24A")], list(d.meetings.docs.values()), {}, {}, d.config.rules, later)
    states = [c.state for c in grid[0].rows[0].cells]
    assert states == [HELD, PAST, PLANNED, PLANNED, PLANNED]
    assert grid[0].rows[0].planned == 5


async def test_every_option_offered_for_a_conflict_can_be_taken_and_a_look_up_stores_no_catch_up():
    import copy

    # one counselor for twelve groups (own teachers and special-needs teachers), back only for the
    # last 15 school days: 60 rounds, at most 3 a day — a quarter cannot be placed
    teachers = [f"1.2.246.562.24.2100000{i:04d}" for i in range(24)]
    groups = [group(f"TVO{i:02d}", responsible_teacher_oids=(teachers[i],), special_needs_teacher_oid=teachers[12 + i])
              for i in range(12)]
    groups.append(group("TVO99", counselor_oid=OTHER_COUNSELOR, responsible_teacher_oids=(OTHER_TEACHER,)))
    d = deps(today=NOV30, groups=groups)
    await d.meetings.set_unavailable(COUNSELOR, school_days_from(d, NOV30)[:-15])
    report = await plan_year(PlanYear(YEAR, ["unit-tech"]), d)
    assert len(report["unplaced"]) == 15 and {c["reason"] for c in report["unplaced"]} == {"daily-cap-reached"}
    options = [(c["meeting_id"], o) for c in report["unplaced"] for o in c["options"]]
    assert options and {o["counselor_oid"] for _, o in options} == {OTHER_COUNSELOR}
    calendar = d.config.calendar_for(YEAR)
    for meeting_id, option in options:
        trial = copy.deepcopy(d)
        starts, _ = calendar.slot_times(date.fromisoformat(option["day"]), option["slot"])
        placed = await place_by_hand(PlaceByHand(meeting_id, starts, option["counselor_oid"]), trial)
        assert placed.planned and placed.starts_at == starts
        assert trial.meetings.catch_up == d.meetings.catch_up  # the look-up changed no catch-up
