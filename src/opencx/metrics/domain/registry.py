"""The registry of metrics and rollups: dicts by name; never an if-chain."""

from __future__ import annotations

from opencx.core.errors import InvalidInput
from opencx.metrics.domain.commerce import COMMERCE_METRICS, ORDER_DAYS
from opencx.metrics.domain.engagement import ENGAGEMENT_METRICS, INTERACTION_DAYS
from opencx.metrics.domain.metric import Metric, Rollup
from opencx.metrics.domain.retention import RETENTION_METRICS
from opencx.metrics.domain.survey import ANSWER_DAYS, INVITATION_DAYS, SURVEY_METRICS

METRICS: dict[str, Metric] = {
    m.name: m for m in (*SURVEY_METRICS, *COMMERCE_METRICS, *RETENTION_METRICS, *ENGAGEMENT_METRICS)
}

ROLLUPS: dict[str, Rollup] = {
    r.name: r for r in (ORDER_DAYS, INTERACTION_DAYS, ANSWER_DAYS, INVITATION_DAYS)
}
ROLLUP_VERSION = 2
"""Bump when a rollup's definition or the manifest's layout changes: rollups written by another
version are stale (2: rollups in parts, for incremental refreshes).
(tests/metrics/test_rollups.py fails with a reminder when a definition's SQL changes.)"""


class UnknownMetric(InvalidInput):
    """A metric name that is not in the registry; the message lists the known ones."""


def metric_named(name: str) -> Metric:
    """The metric called ``name``; an unknown name lists every known one."""
    try:
        return METRICS[name]
    except KeyError:
        known = ", ".join(sorted(METRICS))
        raise UnknownMetric(f"unknown metric {name!r}; known metrics: {known}") from None
