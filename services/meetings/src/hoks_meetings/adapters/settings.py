"""The meetings service's settings: thresholds of the checklist's suggestions and the completion
window (``HOKS_MEETINGS_*``), so each provider can tune them, and the provider's time zone
(``HOKS_UI_TIME_ZONE``, shared with the pages)."""

from __future__ import annotations

import os
from dataclasses import fields
from datetime import timedelta, tzinfo
from zoneinfo import ZoneInfo

from pydantic import Field, TypeAdapter
from pydantic_settings import BaseSettings, SettingsConfigDict

from hoks_meetings.domain.suggestions import SuggestionRules
from hoks_shared.web.render import ui_settings


ENV_PREFIX = "HOKS_MEETINGS_"


class MeetingsSettings(BaseSettings):
    """The completion window here; the suggestion thresholds are ``SuggestionRules``' fields, one
    variable each (``HOKS_MEETINGS_HOKS_STALE_MONTHS``, ``…_ABSENCE_RATE_THRESHOLD``, …), their
    defaults the domain's own (declared once, in ``domain/suggestions.py``)."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore")

    #: A meeting may be completed at the earliest this many minutes before its start.
    complete_early_minutes: int = Field(default=30, ge=0, le=60 * 24 * 60)

    def rules(self) -> SuggestionRules:
        """The thresholds set in the environment over the domain's defaults (validated: a value
        that is not a number stops the service at its start with the variable's name)."""
        given = {f.name: os.environ[ENV_PREFIX + f.name.upper()] for f in fields(SuggestionRules)
                 if ENV_PREFIX + f.name.upper() in os.environ}
        return TypeAdapter(SuggestionRules).validate_python(given)

    def complete_early(self) -> timedelta:
        return timedelta(minutes=self.complete_early_minutes)


def provider_zone() -> tzinfo:
    """The provider's time zone: "today" and dates are decided in it."""
    return ZoneInfo(ui_settings().time_zone)
