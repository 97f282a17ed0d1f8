"""Metrics use cases: compute on the store or the warehouse, overview tiles, targets, alerts."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlsplit

from sqlalchemy.engine import Engine

from opencx.core.clock import Clock, SystemClock
from opencx.core.errors import InvalidInput, NotFound
from opencx.metrics.domain.request import MetricRequest
from opencx.metrics.domain.result import MetricResult, MetricRow
from opencx.metrics.domain.targets import (
    Move,
    Target,
    TargetStatus,
    significance,
    significant_moves,
    target_status,
)
from opencx.metrics.store import targets as store
from opencx.outbox.service import enqueue

if TYPE_CHECKING:  # the definitions and backends (Ibis) are imported by the methods that
    # compute: every CLI command builds this service, few of them compute (tests/contracts)
    from ibis.backends import BaseBackend

    from opencx.metrics.domain.metric import Metric
    from opencx.metrics.store import warehouse

OVERVIEW = (
    "nps",
    "csat",
    "ces",
    "response_rate",
    "repeat_purchase_rate",
    "churn_rate",
    "average_order_value",
    "return_rate",
    "touchpoints",
    "loyalty_index",
    "nrr",
    "enps",
)


def _request_key(request: MetricRequest) -> tuple[Any, ...]:
    """``request`` as a value to look a kept result up by (its filters and params are dicts)."""
    return (
        request.metric,
        request.by,
        request.period,
        request.start,
        request.end,
        tuple(sorted(request.filters.items())),
        tuple(sorted(request.params.items())),
        request.min_n,
    )


@dataclass(frozen=True, slots=True)
class Tile:
    """One KPI tile: the latest period's value, its interval, the trend and the target status."""

    result: MetricResult
    latest: MetricRow | None
    trend: list[tuple[str, float | None]]
    status: TargetStatus | None


class MetricsService:
    """Computes metrics where the data lives: ``warehouse_url`` if set, else the store.

    On the store, a result is kept for :attr:`RESULTS_TTL` seconds while the store's
    :func:`~opencx.metrics.store.versions.data_version` stays the same (the dashboards ask for the
    same figures again and again: 4 to 6 s for the overview of the 20,000-customer demo on
    SQLite): a row added or removed anywhere the metrics read makes the next request compute
    afresh, a row changed in place is seen within the TTL."""

    RESULTS_TTL = 300.0
    RESULTS_KEPT = 512

    def __init__(
        self,
        engine: Engine,
        *,
        clock: Clock | None = None,
        warehouse_url: str | None = None,
        threads: int = 2,
    ) -> None:
        self.engine = engine
        self.clock = clock or SystemClock()
        self.warehouse_url = warehouse_url
        self.threads = threads
        self._kept: OrderedDict[Any, tuple[float, MetricResult]] = OrderedDict()
        self._lock = threading.Lock()
        self._present: frozenset[str] | None = None

    @contextmanager
    def tables(self) -> Iterator[BaseBackend]:
        """An Ibis backend over the canonical tables, closed afterwards."""
        from opencx.metrics.store.backends import connect

        url = self.warehouse_url or self.engine.url.render_as_string(hide_password=False)
        con = connect(url, threads=self.threads)
        try:
            yield con
        finally:
            if not url.startswith("pyspark"):
                con.disconnect()

    def compute(self, request: MetricRequest) -> MetricResult:
        """``request`` computed where the data lives (or kept from a moment ago)."""
        from opencx.metrics.domain.registry import metric_named

        metric_named(request.metric)
        return self.results([request])[0]

    def results(self, requests: Sequence[MetricRequest]) -> list[MetricResult]:
        """The result of each of ``requests`` (one per metric), in order; those not kept are
        computed together as a suite (sharing their intermediate tables)."""
        from opencx.metrics.domain.computation import compute, compute_suite

        version = self._version()
        now = time.monotonic()
        keys = [(_request_key(r), version) for r in requests]
        found: dict[Any, MetricResult] = {}
        with self._lock:
            for key in keys:
                kept = self._kept.get(key)
                if kept is not None and now - kept[0] < self.RESULTS_TTL:
                    found[key] = kept[1]
        missing = [(k, r) for k, r in zip(keys, requests, strict=True) if k not in found]
        if missing:
            with self.tables() as con:
                if len(missing) == 1:
                    fresh = {missing[0][0]: compute(missing[0][1], con)}
                else:
                    by_name = compute_suite([r for _, r in missing], con)
                    fresh = {k: by_name[r.metric] for k, r in missing}
            found.update(fresh)
            if version is not None:
                with self._lock:
                    for key, result in fresh.items():
                        self._kept[key] = (now, result)
                        self._kept.move_to_end(key)
                    while len(self._kept) > self.RESULTS_KEPT:
                        self._kept.popitem(last=False)
        return [found[k] for k in keys]

    def _version(self) -> tuple[Any, ...] | None:
        """What the kept results are valid for: the store's data version and the UTC day (a
        request without an end reads up to now); None on a warehouse (nothing is kept)."""
        if self.warehouse_url:
            return None
        from opencx.metrics.store.versions import data_version, present_tables

        with self.engine.connect() as conn:
            if self._present is None:  # the schema is the migrations': read once a service
                self._present = present_tables(conn)
            return (self.clock.now().date(), *data_version(conn, self._present))

    # --- rollups of a Parquet warehouse ---------------------------------------------------------
    def rollups(self) -> list[warehouse.RollupState]:
        """Each rollup of the Parquet warehouse: fresh, stale or missing, and why."""
        from opencx.metrics.store import warehouse

        return warehouse.states(self._parquet_folder())

    def refresh_rollups(
        self, names: Sequence[str] | None = None, *, full: bool = False
    ) -> list[warehouse.RollupState]:
        """Bring the warehouse's rollups (all, or ``names``) up to date with its tables: keep,
        append the rows of added files, or rebuild (always, with ``full``)."""
        from opencx.metrics.store import warehouse
        from opencx.metrics.store.backends import parquet_connection

        folder = self._parquet_folder()
        con = parquet_connection(folder, threads=self.threads, rollups=False)
        try:
            return warehouse.refresh(con, folder, names or None, full=full)
        finally:
            con.disconnect()

    def _parquet_folder(self) -> Path:
        url = self.warehouse_url or ""
        if not url.startswith(("parquet://", "pyspark://")):
            where = url.split("://")[0] + " warehouse" if url else "operational database"
            raise InvalidInput(
                "rollups are kept for a Parquet warehouse (OPENCX_WAREHOUSE_URL="
                f"parquet:///folder or pyspark:///folder); metrics here read the {where} directly"
            )
        folder = Path(unquote(urlsplit(url).path))
        if not folder.is_dir():
            raise InvalidInput(f"parquet warehouse {folder} is not a folder")
        return folder

    def currencies(self) -> tuple[str, ...]:
        """The currency codes of the orders, as pages show a money metric's unit."""
        from opencx.metrics.domain.frames import table

        with self.tables() as con:
            orders = table(con, "orders")
            found = orders.select("currency").distinct().limit(20).to_pyarrow()
        return tuple(sorted({str(c) for c in found.column("currency").to_pylist() if c}))

    def catalogue(self) -> list[Metric]:
        """Every metric, in the registry's order."""
        from opencx.metrics.domain.registry import METRICS

        return list(METRICS.values())

    # --- overview ----------------------------------------------------------------------------
    def overview(self, period: str = "month", names: Sequence[str] = OVERVIEW) -> list[Tile]:
        targets = self.targets()
        now = self.clock.now()
        tiles = []
        for result in self.results([MetricRequest(n, period=period) for n in names]):
            valued = [r for r in result.rows if r.value is not None]
            trend = [(str(r.keys[result.period or ""]), r.value) for r in result.rows]
            target = next((t for t in targets if t.metric == result.metric), None)
            status = target_status(target, result, now) if target else None
            tiles.append(Tile(result, valued[-1] if valued else None, trend, status))
        return tiles

    # --- targets and alerts ------------------------------------------------------------------
    def set_target(self, target: Target) -> Target:
        from opencx.metrics.domain.periods import period_named
        from opencx.metrics.domain.registry import metric_named

        metric_named(target.metric)
        period_named(target.period)
        with self.engine.begin() as conn:
            return store.save_target(conn, target, self.clock.now())

    def targets(self) -> list[Target]:
        with self.engine.connect() as conn:
            return store.targets(conn)

    def delete_target(self, target_id: str) -> None:
        with self.engine.begin() as conn:
            if not store.delete_target(conn, target_id):
                raise NotFound(f"no metric target {target_id!r}")

    def statuses(self) -> list[TargetStatus]:
        from opencx.metrics.domain.computation import compute

        now = self.clock.now()
        out = []
        with self.tables() as con:
            for t in self.targets():
                result = compute(_request(t), con)
                out.append(target_status(t, result, now))
        return out

    def check_alerts(self, *, alpha: float = 0.05) -> list[tuple[Target, Move, str]]:
        """Significant adverse moves between the last two complete periods → outbox emails.

        The current, incomplete period is left out. Each alert's dedupe key names the target,
        the period and the series, so running the check again sends nothing twice.
        """
        from opencx.metrics.domain.computation import compute
        from opencx.metrics.domain.periods import PERIODS
        from opencx.metrics.domain.registry import METRICS

        significance(alpha)  # before any metric is computed
        now = self.clock.now()
        found: list[tuple[Target, Move]] = []
        with self.tables() as con:
            for t in self.targets():
                period = PERIODS[t.period]
                end = period.start(period.index_at(now))
                result = compute(replace(_request(t), end=end), con)
                metric = METRICS[t.metric]
                moves = significant_moves(
                    result, higher_is_better=metric.higher_is_better, alpha=alpha
                )
                found.extend((t, m) for m in moves)
        sent = []
        with self.engine.begin() as conn:
            for t, move in found:
                series = ",".join(f"{k}={v}" for k, v in move.keys.items())
                key = f"metric-alert:{t.id}:{move.period}:{series}"
                mid = enqueue(conn, kind="email", dedupe_key=key, payload=_email(t, move), now=now)
                sent.append((t, move, mid))
        return sent


def _request(target: Target) -> MetricRequest:
    """What a target watches: its metric per its period, on the rows its filters keep."""
    return MetricRequest(target.metric, period=target.period, filters=target.filters)


def _email(target: Target, move: Move) -> dict[str, Any]:
    from opencx.metrics.domain.registry import METRICS

    metric = METRICS[move.metric]
    where = ", ".join(f"{k} {v}" for k, v in move.keys.items()) or "all customers"
    verb = "rose" if move.change > 0 else "dropped"
    before, after = move.before.value or 0.0, move.after.value or 0.0
    text = (
        f"{metric.title} {verb} from {before:.1f} to {after:.1f} {metric.unit} in {move.period} "
        f"({where}); change {move.change:+.1f}, p = {move.p_value:.3f}, "
        f"n = {move.before.n} then {move.after.n}.\n"
        f"Target: {metric.name} {target.comparator} {target.value:g}."
    )
    return {
        "to": target.owner_email,
        "subject": f"OpenCX alert: {metric.title} {verb} significantly ({move.period})",
        "text": text,
    }
