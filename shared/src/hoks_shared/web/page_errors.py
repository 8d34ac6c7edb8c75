"""Refusals of the API in the page's language.

The HTTP API answers ``{"detail": "<English sentence>"}`` (its contract, for integrations). A page
that calls the API shows the refusal to a person, so each service lists the sentences its pages
can meet as patterns with a translation key; the page carries the table (``error_table``, as
``errors`` in the page's context) and the layout's ``hoksError(body, status)`` shows the translated
text (the shared ``error.api`` with the HTTP status when no pattern fits)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping


def error_table(patterns: Mapping[str, str], t: Callable[[str], str]) -> list[tuple[str, str]]:
    """``[(regular expression, translated text), ...]`` for the page's script; ``$1`` in a text is the
    pattern's first group (e.g. a count). The last entry is the generic text (pattern ``""``)."""
    return [(regex, t(f"error.{key}")) for key, regex in patterns.items()] + [("", t("error.api"))]


def page_error(detail: str, status: int, table: list[tuple[str, str]]) -> str:
    """What the page's script shows for ``detail`` (the same rule in Python, for tests)."""
    for regex, text in table:
        if not regex:
            return text.replace("{status}", str(status))
        match = re.search(regex, detail)
        if match:
            return text.replace("$1", match.group(1) if match.groups() else "")
    return detail
