"""Scheduler-only settings from the environment (``HOKS_SCHEDULER_*``)."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_FEED_SECRET = "dev-only-calendar-feed-secret-change-me"


class SchedulerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HOKS_SCHEDULER_", extra="ignore")

    config_dir: str | None = Field(default=None, description="Folder of calendar.yaml, rounds.yaml, "
                                   "meetings.yaml; defaults to services/scheduler/config")
    feed_secret: SecretStr = Field(default=SecretStr(DEV_FEED_SECRET),
                                   description="HMAC key of the per-person calendar feed tokens")
    calendar_domain: str = Field(default="hoks-scheduler.local", description="Right-hand side of iCal UIDs")
    public_base_url: str = Field(default="http://127.0.0.1:8101", description="Base of calendar feed URLs")
    auto_replan_seconds: float = Field(default=600.0, ge=0, description="How often to re-plan the scopes "
                                       "planned before whose groups or staff availability changed (0: never)")
