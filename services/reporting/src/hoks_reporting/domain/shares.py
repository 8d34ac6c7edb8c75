"""Which partitions a reporting replica owns: partition ``p`` belongs to replica ``p mod N``.

Every topic the report reads, and its two internal topics, have the same number of partitions and
are keyed alike (a student's events under the student's OID, a unit's aggregate changes under the
unit id), so the owner of partition ``p`` owns the same keys on every topic. The assignment is
fixed by configuration, not by a consumer-group rebalance: two replicas never own one partition
at the same time, so every document has one writer.
"""

from __future__ import annotations


def owned_partitions(replica: int, replicas: int, partitions: int) -> list[int]:
    """The partitions replica ``replica`` (0-based) of ``replicas`` owns, of ``partitions``."""
    if replicas < 1 or not 0 <= replica < replicas:
        raise ValueError(f"replica {replica} of {replicas}: the replica is counted from 0 and below the count")
    if replicas > partitions:
        raise ValueError(f"{replicas} replicas for {partitions} partitions: a replica would own nothing")
    return [p for p in range(partitions) if p % replicas == replica]
