"""Inbound feeds from the student information systems (Wilma/Primus, Peppi), draft v1.

Each record carries ``source_version``: a number that grows with every change of that entity in
the SIS (e.g. its change time in ms). Views apply an update only when it is newer than what they
hold, so replays, duplicates and out-of-order delivery change nothing.

Display names are allowed on the student and staff feeds only (for pages that show them); they
never enter domain events. No birth date, no hetu: the end of compulsory education is derived
by the adapter.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from hoks_shared.contracts.event_base import IntegrationEvent
from hoks_shared.contracts.identifiers import Code, LocalId, Oid
from hoks_shared.contracts.vocabulary import StaffRole, StudyRightState


class _SisRecord(IntegrationEvent):
    source_version: int = Field(ge=0, description="Grows with every change of the entity in the SIS")


class StudentUpserted(_SisRecord):
    EVENT_TYPE = "sis-student"
    event_type: Literal["sis-student"] = "sis-student"

    student_oid: Oid
    group_id: LocalId
    study_type: Code = Field(description="pt, at, eat, tuva, ... (extensible)")
    responsible_teacher_oid: Oid
    unit_id: LocalId
    location: LocalId | None = None
    study_form: Code | None = None
    compulsory_education_ends: date | None = Field(
        default=None, description="Derived by the SIS adapter; None when not in compulsory education"
    )
    display_name: str | None = Field(default=None, max_length=200)
    active: bool = True

    def partition_key(self) -> str:
        return self.student_oid


class GroupUpserted(_SisRecord):
    EVENT_TYPE = "sis-group"
    event_type: Literal["sis-group"] = "sis-group"

    group_id: LocalId
    code: str = Field(min_length=1, max_length=64)
    unit_id: LocalId
    unit_name: str | None = Field(default=None, max_length=200,
                                  description="The unit's name as staff know it (pages show it instead of the id)")
    qualification_code: str | None = Field(default=None, max_length=16)
    study_type: Code = "pt"
    start_date: date
    planned_end_date: date
    responsible_teacher_oids: list[Oid] = Field(min_length=1)
    counselor_oid: Oid
    special_needs_teacher_oid: Oid | None = None
    curator_oid: Oid | None = None
    active: bool = True

    def partition_key(self) -> str:
        return self.group_id


class StaffUpserted(_SisRecord):
    EVENT_TYPE = "sis-staff"
    event_type: Literal["sis-staff"] = "sis-staff"

    staff_oid: Oid
    display_name: str = Field(min_length=1, max_length=200)
    roles: list[StaffRole] = Field(min_length=1)
    unit_ids: list[LocalId] = Field(min_length=1)
    active: bool = True

    def partition_key(self) -> str:
        return self.staff_oid


class PlannedUnit(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    unit_code: str = Field(min_length=1, max_length=64)
    kind: Literal["vocational", "common", "local", "preparatory"]
    points: float | None = Field(default=None, ge=0, le=400)
    starts: date | None = None
    ends: date | None = None


class HoksUpdated(_SisRecord):
    EVENT_TYPE = "sis-hoks"
    event_type: Literal["sis-hoks"] = "sis-hoks"

    hoks_id: LocalId
    student_oid: Oid
    study_right_oid: Oid
    first_approved: date | None = None
    updated_at: AwareDatetime
    planned_units: list[PlannedUnit] = Field(default_factory=list)
    planned_points: float = Field(default=0, ge=0)
    target_completion_date: date | None = None
    learning_support: bool = False

    def partition_key(self) -> str:
        return self.student_oid

    def subject(self) -> str:
        return self.hoks_id


class StatusPeriod(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, use_enum_values=True)

    start: date
    state: StudyRightState


class StudyRightStatus(_SisRecord):
    EVENT_TYPE = "sis-study-right"
    event_type: Literal["sis-study-right"] = "sis-study-right"

    study_right_oid: Oid
    student_oid: Oid
    periods: list[StatusPeriod] = Field(min_length=1)
    estimated_end: date | None = None
    completed_points: float = Field(default=0, ge=0)
    completed_units: int = Field(default=0, ge=0)
    completed_other_units: dict[Literal["opintopiste", "vuosiviikkotunti", "kurssi", "tunti", "muu"], float] = Field(
        default_factory=dict,
        description="Completed amounts in units that are not osaamispiste and have no official conversion "
        "(e.g. opintopiste of other vocational training), by unit; never part of completed_points",
    )
    compulsory_education_ends: date | None = Field(
        default=None, description="Derived by the adapter (Valpas); never a birth date or a hetu"
    )

    def partition_key(self) -> str:
        return self.student_oid

    def subject(self) -> str:
        return self.study_right_oid


class AbsenceRecorded(_SisRecord):
    EVENT_TYPE = "sis-absence"
    event_type: Literal["sis-absence"] = "sis-absence"

    absence_id: LocalId
    student_oid: Oid
    day: date
    hours: float = Field(gt=0, le=24)
    excused: bool = False

    def partition_key(self) -> str:
        return self.student_oid

    def subject(self) -> str:
        return self.absence_id


class CreditRecorded(_SisRecord):
    EVENT_TYPE = "sis-credit"
    event_type: Literal["sis-credit"] = "sis-credit"

    credit_id: LocalId
    student_oid: Oid
    unit_code: str = Field(min_length=1, max_length=64)
    points: float = Field(ge=0, le=400)
    day: date

    def partition_key(self) -> str:
        return self.student_oid

    def subject(self) -> str:
        return self.credit_id


SisEvent = Annotated[
    StudentUpserted | GroupUpserted | StaffUpserted | HoksUpdated | StudyRightStatus | AbsenceRecorded | CreditRecorded,
    Field(discriminator="event_type"),
]
