"""The event API's write path: one order event (a customer, an order, one line) at a time.

On each store (a fresh SQLite file, a fresh PostgreSQL database created and dropped here), after
a first import of ``--lines`` order lines (bench/import.py's file: the tables hold what a shop's
history holds), posts ``--events`` order events through ``IngestService.ingest_event`` (each
validated, its customer created, written and committed in its own transaction, as
``POST /api/events`` does), then writes the same rows by hand as the floor: per event one
transaction of three plain ``INSERT`` statements with their values bound, no validation, no
lookups. Prints the median and 90th percentile of each, and their ratio.

The ``wired`` mode runs the same events through the services :func:`opencx.app.build` wires as
the server does (default settings: crypto-shredding on; every slice's subscribers react in the
event's transaction: identities indexed, loyalty earning, survey triggers), after the same
history imported through them too (its customers sealed and their identities indexed), in a
store of its own. ``--program auto-enroll`` first sets a loyalty program whose orders enrol
their customers (each event then enrols a member and earns); ``none`` keeps the default
program (nobody is a member).

Usage: ``OMP_NUM_THREADS=1 .venv/bin/python bench/events.py [--events N] [--lines N]
[--stores sqlite,postgresql] [--modes ingest,wired] [--program none,auto-enroll]``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from importlib import import_module
from pathlib import Path
from typing import Any

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).parent))
_bench_import = import_module("import")  # bench/import.py: its file, fresh and dropped databases

WHEN = "2025-06-01T10:00:00Z"


def event(i: int) -> dict[str, Any]:
    return {
        "order_id": f"EV{i:07d}",
        "customer": f"EVC{i:07d}",
        "placed_at": WHEN,
        "currency": "EUR",
        "lines": [{"sku": f"SKU{i % 2000:05d}", "quantity": 1 + i % 3, "unit_price": "19.90"}],
    }


def opencx_events(url: str, n: int) -> list[float]:
    from opencx.core import EventBus, SystemClock
    from opencx.db import create_engine_from_url
    from opencx.ingest.service import IngestService

    engine = create_engine_from_url(url)
    service = IngestService(engine, EventBus(), SystemClock())
    times = []
    for i in range(n):
        start = time.perf_counter()
        service.ingest_event("order", event(i), create_missing_customers=True)
        times.append(time.perf_counter() - start)
    engine.dispose()
    return times


def wired_events(
    url: str, history: Path, n: int, program: str, cpu: list[float] | None = None
) -> list[float]:
    """``n`` events through the services ``build()`` wires, after ``history`` imported through
    them (and, with ``program='auto-enroll'``, a program whose orders enrol their customers);
    ``cpu``, when given, gets each event's process CPU time (this process: not the server's)."""
    from opencx.app import build
    from opencx.ingest.domain import Mapping
    from opencx.ingest.service import ImportOptions
    from opencx.settings import Settings

    services = build(Settings(database_url=url, secret_key="bench-" + "k" * 40)).built()
    mapping = Mapping(source="api", create_missing_customers=True)
    services.ingest.import_file(ImportOptions(kind="orders", path=history, mapping=mapping))
    if program == "auto-enroll":
        services.loyalty.configure({"auto_enroll": True, "earning": {"points_per_unit": 1}})
    times = []
    for i in range(n):
        start, used = time.perf_counter(), time.process_time()
        services.ingest.ingest_event("order", event(i), create_missing_customers=True)
        times.append(time.perf_counter() - start)
        if cpu is not None:
            cpu.append(time.process_time() - used)
    services.engine.dispose()
    return times


def floor_events(url: str, n: int) -> list[float]:
    """The same rows (other keys), one transaction of three bound ``INSERT``s per event."""
    engine = sa.create_engine(url)
    customer = sa.text(
        "INSERT INTO customers (id, source, external_id, created_at, attributes, consent_email, "
        "consent_sms, consent_surveys) VALUES (:id, 'api', :ext, :at, '{}', false, false, false)"
    )
    order = sa.text(
        "INSERT INTO orders (id, source, external_id, customer_id, placed_at, channel, status, "
        "currency, discount_total, status_given) VALUES (:id, 'api', :ext, :customer, :at, "
        "'web', 'completed', 'EUR', 0, false)"
    )
    line = sa.text(
        "INSERT INTO order_lines (id, order_id, line_no, sku, quantity, unit_price, discount) "
        "VALUES (:id, :order, 1, :sku, :quantity, 19.90, 0)"
    )
    times = []
    for i in range(n):
        e = event(i)
        start = time.perf_counter()
        with engine.begin() as conn:
            at = "2025-06-01 10:00:00.000000" if url.startswith("sqlite") else WHEN
            conn.execute(customer, {"id": f"fc{i}", "ext": f"F{e['customer']}", "at": at})
            conn.execute(
                order, {"id": f"fo{i}", "ext": f"F{e['order_id']}", "customer": f"fc{i}", "at": at}
            )
            conn.execute(
                line,
                {
                    "id": f"fl{i}",
                    "order": f"fo{i}",
                    "sku": e["lines"][0]["sku"],
                    "quantity": e["lines"][0]["quantity"],
                },
            )
        times.append(time.perf_counter() - start)
    engine.dispose()
    return times


def show(label: str, ours: list[float], floor: list[float]) -> None:
    def p(values: list[float], q: float) -> float:
        return sorted(values)[int(q * (len(values) - 1))] * 1000

    mine, theirs = statistics.median(ours) * 1000, statistics.median(floor) * 1000
    print(
        f"{label:<10} floor p50 {theirs:6.2f} ms p90 {p(floor, 0.9):6.2f} ms   "
        f"opencx p50 {mine:6.2f} ms p90 {p(ours, 0.9):6.2f} ms   "
        f"opencx/floor {mine / theirs:4.1f}x   load {os.getloadavg()[0]:.1f}",
        flush=True,
    )


def show_wired(label: str, ours: list[float], alone: list[float] | None, cpu: list[float]) -> None:
    mine = statistics.median(ours) * 1000
    ratio = f"   wired/ingest {mine / (statistics.median(alone) * 1000):4.1f}x" if alone else ""
    p90 = sorted(ours)[int(0.9 * (len(ours) - 1))] * 1000
    print(
        f"{label:<30} opencx p50 {mine:6.2f} ms p90 {p90:6.2f} ms{ratio}   "
        f"cpu p50 {statistics.median(cpu) * 1000:6.2f} ms   "
        f"load {os.getloadavg()[0]:.1f}",
        flush=True,
    )


def store_url(store: str, folder: str, name: str) -> tuple[str, str]:
    """A fresh database of ``store``: (PostgreSQL database name or '', URL)."""
    if store == "postgresql":
        return _bench_import.fresh_postgres()
    return "", f"sqlite:///{Path(folder) / name}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--lines", type=int, default=500_000)
    parser.add_argument("--stores", default="sqlite,postgresql")
    parser.add_argument("--modes", default="ingest,wired")
    parser.add_argument("--program", default="none,auto-enroll")
    args = parser.parse_args()
    modes = args.modes.split(",")
    from opencx.core import EventBus, SystemClock
    from opencx.db import create_engine_from_url, migrate
    from opencx.ingest.domain import Mapping
    from opencx.ingest.service import ImportOptions, IngestService

    with tempfile.TemporaryDirectory() as folder:
        history = Path(folder) / "orders.csv"
        _bench_import.generate(history, args.lines)
        print(f"after a first import of {args.lines:,} order lines; {args.events} events")
        for store in args.stores.split(","):
            label = "SQLite" if store == "sqlite" else "PostgreSQL"
            ours: list[float] | None = None
            if "ingest" in modes:
                name, url = store_url(store, folder, "events.db")
                try:
                    migrate(url)
                    engine = create_engine_from_url(url)
                    mapping = Mapping(source="api", create_missing_customers=True)
                    options = ImportOptions(kind="orders", path=history, mapping=mapping)
                    IngestService(engine, EventBus(), SystemClock()).import_file(options)
                    engine.dispose()
                    ours = opencx_events(url, args.events)
                    floor = floor_events(url, args.events)
                    show(label, ours, floor)
                finally:
                    if name:
                        _bench_import.drop_postgres(name)
            for program in args.program.split(",") if "wired" in modes else ():
                name, url = store_url(store, folder, f"wired-{program}.db")
                try:
                    migrate(url)
                    cpu: list[float] = []
                    wired = wired_events(url, history, args.events, program, cpu)
                    show_wired(f"{label} wired, program {program}", wired, ours, cpu)
                finally:
                    if name:
                        _bench_import.drop_postgres(name)


if __name__ == "__main__":
    main()
