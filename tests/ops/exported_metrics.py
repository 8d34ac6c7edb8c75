"""The metric names the four services really export: built from their apps, not from a list."""

from __future__ import annotations

import importlib
import re
from functools import cache

from hoks_shared.settings import ServiceSettings

SERVICES = ("scheduler", "meetings", "referrals", "reporting")
#: series Prometheus makes itself (scrape health, alert state), not the services
PROMETHEUS_OWN = frozenset({"up", "ALERTS", "ALERTS_FOR_STATE", "scrape_duration_seconds", "scrape_samples_scraped"})


@cache
def exported_by(service: str) -> frozenset[str]:
    """Every sample name in the service's registry (counters' _total, histograms' _bucket/_sum/_count)."""
    main = importlib.import_module(f"hoks_{service}.main")
    _app, runtime = main.build(ServiceSettings(service_name=service))
    return frozenset(runtime.metrics.registry._names_to_collectors)


def exported() -> frozenset[str]:
    names: set[str] = set()
    for service in SERVICES:
        names |= exported_by(service)
    return frozenset(names) | PROMETHEUS_OWN


PROMQL_WORDS = frozenset("""
sum min max avg count stddev stdvar topk bottomk quantile count_values group by without on ignoring
group_left group_right and or unless offset bool rate irate increase delta idelta deriv histogram_quantile
absent absent_over_time time vector scalar label_replace label_join abs ceil floor round clamp clamp_min
clamp_max sort sort_desc changes resets predict_linear avg_over_time max_over_time min_over_time
sum_over_time count_over_time last_over_time timestamp day_of_week hour minute month year inf nan
""".split())


def metric_names(expr: str) -> set[str]:
    """Metric names a PromQL expression selects (label matchers, groupings, ranges and strings removed)."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)          # string literals
    text = re.sub(r"\{[^}]*\}", "", text)                       # label matchers
    text = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", text)
    text = re.sub(r"\[[^\]]*\]", "", text)                      # range / subquery windows
    text = re.sub(r"\boffset\s+\w+", "", text)
    tokens = re.findall(r"[A-Za-z_:][A-Za-z0-9_:]*", text)
    return {t for t in tokens if t not in PROMQL_WORDS and not re.fullmatch(r"\d+[smhdwy]", t)}
