"""Import benchmark: OpenCX ``import orders`` against ``pandas.read_csv(...).to_sql(...)``.

Generates an orders CSV (one row per order line) in a temporary folder, then, in the same run:

1. imports 1,000,000 lines with OpenCX into a fresh SQLite file and a fresh PostgreSQL
   database (created and dropped here), validating every row, and loads the same file with a
   plain ``pandas.read_csv(path).to_sql(...)`` into each; prints rows/s and the ratio;
2. imports 5,000,000 lines into SQLite in a child process and prints its peak memory
   (``ru_maxrss`` from ``wait4``, and the child's own ``VmHWM``) and rows/s. This runs first,
   while the parent is small (see :func:`peak_memory`).

Usage: ``OMP_NUM_THREADS=1 .venv/bin/python bench/import.py [--lines N] [--big-lines N]``.
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
    with pacsv.CSVWriter(path, pa.schema([
        ("order_id", pa.string()), ("customer", pa.string()), ("placed_at", pa.string()),
        ("currency", pa.string()), ("sku", pa.string()), ("product_name", pa.string()),
        ("quantity", pa.int64()), ("unit_price", pa.string()),
    ])) as writer:  # fmt: skip
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
            writer.write_table(pa.table({
                "order_id": pa.array([f"O{i:08d}" for i in ids.tolist()]),
                "customer": pa.array([f"C{c:06d}" for c in customers.tolist()]),
                "placed_at": pa.array(np.datetime_as_string(placed, unit="s")).cast(pa.string()),
                "currency": pa.array(["EUR"] * total),
                "sku": pa.array([f"SKU{s:05d}" for s in skus.tolist()]),
                "product_name": pa.array([f"Product {s}" for s in skus.tolist()]),
                "quantity": pa.array(rng.integers(1, 5, total)),
                "unit_price": pa.array([f"{p:.2f}" for p in prices.tolist()]),
            }))  # fmt: skip
            written += total
            order += len(sizes)


def opencx_import(url: str, path: Path) -> tuple[float, int]:
    from opencx.core import EventBus, SystemClock
    from opencx.db import create_engine_from_url, migrate
    from opencx.ingest.domain import Mapping
    from opencx.ingest.service import ImportOptions, IngestService

    migrate(url)
    engine = create_engine_from_url(url)
    service = IngestService(engine, EventBus(), SystemClock())
    options = ImportOptions(kind="orders", path=path,
                            mapping=Mapping(create_missing_customers=True))  # fmt: skip
    start = time.perf_counter()
    report = service.import_file(options)
    elapsed = time.perf_counter() - start
    assert report.status == "loaded", report.problems[:3]
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


def compare(label: str, lines: int, ours: tuple[float, int], theirs: tuple[float, int]) -> None:
    assert ours[1] == theirs[1] == lines, (ours, theirs)
    ours_rate, theirs_rate = lines / ours[0], lines / theirs[0]
    print(f"{label:<10} pandas {theirs_rate:>10,.0f} rows/s ({theirs[0]:6.1f} s)   "
          f"opencx {ours_rate:>10,.0f} rows/s ({ours[0]:6.1f} s)   "
          f"ratio opencx/pandas {ours_rate / theirs_rate:4.2f}", flush=True)  # fmt: skip


def child(path: Path, url: str) -> None:
    elapsed, loaded = opencx_import(url, path)
    status = Path("/proc/self/status").read_text().split("\n")
    hwm = next((line.split()[1] for line in status if line.startswith("VmHWM:")), "0")
    print(f"{loaded} {elapsed} {int(hwm) / 1024:.0f}")


def peak_memory(lines: int, folder: Path) -> None:
    """Import ``lines`` into SQLite in a child process; its own ``ru_maxrss`` via ``wait4``.

    Run first, while this process is small: a child started with vfork inherits the parent's
    high-water mark into its ``ru_maxrss`` at exec, so a big parent would inflate the figure.
    The file is generated by another child for the same reason.
    """
    big = folder / "big.csv"
    subprocess.run([sys.executable, __file__, "--generate", str(big), str(lines)], check=True)
    url = f"sqlite:///{folder / 'big.db'}"
    proc = subprocess.Popen([sys.executable, __file__, "--child", str(big), url],
                            stdout=subprocess.PIPE, text=True)  # fmt: skip
    out = proc.stdout.read().split() if proc.stdout else []
    _, status, usage = os.wait4(proc.pid, 0)
    assert status == 0 and len(out) == 3, out
    loaded, elapsed, hwm = int(out[0]), float(out[1]), float(out[2])
    big.unlink()
    print(f"{lines:,} lines into SQLite: {loaded / elapsed:,.0f} rows/s ({elapsed:.0f} s), "
          f"peak memory (ru_maxrss of the child) {usage.ru_maxrss / 1024:,.0f} MiB, "
          f"VmHWM {hwm:,.0f} MiB (goal < 1,024 MiB)", flush=True)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--big-lines", type=int, default=5_000_000)
    parser.add_argument("--child", nargs=2, metavar=("CSV", "URL"))
    parser.add_argument("--generate", nargs=2, metavar=("CSV", "LINES"))
    args = parser.parse_args()
    if args.child:
        child(Path(args.child[0]), args.child[1])
        return
    if args.generate:
        generate(Path(args.generate[0]), int(args.generate[1]), seed=11)
        return
    with tempfile.TemporaryDirectory(prefix="opencx-bench-") as tmp:
        folder = Path(tmp)
        peak_memory(args.big_lines, folder)
        csv = folder / "orders.csv"
        generate(csv, args.lines)
        print(f"{args.lines:,} order lines, {csv.stat().st_size / 1e6:.0f} MB CSV", flush=True)
        sqlite = f"sqlite:///{folder / 'opencx.db'}"
        compare("SQLite", args.lines, opencx_import(sqlite, csv),
                pandas_import(f"sqlite:///{folder / 'pandas.db'}", csv))  # fmt: skip
        name, pg = fresh_postgres()
        try:
            ours = opencx_import(pg, csv)
            compare("PostgreSQL", args.lines, ours, pandas_import(pg, csv))
        finally:
            drop_postgres(name)


if __name__ == "__main__":
    main()
