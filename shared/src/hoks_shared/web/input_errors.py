"""Bad input is a 422 with ``{"detail": [{"loc", "msg", "type"}]}``, never a 500.

FastAPI's own answer echoes the offending ``input``; a lone surrogate (``"\\ud800"``) in it cannot
be encoded as UTF-8 and turned the 422 into a 500. The answer here names where and what, not the
value (nothing sent is reflected back), exactly as the ``ValidationError`` schema documents it.
Text that cannot be stored (a surrogate that got past validation) is a 422 as well.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse


def _location(loc: tuple[object, ...] | list[object]) -> list[str | int]:
    return [part if isinstance(part, int) else str(part).encode("utf-8", "replace").decode() for part in loc]


def validation_errors(exc: RequestValidationError) -> list[dict[str, object]]:
    return [{"loc": _location(error.get("loc", ())), "msg": str(error.get("msg", "")).encode("utf-8", "replace").decode(),
             "type": str(error.get("type", "value_error"))} for error in exc.errors()]


def install_input_errors(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid_input(request: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": validation_errors(exc)}, status_code=422)

    @app.exception_handler(UnicodeEncodeError)
    async def not_unicode(request: Request, exc: UnicodeEncodeError) -> JSONResponse:
        return JSONResponse({"detail": "text must be valid Unicode (no lone surrogates)"}, status_code=422)
