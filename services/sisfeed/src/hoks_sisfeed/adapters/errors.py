"""Conversion errors that name the file and the field."""

from __future__ import annotations

from pydantic import ValidationError


class ConversionError(ValueError):
    def __init__(self, source: str, field: str, problem: str) -> None:
        super().__init__(f"{source}: {field}: {problem}")
        self.source = source
        self.field = field
        self.problem = problem

    @classmethod
    def from_validation(cls, source: str, exc: ValidationError, where: str = "") -> ConversionError:
        """The first contract violation of a converted document, with the field it concerns."""
        first = exc.errors()[0]
        field = ".".join(str(p) for p in first["loc"])
        return cls(source, f"{where}: {field}" if where else field, first["msg"])


class Reader:
    """Reads fields of one document, raising ``ConversionError`` with the path of what is wrong."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, field: str, problem: str) -> ConversionError:
        return ConversionError(self.source, field, problem)

    def get(self, doc: dict, path: str, *, required: bool = True, kind: type | tuple[type, ...] | None = None):  # noqa: ANN205
        node: object = doc
        walked = []
        for part in path.split("."):
            walked.append(part)
            if not isinstance(node, dict) or part not in node or node[part] is None:
                if required:
                    raise self.fail(".".join(walked), "required field is missing")
                return None
            node = node[part]
        if kind is not None and not isinstance(node, kind):
            names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
            raise self.fail(path, f"expected {names}, got {type(node).__name__}")
        return node
