"""The reporting service's use cases, each ``async def verb_noun(cmd, deps)``; the ports they need
are Protocols in ``handlers.ports`` (the adapters implement them).

* ``handlers.projection``: events → the report documents (one process, or two partitioned stages);
* ``handlers.report_reads``: the report read back (a unit, a teacher, a group, trends, counselors).
"""
