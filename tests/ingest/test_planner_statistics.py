"""An import that wrote many rows leaves the tables it wrote with planner statistics
(``ingest.service.statistics``): SQLite analyzes them once the import committed, PostgreSQL
queues ``ingest.analyze`` in the import's transaction and a worker runs it. A small import, a
table the import wrote a small share of, and an import rolled back force none."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from opencx.core import EventBus, FixedClock
from opencx.ingest.domain import Mapping
from opencx.ingest.jobs import jobs
from opencx.ingest.service import ImportOptions, ImportReport, IngestService
from opencx.ingest.service import statistics as planner
from opencx.jobs import Scheduler

WRITTEN = ["customers", "order_lines", "orders", "products"]


def orders_file(path: Path, n: int, *, first: int = 0, bad: int | None = None) -> Path:
    """``n`` orders of one line each, a customer each, over 3 SKUs (line ``bad`` a bad date)."""
    with path.open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(
            ["order_id", "customer", "placed_at", "currency", "sku", "quantity", "unit_price"]
        )
        for i in range(first, first + n):
            when = "not a date" if i == bad else f"2024-0{1 + i % 9}-1{i % 10}T10:00:00"
            out.writerow([f"O{i}", f"C{i}", when, "EUR", f"SKU{i % 3}", 1 + i % 4, "9.90"])
    return path


def imported(ingest: IngestService, path: Path) -> ImportReport:
    mapping = Mapping(source="shop", create_missing_customers=True)
    return ingest.import_file(ImportOptions(kind="orders", path=path, mapping=mapping))


def queued(engine: Engine) -> list[dict[str, Any]]:
    """The parameters of the ``ingest.analyze`` runs waiting for a worker."""
    with engine.connect() as conn:
        query = "SELECT params FROM job_runs WHERE job = :job AND status = 'pending'"
        rows = conn.execute(sa.text(query), {"job": planner.ANALYZE_JOB}).scalars().all()
    return [row if isinstance(row, dict) else json.loads(row) for row in rows]


def work(engine: Engine, ingest: IngestService, clock: FixedClock) -> int:
    """Run the waiting ``ingest.analyze`` runs as a worker does; how many ran."""
    job = [j for j in jobs(ingest) if j.name == planner.ANALYZE_JOB]
    scheduler, ran = Scheduler(engine, clock, job), 0
    while (outcome := scheduler.tick()) is not None:
        assert outcome.status == "succeeded", outcome.error
        ran += 1
    return ran


def analyzed(engine: Engine) -> dict[str, Any]:
    """What shows each canonical table was analyzed: on SQLite its ``sqlite_stat1`` rows (the
    first index's row count), on PostgreSQL its ``last_analyze``."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            if conn.exec_driver_sql(
                "SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'"
            ).first():
                rows = conn.exec_driver_sql("SELECT tbl, max(stat) FROM sqlite_stat1 GROUP BY tbl")
                return {t: s for t, s in rows.all() if t in WRITTEN}
            return {}
        rows = conn.exec_driver_sql(
            "SELECT relname, last_analyze FROM pg_stat_user_tables"
            " WHERE schemaname = current_schema() AND last_analyze IS NOT NULL"
        )
        return {t: at for t, at in rows.all() if t in WRITTEN}


def changed(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return sorted(t for t in after if before.get(t) != after[t])


@pytest.fixture
def since(engine: Engine) -> dict[str, Any]:
    """The statistics before the test (PostgreSQL's session database keeps earlier tests')."""
    return analyzed(engine)


def test_a_large_import_leaves_the_tables_it_wrote_analyzed(
    engine: Engine, ingest: IngestService, clock: FixedClock, tmp_path: Path, since: dict[str, Any]
) -> None:
    # 600 orders: 600 customers, 600 orders, 600 lines and 3 products, 1,803 rows in all
    report = imported(ingest, orders_file(tmp_path / "orders.csv", 600))
    assert report.status == "loaded"
    if engine.dialect.name == "sqlite":  # at once, after the commit
        assert changed(since, analyzed(engine)) == WRITTEN
        assert queued(engine) == []
        return
    assert queued(engine) == [{"tables": WRITTEN}]  # committed with the import
    assert changed(since, analyzed(engine)) == []  # nothing until a worker runs it
    assert work(engine, ingest, clock) == 1
    assert changed(since, analyzed(engine)) == WRITTEN
    with engine.connect() as conn:
        query = (
            "SELECT n_distinct FROM pg_stats WHERE schemaname = current_schema()"
            " AND tablename = 'orders' AND attname = 'customer_id'"
        )
        assert conn.exec_driver_sql(query).scalar_one() == -1  # each order its own customer


def test_a_small_import_forces_no_statistics(
    engine: Engine, ingest: IngestService, clock: FixedClock, tmp_path: Path, since: dict[str, Any]
) -> None:
    # 300 orders: 903 rows in all, under ANALYZE_FROM_ROWS although each table is new
    assert imported(ingest, orders_file(tmp_path / "orders.csv", 300)).status == "loaded"
    assert queued(engine) == []
    assert work(engine, ingest, clock) == 0
    assert changed(since, analyzed(engine)) == []


def test_a_table_written_a_small_share_of_keeps_its_statistics(
    engine: Engine,
    ingest: IngestService,
    clock: FixedClock,
    tmp_path: Path,
    since: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(planner, "ANALYZE_FROM_ROWS", 50)
    assert imported(ingest, orders_file(tmp_path / "a.csv", 300)).status == "loaded"
    work(engine, ingest, clock)
    first = analyzed(engine)
    assert changed(since, first) == WRITTEN
    # 20 orders more: 60 rows, each table written under a tenth of its rows (products none)
    assert imported(ingest, orders_file(tmp_path / "b.csv", 20, first=300)).status == "loaded"
    assert queued(engine) == []
    assert analyzed(engine) == first
    # 100 more: a fourth of customers, orders and lines; products untouched
    assert imported(ingest, orders_file(tmp_path / "c.csv", 100, first=320)).status == "loaded"
    if engine.dialect.name == "postgresql":
        assert queued(engine) == [{"tables": ["customers", "order_lines", "orders"]}]
        work(engine, ingest, clock)
    assert changed(first, analyzed(engine)) == ["customers", "order_lines", "orders"]


def test_an_import_rolled_back_forces_no_statistics(
    engine: Engine, ingest: IngestService, clock: FixedClock, tmp_path: Path, since: dict[str, Any]
) -> None:
    report = imported(ingest, orders_file(tmp_path / "orders.csv", 600, bad=599))
    assert report.status == "failed" and report.rows_loaded == 0
    assert queued(engine) == []
    assert changed(since, analyzed(engine)) == []


@pytest.mark.postgres
def test_the_job_waits_for_a_table_lock_at_most_its_limit(
    pg_clean: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A conflicting lock (a running import rebuilding the table's keys) makes the run fail
    after ``LOCK_WAIT``, to be retried, instead of holding the worker for the import's time."""
    monkeypatch.setattr(planner, "LOCK_WAIT", "50ms")
    with pg_clean.connect() as holder:
        holder.exec_driver_sql("LOCK TABLE orders IN SHARE UPDATE EXCLUSIVE MODE")
        with pytest.raises(sa.exc.OperationalError, match="lock timeout"):
            planner.analyze_job(pg_clean, ["orders"])
        holder.rollback()
    assert planner.analyze_job(pg_clean, ["orders"]) == "analyzed orders"


def test_an_analyze_that_fails_leaves_the_committed_import_loaded(
    sqlite_engine: Engine, clock: FixedClock, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite analyzes after the commit: a store locked by another writer past the busy
    timeout is said in the log, not as the import's failure."""

    def locked(conn: Any, tables: list[str]) -> None:
        raise sa.exc.OperationalError("ANALYZE", {}, Exception("database is locked"))

    monkeypatch.setattr(planner.statistics, "analyze_tables", locked)
    ingest = IngestService(sqlite_engine, EventBus(), clock)
    assert imported(ingest, orders_file(tmp_path / "orders.csv", 600)).status == "loaded"
    with sqlite_engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM order_lines").scalar_one() == 600
