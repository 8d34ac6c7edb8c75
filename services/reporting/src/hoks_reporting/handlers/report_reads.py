"""The use cases that read the report: every one reads a handful of documents by ``_id``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from hoks_reporting.domain import keys
from hoks_reporting.domain.figures import percent, teacher_figures
from hoks_reporting.domain.rollup import member_map
from hoks_reporting.handlers.ports import AGGREGATES, ReadDeps


@dataclass(frozen=True)
class AllUnits:
    """Every unit with figures (the director's list)."""


@dataclass(frozen=True)
class OfUnit:
    unit_id: str


@dataclass(frozen=True)
class UnitYear:
    unit_id: str
    year: str


@dataclass(frozen=True)
class UnitPeriod:
    """A unit in a round of a year, as of a day (the date-dependent figures are counted up to it)."""

    unit_id: str
    year: str
    round: int
    as_of: date


@dataclass(frozen=True)
class TeacherPeriod:
    unit_id: str
    teacher_oid: str
    year: str
    round: int
    as_of: date


@dataclass(frozen=True)
class GroupPeriod:
    unit_id: str
    teacher_oid: str
    group_id: str
    year: str
    round: int
    as_of: date


async def _docs(deps: ReadDeps, *ids: str) -> list[dict[str, Any] | None]:
    found = await deps.reader.load(AGGREGATES, list(ids))
    return [found.get(i) for i in ids]


def _counters(member: dict[str, Any] | None) -> dict[str, int]:
    return dict(member["c"]) if member else {}


def _sum_by_group(doc: dict[str, Any] | None, prefix: str | None = None) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for member in (doc or {}).get("members", []):
        if not member.get("g") or (prefix and not member["k"].startswith(prefix)):
            continue
        into = out.setdefault(member["g"], {})
        for name, value in member["c"].items():
            into[name] = into.get(name, 0) + value
    return out


async def unit_report(cmd: UnitPeriod, deps: ReadDeps) -> dict[str, Any]:
    """The per-responsible-teacher summary of a unit for a round, plus the unit total."""
    unit_id, year, round_, as_of = cmd.unit_id, cmd.year, cmd.round, cmd.as_of
    now, rnd, yr = await _docs(deps, keys.unit(unit_id, keys.NOW), keys.unit(unit_id, keys.round_period(year, round_)),
                               keys.unit(unit_id, keys.year_period(year)))
    members = [member_map(d) for d in (now, rnd, yr)]
    teachers = sorted(set().union(*members))
    rows = [{"teacher_oid": None if t == keys.UNKNOWN_TEACHER else t,
             **teacher_figures(*(_counters(m.get(t)) for m in members), year=year, as_of=as_of, rules=deps.rules)}
            for t in teachers]
    total = teacher_figures(*((d or {}).get("totals", {}) for d in (now, rnd, yr)), year=year, as_of=as_of,
                            rules=deps.rules)
    return {"unit_id": unit_id, "academic_year": year, "round": round_, "as_of": as_of.isoformat(),
            "teachers": rows, "total": total}


async def periods(cmd: OfUnit, deps: ReadDeps) -> list[dict[str, Any]]:
    """The years and rounds the unit has figures for (from the unit index)."""
    unit_id = cmd.unit_id
    (index,) = await _docs(deps, keys.unit_index(unit_id))
    out = []
    for member in (index or {}).get("members", []):
        year, _, part = member["k"].partition(keys.SEP)
        if part.startswith("r"):
            out.append({"academic_year": year, "round": int(part[1:])})
    return out


async def trends(cmd: OfUnit, deps: ReadDeps) -> list[dict[str, Any]]:
    """Checklist results of the unit in every round of every year, as shares of students checked."""
    unit_id = cmd.unit_id
    (index,) = await _docs(deps, keys.unit_index(unit_id))
    out = []
    for member in (index or {}).get("members", []):
        year, _, part = member["k"].partition(keys.SEP)
        c = member["c"]
        checked = c.get("students_checked", 0)
        if part.startswith("r") and checked:
            out.append({"academic_year": year, "round": int(part[1:]), "students_checked": checked,
                        **{f"{name}_pct": percent(c.get(name, 0), checked)
                           for name in ("hoks_checked", "measures_taken", "committed", "progressing",
                                        "hoks_update_needed", "referral_outcomes")},
                        "group_meetings_held": c.get("group_meetings_held", 0)})
    return out


async def counselors(cmd: UnitYear, deps: ReadDeps) -> list[dict[str, Any]]:
    """Each counselor's workload in the unit during the year."""
    unit_id, year = cmd.unit_id, cmd.year
    (doc,) = await _docs(deps, keys.unit_counselors(unit_id, year))
    names = ("students_checked", "group_meetings_planned", "group_meetings_held", "student_meetings_planned",
             "student_meetings_held")
    return [{"counselor_oid": m["k"], **{n: m["c"].get(n, 0) for n in names}}
            for m in (doc or {}).get("members", [])]


async def units(cmd: AllUnits, deps: ReadDeps) -> list[dict[str, Any]]:
    """Every unit with its current students (the director's entry point)."""
    (doc,) = await _docs(deps, keys.GLOBAL)
    return [{"unit_id": m["k"], "students": m["c"].get("students", 0), "groups": m["c"].get("groups", 0)}
            for m in (doc or {}).get("members", [])]


async def teacher_detail(cmd: TeacherPeriod, deps: ReadDeps) -> dict[str, Any]:
    """One teacher's figures, and the same per group."""
    unit_id, teacher_oid, year, round_, as_of = cmd.unit_id, cmd.teacher_oid, cmd.year, cmd.round, cmd.as_of
    now, rnd, yr = await _docs(deps, keys.teacher(unit_id, keys.NOW, teacher_oid),
                               keys.teacher(unit_id, keys.round_period(year, round_), teacher_oid),
                               keys.teacher(unit_id, keys.year_period(year), teacher_oid))
    found = any(d and d["members"] for d in (now, rnd, yr))
    by_group = [_sum_by_group(now), _sum_by_group(rnd, "s:"), _sum_by_group(yr)]
    groups = []
    for group in sorted(set().union(*by_group)):
        now_g = dict(by_group[0].get(group, {}), groups=1)
        groups.append({"group_id": group, **teacher_figures(now_g, by_group[1].get(group, {}),
                                                            by_group[2].get(group, {}), year=year, as_of=as_of,
                                                            rules=deps.rules)})
    total = teacher_figures(*((d or {}).get("totals", {}) for d in (now, rnd, yr)), year=year, as_of=as_of,
                            rules=deps.rules)
    return {"unit_id": unit_id, "teacher_oid": teacher_oid, "academic_year": year, "round": round_,
            "as_of": as_of.isoformat(), "found": bool(found), "total": total, "groups": groups}


async def group_students(cmd: GroupPeriod, deps: ReadDeps) -> list[dict[str, Any]]:
    """The students of one of the teacher's groups: current status and the round's checklist row."""
    unit_id, teacher_oid, group_id = cmd.unit_id, cmd.teacher_oid, cmd.group_id
    year, round_, as_of = cmd.year, cmd.round, cmd.as_of
    now, rnd = await _docs(deps, keys.teacher(unit_id, keys.NOW, teacher_oid),
                           keys.teacher(unit_id, keys.round_period(year, round_), teacher_oid))
    rows: dict[str, dict[str, Any]] = {}
    for member in (now or {}).get("members", []):
        if member.get("g") == group_id and member["k"].startswith("s:"):
            rows.setdefault(member["k"][2:], {})["now"] = member["c"]
    for member in (rnd or {}).get("members", []):
        if member.get("g") == group_id and member["k"].startswith("s:"):
            rows.setdefault(member["k"][2:], {})["round"] = member["c"]
    out = []
    for oid in sorted(rows):
        figures = teacher_figures(rows[oid].get("now", {}), rows[oid].get("round", {}), {}, year=year,
                                  as_of=as_of, rules=deps.rules)
        hoks = sorted(k[5:] for k in rows[oid].get("now", {}) if k.startswith("hoks:"))
        ends = sorted(k[4:] for k in rows[oid].get("now", {}) if k.startswith("end:"))
        out.append({
            "student_oid": oid, "active": bool(figures["students"]),
            "checked": bool(figures["students_checked"]),
            **{k: bool(figures[k]) for k in ("hoks_checked", "measures_taken", "committed", "progressing",
                                             "hoks_update_needed", "referral_outcomes", "hoks_not_updated",
                                             "absence_flags", "final_phase")},
            "hoks_updated_month": None if not hoks or hoks[0] == "none" else hoks[0],
            "estimated_end_month": ends[0] if ends else None,
            "referrals_open": figures["referrals_open"], "referrals_overdue": figures["referrals_overdue"],
            "referrals_closed": figures["referrals_closed"],
        })
    return out
