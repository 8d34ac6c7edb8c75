"""Settings of the referrals service (``HOKS_REFERRALS_*``)."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from hoks_referrals.adapters.routing_config import DEFAULT_ROUTING_FILE
from hoks_referrals.handlers import DEFAULT_PROVIDER_OID
from hoks_shared.contracts.identifiers import Oid


class ReferralSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HOKS_REFERRALS_", extra="ignore")

    routing_file: str = Field(default=str(DEFAULT_ROUTING_FILE), description="The routing table (YAML)")
    overdue_check_seconds: float = Field(default=60.0, gt=0, description="How often the SLA check runs")
    open_index_reconcile_seconds: float = Field(
        default=300.0, gt=0, description="How often the open-referral index is repaired from a scan")
    valpas_deadline_school_days: int = Field(
        default=1, ge=0, le=10, description="Valpas notification deadline after the study right changed")
    provider_oid: Oid = Field(default=DEFAULT_PROVIDER_OID, description="The provider's organisation OID")
    reroute_seconds: float = Field(
        default=20.0, gt=0, description="How often referrals without an assignee are routed again (also on SIS records)")
    unassigned_alert_minutes: float = Field(
        default=60.0, gt=0, description="An unassigned referral older than this counts in hoks_referrals_unassigned_stale")
