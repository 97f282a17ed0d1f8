"""Benchmark: the CX metric suite on DuckDB through OpenCX vs idiomatic pandas vs a raw scan.

Generates (untimed, numpy + pyarrow) 10,000,000 order lines, 2,000,000 survey answers and
20,000,000 interactions as Parquet in a temporary folder, then times in separate child processes:

* ``opencx``  — ``opencx.metrics.compute_suite`` over SUITE, monthly, on a Parquet
  warehouse read by DuckDB (2 threads), with its rollups fresh (what a dashboard or a report
  runs after ``opencx metrics refresh``);
* ``refresh`` — ``opencx metrics refresh``: building the rollups from the raw tables (once per
  load of new data);
* ``cold``    — the same suite on the raw tables, without rollups;
* ``daily``   — the first dashboard after a daily load: on a copy of the warehouse whose
  time-stamped tables are folders, refreshed while the last day was missing, that day's orders
  (with their lines), interactions, responses (with their answers) and invitations are added as
  new files; then ``opencx metrics refresh`` (which appends to the rollups what the new files
  bring) and the suite, both timed;
* ``pandas``  — the same statistics written the idiomatic pandas way (read_parquet, merge,
  groupby);
* ``floor``   — one raw DuckDB scan per table of every column the suite reads (no joins, no
  grouping; each value is hashed so that it is really read, not taken from the Parquet
  footer's statistics): what no engine can beat.

and ``spark`` — the OpenCX suite on local PySpark at 1,000,000 order lines (scale 0.1).
Peak memory is each child's ru_maxrss. Ids are int64 and money float64 in these files (the
operational store uses strings and Decimal); all three contenders read the same files.

Usage: ``python bench/metrics.py [--scale 1.0] [--skip-spark] [--skip-pandas]``
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

SUITE = (
    "nps",
    "csat",
    "ces",
    "response_rate",
    "repeat_purchase_rate",
    "purchase_frequency",
    "average_order_value",
    "revenue_per_customer",
    "return_rate",
    "churn_rate",
    "cohort_retention",
    "active_days",
    "touchpoints",
    "channels_per_customer",
    "channel_mix",
)
DAY0 = 1_672_531_200  # 2023-01-01 UTC
SPAN = 3 * 365 * 86_400


# --- data generation (untimed) ------------------------------------------------------------------
def generate(folder: Path, scale: float, seed: int = 11) -> dict[str, int]:
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    rng = np.random.default_rng(seed)
    n_lines, n_answers, n_inter = int(10e6 * scale), int(2e6 * scale), int(20e6 * scale)
    n_cust, n_orders = max(1000, n_lines // 20), max(1000, n_lines // 3)
    ts = lambda secs: pa.array(secs * 1_000_000, pa.int64()).cast(pa.timestamp("us", tz="UTC"))  # noqa: E731

    def write(name: str, cols: dict[str, object]) -> None:
        pq.write_table(pa.table(cols), folder / f"{name}.parquet", row_group_size=1_000_000)

    countries = np.array(["NL", "DK", "GR", "GB", "DE"])
    write(
        "customers",
        {
            "id": np.arange(n_cust),
            "country": countries[rng.integers(0, 5, n_cust)],
            "language": np.array(["nl", "da", "el", "en", "de"])[rng.integers(0, 5, n_cust)],
        },
    )
    write(
        "products",
        {
            "id": np.arange(1000),
            "category": np.array(["a", "b", "c", "d"])[np.arange(1000) % 4],
            "is_merchandise": np.arange(1000) >= 5,
        },
    )
    cust = rng.zipf(1.6, n_orders) % n_cust
    anon = rng.random(n_orders) < 0.05
    placed = DAY0 + rng.integers(0, SPAN, n_orders)
    status = np.where(rng.random(n_orders) < 0.04, "cancelled", "completed")
    write(
        "orders",
        {
            "id": np.arange(n_orders),
            "customer_id": pa.array(cust, mask=anon),
            "placed_at": ts(placed),
            "channel": np.array(["web", "app", "store"])[rng.integers(0, 3, n_orders)],
            "status": status,
            "currency": np.full(n_orders, "EUR"),
        },
    )
    order_id = np.sort(rng.integers(0, n_orders, n_lines))
    qty = rng.integers(1, 5, n_lines)
    qty = np.where(rng.random(n_lines) < 0.03, -1, qty)
    write(
        "order_lines",
        {
            "id": np.arange(n_lines),
            "order_id": order_id,
            "product_id": rng.integers(0, 1000, n_lines),
            "sku": rng.integers(0, 1000, n_lines).astype(str),
            "quantity": qty,
            "unit_price": rng.gamma(2.0, 12.0, n_lines).round(2),
            "discount": np.where(rng.random(n_lines) < 0.1, 1.0, 0.0),
        },
    )
    n_resp = n_answers // 2
    survey = rng.integers(0, 3, n_resp)
    write(
        "surveys",
        {
            "id": np.arange(3),
            "key": np.array(["rel", "case", "pulse"]),
            "kind": np.array(["nps", "csat", "enps"]),
        },
    )
    write(
        "survey_questions",
        {
            "id": np.arange(3),
            "survey_id": np.array([0, 1, 1]),
            "key": np.array(["recommend", "csat", "ces"]),
            "scale_min": np.array([0, 1, 1]),
            "scale_max": np.array([10, 5, 7]),
        },
    )
    write(
        "responses",
        {
            "id": np.arange(n_resp),
            "customer_id": rng.integers(0, n_cust, n_resp),
            "survey_id": survey,
            "submitted_at": ts(DAY0 + rng.integers(0, SPAN, n_resp)),
            "channel": np.array(["email", "sms", "web"])[rng.integers(0, 3, n_resp)],
            "touchpoint": np.array(["checkout", "delivery", "returns"])[rng.integers(0, 3, n_resp)],
            "language": np.full(n_resp, "en"),
        },
    )
    rid = np.repeat(np.arange(n_resp), 2)
    first = np.tile([True, False], n_resp)
    s = np.repeat(survey, 2)
    qkey = np.where(s == 1, np.where(first, "csat", "ces"), np.where(first, "recommend", "comment"))
    qtype = np.where(s == 1, np.where(first, "csat", "ces"), np.where(first, "nps", "text"))
    score = np.where(
        s == 1,
        np.where(first, rng.integers(1, 6, 2 * n_resp), rng.integers(1, 8, 2 * n_resp)),
        np.where(first, rng.integers(0, 11, 2 * n_resp), 0),
    )
    write(
        "answers",
        {
            "id": np.arange(2 * n_resp),
            "response_id": rid,
            "question_key": qkey,
            "question_type": qtype,
            "score": pa.array(score, mask=(qtype == "text")),
        },
    )
    n_inv = n_resp * 3
    write(
        "invitations",
        {
            "id": np.arange(n_inv),
            "survey_id": rng.integers(0, 2, n_inv),
            "customer_id": rng.integers(0, n_cust, n_inv),
            "channel": np.array(["email", "sms"])[rng.integers(0, 2, n_inv)],
            "trigger": np.full(n_inv, "order"),
            "sent_at": ts(DAY0 + rng.integers(0, SPAN, n_inv)),
            "responded_at": pa.array(np.zeros(n_inv, "int64"), mask=rng.random(n_inv) > 0.3).cast(
                pa.timestamp("us", tz="UTC")
            ),
            "status": np.full(n_inv, "sent"),
        },
    )
    ianon = rng.random(n_inter) < 0.1
    write(
        "interactions",
        {
            "id": np.arange(n_inter),
            "customer_id": pa.array(rng.zipf(1.4, n_inter) % n_cust, mask=ianon),
            "occurred_at": ts(DAY0 + rng.integers(0, SPAN, n_inter)),
            "channel": np.array(["web", "app", "email", "chat", "store"])[
                rng.integers(0, 5, n_inter)
            ],
            "kind": np.array(["visit", "page_view", "contact"])[rng.integers(0, 3, n_inter)],
            "touchpoint": np.array(["checkout", "delivery", "returns"])[
                rng.integers(0, 3, n_inter)
            ],
            "campaign": np.full(n_inter, "none"),
        },
    )
    return {
        "order_lines": n_lines,
        "answers": 2 * n_resp,
        "interactions": n_inter,
        "orders": n_orders,
        "customers": n_cust,
    }


# --- contenders (each runs in its own process) ----------------------------------------------------
def run_opencx(folder: Path, backend: str = "duckdb", rollups: bool = True) -> dict[str, float]:
    import pandas  # noqa: F401  (Ibis imports it on first execution; the peer imports it untimed)

    import opencx.metrics as m
    from opencx.metrics.store.backends import parquet_connection, spark_connection, spark_session
    from opencx.metrics.store.warehouse import states

    fresh = {s.name for s in states(folder) if s.fresh}
    if rollups and len(fresh) < 4:
        raise SystemExit(f"the rollups are not all fresh ({sorted(fresh)}): refresh first")
    if backend == "spark":
        session = spark_session(master="local[2]", warehouse_dir=tempfile.mkdtemp())
        con = spark_connection(session, folder)
    else:
        con = parquet_connection(folder, threads=2, rollups=rollups)
    t0 = time.perf_counter()
    results = m.compute_suite([m.MetricRequest(n, period="month") for n in SUITE], con)
    assert all(r.rows for r in results.values())
    return {"suite": time.perf_counter() - t0}


def run_refresh(folder: Path) -> dict[str, float]:
    import pandas  # noqa: F401

    from opencx.metrics.store.backends import parquet_connection
    from opencx.metrics.store.warehouse import refresh

    con = parquet_connection(folder, threads=2, rollups=False)
    t0 = time.perf_counter()
    done = refresh(con, folder)
    assert all(s.fresh for s in done), done
    return {"refresh": time.perf_counter() - t0}


def run_daily(folder: Path) -> dict[str, float]:
    """Refresh after the last day's files were added, then the suite (both timed)."""
    from opencx.metrics.store.warehouse import states

    times = run_refresh(folder)
    how = {s.name: s.how for s in states(folder)}
    print(f"  (daily refresh: {how})", file=sys.stderr)
    return times | run_opencx(folder)


DAILY = {
    "orders": "placed_at",
    "interactions": "occurred_at",
    "responses": "submitted_at",
    "invitations": "sent_at",
}
"""Time-stamped tables and their time: a daily load brings their rows of one day."""


def split_last_day(folder: Path, daily: Path) -> dict[str, object]:
    """Lay out ``daily`` as ``folder`` with every table of :data:`DAILY` (and the lines and
    answers under them) as a folder of one file without the last day's rows; return those rows
    per table (untimed)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    cut = pa.scalar((DAY0 + SPAN - 86_400) * 1_000_000, pa.int64()).cast(
        pa.timestamp("us", tz="UTC")
    )
    children = {"orders": ("order_lines", "order_id"), "responses": ("answers", "response_id")}
    last: dict[str, object] = {}
    for path in folder.glob("*.parquet"):
        if path.stem not in DAILY and path.stem not in {c for c, _ in children.values()}:
            os.link(path, daily / path.name)
    for name, column in DAILY.items():
        table = pq.read_table(folder / f"{name}.parquet")
        new = pc.greater_equal(table[column], cut)
        parts = {name: (table.filter(pc.invert(new)), table.filter(new))}
        if name in children:
            child, key = children[name]
            rows = pq.read_table(folder / f"{child}.parquet")
            mine = pc.is_in(rows[key], value_set=parts[name][1]["id"])
            parts[child] = (rows.filter(pc.invert(mine)), rows.filter(mine))
        for table_name, (earlier, added) in parts.items():
            (daily / table_name).mkdir()
            pq.write_table(earlier, daily / table_name / "part-0.parquet", row_group_size=1_000_000)
            last[table_name] = added
    return last


def run_floor(folder: Path) -> dict[str, float]:
    import duckdb

    con = duckdb.connect(config={"threads": 2, "autoinstall_known_extensions": False})
    columns = {
        "order_lines": ["order_id", "product_id", "quantity", "unit_price", "discount"],
        "orders": ["id", "customer_id", "placed_at", "status"],
        "products": ["id", "is_merchandise"],
        "answers": ["response_id", "question_key", "question_type", "score"],
        "responses": ["id", "survey_id", "submitted_at", "customer_id"],
        "interactions": ["customer_id", "occurred_at", "channel"],
        "invitations": ["sent_at", "responded_at", "status", "survey_id"],
    }
    times = {}
    for table, cols in columns.items():
        # every value must be read: max() and count() of a numeric column are answered from the
        # Parquet footer's statistics (10M order lines "scanned" in 0.01 s); a hash is not
        aggs = ", ".join(f"bit_xor(hash({c}))" for c in cols)
        t0 = time.perf_counter()
        con.sql(f"SELECT {aggs} FROM read_parquet('{folder / table}.parquet')").fetchall()
        times[table] = time.perf_counter() - t0
    return times


def run_pandas(folder: Path) -> dict[str, float]:
    from metrics_pandas import SUITE_PANDAS  # type: ignore[import-not-found]

    times = {}
    for name, fn in SUITE_PANDAS.items():
        t0 = time.perf_counter()
        out = fn(folder)
        times[name] = time.perf_counter() - t0
        assert len(out), name
    return times


CONTENDERS = {
    "opencx": run_opencx,
    "floor": run_floor,
    "pandas": run_pandas,
    "refresh": run_refresh,
    "cold": lambda f: run_opencx(f, rollups=False),
    "daily": run_daily,
    "spark": lambda f: run_opencx(f, "spark", rollups=False),
}


def child(impl: str, folder: str) -> None:
    times = CONTENDERS[impl](Path(folder))
    status = Path("/proc/self/status").read_text()
    hwm = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM"))
    print(json.dumps({"steps": times, "hwm_kib": hwm}))


def measure(impl: str, folder: Path) -> tuple[float, dict[str, float], float]:
    """Run ``impl`` in a child process; return (seconds, per-step seconds, peak RSS GiB).

    Peak memory is the child's own VmHWM (reset by exec; ru_maxrss from wait4 would inherit
    the parent's high-water mark from before the fork).
    """
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), *sys.path])}
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, __file__, "--child", impl, str(folder)],
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    )
    out = proc.stdout.read() if proc.stdout else ""
    if proc.wait() != 0:
        raise SystemExit(f"{impl} failed with status {proc.returncode}")
    doc = json.loads(out.strip().splitlines()[-1])
    steps = doc["steps"]
    print(f"  ({impl}: {time.perf_counter() - t0:.1f} s wall including start-up)")
    return sum(steps.values()), steps, doc["hwm_kib"] / 2**20  # KiB → GiB


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--skip-spark", action="store_true")
    ap.add_argument("--skip-pandas", action="store_true")
    ap.add_argument("--child", nargs=2, metavar=("IMPL", "DIR"))
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    import pyarrow.parquet as pq

    with tempfile.TemporaryDirectory(prefix="opencx-bench-") as tmp:
        folder = Path(tmp) / "full"
        folder.mkdir()
        t0 = time.perf_counter()
        sizes = generate(folder, args.scale)
        print(f"generated {sizes} in {time.perf_counter() - t0:.0f} s (untimed)")
        results = {}
        order = ("floor", "cold", "refresh", "opencx", *(() if args.skip_pandas else ("pandas",)))
        for impl in order:
            secs, steps, gib = measure(impl, folder)
            results[impl] = (secs, gib)
            slow = ", ".join(
                f"{k} {v:.1f}" for k, v in sorted(steps.items(), key=lambda kv: -kv[1])[:5]
            )
            print(f"{impl:7s} {secs:8.2f} s  peak {gib:5.2f} GiB   slowest: {slow}")
        ours, floor = results["opencx"][0], results["floor"][0]
        cold, built = results["cold"][0], results["refresh"][0]
        print(
            f"opencx / floor  = {ours / floor:.1f}x (goal <= 3x; without rollups "
            f"{cold / floor:.1f}x)"
        )
        if "pandas" in results:
            pandas = results["pandas"][0]
            both = pandas / (built + ours)
            print(
                f"pandas / opencx = {pandas / ours:.1f}x (goal >= 10x; without rollups "
                f"{pandas / cold:.1f}x; refresh + suite {both:.1f}x)"
            )
        daily = Path(tmp) / "daily"
        daily.mkdir()
        added = split_last_day(folder, daily)
        measure("refresh", daily)  # the rollups as they were before the day's load
        for name, rows in added.items():
            pq.write_table(rows, daily / name / "part-1.parquet")
        print(f"daily load: {', '.join(f'{n} +{t.num_rows:,}' for n, t in added.items())}")
        secs, steps, gib = measure("daily", daily)
        print(
            f"daily   {secs:8.2f} s  peak {gib:5.2f} GiB   refresh {steps['refresh']:.2f} s, "
            f"suite {steps['suite']:.2f} s"
        )
        if "pandas" in results:
            ratio = results["pandas"][0] / secs
            print(f"pandas / (refresh after a daily load + suite) = {ratio:.1f}x (goal >= 10x)")
        if not args.skip_spark:
            small = Path(tmp) / "spark"
            small.mkdir()
            generate(small, 0.1 * args.scale)
            secs, steps, gib = measure("spark", small)
            lines = int(1e6 * args.scale)
            print(f"spark   {secs:8.1f} s  at {lines:,} lines (driver peak {gib:.2f} GiB)")


if __name__ == "__main__":
    main()
