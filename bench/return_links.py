"""Linking an import's listed return lines (``store.link_listed_returns``) at scale.

Generates an orders CSV of ``--returns`` one-line orders and as many one-line returns, each
naming its order (``returns_order``), then:

1. SQLite: imports it into a fresh file (the chunk-by-chunk writer lists the returns and links
   them at the end) and prints the time spent in ``link_listed_returns``;
2. PostgreSQL, on freshly filled tables (a first import, no ``ANALYZE`` since; autovacuum's
   comes later, or never on a server without it):

   - ``listed``: imports the same lines, R<i> as plain orders, into a fresh database (its
     files are copied and linked by ``link_copied_returns``, not timed here), then calls
     ``link_listed_returns`` with the return lines listed, naming their orders, as the event
     API lists them (an order event of many return lines), in a transaction rolled back, and
     prints the time it takes (list, links, statuses, counts);
   - ``events``: imports the O<i> only, then posts ``--events`` order events of one return line
     each (naming O<i>) through ``IngestService.ingest_event``, and prints the time per event
     and the part spent in ``link_listed_returns``;
   - ``staged``: imports the file with an empty ``status`` column (so the whole file is
     staged and merged) and prints the time spent in ``store.link_returns``;
   - ``copied``: imports the file as it is (its new orders copied straight in) and prints the
     time spent in ``store.link_copied_returns``.

Usage: ``OMP_NUM_THREADS=1 .venv/bin/python bench/return_links.py [--returns N]
[--events N] [--stores sqlite,postgresql] [--pg listed,events,staged,copied]``.
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


def generate(
    path: Path,
    returns: int,
    *,
    naming: bool = True,
    with_returns: bool = True,
    status: bool = False,
) -> None:
    """``returns`` orders O<i> of one line and ``returns`` returns R<i> of O<i>'s line, each
    naming O<i> in ``returns_order``; without ``naming``, R<i> are plain orders of one line;
    without ``with_returns``, no R<i>; with ``status``, an empty ``status`` column."""
    n = returns
    ids = [str(i) for i in range(n)]
    skus = [f"S{i % 500}" for i in range(n)]
    customers = [f"C{i % 20_000}" for i in range(n)]
    m = 2 if with_returns else 1
    columns: dict[str, list[Any]] = {
        "order_id": [f"O{i}" for i in ids] + [f"R{i}" for i in ids],
        "customer": customers + customers,
        "placed_at": ["2024-01-02 10:00:00"] * n + ["2024-02-02 10:00:00"] * n,
        "currency": ["EUR"] * (2 * n),
        "sku": skus + skus,
        "quantity": [1] * n + [-1 if naming else 1] * n,
        "unit_price": ["3.50"] * (2 * n),
        "returns_order": [None] * n + ([f"O{i}" for i in ids] if naming else [None] * n),
    }
    if status:
        columns["status"] = [None] * (2 * n)
    table = pa.table({name: values[: m * n] for name, values in columns.items()})
    if status:
        table = table.set_column(
            table.column_names.index("status"), "status", table.column("status").cast(pa.string())
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

    times, restore = timed(store, "link_listed_returns")
    try:
        ingest = service(f"sqlite:///{folder / 'store.db'}")
        start = time.perf_counter()
        report = import_file(ingest, path)
        elapsed = time.perf_counter() - start
    finally:
        restore()
    linked = report.counts.get("returns_linked", 0)
    print(
        f"SQLite      link_listed_returns {sum(times):.3f} s ({linked} linked) "
        f"in an import of {elapsed:.2f} s",
        flush=True,
    )


def timed(module: Any, name: str) -> tuple[list[float], Any]:
    """Replace ``module.name`` by a wrapper that appends each call's time to the list
    returned; the second value puts the original back."""
    original = getattr(module, name)
    times: list[float] = []

    def timing(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            times.append(time.perf_counter() - start)

    setattr(module, name, timing)
    return times, lambda: setattr(module, name, original)


def postgres_listed(folder: Path, returns: int) -> None:
    from opencx.ingest import store

    path = folder / "plain.csv"
    generate(path, returns, naming=False)
    name, url = _bench_import.fresh_postgres()
    try:
        ingest = service(url)
        report = import_file(ingest, path)
        data = listed(returns)
        with ingest.engine.connect() as conn, conn.begin() as transaction:
            start = time.perf_counter()
            links = store.link_listed_returns(conn, report.source, data, by_customer=False)
            elapsed = time.perf_counter() - start
            transaction.rollback()
        print(
            f"PostgreSQL  link_listed_returns of {returns} listed returns {elapsed:.3f} s "
            f"({links.linked} linked, {links.unlinked} unlinked)",
            flush=True,
        )
        ingest.engine.dispose()
    finally:
        _bench_import.drop_postgres(name)


def postgres_events(folder: Path, returns: int, events: int) -> None:
    from opencx.ingest import store

    path = folder / "orders.csv"
    generate(path, returns, with_returns=False)
    name, url = _bench_import.fresh_postgres()
    times, restore = timed(store, "link_listed_returns")
    try:
        ingest = service(url)
        report = import_file(ingest, path)
        linked = 0
        start = time.perf_counter()
        for i in range(events):
            line = {"sku": f"S{i % 500}", "quantity": -1, "unit_price": "3.50"}
            data = {
                "order_id": f"R{i}",
                "customer": f"C{i % 20_000}",
                "placed_at": "2024-02-02T10:00:00Z",
                "currency": "EUR",
                "lines": [{**line, "returns_order": f"O{i}"}],
            }
            event = ingest.ingest_event("order", data, source=report.source)
            linked += event.counts.get("returns_linked", 0)
        elapsed = time.perf_counter() - start
        print(
            f"PostgreSQL  {events} return events after {returns} orders {elapsed:.2f} s "
            f"({1000 * elapsed / events:.1f} ms an event, of which link_listed_returns "
            f"{1000 * sum(times) / events:.1f} ms; {linked} linked)",
            flush=True,
        )
        ingest.engine.dispose()
    finally:
        restore()
        _bench_import.drop_postgres(name)


def postgres_file(folder: Path, returns: int, *, staged: bool) -> None:
    """Import a file of ``returns`` returns into a fresh PostgreSQL database and time its
    linking statement: ``link_returns`` for a staged file (it has a status column),
    ``link_copied_returns`` for new orders copied straight in."""
    from opencx.ingest import store

    kind, step = ("staged", "link_returns") if staged else ("copied", "link_copied_returns")
    path = folder / f"{kind}.csv"
    generate(path, returns, status=staged)
    name, url = _bench_import.fresh_postgres()
    times, restore = timed(store, step)
    try:
        ingest = service(url)
        start = time.perf_counter()
        report = import_file(ingest, path)
        elapsed = time.perf_counter() - start
        linked = report.counts.get("returns_linked", 0)
        print(
            f"PostgreSQL  {step} ({kind} file) {sum(times):.3f} s ({linked} linked) "
            f"in an import of {elapsed:.2f} s",
            flush=True,
        )
        ingest.engine.dispose()
    finally:
        restore()
        _bench_import.drop_postgres(name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--returns", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--stores", default="sqlite,postgresql")
    parser.add_argument("--pg", default="listed,events,staged")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        stores = args.stores.split(",")
        if "sqlite" in stores:
            path = folder / "orders.csv"
            generate(path, args.returns)
            sqlite(path, folder)
        if "postgresql" in stores:
            runs = args.pg.split(",")
            if "listed" in runs:
                postgres_listed(folder, args.returns)
            if "events" in runs:
                postgres_events(folder, args.returns, args.events)
            if "staged" in runs:
                postgres_file(folder, args.returns, staged=True)
            if "copied" in runs:
                postgres_file(folder, args.returns, staged=False)


if __name__ == "__main__":
    main()
