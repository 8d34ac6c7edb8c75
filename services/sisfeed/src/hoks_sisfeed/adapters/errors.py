"""Conversion errors that name the file and the full path of the field, never a value.

A document can carry a hetu, a name or an e-mail address in any field (typed in the wrong box),
so no message quotes what it found: it says where and what kind of thing was expected.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pydantic import ValidationError


def join(base: str, field: str) -> str:
    """``a.b`` + ``c`` → ``a.b.c``; ``a`` + ``[0]`` → ``a[0]``; the root is ``$``."""
    if not base or base == "$":
        return field or "$"
    if not field or field == "$":
        return base
    return base + field if field.startswith("[") else f"{base}.{field}"


def type_name(value: object) -> str:
    """The JSON type of a value, for messages (the value itself is never shown)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


class ConversionError(ValueError):
    def __init__(self, source: str, field: str, problem: str) -> None:
        super().__init__(f"{source}: {field}: {problem}")
        self.source = source
        self.field = field
        self.problem = problem

    @classmethod
    def from_validation(cls, source: str, exc: ValidationError, where: str = "") -> ConversionError:
        """The first contract violation of a converted record, with the field it concerns.
        Pydantic's ``msg`` describes the rule, not the input, so nothing of the document leaks."""
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        return cls(source, join(where, f"(converted {field})" if field else "(converted record)"), first["msg"])


class Reader:
    """Reads fields of one document below ``base``, failing with the full path of what is wrong."""

    def __init__(self, source: str, base: str = "$") -> None:
        self.source = source
        self.base = base

    def at(self, field: str) -> Reader:
        return Reader(self.source, join(self.base, field))

    def path(self, field: str = "") -> str:
        return join(self.base, field)

    def fail(self, field: str, problem: str) -> ConversionError:
        return ConversionError(self.source, self.path(field), problem)

    def get(self, doc: object, path: str, *, required: bool = True, kind: type | tuple[type, ...] | None = None):  # noqa: ANN201
        """The value at ``path`` (dotted) below ``doc``; None when absent and not required."""
        node: object = doc
        walked: list[str] = []
        for part in path.split("."):
            if not isinstance(node, dict):
                raise self.fail(".".join(walked) or "$", f"expected an object, got {type_name(node)}")
            walked.append(part)
            if node.get(part) is None:
                if required:
                    raise self.fail(".".join(walked), "required field is missing")
                return None
            node = node[part]
        if kind is not None and (not isinstance(node, kind) or (isinstance(node, bool) and bool not in _kinds(kind))):
            names = "/".join(dict.fromkeys(_JSON_NAMES.get(k, k.__name__) for k in _kinds(kind)))
            raise self.fail(path, f"expected {names}, got {type_name(node)}")
        return node

    def items(self, doc: object, path: str) -> list:
        """A list field that may be absent (→ empty); anything else than a list is refused."""
        value = self.get(doc, path, required=False)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(path, f"expected a list, got {type_name(value)}")
        return value

    def obj(self, value: object, field: str = "") -> dict:
        if not isinstance(value, dict):
            raise self.fail(field, f"expected an object, got {type_name(value)}")
        return value

    @contextmanager
    def guard(self, field: str = "") -> Iterator[None]:
        """Anything unexpected while reading ``field`` becomes a ConversionError at that path."""
        try:
            yield
        except ConversionError:
            raise
        except ValidationError as exc:
            raise ConversionError.from_validation(self.source, exc, self.path(field)) from None
        except (RecursionError, MemoryError):
            raise self.fail(field, "nested too deeply or too large to read") from None
        except Exception as exc:  # noqa: BLE001 — one bad field must not stop the run
            raise self.fail(field, f"cannot be read ({exc.__class__.__name__})") from None


_JSON_NAMES = {str: "string", int: "number", float: "number", dict: "object", list: "list", bool: "boolean"}


def _kinds(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)
