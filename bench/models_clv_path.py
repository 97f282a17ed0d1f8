"""The CLV fit's data path: purchases pulled into Python, or the summary built in the engine.

Before issue 10, ``opencx models fit clv`` executed every purchase (one row per order) into pandas
and built the (x, t_x, T, monetary) summary with NumPy. Now the engine that holds the orders
builds it (``ModelData.btyd``), groups it by (x, t_x, T) for the purchase model's fit, and
Python receives the compressed rows plus one row per customer for the scores. Both paths read the
same canonical ``orders`` / ``order_lines`` / ``products`` tables in DuckDB with the same order
value (merchandise only: a postage line rides on a third of the orders) and fit BG/NBD on the
result; the script prints each path's time, the rows that reach Python, and the ratio.

Run: ``OMP_NUM_THREADS=1 .venv/bin/python bench/models_clv_path.py [--customers N]``.
"""

from __future__ import annotations

import argparse
import os
import time
from datetime import UTC, datetime
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np
import pyarrow as pa

from opencx.metrics.store.backends import duckdb_connection
from opencx.modeling.domain.btyd import bgnbd
from opencx.modeling.domain.btyd.engine import compressed_btyd_summary, fetch_summary
from opencx.modeling.domain.btyd.summary import summary_from_transactions
from opencx.modeling.domain.catalog.data import ModelData
from opencx.modeling.domain.features.customer import Sources, order_values

START = datetime(2024, 1, 1, tzinfo=UTC)
END = datetime(2026, 1, 1, tzinfo=UTC)


def canonical(n: int, seed: int = 3) -> dict[str, pa.Table]:
    """Orders of ``n`` customers over two years (Poisson counts), 1-3 lines, postage on 1/3."""
    rng = np.random.default_rng(seed)
    per = rng.poisson(rng.gamma(0.8, 4.0, n)) + 1
    cust = np.repeat(np.arange(n), per)
    m = cust.shape[0]
    span = (END - START).total_seconds()
    placed = np.datetime64(START.replace(tzinfo=None), "s") + (
        rng.uniform(0, span, m).astype("int64")
    ).astype("timedelta64[s]")
    oid = np.arange(m)
    n_lines = rng.integers(1, 4, m)
    line_order = np.repeat(oid, n_lines)
    k = line_order.shape[0]
    postage = rng.random(m) < 1 / 3
    orders = pa.table(
        {
            "id": pa.array(oid.astype(str)),
            "customer_id": pa.array(cust.astype(str)),
            "placed_at": pa.array(placed, pa.timestamp("s")),
            "channel": pa.array(np.full(m, "web")),
            "status": pa.array(np.full(m, "completed")),
            "discount_total": pa.array(np.zeros(m)),
        }
    )
    lines = pa.table(
        {
            "order_id": pa.array(np.concatenate([line_order, oid[postage]]).astype(str)),
            "product_id": pa.array(
                np.concatenate(
                    [rng.integers(0, 50, k).astype(str), np.full(int(postage.sum()), "POST")]
                )
            ),
            "sku": pa.nulls(k + int(postage.sum()), pa.string()),
            "quantity": pa.array(
                np.concatenate([rng.integers(1, 3, k), np.ones(int(postage.sum()), int)])
            ),
            "unit_price": pa.array(
                np.concatenate(
                    [rng.gamma(2.0, 12.0, k).round(2), np.full(int(postage.sum()), 4.95)]
                )
            ),
            "discount": pa.array(np.zeros(k + int(postage.sum()))),
        }
    )
    products = pa.table(
        {
            "id": pa.array([*map(str, range(50)), "POST"]),
            "category": pa.nulls(51, pa.string()),
            "is_merchandise": pa.array([True] * 50 + [False]),
        }
    )
    return {"orders": orders, "order_lines": lines, "products": products}


def sources(con: Any, tables: dict[str, pa.Table]) -> Sources:
    for name, table in tables.items():
        con.create_table(name, table, overwrite=True)
    t = {name: con.table(name) for name in tables}
    unused = t["products"]  # the CLV path reads orders, lines and products only
    return Sources(
        customers=unused,
        orders=t["orders"],
        order_lines=t["order_lines"],
        interactions=unused,
        cases=unused,
        responses=unused,
        answers=unused,
        subscriptions=unused,
        products=t["products"],
    )


def pulled_into_python(src: Sources) -> tuple[float, float, int, Any]:
    """The old path: every purchase executed into pandas, summarised with NumPy, then fitted."""
    t0, c0 = time.perf_counter(), time.process_time()
    ov = order_values(src, END)
    tx = ov.filter(ov.is_purchase).select("customer_id", "placed_at", "value").execute()
    stamps = tx["placed_at"].to_numpy().astype("datetime64[s]")
    summary = summary_from_transactions(
        tx["customer_id"].astype(str).to_numpy(),
        stamps,
        tx["value"].astype(float).to_numpy(),
        observation_end=np.datetime64(END.replace(tzinfo=None)),
        period="W",
    )
    params = bgnbd.fit_bgnbd(summary)
    return time.perf_counter() - t0, time.process_time() - c0, len(tx), params


def in_the_engine(src: Sources) -> tuple[float, float, int, Any]:
    """The production path now: compressed summary for the fit, one row per customer for scores."""
    t0, c0 = time.perf_counter(), time.process_time()
    data = ModelData(src, END)
    compressed = fetch_summary(compressed_btyd_summary(data.btyd(period="W")))
    params = bgnbd.fit_bgnbd(compressed)
    per_customer = fetch_summary(data.btyd(period="W"))
    return (
        time.perf_counter() - t0,
        time.process_time() - c0,
        len(compressed) + len(per_customer),
        params,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=500_000)
    args = parser.parse_args()
    tables = canonical(args.customers)
    con = duckdb_connection(threads=2)
    src = sources(con, tables)
    print(
        f"## CLV fit data path: {args.customers:,} customers, "
        f"{tables['orders'].num_rows:,} orders, {tables['order_lines'].num_rows:,} lines "
        "(DuckDB, 2 threads)"
    )
    old_s, old_cpu, old_rows, old_p = pulled_into_python(src)
    new_s, new_cpu, new_rows, new_p = in_the_engine(src)
    diff = max(
        abs(getattr(old_p, k) - getattr(new_p, k)) / abs(getattr(old_p, k)) for k in old_p.NAMES
    )
    print("| path | wall | CPU (process, all threads) | rows into Python |")
    print("|---|---|---|---|")
    print(
        f"| purchases into pandas + NumPy summary (before) | {old_s:.2f} s | {old_cpu:.2f} s "
        f"| {old_rows:,} |"
    )
    print(
        f"| summary in the engine, compressed (now) | {new_s:.2f} s | {new_cpu:.2f} s "
        f"| {new_rows:,} |"
    )
    print(
        f"ratio wall {old_s / new_s:.1f}x, CPU {old_cpu / new_cpu:.1f}x, rows "
        f"{old_rows / new_rows:.1f}x; max relative parameter difference {diff:.1e}"
    )
    con.disconnect()


if __name__ == "__main__":
    main()
