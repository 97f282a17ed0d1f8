"""Linking an import's listed return lines (``store.link_listed_returns``) at scale.

Generates an orders CSV of ``--returns`` one-line orders and as many one-line returns, each
naming its order (``returns_order``), then:

1. SQLite: imports it into a fresh file (the chunk-by-chunk writer lists the returns and links
   them at the end) and prints the time spent in ``link_listed_returns``;
2. PostgreSQL: imports the same lines, R<i> as plain orders, into a fresh database (its
   files are copied and linked by ``link_copied_returns``, not timed here), then calls
   ``link_listed_returns`` with the return lines listed, naming their orders, as the event API
   lists them, in a transaction rolled back, and prints the time it takes to list them in its
   temporary table (the linking statements after that are not run: on freshly loaded tables
   PostgreSQL plans the status update over 10,000 of them for minutes).

Usage: ``OMP_NUM_THREADS=1 .venv/bin/python bench/return_links.py [--returns N]
[--stores sqlite,postgresql]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from importlib import import_module
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv

sys.path.insert(0, str(Path(__file__).parent))
_bench_import = import_module("import")  # bench/import.py: fresh and dropped databases


def generate(path: Path, returns: int, *, naming: bool = True) -> None:
    """``returns`` orders O<i> of one line and ``returns`` returns R<i> of O<i>'s line, each
    naming O<i> in ``returns_order``; without ``naming``, R<i> are plain orders of one line."""
    n = returns
    ids = [str(i) for i in range(n)]
    skus = [f"S{i % 500}" for i in range(n)]
    customers = [f"C{i % 20_000}" for i in range(n)]
    table = pa.table(
        {
            "order_id": [f"O{i}" for i in ids] + [f"R{i}" for i in ids],
            "customer": customers + customers,
            "placed_at": ["2024-01-02 10:00:00"] * n + ["2024-02-02 10:00:00"] * n,
            "currency": ["EUR"] * (2 * n),
            "sku": skus + skus,
            "quantity": [1] * n + [-1 if naming else 1] * n,
            "unit_price": ["3.50"] * (2 * n),
            "returns_order": [None] * n + ([f"O{i}" for i in ids] if naming else [None] * n),
        }
    )
    pacsv.write_csv(table, path)


def listed(returns: int) -> pa.Table:
    """The return lines as the writers list them (``store.return_links.RETURN_COLUMNS``)."""
    n = returns
    return pa.table(
        {
            "order_id": pa.array([f"R{i}" for i in range(n)], pa.string()),
            "line_no": pa.array([1] * n, pa.int32()),
            "sku": pa.array([f"S{i % 500}" for i in range(n)], pa.string()),
            "returns_order": pa.array([f"O{i}" for i in range(n)], pa.string()),
            "prev_order": pa.nulls(n, pa.string()),
            "prev_line": pa.nulls(n, pa.int32()),
        }
    )


def service(url: str) -> Any:
    from opencx.core import EventBus, SystemClock
    from opencx.db import create_engine_from_url, migrate
    from opencx.ingest.service import IngestService

    migrate(url)
    return IngestService(create_engine_from_url(url), EventBus(), SystemClock())


def import_file(ingest: Any, path: Path) -> Any:
    from opencx.ingest.domain import Mapping
    from opencx.ingest.service import ImportOptions

    mapping = Mapping(create_missing_customers=True)
    report = ingest.import_file(ImportOptions(kind="orders", path=path, mapping=mapping))
    assert report.status == "loaded", report.problems[:3]
    return report


def sqlite(path: Path, folder: Path) -> None:
    from opencx.ingest import store

    timed: list[float] = []
    link = store.link_listed_returns

    def timing(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return link(*args, **kwargs)
        finally:
            timed.append(time.perf_counter() - start)

    store.link_listed_returns = timing  # type: ignore[assignment]
    try:
        ingest = service(f"sqlite:///{folder / 'store.db'}")
        start = time.perf_counter()
        report = import_file(ingest, path)
        elapsed = time.perf_counter() - start
    finally:
        store.link_listed_returns = link  # type: ignore[assignment]
    linked = report.counts.get("returns_linked", 0)
    print(
        f"SQLite      link_listed_returns {sum(timed):.3f} s ({linked} linked) "
        f"in an import of {elapsed:.2f} s",
        flush=True,
    )


def postgres(path: Path, returns: int) -> None:
    from opencx.ingest import store
    from opencx.ingest.store import return_links

    name, url = _bench_import.fresh_postgres()
    try:
        ingest = service(url)
        report = import_file(ingest, path)
        data = listed(returns)
        link = return_links._link_listed

        def listed_only(conn: Any, source: str, *, by_customer: bool) -> Any:
            (count,) = conn.exec_driver_sql(f"SELECT count(*) FROM {return_links.RETURNS}").one()
            conn.exec_driver_sql(f"DROP TABLE {return_links.RETURNS}")
            return return_links.ReturnLinks(int(count), 0)

        return_links._link_listed = listed_only  # type: ignore[assignment]
        try:
            with ingest.engine.connect() as conn, conn.begin() as transaction:
                start = time.perf_counter()
                links = store.link_listed_returns(conn, report.source, data, by_customer=False)
                elapsed = time.perf_counter() - start
                transaction.rollback()
        finally:
            return_links._link_listed = link  # type: ignore[assignment]
        print(f"PostgreSQL  listing {links.linked} returns {elapsed:.3f} s")
        ingest.engine.dispose()
    finally:
        _bench_import.drop_postgres(name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--returns", type=int, default=100_000)
    parser.add_argument("--stores", default="sqlite,postgresql")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "orders.csv"
        stores = args.stores.split(",")
        if "sqlite" in stores:
            generate(path, args.returns)
            sqlite(path, folder)
        if "postgresql" in stores:
            generate(path, args.returns, naming=False)
            postgres(path, args.returns)


if __name__ == "__main__":
    main()
