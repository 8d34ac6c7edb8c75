"""Rules of data minimisation, checked on every event schema and on real events.

Domain events (everything but the inbound SIS feed) carry pseudonymous ids, codes and dates:
no names, no personal identity codes (hetu), no free text about a student, no welfare details.
The inbound SIS feed may carry display names (they stay in the services' SIS views, for pages).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from hoks_shared.contracts.vocabulary import CODE_LISTS

#: Field names that mean personal or free-text data.
FORBIDDEN_FIELDS = frozenset({
    "name", "first_name", "last_name", "full_name", "display_name", "given_name", "family_name",
    "hetu", "ssn", "henkilotunnus", "personal_identity_code", "national_id", "email", "phone",
    "address", "birth_date", "date_of_birth", "note", "notes", "comment", "comments", "free_text",
    "text", "details", "description", "diagnosis", "health", "welfare_details", "message", "reason_text",
})
#: Inbound SIS events that may carry a display name (and nothing else on this list).
NAME_CARRYING_FEEDS = frozenset({"sis-student", "sis-staff"})
#: Finnish personal identity code: DDMMYY, century sign, individual number, check character.
HETU = re.compile(r"(?<![0-9A-Za-z])(0[1-9]|[12]\d|3[01])(0[1-9]|1[0-2])\d{2}[-+A-FU-Y]\d{3}[0-9A-FHJ-NPR-Y](?![0-9A-Za-z])")
#: Fields of domain events whose values come from a closed code list (path in the payload; ``*``
#: = every element of a list): a value outside the list may be free text, so the scan fails on it.
CLOSED_CODE_FIELDS: dict[str, dict[tuple[str, ...], tuple[str, ...]]] = {
    "referral-made": {("reason_code",): ("referral-reason",)},
    "referral-closed": {("outcome_code",): ("referral-outcome", "referral-cancellation-reason")},
    "checklist-completed": {("rows", "*", "referral", "reason_code"): ("referral-reason",)},
    "meeting-held": {("referral_outcome",): ("referral-outcome",)},
}
#: String schemas longer than this without a pattern/enum/format count as free text.
FREE_TEXT_LENGTH = 64


def _strings(node: Any, path: str) -> Iterable[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        if node.get("type") == "string":
            yield path, node
        for key, value in node.items():
            yield from _strings(value, f"{path}/{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _strings(value, f"{path}[{i}]")


def _property_names(node: Any, path: str = "") -> Iterable[tuple[str, str]]:
    if isinstance(node, dict):
        for name, sub in (node.get("properties") or {}).items():
            yield f"{path}/{name}", name
            yield from _property_names(sub, f"{path}/{name}")
        for key, value in node.items():
            if key != "properties":
                yield from _property_names(value, f"{path}/{key}")
    elif isinstance(node, list):
        for value in node:
            yield from _property_names(value, path)


def schema_violations(event_type: str, schema: dict[str, Any]) -> list[str]:
    """Why an event schema breaks the rules (empty when it keeps them)."""
    problems = []
    allowed = {"display_name"} if event_type in NAME_CARRYING_FEEDS else set()
    for path, name in _property_names(schema):
        if name.lower() in FORBIDDEN_FIELDS - allowed:
            problems.append(f"{event_type}: field {path} ({name}) is personal data or free text")
    if not event_type.startswith("sis-"):
        for path, node in _strings(schema, ""):
            constrained = any(k in node for k in ("pattern", "enum", "const", "format"))
            if not constrained and (node.get("maxLength") is None or node["maxLength"] > FREE_TEXT_LENGTH):
                problems.append(f"{event_type}: {path} is an unconstrained string (free text)")
    return problems


def payload_violations(event_type: str, payload: Any, names: Iterable[str] = ()) -> list[str]:
    """Why one real event payload breaks the rules: hetu, names, forbidden fields."""
    problems = []
    text = json.dumps(payload, ensure_ascii=False)
    if HETU.search(text):
        problems.append(f"{event_type}: a personal identity code (hetu) in the payload")
    if event_type not in NAME_CARRYING_FEEDS:
        for name in names:
            if re.search(rf"(?<![\w]){re.escape(name)}(?![\w])", text):
                problems.append(f"{event_type}: the name {name!r} in the payload")
        for key in _keys(payload):
            if key.lower() in FORBIDDEN_FIELDS:
                problems.append(f"{event_type}: field {key!r} in the payload")
    return problems + code_violations(event_type, payload)


def _at(node: Any, path: tuple[str, ...]) -> Iterable[Any]:
    if not path:
        yield node
    elif path[0] == "*" and isinstance(node, list):
        for item in node:
            yield from _at(item, path[1:])
    elif isinstance(node, dict) and node.get(path[0]) is not None:
        yield from _at(node[path[0]], path[1:])


def code_violations(event_type: str, payload: Any) -> list[str]:
    """Values of closed-code fields that are not in their lists (``CLOSED_CODE_FIELDS``)."""
    problems = []
    for path, lists in CLOSED_CODE_FIELDS.get(event_type, {}).items():
        allowed = {c.value for name in lists for c in CODE_LISTS[name]}
        for value in _at(payload, path):
            if value not in allowed:
                problems.append(f"{event_type}: {'.'.join(path)} = {value!r} is outside the code list "
                                f"{' / '.join(lists)} (free text?)")
    return problems


def _keys(node: Any) -> Iterable[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from _keys(value)
    elif isinstance(node, list):
        for value in node:
            yield from _keys(value)
