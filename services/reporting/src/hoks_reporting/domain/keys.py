"""Ids of the report documents. Every read is by ``_id``, so the ids are built, never searched.

Aggregate documents (collection ``report_aggregates``):

* ``T|<unit>|<period>|<teacher>``: one responsible teacher's figures; members are students (rows)
  or meetings; ``period`` is ``<year>|r<round>`` (a checklist round, ``r0`` = no round),
  ``<year>|y`` (meetings of the whole year) or ``now`` (current SIS status and referrals).
* ``U|<unit>|<period>``: the unit; members are the unit's teachers (their ``T`` totals).
* ``C|<unit>|<year>|<counselor>``: a counselor's workload; ``UC|<unit>|<year>``: the unit's counselors.
* ``I|<unit>``: the unit's periods (members: period → the unit totals), for trends.
* ``G``: every unit (members: unit → its current totals), for the director.

Entity documents (collection ``report_entities``) hold what each source entity contributes:
``cl|<year>|<round>|<student>`` (a student's checklist row in a round), ``mtg|<meeting_id>``,
``stu|<student>``.
"""

from __future__ import annotations

NOW = "now"
UNKNOWN_TEACHER = "-"
SEP = "|"


def round_period(year: str, round_: int | None) -> str:
    return f"{year}{SEP}r{round_ or 0}"


def year_period(year: str) -> str:
    return f"{year}{SEP}y"


def teacher(unit: str, period: str, teacher_oid: str | None) -> str:
    return SEP.join(("T", unit, period, teacher_oid or UNKNOWN_TEACHER))


def unit(unit_id: str, period: str) -> str:
    return SEP.join(("U", unit_id, period))


def counselor(unit_id: str, year: str, counselor_oid: str) -> str:
    return SEP.join(("C", unit_id, year, counselor_oid))


def unit_counselors(unit_id: str, year: str) -> str:
    return SEP.join(("UC", unit_id, year))


def unit_index(unit_id: str) -> str:
    return SEP.join(("I", unit_id))


GLOBAL = "G"


def parent_of(agg_id: str) -> tuple[str, str] | None:
    """The roll-up parent of an aggregate and the member key this aggregate has there."""
    parts = agg_id.split(SEP)
    kind = parts[0]
    if kind == "T":
        _, unit_id, *period, who = parts
        return unit(unit_id, SEP.join(period)), who
    if kind == "C":
        _, unit_id, year, who = parts
        return unit_counselors(unit_id, year), who
    if kind == "U":
        _, unit_id, *period = parts
        period_key = SEP.join(period)
        if period_key == NOW:
            return GLOBAL, unit_id
        return unit_index(unit_id), period_key
    return None


def owner(agg_id: str) -> str:
    """The key whose writer owns an aggregate: its unit, or ``G`` for the global list. A parent
    has its child's owner except ``G`` (every unit's ``now`` totals go up into it)."""
    parts = agg_id.split(SEP)
    return parts[1] if len(parts) > 1 else parts[0]


#: What the global list keeps of each unit (it is rewritten whenever a unit's status changes).
GLOBAL_COUNTERS = ("students", "groups")


def carried_up(parent_id: str, totals: dict[str, int]) -> dict[str, int]:
    """The part of a child's totals its parent keeps as the child's member."""
    if parent_id == GLOBAL:
        return {k: v for k, v in totals.items() if k in GLOBAL_COUNTERS}
    return totals


def describe(agg_id: str) -> dict[str, str]:
    """Searchable fields of an aggregate (stored beside it, for people reading the database)."""
    parts = agg_id.split(SEP)
    kind = parts[0]
    if kind == "T":
        return {"kind": kind, "unit_id": parts[1], "period": SEP.join(parts[2:-1]), "who": parts[-1]}
    if kind == "C":
        return {"kind": kind, "unit_id": parts[1], "period": parts[2], "who": parts[3]}
    if kind in ("U", "UC"):
        return {"kind": kind, "unit_id": parts[1], "period": SEP.join(parts[2:])}
    if kind == "I":
        return {"kind": kind, "unit_id": parts[1]}
    return {"kind": kind}
