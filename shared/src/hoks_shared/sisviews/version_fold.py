"""How SIS events change a service's SIS view, decided without the store (pure, no I/O).

Each event writes one versioned section of one document (``view_update``); a batch folds into
one ``DocChange`` per document holding the newest update of each section (``fold``); a
document's change against what is stored is split into the sections to write and the stale
ones (``DocChange.newer_than``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from hoks_shared.contracts.sis import (
    AbsenceRecorded,
    CreditRecorded,
    GroupUpserted,
    HoksUpdated,
    StaffUpserted,
    StudentUpserted,
    StudyRightStatus,
)

STUDENTS = "sis_students"
GROUPS = "sis_groups"
STAFF = "sis_staff"

_UNSAFE = re.compile(r"[.$]")


def field_key(identifier: str) -> str:
    """An id usable as a field name (no dots or dollars)."""
    return _UNSAFE.sub("_", identifier)


@dataclass(frozen=True)
class ViewUpdate:
    collection: str
    doc_id: str
    version_path: str
    version: int
    fields: dict[str, Any]

    def set_fields(self) -> dict[str, Any]:
        """The fields with the version; a section written whole carries its ``v`` inside already."""
        if any(self.version_path.startswith(key + ".") for key in self.fields):
            return dict(self.fields)
        return {**self.fields, self.version_path: self.version}


def _data(event: Any, *drop: str) -> dict[str, Any]:
    return event.model_dump(mode="json", exclude={"event_type", "schema_version", "source_version", *drop})


def view_update(event: Any) -> ViewUpdate:
    v = event.source_version
    match event:
        case StudentUpserted():
            return ViewUpdate(STUDENTS, event.student_oid, "_v.student", v, _data(event, "student_oid"))
        case HoksUpdated():
            return ViewUpdate(STUDENTS, event.student_oid, "hoks.v", v, {"hoks": {**_data(event, "student_oid"), "v": v}})
        case StudyRightStatus():
            key = f"study_rights.{field_key(event.study_right_oid)}"
            return ViewUpdate(STUDENTS, event.student_oid, f"{key}.v", v, {key: {**_data(event, "student_oid"), "v": v}})
        case AbsenceRecorded():
            key = f"absences.{field_key(event.absence_id)}"
            return ViewUpdate(STUDENTS, event.student_oid, f"{key}.v", v,
                              {key: {**_data(event, "student_oid", "absence_id"), "v": v}})
        case CreditRecorded():
            key = f"credits.{field_key(event.credit_id)}"
            return ViewUpdate(STUDENTS, event.student_oid, f"{key}.v", v,
                              {key: {**_data(event, "student_oid", "credit_id"), "v": v}})
        case GroupUpserted():
            return ViewUpdate(GROUPS, event.group_id, "_version", v, _data(event, "group_id"))
        case StaffUpserted():
            return ViewUpdate(STAFF, event.staff_oid, "_version", v, _data(event, "staff_oid"))
    raise TypeError(f"no SIS view for {type(event).__name__}")


def nest(dotted: dict[str, Any]) -> dict[str, Any]:
    """``{"a.b": 1, "c": 2}`` → ``{"a": {"b": 1}, "c": 2}``: a new document from ``$set`` paths."""
    doc: dict[str, Any] = {}
    for path, value in dotted.items():
        *parents, leaf = path.split(".")
        node = doc
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return doc


def lookup(doc: dict[str, Any], path: str) -> Any:
    """The value at a dotted path of a document, or None."""
    node: Any = doc
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


#: The sections one document gets: (event index, update), by version path.
Sections = list[tuple[int, ViewUpdate]]


@dataclass
class DocChange:
    """Everything one batch changes in one document: the newest update of each section."""

    collection: str
    doc_id: str
    sections: dict[str, tuple[int, ViewUpdate]]  # version path → (event index, update)

    def newer_than(self, stored: dict[str, Any] | None) -> tuple[Sections, list[int]]:
        """The sections to write and the event indexes that are stale against the stored document."""
        write: Sections = []
        stale: list[int] = []
        for index, update in self.sections.values():
            held = lookup(stored, update.version_path) if stored else None
            if held is None or held < update.version:
                write.append((index, update))
            else:
                stale.append(index)
        return write, stale

    @staticmethod
    def fields(sections: Sections) -> dict[str, Any]:
        merged: dict[str, Any] = {}
        for _, update in sections:
            merged.update(update.set_fields())
        return merged

    @staticmethod
    def versions(sections: Sections) -> dict[str, int]:
        """What writing these sections leaves stored: their versions by path (for the cache)."""
        return {update.version_path: update.version for _, update in sections}


@dataclass
class Fold:
    """A batch folded per document: its changes by collection, and the events already stale
    inside the batch (an older version of a section a later event of the batch rewrites)."""

    changes: dict[str, list[DocChange]] = field(default_factory=dict)
    stale: list[int] = field(default_factory=list)
    _docs: dict[str, dict[str, DocChange]] = field(default_factory=dict, repr=False)


    def add(self, index: int, event: Any) -> None:
        """The batch's ``index``-th event folded in: it replaces an older version of its section."""
        update = view_update(event)
        docs = self._docs.setdefault(update.collection, {})
        change = docs.get(update.doc_id)
        if change is None:
            change = docs[update.doc_id] = DocChange(update.collection, update.doc_id, {})
            self.changes.setdefault(update.collection, []).append(change)
        held = change.sections.get(update.version_path)
        if held is None or held[1].version < update.version:
            if held is not None:
                self.stale.append(held[0])
            change.sections[update.version_path] = (index, update)
        else:
            self.stale.append(index)


def fold(events: list[Any]) -> Fold:
    """The newest version of each section of each document wins; the others are stale."""
    result = Fold()
    for i, event in enumerate(events):
        result.add(i, event)
    return result
