"""Routing to a concrete person by unit and target; fallbacks; a wrong table is a clear error."""

from __future__ import annotations

from collections import Counter

import pytest
import yaml

from hoks_referrals.adapters.routing_config import DEFAULT_ROUTING_FILE, load_routing
from hoks_referrals.domain.routing import Candidate, RoutingTable, RoutingTableError, route, standing

SNT_A = "1.2.246.562.24.40000000001"
SNT_B = "1.2.246.562.24.40000000002"
PSY = "1.2.246.562.24.40000000003"
BOSS = "1.2.246.562.24.40000000009"
TEACHER = "1.2.246.562.24.40000000010"
STANDING_PIN = "7c3c39e5"  # sha256("<student>|<holder>")[:8]


def table(**over) -> RoutingTable:
    data = yaml.safe_load(DEFAULT_ROUTING_FILE.read_text())
    data.update(over)
    return RoutingTable.parse(data)


STAFF = [
    Candidate(SNT_B, frozenset({"special-needs-teacher"}), frozenset({"unit-tech"})),
    Candidate(SNT_A, frozenset({"special-needs-teacher"}), frozenset({"unit-tech"})),
    Candidate("1.2.246.562.24.40000000004", frozenset({"special-needs-teacher"}), frozenset({"unit-tech"}), active=False),
    Candidate("1.2.246.562.24.40000000005", frozenset({"special-needs-teacher"}), frozenset({"unit-care"})),
]


def test_the_active_role_holder_of_the_unit_with_the_highest_standing_for_the_student_gets_it():
    students = [f"1.2.246.562.24.3000000{i:04d}" for i in range(200)]
    chosen = {s: route(table(), "unit-tech", "special-needs-teacher", STAFF, student_oid=s) for s in students}
    assert {d.routed_by for d in chosen.values()} == {"role"}
    # only the unit's active holders, each with a fair share (binomial 200 x 1/2: 100 +- 7)
    shares = Counter(d.assignee_oid for d in chosen.values())
    assert set(shares) == {SNT_A, SNT_B} and min(shares.values()) >= 70
    for s, d in chosen.items():
        assert d.assignee_oid == max((SNT_A, SNT_B), key=lambda oid: standing(s, oid))


def test_the_choice_depends_only_on_the_student_and_the_holders_not_on_their_order():
    for s in (f"1.2.246.562.24.3000000{i:04d}" for i in range(50)):
        first = route(table(), "unit-tech", "special-needs-teacher", STAFF, student_oid=s).assignee_oid
        assert route(table(), "unit-tech", "special-needs-teacher", STAFF[::-1], student_oid=s).assignee_oid == first
    # the standing is a stable hash: the same in every process (a known value pins it)
    assert standing("1.2.246.562.24.30000000001", SNT_A).hex()[:8] == STANDING_PIN


def test_a_rule_naming_a_person_wins_and_a_unit_rule_beats_the_wildcard():
    t = table(rules=[{"unit": "*", "target": "psychologist", "assignee_oid": PSY},
                     {"unit": "unit-tech", "target": "special-needs-teacher", "assignee_oid": SNT_B}])
    assert route(t, "unit-tech", "special-needs-teacher", STAFF).assignee_oid == SNT_B
    assert route(t, "unit-care", "psychologist", []).routed_by == "rule"


def test_student_meetings_go_to_the_students_own_responsible_teacher():
    decision = route(table(), "unit-tech", "student-meeting", STAFF, responsible_teacher_oid=TEACHER)
    assert (decision.assignee_oid, decision.routed_by) == (TEACHER, "responsible-teacher")


def test_fallback_when_nobody_matches_unit_first_then_global_then_unassigned():
    t = table(fallback={"assignee_oid": BOSS, "units": {"unit-care": PSY}})
    assert route(t, "unit-care", "career-services", STAFF).routed_by == "unit-fallback"
    assert route(t, "unit-other", "career-services", STAFF).assignee_oid == BOSS
    unassigned = route(table(), "unit-other", "career-services", STAFF)
    assert (unassigned.assignee_oid, unassigned.routed_by) == (None, "unassigned")


@pytest.mark.parametrize(("change", "message"), [
    ({"targets": {"curator": {"role": "curator"}}}, "no route for"),
    ({"targets": None}, "targets"),
    ({"rules": [{"unit": "u", "target": "astrologer", "assignee_oid": PSY}]}, "rules.0.target"),
    ({"rules": [{"unit": "u", "target": "curator", "assignee_oid": "Maija Meikäläinen"}]}, "rules.0.assignee_oid"),
    ({"rules": [{"unit": "u", "target": "curator", "assignee_oid": PSY}] * 2}, "a second rule"),
    ({"fallback": {"person": PSY}}, "fallback.person"),
])
def test_a_wrong_table_is_refused_with_the_place_of_the_problem(change, message):
    data = yaml.safe_load(DEFAULT_ROUTING_FILE.read_text())
    data.update(change)
    with pytest.raises(RoutingTableError, match=message):
        RoutingTable.parse(data)


def test_unreadable_or_non_yaml_files_are_clear_errors(tmp_path):
    with pytest.raises(RoutingTableError, match="cannot be read"):
        load_routing(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("targets: [unclosed")
    with pytest.raises(RoutingTableError, match="not valid YAML"):
        load_routing(bad)
    bad.write_text("- just a list")
    with pytest.raises(RoutingTableError, match="expected a mapping"):
        load_routing(bad)


def test_the_committed_table_is_valid():
    assert load_routing().ack_school_days("valpas-notification") == 1


def test_the_service_refuses_to_start_with_a_wrong_table(tmp_path):
    from hoks_referrals.main import build
    from hoks_referrals.adapters.settings import ReferralSettings

    bad = tmp_path / "routing.yaml"
    bad.write_text("targets: {curator: {role: curator}}\n")
    with pytest.raises(RoutingTableError, match="no route for"):
        build(referral_settings=ReferralSettings(routing_file=str(bad)))
