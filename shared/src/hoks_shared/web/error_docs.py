"""Error answers as the OpenAPI document promises them.

Every error body is ``{"detail": ...}``: a sentence (``HTTPException``) or the list of what was
wrong with the input (request validation). The document says exactly that, with one ``Error``
schema, for every status an operation can answer: 401 (no or a refused token), 403 (role, scope,
unit, object or cross-origin refusal), 404, 409, 413 (body above the limit), 400 and 422 (input), 503
(store or broker unreachable, see ``unavailable``), on every operation; the per-operation descriptions given by the routes are kept.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

ERROR_SCHEMA = "Error"
ERROR = {
    "title": ERROR_SCHEMA,
    "type": "object",
    "required": ["detail"],
    "properties": {
        "detail": {
            "anyOf": [
                {"type": "string", "description": "Why the request was refused"},
                {"type": "array", "items": {"$ref": "#/components/schemas/ValidationError"},
                 "description": "What was wrong with the input"},
            ],
        },
    },
}
VALIDATION_ERROR = {
    "title": "ValidationError", "type": "object", "required": ["loc", "msg", "type"],
    "properties": {
        "loc": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
        "msg": {"type": "string"}, "type": {"type": "string"},
    },
}
#: Every operation may answer these (each behind the routes' own checks).
COMMON = {
    "400": "The body is not well-formed (e.g. not JSON)",
    "401": "No token, or the token was refused",
    "403": "Not allowed: role, scope, unit or object; or a cross-origin write with the session cookie",
    "404": "No such object, or not visible to the caller",
    "409": "The object's state does not allow this",
    "413": "Request body too large",
    "422": "The input is not valid",
    "503": "The store or the broker is unreachable for now: try again after the Retry-After seconds",
}
AUTH_FREE_PATHS = ("/auth/",)


def _error_response(description: str) -> dict[str, Any]:
    return {"description": description,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_SCHEMA}"}}}}


def document_errors(schema: dict[str, Any]) -> dict[str, Any]:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components[ERROR_SCHEMA] = ERROR
    components["ValidationError"] = VALIDATION_ERROR
    components.pop("HTTPValidationError", None)
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete") or path.startswith(AUTH_FREE_PATHS):
                continue
            responses = operation.setdefault("responses", {})
            for code, description in COMMON.items():
                given = responses.get(code, {}).get("description")
                responses[code] = _error_response(given or description)
    return schema


def install_error_docs(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = document_errors(get_openapi(
                title=app.title, version=app.version, description=app.description, routes=app.routes))
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
