"""Import benchmark: OpenCX ``import orders`` against pandas and the database's own loader.

Generates an orders CSV (one row per order line) in a temporary folder, then, in the same run:

1. imports 500,000 lines (``--lines``) with OpenCX into a fresh SQLite file and a fresh
   PostgreSQL database (created and dropped here), validating every row; loads the same file
   with a plain ``pandas.read_csv(path).to_sql(...)`` into each (the peer), and with the
   database's own loader into one index-free table (the floor): ``sqlite3 .import`` and
   ``COPY ... FROM STDIN`` (psycopg 3); prints rows/s and the ratios;
2. imports 5,000,000 lines (``--big-lines``) into each store named by ``--big-stores`` in a
   child process and prints its peak memory (``ru_maxrss`` from ``wait4``, and the child's own
   ``VmHWM``) and rows/s. This runs first, while the parent is small (see :func:`peak_memory`).

Usage: ``OMP_NUM_THREADS=1 .venv/bin/python bench/import.py [--lines N] [--big-lines N]
[--big-stores sqlite,postgresql] [--stores sqlite,postgresql]`` (``--stores sqlite --big-lines 0``
runs only the SQLite comparison).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import sqlalchemy as sa

PG_ADMIN = os.environ.get(
    "OPENCX_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def generate(path: Path, lines: int, seed: int = 7) -> None:
    """Orders of 1–7 lines (mean 4) from 50k customers over 2,000 SKUs across two years."""
    rng = np.random.default_rng(seed)
    written = 0
    order = 0
    with pacsv.CSVWriter(
        path,
        pa.schema(
            [
                ("order_id", pa.string()),
                ("customer", pa.string()),
                ("placed_at", pa.string()),
                ("currency", pa.string()),
                ("sku", pa.string()),
                ("product_name", pa.string()),
                ("quantity", pa.int64()),
                ("unit_price", pa.string()),
            ]
        ),
    ) as writer:
        while written < lines:
            n_orders = 100_000
            sizes = rng.integers(1, 8, n_orders)
            sizes = sizes[: np.searchsorted(np.cumsum(sizes), lines - written, side="right") + 1]
            total = min(int(sizes.sum()), lines - written)
            ids = np.repeat(np.arange(order, order + len(sizes)), sizes)[:total]
            customers = np.repeat(rng.integers(0, 50_000, len(sizes)), sizes)[:total]
            seconds = np.repeat(rng.integers(0, 2 * 365 * 86400, len(sizes)), sizes)[:total]
            starts = np.repeat(np.cumsum(sizes) - sizes, sizes)[:total]
            position = np.arange(total) - starts  # lines of one order have different SKUs
            skus = (
                np.repeat(rng.integers(0, 2_000, len(sizes)), sizes)[:total] + 13 * position
            ) % 2_000
            placed = np.datetime64("2024-01-01T00:00:00") + seconds.astype("timedelta64[s]")
            prices = np.round(1 + (skus % 97) * 0.37, 2)
            writer.write_table(
                pa.table(
                    {
                        "order_id": pa.array([f"O{i:08d}" for i in ids.tolist()]),
                        "customer": pa.array([f"C{c:06d}" for c in customers.tolist()]),
                        "placed_at": pa.array(np.datetime_as_string(placed, unit="s")).cast(
                            pa.string()
                        ),
                        "currency": pa.array(["EUR"] * total),
                        "sku": pa.array([f"SKU{s:05d}" for s in skus.tolist()]),
                        "product_name": pa.array([f"Product {s}" for s in skus.tolist()]),
                        "quantity": pa.array(rng.integers(1, 5, total)),
                        "unit_price": pa.array([f"{p:.2f}" for p in prices.tolist()]),
                    }
                )
            )
            written += total
            order += len(sizes)


def opencx_import(url: str, path: Path, *, migrated: bool = False) -> tuple[float, int]:
    from opencx.core import EventBus, SystemClock
    from opencx.db import create_engine_from_url, migrate
    from opencx.ingest.domain import Mapping
    from opencx.ingest.service import ImportOptions, IngestService

    if not migrated:
        migrate(url)
    engine = create_engine_from_url(url)
    service = IngestService(engine, EventBus(), SystemClock())
    options = ImportOptions(
        kind="orders", path=path, mapping=Mapping(create_missing_customers=True)
    )
    start = time.perf_counter()
    report = service.import_file(options)
    elapsed = time.perf_counter() - start
    assert report.status == "loaded", report.problems[:3]
    if url.startswith("sqlite"):
        # the import is durable when it returns; its WAL checkpoint runs on a thread after it
        # (store.checkpoints): waited for here, outside the timed window, so that it does not
        # run beside the peer's load
        from opencx.ingest.store.checkpoints import wait_for_checkpoints

        wait_for_checkpoints()
        behind = time.perf_counter() - start - elapsed
        print(f"SQLite     its checkpoint ended {behind:.2f} s after the import", flush=True)
    with engine.connect() as conn:
        loaded = conn.execute(sa.text("SELECT count(*) FROM order_lines")).scalar_one()
    engine.dispose()
    return elapsed, loaded


def pandas_import(url: str, path: Path) -> tuple[float, int]:
    engine = sa.create_engine(url)
    start = time.perf_counter()
    pd.read_csv(path).to_sql("pandas_orders", engine, if_exists="replace", index=False)
    elapsed = time.perf_counter() - start
    with engine.connect() as conn:
        loaded = conn.execute(sa.text("SELECT count(*) FROM pandas_orders")).scalar_one()
    engine.dispose()
    return elapsed, loaded


def sqlite_floor(path: Path, folder: Path) -> tuple[float, int]:
    """``sqlite3 DB ".import --csv --skip 1 FILE t"`` into a plain table (the CLI's own loader)."""
    db = folder / "floor.db"
    columns = "order_id, customer, placed_at, currency, sku, product_name, quantity, unit_price"
    start = time.perf_counter()
    subprocess.run(
        ["sqlite3", str(db), f"CREATE TABLE t ({columns})", f".import --csv --skip 1 {path} t"],
        check=True,
    )
    elapsed = time.perf_counter() - start
    engine = sa.create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        loaded = conn.execute(sa.text("SELECT count(*) FROM t")).scalar_one()
    engine.dispose()
    db.unlink()
    return elapsed, loaded


def postgres_floor(url: str, path: Path) -> tuple[float, int]:
    """``COPY t FROM STDIN (FORMAT csv, HEADER)`` into an index-free table, 1 MiB at a time."""
    import psycopg

    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as conn:
        conn.execute(
            "CREATE TABLE floor_orders (order_id text, customer text, placed_at timestamp, "
            "currency text, sku text, product_name text, quantity integer, unit_price numeric)"
        )
        conn.commit()
        start = time.perf_counter()
        sql = "COPY floor_orders FROM STDIN (FORMAT csv, HEADER)"
        with conn.cursor() as cur, path.open("rb") as handle, cur.copy(sql) as copy:
            while block := handle.read(1 << 20):
                copy.write(block)
        conn.commit()
        elapsed = time.perf_counter() - start
        loaded = conn.execute("SELECT count(*) FROM floor_orders").fetchone()
    return elapsed, int(loaded[0]) if loaded else 0


def fresh_postgres() -> tuple[str, str]:
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    name = f"opencx_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return name, PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"


def drop_postgres(name: str) -> None:
    admin = sa.create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def compare(
    label: str,
    lines: int,
    ours: tuple[float, int],
    theirs: tuple[float, int],
    floor: tuple[float, int],
) -> None:
    assert ours[1] == theirs[1] == floor[1] == lines, (ours, theirs, floor)
    ours_rate, theirs_rate, floor_rate = lines / ours[0], lines / theirs[0], lines / floor[0]
    print(
        f"{label:<10} pandas {theirs_rate:>10,.0f} rows/s ({theirs[0]:6.1f} s)   "
        f"floor {floor_rate:>10,.0f} rows/s ({floor[0]:6.1f} s)   "
        f"opencx {ours_rate:>10,.0f} rows/s ({ours[0]:6.1f} s)   "
        f"opencx/pandas {ours_rate / theirs_rate:4.2f}   opencx/floor {ours_rate / floor_rate:4.2f}"
        f"   load {os.getloadavg()[0]:.1f}",
        flush=True,
    )


def child(path: Path, url: str) -> None:
    # the schema is made by another process first, as `opencx init` does before `opencx import`:
    # Alembic and the migrations import most of OpenCX (≈ 160 MiB) that an import never needs
    subprocess.run([sys.executable, __file__, "--migrate", url], check=True)
    elapsed, loaded = opencx_import(url, path, migrated=True)
    status = Path("/proc/self/status").read_text().split("\n")
    hwm = next((line.split()[1] for line in status if line.startswith("VmHWM:")), "0")
    print(f"{loaded} {elapsed} {int(hwm) / 1024:.0f}")


def peak_memory(lines: int, folder: Path, store: str) -> None:
    """Import ``lines`` into ``store`` in a child process; its own ``ru_maxrss`` via ``wait4``.

    Run first, while this process is small: a child started with vfork inherits the parent's
    high-water mark into its ``ru_maxrss`` at exec, so a big parent would inflate the figure.
    The file is generated by another child for the same reason.
    """
    big = folder / "big.csv"
    subprocess.run([sys.executable, __file__, "--generate", str(big), str(lines)], check=True)
    name, url = (
        fresh_postgres() if store == "postgresql" else ("", f"sqlite:///{folder / 'big.db'}")
    )
    try:
        proc = subprocess.Popen(
            [sys.executable, __file__, "--child", str(big), url], stdout=subprocess.PIPE, text=True
        )
        printed = proc.stdout.read().splitlines() if proc.stdout else []
        _, status, usage = os.wait4(proc.pid, 0)
        # the child's last line is its figures; lines before it (the SQLite checkpoint's) are shown
        print(*printed[:-1], sep="\n", flush=True)
        out = printed[-1].split() if printed else []
    finally:
        if name:
            drop_postgres(name)
    assert status == 0 and len(out) == 3, out
    loaded, elapsed, hwm = int(out[0]), float(out[1]), float(out[2])
    big.unlink()
    print(
        f"{lines:,} lines into {store}: {loaded / elapsed:,.0f} rows/s ({elapsed:.0f} s), "
        f"peak memory (ru_maxrss of the child) {usage.ru_maxrss / 1024:,.0f} MiB, "
        f"VmHWM {hwm:,.0f} MiB (goal < 1,024 MiB), load {os.getloadavg()[0]:.1f}",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=500_000)
    parser.add_argument("--big-lines", type=int, default=5_000_000)
    parser.add_argument("--big-stores", default="sqlite,postgresql")
    parser.add_argument("--stores", default="sqlite,postgresql", help="stores of the comparison")
    parser.add_argument("--child", nargs=2, metavar=("CSV", "URL"))
    parser.add_argument("--generate", nargs=2, metavar=("CSV", "LINES"))
    parser.add_argument("--migrate", metavar="URL")
    args = parser.parse_args()
    if args.migrate:
        from opencx.db import migrate

        migrate(args.migrate)
        return
    if args.child:
        child(Path(args.child[0]), args.child[1])
        return
    if args.generate:
        generate(Path(args.generate[0]), int(args.generate[1]), seed=11)
        return
    stores = set(filter(None, args.stores.split(",")))
    with tempfile.TemporaryDirectory(prefix="opencx-bench-") as tmp:
        folder = Path(tmp)
        for store in filter(None, args.big_stores.split(",") if args.big_lines else []):
            peak_memory(args.big_lines, folder, store)
        csv = folder / "orders.csv"
        generate(csv, args.lines)
        print(f"{args.lines:,} order lines, {csv.stat().st_size / 1e6:.0f} MB CSV", flush=True)
        if "sqlite" in stores:
            sqlite = f"sqlite:///{folder / 'opencx.db'}"
            compare(
                "SQLite",
                args.lines,
                opencx_import(sqlite, csv),
                pandas_import(f"sqlite:///{folder / 'pandas.db'}", csv),
                sqlite_floor(csv, folder),
            )
        if "postgresql" not in stores:
            return
        name, pg = fresh_postgres()
        try:
            ours = opencx_import(pg, csv)
            compare("PostgreSQL", args.lines, ours, pandas_import(pg, csv), postgres_floor(pg, csv))
        finally:
            drop_postgres(name)


if __name__ == "__main__":
    main()
