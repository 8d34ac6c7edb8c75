"""Converting a batch of national-format files: every good document converts, every bad one is
reported with its file and field, and the caller learns whether any failed."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from hoks_shared.contracts.event_base import IntegrationEvent
from hoks_sisfeed.adapters.ehoks import convert_hoks, looks_like_ehoks
from hoks_sisfeed.adapters.errors import ConversionError
from hoks_sisfeed.adapters.koski import convert_koski, looks_like_koski
from hoks_sisfeed.adapters.pseudonyms import PersonResolver


@dataclass
class BatchResult:
    events: list[IntegrationEvent] = field(default_factory=list)
    errors: list[ConversionError] = field(default_factory=list)
    documents: int = 0


def convert_document(doc: object, source: str, persons: PersonResolver) -> list[IntegrationEvent]:
    if looks_like_ehoks(doc):
        return [convert_hoks(doc, source)]
    if looks_like_koski(doc):
        return list(convert_koski(doc, source, persons))
    raise ConversionError(source, "$", "neither an eHOKS HOKS (oppija-oid) nor a Koski document (opiskeluoikeudet)")


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
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            result.errors.append(ConversionError(str(path), "$", f"cannot read: {exc.__class__.__name__}"))
            continue
        except json.JSONDecodeError as exc:
            result.errors.append(ConversionError(str(path), f"line {exc.lineno} column {exc.colno}",
                                                 f"malformed JSON: {exc.msg}"))
            continue
        items = doc if isinstance(doc, list) else [doc]
        for i, item in enumerate(items):
            source = f"{path}[{i}]" if isinstance(doc, list) else str(path)
            result.documents += 1
            try:
                result.events.extend(convert_document(item, source, persons))
            except ConversionError as exc:
                result.errors.append(exc)
    return result
