"""Ids for Koski study rights that arrive without an ``oid`` (e.g. before Koski has stored them).

The source's own id comes first: the Koski ``oid``, else the sending system's own id
(``lähdejärjestelmänId``: system code + id) with the institution. Only without either is the id
made from what tells two study rights apart: the person, the institution, the start date and the
qualification (the codes of the study right's qualification suoritukset, or of all its suoritukset
when it has none of those types). Two study rights that differ in any of these get different
ids; the same study right sent again gets the same id. The id is a keyed hash
(``pseudonyms.keyed_number``), written as an OID under ``1.2.246.562.15.9…``.
"""

from __future__ import annotations

from hoks_sisfeed.adapters.errors import Reader
from hoks_sisfeed.adapters.pseudonyms import keyed_number

QUALIFICATION_TYPES = frozenset({"ammatillinentutkinto", "ammatillinentutkintoosittainen"})
PREFIX = "1.2.246.562.15.9"


def _text(reader: Reader, node: object, path: str) -> str:
    value = reader.get(node, path, required=False, kind=(str, int))
    return "" if value is None else str(value)


def identity(reader: Reader, right: dict, person_oid: str) -> tuple[str, ...]:
    """What identifies this study right when Koski has not given it an oid."""
    institution = _text(reader, right, "oppilaitos.oid") or _text(reader, right, "koulutustoimija.oid")
    system = reader.get(right, "lähdejärjestelmänId", required=False)
    if isinstance(system, dict) and system.get("id") is not None:
        at = reader.at("lähdejärjestelmänId")
        return ("source-id", person_oid, institution, _text(at, system, "lähdejärjestelmä.koodiarvo"),
                _text(at, system, "id"))
    kinds: dict[str, set[str]] = {"qualification": set(), "other": set()}
    for i, completion in enumerate(reader.items(right, "suoritukset")):
        at = reader.at(f"suoritukset[{i}]")
        completion = at.obj(completion)
        kind = _text(at, completion, "tyyppi.koodiarvo")
        code = f"{kind}:{_text(at, completion, 'koulutusmoduuli.tunniste.koodiarvo')}"
        kinds["qualification" if kind in QUALIFICATION_TYPES else "other"].add(code)
    qualification = sorted(kinds["qualification"] or kinds["other"])
    start = _text(reader, right, "alkamispäivä")
    return ("made", person_oid, institution, start, *qualification)


def study_right_oid(key: bytes, parts: tuple[str, ...]) -> str:
    return PREFIX + keyed_number(key, "study-right", *parts)
