"""Planner statistics after an import: the reads that follow a large import, on its tables
without statistics (the peer: what every import left before, and all a server without
autovacuum has until something runs ``ANALYZE``) and with the statistics the import now leaves.

Per store (``--stores``), in one run:

1. bench/import.py's file (``--lines``, 500,000 order lines) imported into a fresh store, timed
   as bench/import.py times it (``IngestService.import_file``); printed beside it: what the
   import spent finding the tables it wrote and, on SQLite, on its ``ANALYZE`` (inside that
   figure); the statistics the tables hold afterwards;
2. a copy of the store without statistics: PostgreSQL ``CREATE DATABASE ... TEMPLATE``, taken
   before the ``ingest.analyze`` run the import queued is executed; SQLite a copy of the file
   with ``sqlite_stat1`` emptied;
3. PostgreSQL: that run executed by a scheduler with the ingest jobs, as a worker does, timed
   (its ``ANALYZE``s, against the import's time);
4. the reads, on both stores, which one goes first alternating: the metric suite
   (bench/metrics.py's 15 metrics, monthly, on the store), the dashboard's overview tiles,
   ``models fit clv``, ``models fit rfm``, 20 customers' 360 view (profile and timeline). Each
   PostgreSQL statement stops after ``--timeout`` seconds (``statement_timeout``): a read
   stopped is printed as "> N s".

Usage: ``flock /work/wt/bench.lock .venv/bin/python bench/planner_statistics.py [--lines N]
[--stores sqlite,postgresql] [--timeout 120]``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Callable
from importlib import import_module
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).parent))
_bench_import = import_module("import")  # bench/import.py: its file, fresh and dropped databases

SUITE = import_module("metrics").SUITE  # bench/metrics.py: the suite it times against pandas
READS = ("suite", "overview", "fit clv", "fit rfm", "360 x 20")


class Spent:
    """Seconds spent in some functions of a module, while the import runs."""

    def __init__(self, module: Any, names: tuple[str, ...]) -> None:
        self.seconds = dict.fromkeys(names, 0.0)
        for name in names:
            setattr(module, name, self._timed(name, getattr(module, name)))

    def _timed(self, name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[name] += time.perf_counter() - start

        return timed


def statistics_held(url: str) -> str:
    """Per canonical table the import writes: columns with statistics (PostgreSQL), or the
    indexes in ``sqlite_stat1``."""
    engine = sa.create_engine(url)
    tables = ("customers", "products", "orders", "order_lines")
    with engine.connect() as conn:
        if url.startswith("sqlite"):
            if conn.exec_driver_sql(
                "SELECT 1 FROM sqlite_master WHERE name='sqlite_stat1'"
            ).first():
                rows = conn.exec_driver_sql("SELECT tbl, count(*) FROM sqlite_stat1 GROUP BY tbl")
                held = dict(rows.all())
            else:
                held = {}
            unit = "indexes in sqlite_stat1"
        else:
            rows = conn.exec_driver_sql(
                "SELECT tablename, count(*) FROM pg_stats WHERE schemaname = current_schema()"
                " GROUP BY tablename"
            )
            held, unit = dict(rows.all()), "columns in pg_stats"
    engine.dispose()
    return f"{unit}: " + ", ".join(f"{t} {held.get(t, 0)}" for t in tables)


def reads(url: str) -> dict[str, Callable[[], object]]:
    from opencx.app import build
    from opencx.metrics.domain.computation import compute_suite
    from opencx.metrics.domain.request import MetricRequest
    from opencx.settings import Settings

    services = build(
        Settings(database_url=url, secret_key="bench-" + "k" * 40, crypto_shredding=False)
    )
    with services.engine.connect() as conn:
        query = "SELECT id FROM customers ORDER BY external_id LIMIT 20"
        ids = [str(row[0]) for row in conn.exec_driver_sql(query)]

    def suite() -> None:
        with services.metrics.tables() as con:
            compute_suite([MetricRequest(n, period="month") for n in SUITE], con)

    def views() -> None:
        for customer in ids:
            services.customers.show(customer)
            services.customers.timeline(customer)

    # what the first read of a process pays once (Ibis, the models' code, connections): not
    # a read's own time
    services.metrics.currencies()
    services.modeling.specs()
    services.customers.show(ids[0])
    return {
        "suite": suite,
        "overview": services.metrics.overview,
        "fit clv": lambda: services.modeling.fit("clv"),
        "fit rfm": lambda: services.modeling.fit("rfm"),
        "360 x 20": views,
    }


def ratio(bare: str, stats: str) -> str:
    """``bare`` / ``stats`` (a lower bound when the read without statistics was stopped)."""
    a, b = float(bare.strip("> s")), float(stats.strip("> s"))
    return f"{'> ' if bare.startswith('>') else ''}{a / b:.1f}x"


def timed(read: Callable[[], object], timeout: float) -> str:
    start = time.perf_counter()
    try:
        read()
    except Exception as exc:  # a statement stopped by statement_timeout, through any layer
        if "statement timeout" not in str(exc):
            raise
        return f"> {timeout:.0f} s"
    return f"{time.perf_counter() - start:.2f} s"


def import_and_copy(
    store: str, csv: Path, folder: Path, timeout: float
) -> tuple[str, str, list[str], float]:
    """Import ``csv`` into a fresh store; its URL, a URL of the copy without statistics, the
    PostgreSQL databases to drop and the import's seconds."""
    from opencx.ingest.service import statistics

    spent = Spent(statistics, ("mark", "analyze_after", "analyze_now"))
    if store == "postgresql":
        name, url = _bench_import.fresh_postgres()
        elapsed, lines = _bench_import.opencx_import(url, csv)
        copy = f"{name}_bare"
        admin = sa.create_engine(_bench_import.PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{copy}" TEMPLATE "{name}"')
            for db in (name, copy):
                conn.exec_driver_sql(
                    f"ALTER DATABASE \"{db}\" SET statement_timeout = '{timeout:.0f}s'"
                )
        admin.dispose()
        bare = url.rsplit("/", 1)[0] + f"/{copy}"
        dropped = [name, copy]
    else:
        url, bare = f"sqlite:///{folder / 'stats.db'}", f"sqlite:///{folder / 'bare.db'}"
        elapsed, lines = _bench_import.opencx_import(url, csv)
        shutil.copy(folder / "stats.db", folder / "bare.db")
        with sqlite3.connect(folder / "bare.db") as db:
            db.execute("DELETE FROM sqlite_stat1")
        dropped = []
    seconds = spent.seconds
    found = seconds["mark"] + seconds["analyze_after"]
    analyzed = seconds["analyze_now"]
    print(
        f"import of {lines:,} lines {elapsed:.2f} s; of which finding the tables written "
        f"{found:.3f} s, "
        + (
            f"ANALYZE {analyzed:.3f} s ({100 * analyzed / elapsed:.1f} %)"
            if store == "sqlite"
            else "ANALYZE queued as a job"
        )
        + f"; load {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    print(f"  after the import: {statistics_held(url)}", flush=True)
    return url, bare, dropped, elapsed


def run_queued_analyze(url: str, import_seconds: float) -> None:
    from opencx.core import EventBus, SystemClock
    from opencx.db import create_engine_from_url
    from opencx.ingest.jobs import jobs
    from opencx.ingest.service import IngestService
    from opencx.ingest.service.statistics import ANALYZE_JOB
    from opencx.jobs import Scheduler

    engine = create_engine_from_url(url)
    service = IngestService(engine, EventBus(), SystemClock())
    job = next(j for j in jobs(service) if j.name == ANALYZE_JOB)
    scheduler = Scheduler(engine, SystemClock(), [job])
    start = time.perf_counter()
    outcome = scheduler.tick()
    elapsed = time.perf_counter() - start
    engine.dispose()
    assert outcome is not None and outcome.status == "succeeded", outcome
    print(
        f"  the queued {ANALYZE_JOB} run: {elapsed:.2f} s ({outcome.result}), "
        f"{100 * elapsed / import_seconds:.1f} % of the import's time",
        flush=True,
    )
    print(f"  after it: {statistics_held(url)}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=500_000)
    parser.add_argument("--stores", default="sqlite,postgresql")
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        csv = folder / "orders.csv"
        _bench_import.generate(csv, args.lines)
        for store in args.stores.split(","):
            label = "SQLite" if store == "sqlite" else "PostgreSQL"
            print(f"== {label}", flush=True)
            url, bare, dropped, seconds = import_and_copy(store, csv, folder, args.timeout)
            try:
                if store == "postgresql":
                    run_queued_analyze(url, seconds)
                with_stats, without = reads(url), reads(bare)
                print(f"{'read':<10} {'no statistics':>14} {'statistics':>11}  ratio", flush=True)
                for i, name in enumerate(READS):
                    both = [("bare", without[name]), ("stats", with_stats[name])]
                    if i % 2:
                        both.reverse()  # the second run finds the first's pages cached
                    took = {key: timed(read, args.timeout) for key, read in both}
                    print(
                        f"{name:<10} {took['bare']:>14} {took['stats']:>11}  "
                        f"{ratio(took['bare'], took['stats'])}   load {os.getloadavg()[0]:.1f}",
                        flush=True,
                    )
            finally:
                for name in dropped:
                    _bench_import.drop_postgres(name)


if __name__ == "__main__":
    main()
