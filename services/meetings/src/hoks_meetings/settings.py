"""Thresholds of the checklist's suggestions (``HOKS_MEETINGS_*``), so each provider can tune them."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict

from hoks_meetings.domain.suggestions import SuggestionRules


class MeetingsSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HOKS_MEETINGS_", extra="ignore")

    hoks_stale_months: int = 6
    absence_window_days: int = 60
    absence_rate_threshold: float = 0.10
    school_hours_per_day: float = 6.0
    progress_ratio: float = 0.8
    end_date_risk_days: int = 60

    def rules(self) -> SuggestionRules:
        return SuggestionRules(**self.model_dump())
