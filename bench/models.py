"""BTYD fits at scale: OpenCX beside lifetimes 0.11.3, in one run.

1. 1,000,000 simulated customers (BG/NBD- and Pareto/NBD-process purchases in whole weeks over a
   52-week window, Gamma-Gamma spend in cents).  Each model is fitted by OpenCX (which compresses
   to unique (x, t_x, T) rows itself) and by lifetimes, both as its documentation shows (one row
   per customer) and with its ``weights`` option on the same compressed rows.  lifetimes runs in a
   subprocess with a time limit; a fit that exceeds it is reported as "> N s".
2. Pareto/NBD on 200,000 customers whose purchase times are continuous (rows that do not
   compress), against lifetimes' weighted fit of the same rows, wall and CPU time
   (``--only-continuous`` runs this part alone).
3. 10,000,000 customers' orders in a DuckDB table -> ``btyd_summary`` (Ibis on DuckDB) ->
   compressed in the backend -> fitted BG/NBD and Pareto/NBD parameters.

lifetimes is the ``bench`` extra, locked in ``requirements/bench.lock`` against dev.lock (it
changes no version there): ``make install-bench`` installs it (``make bench`` does too).
Run: ``OMP_NUM_THREADS=1 .venv/bin/python bench/models.py [--customers N] [--big N]``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np

from opencx.modeling.domain.btyd import bgnbd, gamma_gamma, pareto_nbd
from opencx.modeling.domain.btyd.summary import RfmSummary, compress

BG_TRUE = bgnbd.BgNbdParams(r=0.25, alpha=4.0, a=0.8, b=2.5)
PNBD_TRUE = pareto_nbd.ParetoNbdParams(r=0.55, alpha=10.5, s=0.6, beta=11.7)
GG_TRUE = gamma_gamma.GammaGammaParams(p=6.0, q=3.7, gamma=15.0)
LIFETIMES_LIMIT = 600.0


def weekly(s: RfmSummary) -> RfmSummary:
    """Whole-week recency (as a weekly transaction log gives), keeping 0 < t_x <= T for x > 0."""
    t_x = np.where(s.x > 0, np.minimum(np.ceil(s.t_x), s.T), 0.0)
    return RfmSummary(s.x, t_x, s.T)


def simulate(n: int, seed: int) -> dict[str, RfmSummary]:
    rng = np.random.default_rng(seed)
    T = rng.integers(1, 53, n).astype(float)
    bg = weekly(bgnbd.simulate_bgnbd(BG_TRUE, T, rng))
    pn = weekly(pareto_nbd.simulate_pareto_nbd(PNBD_TRUE, T, rng))
    spend = np.round(gamma_gamma.simulate_spend(GG_TRUE, bg.x, rng), 2)
    gg = RfmSummary(bg.x, bg.t_x, bg.T, monetary=np.where(bg.x > 0, np.maximum(spend, 0.01), 0))
    return {"bgnbd": bg, "pareto_nbd": pn, "gamma_gamma": gg}


def ours(model: str, s: RfmSummary) -> dict[str, Any]:
    t0, c0 = time.perf_counter(), time.process_time()
    if model == "bgnbd":
        p: Any = bgnbd.fit_bgnbd(s)
    elif model == "pareto_nbd":
        p = pareto_nbd.fit_pareto_nbd(s)
    else:
        p = gamma_gamma.fit_gamma_gamma(s)
    fit, fit_cpu = time.perf_counter() - t0, time.process_time() - c0
    t0 = time.perf_counter()
    if model == "bgnbd":
        bgnbd.probability_alive(p, s), bgnbd.expected_purchases(p, s, 52.0)
    elif model == "pareto_nbd":
        pareto_nbd.probability_alive(p, s), pareto_nbd.expected_purchases(p, s, 52.0)
    else:
        gamma_gamma.expected_spend(p, s)
    predict = time.perf_counter() - t0
    return {
        "params": p.as_array().tolist(),
        "fit": fit,
        "fit_cpu": fit_cpu,
        "predict": predict,
        "ll": p.fit.log_likelihood,
    }


# ---- lifetimes side (runs in a subprocess: python bench/models.py --worker ...) ----


def lifetimes_worker(model: str, mode: str, path: str) -> None:
    warnings.simplefilter("ignore")
    import pandas as pd
    from lifetimes import BetaGeoFitter, GammaGammaFitter, ParetoNBDFitter

    d = np.load(path)
    x, t_x, T, m, w = d["x"], d["t_x"], d["T"], d["m"], d["w"]
    weights = None if mode == "documented" else pd.Series(w)
    f, r, TT = pd.Series(x), pd.Series(t_x), pd.Series(T)
    t0, c0 = time.perf_counter(), time.process_time()
    if model == "bgnbd":
        fitter: Any = BetaGeoFitter().fit(f, r, TT, weights=weights)
        names = ["r", "alpha", "a", "b"]
    elif model == "pareto_nbd":
        fitter = ParetoNBDFitter().fit(f, r, TT, weights=weights)
        names = ["r", "alpha", "s", "beta"]
    else:
        fitter = GammaGammaFitter().fit(f, pd.Series(m), weights=weights)
        names = ["p", "q", "v"]
    fit, fit_cpu = time.perf_counter() - t0, time.process_time() - c0
    predict = None
    if mode == "documented":
        t0 = time.perf_counter()
        if model == "gamma_gamma":
            fitter.conditional_expected_average_profit(f, pd.Series(m))
        else:
            fitter.conditional_probability_alive(f, r, TT)
            fitter.conditional_expected_number_of_purchases_up_to_time(52.0, f, r, TT)
        predict = time.perf_counter() - t0
    params = [float(fitter.params_[k]) for k in names]
    print(json.dumps({"params": params, "fit": fit, "fit_cpu": fit_cpu, "predict": predict}))


def lifetimes(model: str, mode: str, s: RfmSummary, tmp: Path) -> dict[str, Any]:
    if model == "gamma_gamma":
        keep = s.x > 0
        x, m, w = s.x[keep], s.monetary[keep], s.w[keep]  # type: ignore[index]
        if mode == "weighted":
            pairs, w = np.unique(np.c_[x, m], axis=0, return_counts=True)
            x, m = pairs[:, 0], pairs[:, 1]
        data = {"x": x, "t_x": x, "T": x, "m": m, "w": w.astype(float)}
    else:
        rows = compress(s) if mode == "weighted" else s
        data = {"x": rows.x, "t_x": rows.t_x, "T": rows.T, "m": rows.x, "w": rows.w}
    path = tmp / f"{model}-{mode}.npz"
    np.savez(path, **data)
    cmd = [sys.executable, __file__, "--worker", model, mode, str(path)]
    t0 = time.perf_counter()
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=LIFETIMES_LIMIT)
    except subprocess.TimeoutExpired:
        return {"fit": None, "limit": LIFETIMES_LIMIT, "rows": len(data["x"])}
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    result["rows"] = len(data["x"])
    result["wall"] = time.perf_counter() - t0
    return result


def seconds(v: float | None, limit: float | None = None) -> str:
    return f"> {limit:.0f} s" if v is None else f"{v:.2f} s"


def ratio(theirs: dict[str, Any], our: float) -> str:
    if theirs.get("fit") is None:
        return f"> {theirs['limit'] / our:.0f}x"
    r = theirs["fit"] / our
    return f"{r:.1f}x" if r < 10 else f"{r:.0f}x"


def max_rel(a: list[float], b: list[float] | None) -> str:
    if b is None:
        return "n/a"
    return f"{np.max(np.abs(np.array(a) - np.array(b)) / np.abs(np.array(b))):.1e}"


def part_one(n: int) -> None:
    data = simulate(n, seed=20261123)
    print(f"## {n:,} simulated customers")
    for model, s in data.items():
        rows = compress(s)
        print(f"{model}: {len(s):,} customers, {len(rows):,} unique (x, t_x, T) rows")
    print(
        "| model | OpenCX fit | OpenCX predict | lifetimes documented fit | predict | ratio |"
        " lifetimes weighted fit | ratio | max rel. param diff (doc / weighted) |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for model, s in data.items():
            us = ours(model, s)
            doc = lifetimes(model, "documented", s, Path(tmp))
            wtd = lifetimes(model, "weighted", s, Path(tmp))
            print(
                f"| {model} | {us['fit']:.2f} s | {us['predict']:.2f} s "
                f"| {seconds(doc.get('fit'), doc.get('limit'))} "
                f"| {seconds(doc.get('predict'), doc.get('limit'))} | {ratio(doc, us['fit'])} "
                f"| {seconds(wtd.get('fit'), wtd.get('limit'))} | {ratio(wtd, us['fit'])} "
                f"| {max_rel(us['params'], doc.get('params'))} / "
                f"{max_rel(us['params'], wtd.get('params'))} |",
                flush=True,
            )
            print(f"  params OpenCX {np.round(us['params'], 5).tolist()} LL {us['ll']:.1f}")
            for name, res in (("documented", doc), ("weighted", wtd)):
                if res.get("params"):
                    print(f"  params lifetimes {name} {np.round(res['params'], 5).tolist()}")


def continuous(n: int) -> None:
    """Pareto/NBD on rows that do not compress: purchase times in fractions of a week."""
    rng = np.random.default_rng(20261206)
    s = pareto_nbd.simulate_pareto_nbd(PNBD_TRUE, rng.uniform(1.0, 52.0, n), rng)
    rows = compress(s)
    print(f"\n## Pareto/NBD, {n:,} customers with continuous times: {len(rows):,} unique rows")
    load = os.getloadavg()
    with tempfile.TemporaryDirectory() as tmp:
        wtd = lifetimes("pareto_nbd", "weighted", s, Path(tmp))
    us = ours("pareto_nbd", s)
    print(
        f"lifetimes weighted fit {seconds(wtd.get('fit'), wtd.get('limit'))} wall, "
        f"{seconds(wtd.get('fit_cpu'), wtd.get('limit'))} CPU; OpenCX fit {us['fit']:.2f} s wall, "
        f"{us['fit_cpu']:.2f} s CPU: {ratio(wtd, us['fit'])} wall, "
        f"{cpu_ratio(wtd, us['fit_cpu'])} CPU (goal >= 10x); max rel. param diff "
        f"{max_rel(us['params'], wtd.get('params'))} (goal <= 1e-4); "
        f"load {' '.join(f'{v:.1f}' for v in load)} -> "
        f"{' '.join(f'{v:.1f}' for v in os.getloadavg())}"
    )
    print(f"  params OpenCX {np.round(us['params'], 7).tolist()} LL {us['ll']:.6f}")
    if wtd.get("params"):
        theirs = pareto_nbd.ParetoNbdParams(*wtd["params"])
        ll = float(pareto_nbd.pareto_nbd_log_likelihood(theirs, rows) @ rows.w)
        print(f"  params lifetimes {np.round(wtd['params'], 7).tolist()} LL {ll:.6f}")


def cpu_ratio(theirs: dict[str, Any], our: float) -> str:
    if theirs.get("fit_cpu") is None:
        return "n/a"
    r = theirs["fit_cpu"] / our
    return f"{r:.1f}x" if r < 10 else f"{r:.0f}x"


def orders_for(n: int, seed: int) -> Any:
    """Orders (customer_id, placed_at, amount) of n BG/NBD customers who joined in 2025."""
    import pyarrow as pa

    rng = np.random.default_rng(seed)
    start = rng.integers(0, 364, n)  # join day within 2025
    T = (364 - start) / 7.0 + 1.0  # weeks until 2026-01-01 (observation end, inclusive day)
    s = bgnbd.simulate_bgnbd(BG_TRUE, T, rng)
    x = s.x.astype(np.int64)
    cust = np.repeat(np.arange(n, dtype=np.int64), x + 1)
    offset = np.zeros(cust.shape[0])
    first = np.concatenate([[0], np.cumsum(x + 1)[:-1]])
    has = x > 0
    last_pos = first[has] + x[has]
    offset[last_pos] = s.t_x[has]
    inner = np.ones(cust.shape[0], bool)
    inner[first] = False
    inner[first[has] + x[has]] = False
    owner_t = np.repeat(s.t_x, x + 1)
    offset[inner] = owner_t[inner] * rng.uniform(size=int(inner.sum()))
    base = np.datetime64("2025-01-01T00:00:00", "s")
    seconds_ = np.repeat(start, x + 1) * 86_400 + np.floor(offset * 7 * 86_400).astype(np.int64)
    placed = base + seconds_.astype("timedelta64[s]")
    amount = np.round(rng.gamma(6.0, 15.0 / 6.0, cust.shape[0]), 2)
    return pa.table(
        {
            "customer_id": cust,
            "placed_at": pa.array(placed, type=pa.timestamp("s", tz="UTC")),
            "amount": amount,
        }
    )


def part_two(n: int) -> None:
    import ibis

    from opencx.modeling.domain.btyd.engine import (
        btyd_summary,
        compressed_btyd_summary,
        fetch_summary,
    )

    print(f"\n## {n:,} customers from a DuckDB order table")
    t0 = time.perf_counter()
    table = orders_for(n, seed=7)
    con = ibis.duckdb.connect(threads=2)
    orders = con.create_table("orders", table)
    del table
    print(
        f"generated and loaded {orders.count().execute():,} orders "
        f"in {time.perf_counter() - t0:.1f} s"
    )
    t0 = time.perf_counter()
    summary = btyd_summary(orders, observation_end=datetime(2026, 1, 1, tzinfo=UTC), period="W")
    rows = fetch_summary(compressed_btyd_summary(summary))
    t_summary = time.perf_counter() - t0
    t1 = time.perf_counter()
    p = bgnbd.fit_bgnbd(rows)
    t_bg = time.perf_counter() - t1
    t1 = time.perf_counter()
    q = pareto_nbd.fit_pareto_nbd(rows)
    t_pn = time.perf_counter() - t1
    print(
        f"btyd_summary + compression in DuckDB: {t_summary:.1f} s -> {len(rows):,} rows "
        f"for {rows.n_customers:,.0f} customers"
    )
    print(
        f"BG/NBD fit {t_bg:.2f} s: {np.round(p.as_array(), 4).tolist()} (simulated with "
        f"{BG_TRUE.as_array().tolist()}, weekly rounding)"
    )
    print(f"Pareto/NBD fit {t_pn:.2f} s: {np.round(q.as_array(), 4).tolist()}")
    print(
        f"orders -> BG/NBD parameters: {t_summary + t_bg:.1f} s; "
        f"-> both models: {t_summary + t_bg + t_pn:.1f} s (goal < 60 s)"
    )


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        lifetimes_worker(*sys.argv[2:5])
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=1_000_000)
    parser.add_argument("--big", type=int, default=10_000_000)
    parser.add_argument("--skip-big", action="store_true")
    parser.add_argument("--continuous", type=int, default=200_000)
    parser.add_argument(
        "--only-continuous", action="store_true", help="only the Pareto/NBD continuous-time part"
    )
    args = parser.parse_args()
    if args.only_continuous:
        continuous(args.continuous)
        return
    part_one(args.customers)
    continuous(args.continuous)
    if not args.skip_big:
        part_two(args.big)


if __name__ == "__main__":
    main()
