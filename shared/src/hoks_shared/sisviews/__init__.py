"""Each service's own view of the SIS feeds, updated in batches, idempotent and order-safe.

Every service that needs SIS data keeps these collections in its own database, with only the
topics it subscribes to:

* ``sis_students``: one document per student: the SIS record's fields at the top level, and
  sections ``hoks``, ``study_rights.<oid>``, ``absences.<id>``, ``credits.<id>``;
* ``sis_groups`` and ``sis_staff``: one document per group / person.

Each section carries the source version it was written from; an update whose version is not
newer than the section's changes nothing (replays, duplicates and late arrivals are harmless).
``projection`` decides and writes; ``ingest`` is the Kafka edge.
"""
