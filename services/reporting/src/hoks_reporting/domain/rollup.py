"""Aggregate documents: members (each with its counters) and their totals, recomputed on write.

Setting a member to the same counters twice changes nothing, so every write of an aggregate is
idempotent; a parent holds each child's totals as a member, so a unit's figures are one read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from hoks_reporting.domain import keys
from hoks_reporting.domain.contribution import Contribution

Member = dict[str, Any]  # {"k": key, "c": counters, "g": group or None}


def empty(agg_id: str) -> dict[str, Any]:
    return {"_id": agg_id, **keys.describe(agg_id), "members": [], "totals": {}}


def totals(members: Iterable[Member]) -> dict[str, int]:
    """Sum of the members' counters; ``groups`` is the number of distinct groups among members."""
    out: dict[str, int] = {}
    groups: set[str] = set()
    for member in members:
        for name, value in member["c"].items():
            out[name] = out.get(name, 0) + value
        if member.get("g"):
            groups.add(member["g"])
    if groups:
        out["groups"] = len(groups)
    return {k: v for k, v in sorted(out.items()) if v}


def with_members(doc: dict[str, Any] | None, agg_id: str,
                 changes: Mapping[str, Contribution | None]) -> dict[str, Any]:
    """The aggregate with members set (a contribution) or removed (``None``)."""
    base = doc or empty(agg_id)
    members = {m["k"]: m for m in base["members"]}
    for key, contribution in changes.items():
        if contribution is None or not contribution.counters:
            members.pop(key, None)
        else:
            members[key] = {"k": key, "c": dict(sorted(contribution.counters.items())), "g": contribution.group}
    ordered = [members[k] for k in sorted(members)]
    return {**base, "members": ordered, "totals": totals(ordered)}


def member_map(doc: dict[str, Any] | None) -> dict[str, Member]:
    return {m["k"]: m for m in (doc or {}).get("members", [])}
