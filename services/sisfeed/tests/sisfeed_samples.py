"""The national sample files and the personal data they carry, for the adapter tests."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import Any

#: Opetushallitus' public test data (EUPL 1.1+, see fixtures/NOTICE), copied from ../shared/fixtures.
FIXTURES = Path(__file__).resolve().parent / "fixtures"
EHOKS = sorted((FIXTURES / "ehoks").glob("*.json"))
KOSKI = sorted((FIXTURES / "koski").glob("*.json"))
HETU = re.compile(r"\b\d{6}[-+A-FU-Y]\d{3}[0-9A-Y]\b")
PERSONAL_KEYS = {"sahkoposti", "puhelinnumero", "nimi", "hetu", "etunimet", "sukunimi", "kutsumanimi"}


@cache
def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def load(path: Path | str) -> Any:
    """A fresh copy of a sample (tests may change it)."""
    path = Path(path) if Path(path).is_absolute() else FIXTURES / path
    return copy.deepcopy(json.loads(_text(path)))


def walk(node: Any, path: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """Every (path, value) below node, the node itself first."""
    yield path, node
    if isinstance(node, dict):
        for k, v in node.items():
            yield from walk(v, (*path, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from walk(v, (*path, i))


def _people_strings(doc: Any) -> set[str]:
    found = set()
    for path, value in walk(doc):
        if path and path[-1] in PERSONAL_KEYS and isinstance(value, str) and len(value) > 3:
            found.add(value)
    return found


@cache
def personal_data() -> frozenset[str]:
    """Hetus, names, e-mail addresses and phone numbers in the samples (people's names only: a
    ``nimi`` inside a person, assessor, representative or ``henkilö``)."""
    found: set[str] = set()
    for path in KOSKI:
        henkilo = load(path)["henkilö"]
        found |= {v for k, v in henkilo.items() if k != "oid" and isinstance(v, str)}
    for path in EHOKS:
        doc = load(path)
        for where, value in walk(doc):
            if where and where[-1] in ("sahkoposti", "puhelinnumero") and isinstance(value, str):
                found.add(value)
            if isinstance(value, dict) and "nimi" in value and isinstance(value["nimi"], str) and any(
                    k in value for k in ("organisaatio", "rooli", "sahkoposti", "puhelinnumero")):
                found.add(value["nimi"])
    return frozenset(found)


def leaks(texts: Iterable[str]) -> list[str]:
    """Personal data found in the texts (the samples' own, or anything shaped like a hetu)."""
    text = "\n".join(texts)
    found = sorted(s for s in personal_data() if s in text)
    return found + HETU.findall(text)
