"""The report's own rules from the environment (``HOKS_REPORT_*``); replay must use the same."""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from hoks_reporting.domain.figures import FigureRules
from hoks_reporting.domain.students import StudentRules
from hoks_shared.topics import SIS_STUDENTS


class ReportSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HOKS_REPORT_", extra="ignore")

    absence_flag_hours: float = Field(default=15.0, gt=0, description="Unexcused hours a year that flag a student")
    final_phase_months: int = Field(default=6, ge=1, le=36)
    batch_max_records: int = Field(default=500, ge=1, le=10000, description="Domain events per consumer batch")
    sis_batch_max_records: int = Field(default=100, ge=1, le=10000,
                                       description="SIS records per batch: bounds how long a domain event waits")

    replica: int = Field(default=0, ge=0, description="This replica, counted from 0 (the StatefulSet pod index)")
    replicas: int = Field(default=1, ge=1, description="How many replicas share the report (each owns partitions "
                                                       "p with p mod replicas = replica)")
    partitions: int = Field(default=SIS_STUDENTS.partitions, ge=1,
                            description="Partitions of every topic the report reads (checked at start)")

    def student_rules(self) -> StudentRules:
        return StudentRules(absence_flag_hours=self.absence_flag_hours)

    def figure_rules(self) -> FigureRules:
        return FigureRules(final_phase_months=self.final_phase_months)
