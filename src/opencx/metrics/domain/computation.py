"""``compute``: run one metric's Ibis expression on the given tables and estimate its intervals.

The expression is executed on whatever backend the tables belong to (SQLite, PostgreSQL, DuckDB,
Parquet through DuckDB, PySpark ...); only its small statistics table comes back to Python.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from contextlib import suppress
from typing import Any

import ibis.expr.types as ir
import numpy as np

from opencx.core.errors import InvalidInput
from opencx.metrics.domain.frames import Tables
from opencx.metrics.domain.metric import (
    ESTIMATORS,
    PERIOD_KEY,
    SYNC_ROLLUPS,
    Memo,
    Metric,
    Query,
)
from opencx.metrics.domain.periods import PERIODS, Period, period_named
from opencx.metrics.domain.registry import metric_named
from opencx.metrics.domain.request import MetricRequest, filter_values
from opencx.metrics.domain.result import MetricResult, MetricRow, finite
from opencx.metrics.domain.statistics import Estimate, z_test

STAT_COLUMNS = (
    "n",
    "promoters",
    "detractors",
    "k",
    "s",
    "ss",
    "sy",
    "sx",
    "syy",
    "sxx",
    "sxy",
    "num",
    "den",
)
log = logging.getLogger(__name__)
REFUSED = re.compile(r"read-only|readonly|read only|permission denied|not allowed", re.IGNORECASE)
"""How backends word a refused temporary table (a read-only replica, a user without rights)."""
BOUNDS: dict[str, tuple[float | None, float | None]] = {
    "nps": (-100.0, 100.0),
    "proportion": (0.0, 100.0),
    "ratio": (0.0, None),
}
FLAGS: dict[str, tuple[float, str]] = {"nrr": (100.0, "negative churn (NRR > 100%)")}
"""Flags above a threshold; sums in floating point leave 100% as 100.00000000000003 sometimes."""


def plan(request: MetricRequest) -> tuple[Metric, Query]:
    """Validate a request: the metric, its breakdown, period and time range."""
    metric = metric_named(request.metric)
    by, period, start, end = request.by, request.period, request.start, request.end
    periods = [b for b in by if b in PERIODS]
    if len(periods) > 1 or (periods and period and periods[0] != period):
        raise InvalidInput(f"give one period, not {', '.join([*periods, period or ''])}")
    chosen = period or (periods[0] if periods else None) or metric.default_period
    unit = period_named(chosen) if chosen else None
    dims = tuple(dict.fromkeys(b for b in by if b not in PERIODS))
    for when, label in ((start, "start"), (end, "end")):
        if when is not None and when.tzinfo is None:
            raise InvalidInput(f"{label} {when.isoformat()} has no time zone; give UTC times")
    if start and end and start >= end:
        raise InvalidInput(f"start {start.isoformat()} is not before end {end.isoformat()}")
    filters = filter_values(request.filters)
    metric.check_dimensions([*dims, *filters])
    return metric, Query(dims, unit, filters, start, end, dict(request.params))


def expression(request: MetricRequest, tables: Tables) -> ir.Table:
    """The statistics expression of a request, unexecuted (for SQL snapshots and inspection)."""
    metric, q = plan(request)
    return metric.expression(tables, q)


def compute(request: MetricRequest, tables: Tables, *, memo: Memo | None = None) -> MetricResult:
    """Compute ``request`` on Ibis ``tables``: its metric, grouped by its breakdown and period.

    Parameters
    ----------
    request : the metric (a key of :data:`opencx.metrics.METRICS`; ``opencx metrics list``
        shows them), breakdown, period, filters, UTC range, parameters and minimum sample size.
    tables : mapping of canonical table name → Ibis table, or any object with ``.table(name)``.
    memo : shares intermediate tables between metrics (use :func:`compute_suite` rather than
        passing one); without one, the metric's intermediates live for this call only.

    Returns
    -------
    MetricResult with one row per group: value, 95% interval, n, change on the previous period.

    Examples
    --------
    >>> import ibis, opencx.metrics as m  # doctest: +SKIP
    >>> request = m.MetricRequest("nps", by=["country"], period="month")  # doctest: +SKIP
    >>> m.compute(request, ibis.duckdb.connect("w.duckdb"))  # doctest: +SKIP

    References
    ----------
    See docs/metrics.md for each definition and its source.
    """
    metric, q = plan(request)
    own = TableMemo() if memo is None else None
    if own is not None:
        _current_rollups(tables)
    try:
        frame = metric.expression(tables, q, memo or own).to_pandas()
    finally:
        if own is not None:
            own.release()
    min_n = metric.min_n if request.min_n is None else request.min_n
    return _result(metric, q, frame, min_n)


class TableMemo:
    """Materialises each shared table once on the tables' own backend (``Table.cache()``).

    Where the backend refuses a temporary table (a read-only PostgreSQL replica), the table
    stays an expression: each metric then computes it inside its own query.
    """

    def __init__(self) -> None:
        self.tables: dict[tuple[object, ...], ir.Table] = {}

    def __call__(self, key: tuple[object, ...], build: Callable[[], ir.Table]) -> ir.Table:
        if key not in self.tables:
            expr = build()
            try:
                self.tables[key] = expr.cache()
            except Exception as exc:  # backends raise their own types; the message tells
                if not REFUSED.search(str(exc)):
                    raise
                log.warning("cannot materialise an intermediate table (%s); inlining it", exc)
                self.tables[key] = expr
        return self.tables[key]

    def release(self) -> None:
        for table in self.tables.values():
            with suppress(Exception):
                table.release()  # an inlined expression has nothing to release
        self.tables.clear()


def compute_suite(requests: Sequence[MetricRequest], tables: Tables) -> dict[str, MetricResult]:
    """Compute several requests (one per metric), building each shared table only once.

    The intermediate tables (order days, answer score counts, interactions per customer,
    channel and grain, engagement per customer) are materialised on the backend once, read by
    every request that needs them (the same breakdown, period, filters and range), then
    released. The results are keyed by metric name.
    """
    names = [r.metric for r in requests]
    if len(set(names)) < len(names):
        raise InvalidInput(f"a suite computes each metric once, not {', '.join(names)}")
    memo = TableMemo()
    _current_rollups(tables)
    try:
        return {r.metric: compute(r, tables, memo=memo) for r in requests}
    finally:
        memo.release()


def _current_rollups(tables: Tables) -> None:
    """Let a Parquet warehouse's backend offer exactly the rollups that are fresh now."""
    sync = getattr(tables, SYNC_ROLLUPS, None)
    if callable(sync):
        sync()


def _keys(metric: Metric, q: Query) -> list[str]:
    base = [*q.by, *([PERIOD_KEY] if q.period and metric.periodic else [])]
    return list(dict.fromkeys([*base, *metric.extra_keys]))


def _result(metric: Metric, q: Query, frame: Any, min_n: int) -> MetricResult:
    keys = _keys(metric, q)
    label = q.period.name if q.period and metric.periodic else None
    shown = [label if k == PERIOD_KEY and label else k for k in keys]
    if "n" in frame.columns:
        frame = frame[frame["n"].fillna(0).astype("float64") > 0]
    if frame.empty:
        return MetricResult(
            metric.name,
            metric.title,
            metric.unit,
            tuple(shown),
            (),
            label,
            note=f"no data for {metric.name} in this range and these filters",
        )
    frame = frame.sort_values(keys, kind="stable").reset_index(drop=True)
    cols = {
        c: np.nan_to_num(frame[c].to_numpy(dtype="float64", na_value=np.nan))
        for c in STAT_COLUMNS
        if c in frame.columns
    }
    est = ESTIMATORS[metric.estimator](cols)
    labeler = _labeler(q.period or PERIODS["month"], metric)
    pairs = list(zip(keys, shown, strict=True))
    rows = [
        _row(
            metric,
            est,
            i,
            {s: labeler(k, frame[k].iloc[i]) for k, s in pairs},
            int(cols["n"][i]),
            min_n,
        )
        for i in range(len(frame))
    ]
    if label:
        rows = _with_changes(rows, [s for s in shown if s != label])
    return MetricResult(metric.name, metric.title, metric.unit, tuple(shown), tuple(rows), label)


def _labeler(period: Period, metric: Metric) -> Any:
    labelled = {PERIOD_KEY, *metric.period_keys}

    def label(key: str, value: Any) -> Any:
        if key in labelled:
            return period.label(int(value))
        if isinstance(value, np.generic):
            return value.item()
        return None if value is None or (isinstance(value, float) and np.isnan(value)) else value

    return label


def _row(
    metric: Metric, est: Estimate, i: int, keys: dict[str, Any], n: int, min_n: int
) -> MetricRow:
    value = finite(est.value[i])
    lower, upper, se = finite(est.lower[i]), finite(est.upper[i]), finite(est.se[i])
    bounds = metric.bounds if metric.bounds != (None, None) else BOUNDS.get(metric.estimator)
    lower, upper = _clip(lower, bounds), _clip(upper, bounds)
    warning = None
    if n < metric.anonymity:
        warning = f"suppressed: fewer than {metric.anonymity} respondents (anonymous survey)"
        return MetricRow(keys, None, None, None, n, warning, SUPPRESSED)
    if n < min_n:
        warning = f"n={n} is below the minimum sample size {min_n}"
    elif value is None:
        warning = "not defined: nothing to divide by"
    if warning:
        return MetricRow(keys, None, None, None, n, warning)
    flag = None
    if metric.name in FLAGS and value is not None and value > FLAGS[metric.name][0] + 1e-9:
        flag = FLAGS[metric.name][1]
    return MetricRow(keys, value, lower, upper, n, None, flag, se=se)


SUPPRESSED = "suppressed"
"""The flag of a group hidden to keep an anonymous survey anonymous."""


def _clip(x: float | None, bounds: tuple[float | None, float | None] | None) -> float | None:
    if x is None or bounds is None:
        return x
    lo, hi = bounds
    if x is None:
        return None
    if lo is not None and x < lo:
        return lo
    if hi is not None and x > hi:
        return hi
    return x


def _with_changes(rows: list[MetricRow], series_keys: list[str]) -> list[MetricRow]:
    """Add change and p-value against the previous row of the same series (rows are sorted)."""
    out: list[MetricRow] = []
    last: dict[tuple[Any, ...], MetricRow] = {}
    for row in rows:
        series = tuple(row.keys[k] for k in series_keys)
        prev = last.get(series)
        last[series] = row
        if prev is None or prev.value is None or row.value is None:
            out.append(row)
            continue
        cmp = z_test(prev.value, prev.se or float("nan"), row.value, row.se or float("nan"))
        out.append(_replace(row, change=finite(cmp.change), p_value=finite(cmp.p_value)))
    return out


def _replace(row: MetricRow, **changes: Any) -> MetricRow:
    from dataclasses import replace

    return replace(row, **changes)
