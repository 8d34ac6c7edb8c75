"""The meetings service's settings: thresholds of the checklist's suggestions and the completion
window (``HOKS_MEETINGS_*``), so each provider can tune them, and the provider's time zone
(``HOKS_UI_TIME_ZONE``, shared with the pages)."""

from __future__ import annotations

from datetime import timedelta, tzinfo
from zoneinfo import ZoneInfo

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from hoks_meetings.domain.suggestions import SuggestionRules
from hoks_shared.web.render import ui_settings


class MeetingsSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HOKS_MEETINGS_", extra="ignore")

    hoks_stale_months: int = 6
    absence_window_days: int = 60
    absence_rate_threshold: float = 0.10
    school_hours_per_day: float = 6.0
    progress_ratio: float = 0.8
    end_date_risk_days: int = 60
    #: A meeting may be completed at the earliest this many minutes before its start.
    complete_early_minutes: int = Field(default=30, ge=0, le=60 * 24 * 60)

    def rules(self) -> SuggestionRules:
        return SuggestionRules(**self.model_dump(exclude={"complete_early_minutes"}))

    def complete_early(self) -> timedelta:
        return timedelta(minutes=self.complete_early_minutes)


def provider_zone() -> tzinfo:
    """The provider's time zone: "today" and dates are decided in it."""
    return ZoneInfo(ui_settings().time_zone)
