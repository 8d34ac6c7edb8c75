"""Scheduler-only settings from the environment (``HOKS_SCHEDULER_*``)."""

from __future__ import annotations

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

#: Used only with ``HOKS_AUTH_MODE=dev`` (local runs, tests); ``oidc`` mode refuses to start without
#: ``HOKS_SCHEDULER_FEED_SECRET``.
DEV_FEED_SECRET = "dev-only-calendar-feed-secret"  # noqa: S105


class MissingSecret(RuntimeError):
    """A secret that production must set is not set: the service does not start."""


class SchedulerSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HOKS_SCHEDULER_", extra="ignore")

    config_dir: str | None = Field(default=None, description="Folder of calendar.yaml, rounds.yaml, "
                                   "meetings.yaml; defaults to services/scheduler/config")
    feed_secret: SecretStr | None = Field(default=None, description="HMAC key under which the calendar "
                                          "feed tokens are stored; required outside HOKS_AUTH_MODE=dev")
    feed_token_days: int = Field(default=180, gt=0, le=730, description="A calendar feed address stops "
                                 "working this many days after it was created")
    calendar_domain: str = Field(default="hoks-scheduler.local", description="Right-hand side of iCal UIDs")
    public_base_url: str = Field(default="http://127.0.0.1:8101", description="Base of calendar feed URLs")
    auto_replan_seconds: float = Field(default=600.0, ge=0, description="How often to re-plan the scopes "
                                       "planned before whose groups or staff availability changed (0: never)")
    student_meeting_settle_seconds: float = Field(
        default=10.0, ge=0, le=3600, description="A referral's student-level meeting is placed this long "
        "after the referral arrived, with every pending one made before it, in request order (0: at once)")

    def feed_key(self, auth_mode: str) -> str:
        """The feed secret; the development default only in ``dev`` mode."""
        if self.feed_secret is not None and self.feed_secret.get_secret_value():
            return self.feed_secret.get_secret_value()
        if auth_mode == "dev":
            return DEV_FEED_SECRET
        raise MissingSecret("HOKS_SCHEDULER_FEED_SECRET is not set (required with HOKS_AUTH_MODE=oidc)")
