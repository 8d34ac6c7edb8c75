"""Creating the registry's topics on a cluster: `hoks topics create` (the Kubernetes and Compose job)
and the embedded broker's start both call :func:`ensure_topics`.

Replication comes from ``KAFKA_TOPIC_REPLICATION_FACTOR`` (1 on the embedded single-node broker,
3 on a production cluster); existing topics are left as they are, so the job can run on every deploy.
"""

from __future__ import annotations

from hoks_shared.topics import ALL_TOPICS, TopicNaming


async def ensure_topics(
    bootstrap: str,
    naming: TopicNaming,
    replication_factor: int = 1,
    client_options: dict[str, object] | None = None,
) -> list[str]:
    """Create every registered topic and its dead-letter topic; returns the names created."""
    from aiokafka.admin import AIOKafkaAdminClient, NewTopic

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=10000, **(client_options or {}))
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        wanted = []
        for topic in ALL_TOPICS:
            wanted.append(NewTopic(naming.name(topic), topic.partitions, replication_factor))
            wanted.append(NewTopic(naming.dlq(topic), 1, replication_factor))
        missing = [t for t in wanted if t.name not in existing]
        if missing:
            await admin.create_topics(missing)
        return [t.name for t in missing]
    finally:
        await admin.close()


async def delete_topics_with_prefix(bootstrap: str, prefix: str,
                                    client_options: dict[str, object] | None = None) -> list[str]:
    """Delete every topic whose name starts with ``prefix`` (a test run's or a benchmark's own
    topics, never a provider's: an empty prefix is refused). A single broker keeps every
    partition's files open, so runs that leave their topics behind exhaust its file handles."""
    if not prefix:
        raise ValueError("refusing to delete topics without a prefix")
    from aiokafka.admin import AIOKafkaAdminClient

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=30000, **(client_options or {}))
    await admin.start()
    try:
        doomed = sorted(t for t in await admin.list_topics() if t.startswith(prefix))
        for start in range(0, len(doomed), 100):
            await admin.delete_topics(doomed[start:start + 100])
        return doomed
    finally:
        await admin.close()
