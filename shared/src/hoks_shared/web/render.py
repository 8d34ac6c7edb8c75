"""Server-rendered pages: a service's own templates on top of the shared layout ``base.html``."""

from __future__ import annotations

from datetime import datetime
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from zoneinfo import ZoneInfo

from hoks_shared.web.i18n import LANG_COOKIE, Catalog, language_of, translator
from hoks_shared.web.page_errors import error_table
from hoks_shared.web.security_headers import csp_nonce
from hoks_shared.web.settings import UiSettings

SHARED_TEMPLATES = Path(__file__).parent / "templates"


@lru_cache(maxsize=1)
def ui_settings() -> UiSettings:
    return UiSettings()


def local_time(value: datetime | None, fmt: str = "%d.%m.%Y %H:%M") -> str:
    """A stored (UTC) time as people at the provider read it: in ``HOKS_UI_TIME_ZONE``."""
    if value is None:
        return ""
    if value.tzinfo is None:  # stored UTC without tzinfo
        from datetime import UTC

        value = value.replace(tzinfo=UTC)
    return value.astimezone(ZoneInfo(ui_settings().time_zone)).strftime(fmt)


def thousands(value: int | float) -> str:
    """A count as Finnish and Swedish write it (and readable in English): ``4 220``."""
    return f"{value:,.0f}".replace(",", "\u202f")


@lru_cache(maxsize=16)
def environment(templates_dir: str) -> Environment:
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(templates_dir), FileSystemLoader(str(SHARED_TEMPLATES))]),
        autoescape=select_autoescape(["html", "xml"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["localtime"] = local_time
    return env


def render(request: Request, templates_dir: str | Path, name: str, context: dict[str, Any],
           translations: Catalog | None = None, status_code: int = 200,
           error_patterns: Mapping[str, str] | None = None) -> HTMLResponse:
    """Render ``name`` in the caller's language; the language choice is remembered in a cookie.
    ``error_patterns``: the API refusals the page's script may show, translated by ``translations``
    (see ``page_errors``)."""
    lang = language_of(request)
    t = translator(lang, *([translations] if translations else []))
    if error_patterns:
        context = {**context, "errors": error_table(error_patterns, t)}
    principal = getattr(request.state, "principal", None)
    unit_names: dict[str, str] = getattr(request.state, "unit_names", {})
    html = environment(str(templates_dir)).get_template(name).render(
        request=request, lang=lang, t=t, principal=principal, nav=ui_settings().nav(), csp_nonce=csp_nonce(request),
        unit_name=lambda unit_id: unit_names.get(unit_id, unit_id), intake=getattr(request.state, "intake", None),
        number=thousands, **context)
    response = HTMLResponse(html, status_code=status_code)
    if request.query_params.get("lang") == lang:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax")
    return response
