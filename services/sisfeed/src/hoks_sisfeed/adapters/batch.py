"""Converting a batch of national-format files: every good document (and every good study right
of a Koski document) converts, every bad one is reported with its file and full field path, and
the caller learns whether anything was refused. Nothing raised while converting one document
reaches the others."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from hoks_shared.contracts.event_base import IntegrationEvent
from hoks_sisfeed.adapters.conversion import Conversion
from hoks_sisfeed.adapters.ehoks import convert_hoks, looks_like_ehoks
from hoks_sisfeed.adapters.errors import ConversionError, Reader
from hoks_sisfeed.adapters.koski import convert_koski, looks_like_bare_study_right, looks_like_koski
from hoks_sisfeed.adapters.pseudonyms import PersonResolver


@dataclass
class BatchResult:
    events: list[IntegrationEvent] = field(default_factory=list)
    errors: list[ConversionError] = field(default_factory=list)
    documents: int = 0
    refused: int = 0  # documents of which nothing was converted
    partly: int = 0  # documents converted in part (a Koski document with a bad study right)


def convert_document(doc: object, source: str, persons: PersonResolver) -> Conversion:
    reader = Reader(source)
    with reader.guard():
        if looks_like_ehoks(doc):
            return Conversion(events=[convert_hoks(doc, source)])
        if looks_like_koski(doc):
            return convert_koski(doc, source, persons)
        if looks_like_bare_study_right(doc):
            raise reader.fail("henkilö", "a Koski study right on its own: the person it belongs to is missing "
                                         "(expected an oppija object with henkilö and opiskeluoikeudet)")
        raise reader.fail("$", "neither an eHOKS HOKS (oppija-oid, opiskeluoikeus-oid) nor a Koski oppija "
                               "(henkilö, opiskeluoikeudet)")


def parse(data: bytes, source: str) -> object:
    """JSON from bytes, accepting a UTF-8 byte-order mark; errors name the line, never the text."""
    reader = Reader(source)
    try:
        return json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise reader.fail(f"byte {exc.start}", "not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise reader.fail(f"line {exc.lineno} column {exc.colno}", f"malformed JSON: {exc.msg}") from None
    except RecursionError:
        raise reader.fail("$", "malformed JSON: nested too deeply") from None
    except ValueError:  # e.g. an integer of more than 4,300 digits
        raise reader.fail("$", "malformed JSON: a number too long to read") from None


def add_document(result: BatchResult, doc: object, source: str, persons: PersonResolver) -> None:
    result.documents += 1
    try:
        converted = convert_document(doc, source, persons)
    except ConversionError as exc:
        converted = Conversion(errors=[exc])
    result.events.extend(converted.events)
    result.errors.extend(converted.errors)
    if converted.errors:
        if converted.events:
            result.partly += 1
        else:
            result.refused += 1


def add_data(result: BatchResult, data: bytes, source: str, persons: PersonResolver) -> None:
    """One file's bytes: a document, or a list of documents (each converted on its own)."""
    try:
        doc = parse(data, source)
    except ConversionError as exc:
        result.documents += 1
        result.refused += 1
        result.errors.append(exc)
        return
    if isinstance(doc, list):
        for i, item in enumerate(doc):
            add_document(result, item, f"{source}[{i}]", persons)
    else:
        add_document(result, doc, source, persons)


def expand(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.rglob("*.json")) if path.is_dir() else [path])
    return files


def convert_files(paths: Iterable[Path], persons: PersonResolver | None = None) -> BatchResult:
    persons = persons or PersonResolver()
    result = BatchResult()
    for path in expand(paths):
        try:
            data = path.read_bytes()
        except OSError as exc:
            result.documents += 1
            result.refused += 1
            result.errors.append(ConversionError(str(path), "$", f"cannot read the file ({exc.__class__.__name__})"))
            continue
        add_data(result, data, str(path), persons)
    return result
