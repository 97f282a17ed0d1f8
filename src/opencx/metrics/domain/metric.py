"""What a metric is: a named Ibis function from frames to sufficient statistics, plus an estimator.

A metric's Ibis expression aggregates only counts and sums (n, Σx, Σx², successes ...), which every
backend computes alike; the value, its interval and tests are then computed from those sums in
:mod:`opencx.metrics.domain.statistics`. That keeps each definition backend-neutral and lets
a billion-row scan feed a few rows of statistics.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import ibis.expr.types as ir

from opencx.core.errors import InvalidInput
from opencx.metrics.domain import statistics as st
from opencx.metrics.domain.frames import (
    FRAME_DIMENSIONS,
    FRAMES,
    Tables,
    customer_dimensions,
    is_attribute,
    is_customer_dimension,
    table,
    with_dimensions,
    with_filters,
)
from opencx.metrics.domain.periods import SECONDS_PER_DAY, Period

PERIOD_KEY = "period"
SYNC_ROLLUPS = "opencx_sync_rollups"
"""Attribute of a backend over a Parquet warehouse: a function that offers exactly the rollups
fresh at the time of the call (see :mod:`opencx.metrics.store.backends`)."""


@dataclass(frozen=True, slots=True)
class Query:
    """What to compute: breakdown columns, period unit, filters, time range [start, end)."""

    by: tuple[str, ...] = ()
    period: Period | None = None
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    start: datetime | None = None
    end: datetime | None = None
    params: Mapping[str, float] = field(default_factory=dict)

    @property
    def keys(self) -> list[str]:
        """Group keys of the statistics table: breakdown columns, then the period index."""
        return [*self.by, *([PERIOD_KEY] if self.period else [])]


Memo = Callable[[tuple[object, ...], Callable[[], ir.Table]], ir.Table]
"""Shares an intermediate table between metrics of one suite run: (key, build) -> table."""


@dataclass(frozen=True, slots=True)
class Link:
    """``child.column`` references ``parent.key`` in a rollup's build.

    ``grouped``: the build sums a parent's children together (per order, its lines' units and
    their squares), so a child added to an earlier parent changes that parent's sums. Otherwise
    the parent is looked up per child row (a line's product), which any child may reference.
    """

    child: str
    column: str
    parent: str
    key: str = "id"
    grouped: bool = True


@dataclass(frozen=True, slots=True)
class Rollup:
    """A canonical table summed per UTC ``day``, which metrics read in place of its raw rows.

    ``build`` makes it from the canonical tables (``opencx metrics refresh`` writes it); its
    rows hold only sums and counts (and nothing a later sum cannot combine), grouped by ``day``
    and ``columns``. Where the tables offer it as ``rollup_<name>``, a metric whose breakdowns
    and filters are among ``columns`` (or are customer attributes, when ``customer_id`` is one
    of them) and whose time range is whole UTC days reads it and gets the same sums as from
    the raw rows. ``sources`` are the canonical tables it is built from: a rollup is fresh
    while they are unchanged. ``facts`` are the sources whose rows only ever arrive, never
    change, and over whose union ``build`` distributes (inner joins, filters, sums per group):
    rows added to them are rolled up on their own and appended. ``links`` serve sources that
    the build joins and groups (orders and their lines): rows added to them are rolled up alone
    (with the other sources whole) when a semi-join across every link proves that no added row
    joins an earlier one (no added line of an earlier order, no earlier line of an added order
    or product); otherwise the rollup is rebuilt.
    """

    name: str
    sources: tuple[str, ...]
    columns: tuple[str, ...]
    build: Callable[[Tables], ir.Table]
    facts: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()

    @property
    def table(self) -> str:
        return f"rollup_{self.name}"

    def serves(self, q: Query) -> bool:
        """Whether ``q`` can read this rollup: known columns, a range of whole UTC days."""
        if any(t is not None and t.timestamp() % SECONDS_PER_DAY for t in (q.start, q.end)):
            return False
        per_customer = "customer_id" in self.columns
        return all(
            name in self.columns or (per_customer and is_customer_dimension(name))
            for name in (*q.by, *q.filters)
        )


class Sources:
    """Frames for one query: dimensions joined and filters applied, built lazily, never executed.

    With a ``memo`` (see :func:`opencx.metrics.compute_suite`), frames and shared intermediate
    tables are built once per suite and reused by every metric that needs them.
    """

    def __init__(self, tables: Tables, query: Query, memo: Memo | None = None) -> None:
        self.tables = tables
        self.query = query
        self.memo = memo

    def frame(self, name: str, extra: tuple[str, ...] = ()) -> ir.Table:
        """Frame ``name`` with the query's breakdown columns joined and its filters applied."""
        q = self.query
        frame = FRAMES[name](self.tables)
        frame = with_dimensions(frame, self.tables, [*q.by, *q.filters, *extra])
        return with_filters(frame, q.filters)

    def rollup(self, r: Rollup, q: Query | None = None) -> ir.Table | None:
        """Rollup ``r`` cut to the range of ``q`` (default: the query), with breakdown columns
        joined and filters applied; ``None`` when the tables do not offer it or it cannot
        serve the query (the metric then reads the raw rows)."""
        q = q or self.query
        if not r.serves(q):
            return None
        try:
            t = table(self.tables, r.table)
        except InvalidInput:
            return None
        if q.start is not None:
            t = t.filter(t.day >= int(q.start.timestamp()) // SECONDS_PER_DAY)
        if q.end is not None:
            t = t.filter(t.day < int(q.end.timestamp()) // SECONDS_PER_DAY)
        t = with_dimensions(t, self.tables, [*q.by, *q.filters])
        return with_filters(t, q.filters)

    def shared(self, key: tuple[object, ...], build: Callable[[], ir.Table]) -> ir.Table:
        """``build()``, or the suite's shared copy of it (the key is completed with the query)."""
        if self.memo is None:
            return build()
        q = self.query
        scope = (
            q.by,
            q.period.name if q.period else None,
            repr(sorted(q.filters.items())),
            q.start,
            q.end,
        )
        return self.memo((*key, *scope), build)


def in_range(frame: ir.Table, q: Query, column: str = "at") -> ir.Table:
    """Rows whose ``column`` lies in [start, end) (compared as epoch seconds, portable)."""
    secs = frame[column].epoch_seconds()
    if q.start is not None:
        frame = frame.filter(secs >= int(q.start.timestamp()))
    if q.end is not None:
        frame = frame.filter(secs < int(q.end.timestamp()))
    return frame


def bucket(frame: ir.Table, q: Query, column: str = "at") -> ir.Table:
    """Rows in the time range, with a ``period`` index column when the query has a period."""
    frame = in_range(frame, q, column)
    if q.period is None:
        return frame
    return frame.mutate(**{PERIOD_KEY: q.period.index(frame[column])})


def by_day(rollup: ir.Table, q: Query) -> ir.Table:
    """A rollup's rows with the query's period index, computed from their ``day``."""
    if q.period is None:
        return rollup
    return rollup.mutate(**{PERIOD_KEY: q.period.index_of_days(rollup.day)})


def count_if(cond: ir.BooleanValue) -> ir.IntegerScalar:
    return cond.ifelse(1, 0).sum()


def mean_stats(values: ir.NumericColumn) -> dict[str, ir.Scalar]:
    """n, Σx, Σx² of a numeric column (for :func:`statistics.t_mean`)."""
    x = values.cast("float64")
    return {"n": x.count(), "s": x.sum(), "ss": (x * x).sum()}


def ratio_stats(y: ir.NumericColumn, x: ir.NumericColumn) -> dict[str, ir.Scalar]:
    """n and the sums a delta-method ratio interval needs (for :func:`statistics.ratio`)."""
    yf, xf = y.cast("float64"), x.cast("float64")
    return {
        "n": xf.count(),
        "sy": yf.sum(),
        "sx": xf.sum(),
        "syy": (yf * yf).sum(),
        "sxx": (xf * xf).sum(),
        "sxy": (xf * yf).sum(),
    }


Stats = Callable[[Sources, Query], ir.Table]
Columns = Mapping[str, Any]

ESTIMATORS: dict[str, Callable[[Columns], st.Estimate]] = {
    "nps": lambda c: st.nps_adjusted_wald(c["n"], c["promoters"], c["detractors"]),
    "proportion": lambda c: st.wilson(c["n"], c["k"]),
    "mean": lambda c: st.t_mean(c["n"], c["s"], c["ss"]),
    "index": lambda c: st.t_mean(c["n"], c["s"], c["ss"]),
    "ratio": lambda c: st.ratio(c["n"], c["sy"], c["sx"], c["syy"], c["sxx"], c["sxy"], 100.0),
    "point": lambda c: st.point(c["n"], c["num"], c["den"], 100.0),
}
"""Estimator name → function from the statistics columns to an :class:`Estimate`."""


@dataclass(frozen=True, slots=True)
class Metric:
    """One CX metric: its Ibis statistics function, estimator, unit and documentation."""

    name: str
    title: str
    frame: str
    stats: Stats
    estimator: str
    unit: str
    definition: str
    reference: str = ""
    higher_is_better: bool = True
    min_n: int = 30
    periodic: bool = True
    default_period: str | None = None
    bounds: tuple[float | None, float | None] = (None, None)
    period_keys: tuple[str, ...] = ()
    extra_keys: tuple[str, ...] = ()
    params: Mapping[str, float] = field(default_factory=dict)
    anonymity: int = 0
    """Anonymous by design: a group of fewer respondents than this is never shown, whatever
    minimum sample size a request asks for (employee surveys: 5)."""
    dimensions: tuple[str, ...] = ()
    """What the metric is broken down and filtered by (besides ``attributes.<key>``); by
    default its frame's columns of :data:`FRAME_DIMENSIONS` and the customer's."""

    def __post_init__(self) -> None:
        if not self.dimensions:
            own = FRAME_DIMENSIONS[self.frame]
            both = dict.fromkeys((*own, *customer_dimensions()))
            object.__setattr__(self, "dimensions", tuple(both))

    @property
    def breakdowns(self) -> tuple[str, ...]:
        """The dimensions worth offering as a breakdown: those every row does not carry already."""
        return tuple(d for d in self.dimensions if d not in self.extra_keys)

    def check_dimensions(self, names: Iterable[str]) -> None:
        """Refuse a breakdown or filter the metric does not support, naming those it does."""
        for name in names:
            if name not in self.dimensions and not is_attribute(name):
                raise InvalidInput(
                    f"unknown breakdown or filter {name!r} for {self.name}; known: "
                    f"{', '.join(self.dimensions)}, attributes.<key> (a key of the customer's "
                    "attributes)"
                )

    def expression(self, tables: Tables, query: Query, memo: Memo | None = None) -> ir.Table:
        """The statistics table for ``query`` as an Ibis expression (nothing is executed)."""
        params = {**self.params, **query.params}
        q = Query(query.by, query.period, query.filters, query.start, query.end, params)
        return self.stats(Sources(tables, q, memo), q)
