"""The one registry of Kafka topics and their conventions.

Conventions
* Name: ``hoks.<producer>.<stream>.v<major>``; a breaking change of a stream makes a new topic.
* One topic per stream of related events that must keep their relative order (e.g. a meeting's
  scheduled → rescheduled → cancelled); the body's ``event_type`` tells them apart.
* Key: the student OID or the group id (see ``key``), so each student's events keep their order.
* Dead letters: ``<topic>.dlq``, same key and value, the reason and origin in headers.
* An optional prefix (``KAFKA_TOPIC_PREFIX``) lets several providers or test runs share a cluster.
"""

from __future__ import annotations

from dataclasses import dataclass

from hoks_shared.contracts import audit, meetings, referrals, sis
from hoks_shared.contracts.event_base import IntegrationEvent

DLQ_SUFFIX = ".dlq"


@dataclass(frozen=True)
class Topic:
    name: str
    producer: str
    key: str
    events: tuple[type[IntegrationEvent], ...]
    description: str
    partitions: int = 6
    #: Whether display names may appear on this topic (SIS feeds only; never domain events).
    display_names_allowed: bool = False

    @property
    def dlq(self) -> str:
        return self.name + DLQ_SUFFIX


SIS_STUDENTS = Topic("hoks.sis.students.v1", "sis", "student_oid", (sis.StudentUpserted,),
                     "Students: group, study type, responsible teacher, unit", display_names_allowed=True)
SIS_GROUPS = Topic("hoks.sis.groups.v1", "sis", "group_id", (sis.GroupUpserted,),
                   "Teaching groups with their responsible teachers and counselor")
SIS_STAFF = Topic("hoks.sis.staff.v1", "sis", "staff_oid", (sis.StaffUpserted,),
                  "Staff with roles and units", display_names_allowed=True)
SIS_HOKS = Topic("hoks.sis.hoks.v1", "sis", "student_oid", (sis.HoksUpdated,),
                 "HOKS summaries (from eHOKS)")
SIS_STUDY_RIGHTS = Topic("hoks.sis.study-rights.v1", "sis", "student_oid", (sis.StudyRightStatus,),
                         "Study-right status periods and completed points (from Koski)")
SIS_ABSENCES = Topic("hoks.sis.absences.v1", "sis", "student_oid", (sis.AbsenceRecorded,),
                     "Absences recorded in the SIS")
SIS_CREDITS = Topic("hoks.sis.credits.v1", "sis", "student_oid", (sis.CreditRecorded,),
                    "Credits (competence points) recorded in the SIS")
MEETING_SCHEDULE = Topic(
    "hoks.scheduler.meetings.v1", "scheduler", "group_id, or student_oid for student-level meetings",
    (meetings.MeetingScheduled, meetings.MeetingRescheduled, meetings.MeetingCancelled),
    "The meeting calendar: scheduled, rescheduled, cancelled",
)
MEETING_OUTCOMES = Topic(
    "hoks.meetings.outcomes.v1", "meetings", "group_id, or student_oid for student-level meetings",
    (meetings.ChecklistCompleted, meetings.MeetingHeld),
    "What meetings decided: completed checklists and held meetings",
)
REFERRALS = Topic(
    "hoks.referrals.v1", "referrals", "student_oid",
    (referrals.ReferralMade, referrals.ReferralAccepted, referrals.ReferralClosed, referrals.ReferralOverdue),
    "Service referrals (palveluohjaus); public to other institutional systems",
)
AUDIT = Topic("hoks.audit.v1", "all", "student_oid or resource id", (audit.AuditRecorded,),
              "Who read or changed student-level data")

ALL_TOPICS: tuple[Topic, ...] = (
    SIS_STUDENTS, SIS_GROUPS, SIS_STAFF, SIS_HOKS, SIS_STUDY_RIGHTS, SIS_ABSENCES, SIS_CREDITS,
    MEETING_SCHEDULE, MEETING_OUTCOMES, REFERRALS, AUDIT,
)

ALL_EVENTS: tuple[type[IntegrationEvent], ...] = tuple(e for t in ALL_TOPICS for e in t.events)


def topic_of(event: IntegrationEvent | type[IntegrationEvent]) -> Topic:
    cls = event if isinstance(event, type) else type(event)
    for topic in ALL_TOPICS:
        if cls in topic.events:
            return topic
    raise KeyError(f"{cls.__name__} is on no registered topic")


@dataclass(frozen=True)
class TopicNaming:
    """Resolves registry topics to the names used on a cluster (with the configured prefix)."""

    prefix: str = ""

    def name(self, topic: Topic) -> str:
        return self.prefix + topic.name

    def dlq(self, topic: Topic) -> str:
        return self.prefix + topic.dlq

    def all_names(self, *, with_dlq: bool = True) -> list[str]:
        names = [self.name(t) for t in ALL_TOPICS]
        if with_dlq:
            names += [self.dlq(t) for t in ALL_TOPICS]
        return names
