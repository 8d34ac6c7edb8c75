"""Composition root of the reporting service, and its command line.

``hoks-reporting`` serves (Kafka consumers, API, pages); ``hoks-reporting replay [--verify]``
rebuilds the views from the topics into a fresh database and compares them with the live ones.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

from faststream.asgi import AsgiFastStream

from hoks_reporting.adapters.business_gauges import meeting_gauges
from hoks_reporting.adapters.entity_locks import EntityLocks
from hoks_reporting.adapters.http_api import ReportDeps, build_api_router
from hoks_reporting.adapters.internal_topics import MemberChangeTopic, broker_send, ensure_internal_topics
from hoks_reporting.adapters.names import NameLookup
from hoks_reporting.adapters.report_store import CachedReportStore, MongoReportStore
from hoks_reporting.adapters.settings import ReportSettings
from hoks_reporting.adapters.web_pages import build_page_router
from hoks_reporting.handlers.ports import StageDeps
from hoks_reporting.subscribers import ReportStages, build_router
from hoks_shared.runtime.service import ServiceRuntime, build_runtime, create_app, serve
from hoks_shared.settings import ServiceSettings, load_settings
from hoks_shared.sisviews.ingest import build_sis_router
from hoks_shared.sisviews.projection import SisViews
from hoks_shared.topics import SIS_GROUPS, SIS_STAFF, SIS_STUDENTS

SERVICE = "reporting"
DEFAULT_PORT = 8104
#: SIS views kept for the pages: names of staff and students, group codes (the figures come
#: from the report consumer, which reads the SIS topics it needs itself).
SIS_TOPICS = [SIS_STUDENTS, SIS_GROUPS, SIS_STAFF]


def build(settings: ServiceSettings | None = None,
          report: ReportSettings | None = None) -> tuple[AsgiFastStream, ServiceRuntime]:
    runtime = build_runtime(settings or load_settings(SERVICE, DEFAULT_PORT))
    report = report or ReportSettings()
    store = MongoReportStore(runtime.db)
    send = broker_send(runtime)
    stages = ReportStages(StageDeps(CachedReportStore(store), MemberChangeTopic(send, runtime.naming), EntityLocks(),
                                    report.student_rules()), runtime, send)
    views = SisViews(runtime.db)
    deps = ReportDeps(store, NameLookup(runtime.db), report.figure_rules())
    # operations: group meetings planned/held per round of this academic year (hoks_meetings_*)
    runtime.add_gauge_refresher("meetings-per-round", meeting_gauges(store), every_s=60.0)

    async def internal_topics(runtime: ServiceRuntime) -> None:
        await ensure_internal_topics(runtime.settings, report.partitions)

    app = create_app(runtime,
                     [build_router(runtime, stages, report), build_sis_router(runtime, views, SIS_TOPICS)],
                     indexed=[store, views], on_startup=[internal_topics],
                     http_routers=[build_api_router(deps), build_page_router(deps)],
                     http_title="HOKS follow-up: reporting",
                     http_description="The education manager's summary per responsible teacher, drill-down, "
                                      "exports, trends and counselor workload. Figures are pre-aggregated "
                                      "from every domain event and the SIS feeds.")
    return app, runtime


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] == "replay":
        from hoks_reporting.adapters.replay import FOLD_EVERY, run_replay

        parser = argparse.ArgumentParser(prog="hoks-reporting replay",
                                         description="Rebuild the report from the topics (offset 0) into a "
                                                     "fresh database; --verify compares it with the live one.")
        parser.add_argument("--verify", action="store_true", help="compare with the live views; exit 1 on a diff")
        parser.add_argument("--keep", action="store_true", help="keep the rebuilt database")
        parser.add_argument("--batch", type=int, default=5000, help="records per fetch")
        parser.add_argument("--fold-every", type=int, default=FOLD_EVERY,
                            help="events decoded before they are folded (bounds their memory)")
        parser.add_argument("--max-diffs", type=int, default=20, help="how many differing documents to print")
        options = parser.parse_args(args[1:])
        settings = load_settings(SERVICE, DEFAULT_PORT)
        code = asyncio.run(run_replay(settings, ReportSettings(), verify=options.verify, keep=options.keep,
                                      batch=options.batch, max_diffs=options.max_diffs,
                                      fold_every=options.fold_every))
        raise SystemExit(code)
    serve(build)


if __name__ == "__main__":
    main()
