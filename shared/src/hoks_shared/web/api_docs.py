"""``/docs``: Swagger UI from the ``swagger-ui-bundle`` package's own files (no CDN), started by
a script file of ours, so the page needs no inline script under the CSP."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

OWN_STATIC = Path(__file__).parent / "static"
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title} · API</title>
<link rel="stylesheet" href="/docs/static/ui/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/static/ui/swagger-ui-bundle.js"></script>
<script src="/docs/static/ui/swagger-ui-standalone-preset.js"></script>
<script src="/docs/static/docs-init.js"></script>
</body></html>
"""


def add_api_docs(app: FastAPI) -> None:
    app.mount("/docs/static/ui", StaticFiles(directory=str(swagger_ui_path)), name="swagger-ui")
    app.mount("/docs/static", StaticFiles(directory=str(OWN_STATIC)), name="docs-static")
    page = PAGE.format(title=app.title.replace("<", "&lt;"))

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return HTMLResponse(page)
