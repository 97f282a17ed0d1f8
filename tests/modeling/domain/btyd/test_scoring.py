"""CLV, holdout validation, and the Ibis BTYD summary on DuckDB, SQLite, PostgreSQL and Spark."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import ibis
import numpy as np
import pandas as pd
import pytest

from opencx.modeling.domain.btyd import bgnbd, clv, holdout
from opencx.modeling.domain.btyd.engine import (
    btyd_summary,
    compressed_btyd_summary,
    fetch_summary,
)
from opencx.modeling.domain.btyd.gamma_gamma import GammaGammaParams
from opencx.modeling.domain.btyd.summary import RfmSummary, summary_from_transactions
from tests.conftest import data_file

END = datetime(2024, 6, 1, tzinfo=UTC)
CAL = datetime(2024, 4, 1, 12, tzinfo=UTC)


def _orders(n: int = 3000) -> pd.DataFrame:
    rng = np.random.default_rng(5)
    start = np.datetime64("2024-01-01T00:00:00")
    times = start + rng.integers(0, 200 * 86_400, n).astype("timedelta64[s]")
    return pd.DataFrame(
        {
            "customer_id": rng.integers(0, 400, n).astype(str),
            "placed_at": pd.to_datetime(times).tz_localize("UTC"),
            "amount": rng.uniform(1, 100, n).round(2),
        }
    )


def _check_backend(table: Any, frame: pd.DataFrame) -> None:
    times = frame["placed_at"].dt.tz_localize(None).to_numpy()
    for period in ("D", "W"):
        ref = summary_from_transactions(
            frame["customer_id"].to_numpy(),
            times,
            frame["amount"].to_numpy(),
            observation_end=np.datetime64("2024-06-01T00:00:00"),
            period=period,  # type: ignore[arg-type]
        )
        expr = btyd_summary(table, observation_end=END, period=period, value="amount")  # type: ignore[arg-type]
        got = fetch_summary(expr.order_by("customer_id"))
        assert got.customer_ids is not None and ref.customer_ids is not None
        assert got.customer_ids.tolist() == ref.customer_ids.tolist()
        for name in ("x", "t_x", "T", "monetary"):
            np.testing.assert_allclose(getattr(got, name), getattr(ref, name), err_msg=name)
        small = fetch_summary(compressed_btyd_summary(expr))
        assert small.n_customers == len(ref) and len(small) < len(ref)
    cal = holdout.fetch_holdout(
        btyd_summary(table, observation_end=END, calibration_end=CAL, value="amount").order_by(
            "customer_id"
        )
    )
    ref_cal = holdout.holdout_from_transactions(
        frame["customer_id"].to_numpy(),
        times,
        frame["amount"].to_numpy(),
        calibration_end=np.datetime64("2024-04-01T12:00:00"),
        observation_end=np.datetime64("2024-06-01T00:00:00"),
    )
    np.testing.assert_array_equal(cal.x_holdout, ref_cal.x_holdout)
    assert cal.duration == ref_cal.duration == 61


@pytest.mark.parametrize("backend", ["duckdb", "sqlite"])
def test_ibis_summary_equals_numpy_summary(backend: str) -> None:
    frame = _orders()
    con = ibis.duckdb.connect() if backend == "duckdb" else ibis.sqlite.connect()
    _check_backend(con.create_table("orders", frame), frame)


@pytest.mark.postgres
def test_ibis_summary_on_postgresql(pg_database_url: str) -> None:
    frame = _orders()
    url = pg_database_url.replace("postgresql+psycopg", "postgres")
    con = ibis.connect(url)
    try:
        _check_backend(con.create_table("btyd_orders_test", frame, overwrite=True), frame)
    finally:
        con.drop_table("btyd_orders_test", force=True)
        con.disconnect()


@pytest.mark.spark
@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::ResourceWarning")  # py4j leaves gateway sockets open
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_ibis_summary_on_local_spark(spark_session: Any) -> None:
    frame = _orders(800)
    con = ibis.pyspark.connect(spark_session)
    _check_backend(con.create_table("btyd_orders_test", frame, overwrite=True), frame)


def test_clv_matches_lifetimes_on_cdnow() -> None:
    """lifetimes 0.11.3 ``GammaGammaFitter.customer_lifetime_value(bgf, ..., time=12,
    discount_rate=0.01, freq="W")`` on the CDNOW sample gives 36.278496, 4.637466, 8.344093 for
    the first three customers."""
    frame = pd.read_csv(data_file("cdnow/cdnow_customers_summary_with_transactions.csv"))
    s = RfmSummary(
        frame["x"].to_numpy()[:3],
        frame["t_x"].to_numpy()[:3],
        frame["T"].to_numpy()[:3],
        monetary=frame["zbar"].to_numpy()[:3],
    )
    p = bgnbd.BgNbdParams(0.242593, 4.413532, 0.792886, 2.425752)
    g = GammaGammaParams(6.248802, 3.744588, 15.447748)
    value = clv.customer_lifetime_value(p, g, s, months=12, discount_rate=0.01, period="W")
    np.testing.assert_allclose(value, [36.278496, 4.637466, 8.344093], rtol=1e-5)
    twice = clv.customer_lifetime_value(
        p, g, s, months=12, discount_rate=0.01, margin=2.0, period="W"
    )
    np.testing.assert_allclose(twice, 2 * value)


def test_predictions_are_the_same_in_chunks() -> None:
    rng = np.random.default_rng(3)
    p = bgnbd.BgNbdParams(0.5, 6.0, 0.8, 2.5)
    s = bgnbd.simulate_bgnbd(p, rng.uniform(5, 50, 2500), rng)
    whole = clv.expected_purchases(p, s, 10.0)
    parts = np.concatenate([clv.expected_purchases(p, c, 10.0) for c in s.chunks(1000)])
    np.testing.assert_array_equal(whole, parts)


def test_cdnow_holdout_table_tracks_actuals() -> None:
    """FHL (2005) figure 4: BG/NBD conditional expectations against actual week 40-78 purchases
    of the full CDNOW cohort, by calibration frequency."""
    raw = pd.read_csv(data_file("cdnow/CDNOW_master.txt.gz"), sep=r"\s+", header=0)
    times = pd.to_datetime(raw["date"].astype(str), format="%Y%m%d").to_numpy()
    data = holdout.holdout_from_transactions(
        raw["customer_id"].to_numpy(),
        times,
        calibration_end=np.datetime64("1997-09-30"),
        observation_end=np.datetime64("1998-06-30"),
        period="W",
    )
    assert len(data.calibration) == 23_570 and data.duration == 39
    rows = holdout.holdout_comparison(bgnbd.fit_bgnbd(data.calibration), data)
    assert [r.frequency for r in rows] == list(range(8))
    assert sum(r.customers for r in rows) == 23_570
    for r in rows:  # within 0.35 purchases per customer in every group
        assert abs(r.actual - r.predicted) < 0.35, r
