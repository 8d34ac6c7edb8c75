"""A refused or failed staff page (``GET /ui/...``) is a page in the person's language, not the
API's JSON with an English sentence: the status in words and where to go on. The HTTP API keeps
its documented JSON errors (``error_docs``)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from hoks_shared.web.input_errors import validation_errors
from hoks_shared.web.render import SHARED_TEMPLATES, render

#: statuses with a text of their own (others: ``error.page.other``)
WORDED = (400, 403, 404, 409, 422, 503)


def is_page(request: Request) -> bool:
    return request.method == "GET" and request.url.path.startswith("/ui")


def error_page(request: Request, status: int, headers: dict[str, str] | None = None) -> Response:
    response = render(request, SHARED_TEMPLATES, "error.html", {"status": status, "worded": status in WORDED},
                      status_code=status)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def install_error_pages(app: FastAPI) -> None:
    """After ``install_input_errors``: pages get ``error.html``, the API its JSON as before."""

    @app.exception_handler(StarletteHTTPException)
    async def refused(request: Request, exc: StarletteHTTPException) -> Response:
        if is_page(request):
            return error_page(request, exc.status_code, dict(exc.headers or {}))
        return await http_exception_handler(request, exc)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        if is_page(request):
            return error_page(request, 422)
        return JSONResponse({"detail": validation_errors(exc)}, status_code=422)
