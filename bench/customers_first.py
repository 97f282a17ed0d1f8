"""Customers first, then orders, on PostgreSQL: the orders' foreign key to stored customers.

``bench/import.py``'s orders file (``--lines``, 500,000 by default; 50,000 customers) imported
two ways into fresh PostgreSQL databases (created and dropped here), each in this process:

- the peer, the first import: the orders alone into a new store, creating their customers as
  it goes (``create_missing_customers``), so every key, foreign key and index of the empty
  tables is set aside and added back, each checked by one query;
- customers first: a customers file of the 50,000 (external id, name, email) imported first,
  then the same orders, whose customers all exist (no ``create_missing_customers``).

Prints the seconds of each import, the orders' ratio to the peer's and the load average.

    OMP_NUM_THREADS=1 .venv/bin/python bench/customers_first.py [--lines N] [--runs N]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from importlib import import_module
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

sys.path.insert(0, str(Path(__file__).parent))
_bench_import = import_module("import")  # bench/import.py: its file, fresh and dropped databases

CUSTOMERS = 50_000


def write_customers(path: Path) -> None:
    with path.open("w") as out:
        out.write("external_id,name,email\n")
        for c in range(CUSTOMERS):
            out.write(f"C{c:06d},Customer {c},c{c}@example.com\n")


def timed_import(url: str, kind: str, path: Path, *, create: bool) -> float:
    from opencx.core import EventBus, SystemClock
    from opencx.db import create_engine_from_url
    from opencx.ingest.domain import Mapping
    from opencx.ingest.service import ImportOptions, IngestService

    engine = create_engine_from_url(url)
    service = IngestService(engine, EventBus(), SystemClock())
    mapping = Mapping(source="shop", create_missing_customers=create)
    start = time.perf_counter()
    report = service.import_file(ImportOptions(kind=kind, path=path, mapping=mapping))
    elapsed = time.perf_counter() - start
    engine.dispose()
    assert report.status == "loaded", report.problems[:3]
    return elapsed


def one_run(orders: Path, customers: Path) -> tuple[float, float, float]:
    from opencx.db import migrate

    name, url = _bench_import.fresh_postgres()
    try:
        migrate(url)
        first = timed_import(url, "orders", orders, create=True)
    finally:
        _bench_import.drop_postgres(name)
    name, url = _bench_import.fresh_postgres()
    try:
        migrate(url)
        people = timed_import(url, "customers", customers, create=False)
        after = timed_import(url, "orders", orders, create=False)
    finally:
        _bench_import.drop_postgres(name)
    return first, people, after


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=500_000)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="opencx-bench-") as tmp:
        orders, customers = Path(tmp) / "orders.csv", Path(tmp) / "customers.csv"
        _bench_import.generate(orders, args.lines)
        write_customers(customers)
        print(f"{args.lines:,} order lines, {CUSTOMERS:,} customers, PostgreSQL", flush=True)
        for _ in range(args.runs):
            first, people, after = one_run(orders, customers)
            print(
                f"first import (peer) {first:6.2f} s   customers {people:5.2f} s   "
                f"orders after them {after:6.2f} s   orders/peer {after / first:4.2f}   "
                f"load {os.getloadavg()[0]:.1f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
