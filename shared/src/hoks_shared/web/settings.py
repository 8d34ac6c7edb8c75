"""Where the staff pages of each service are (``HOKS_UI_*``), for the navigation bar."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class UiSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HOKS_UI_", extra="ignore")

    meetings_url: str = Field(default="http://127.0.0.1:8102/ui/meetings")
    referrals_url: str = Field(default="http://127.0.0.1:8103/ui/referrals")
    reports_url: str = Field(default="http://127.0.0.1:8104/ui/reports")
    scheduler_url: str = Field(default="http://127.0.0.1:8101/ui/schedule")
    time_zone: str = Field(default="Europe/Helsinki", description="Times on the pages are shown in this zone")
    max_body_bytes: int = Field(default=1_000_000, gt=0, description="Larger request bodies are refused (413)")
    trusted_origins: list[str] = Field(
        default_factory=list, description="Other origins whose pages may post with the session cookie "
        "(e.g. behind a proxy that rewrites Host); a service's own origin always may")

    def nav(self) -> list[tuple[str, str]]:
        return [("nav.meetings", self.meetings_url), ("nav.referrals", self.referrals_url),
                ("nav.reports", self.reports_url), ("nav.schedule", self.scheduler_url)]
