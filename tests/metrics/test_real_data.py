"""Real data: UCI Online Retail (Chen, Sain & Guo 2012) through OpenCX vs independent pandas.

The file is read with pandas and shaped into the canonical orders / order_lines / products tables
(cancellation invoices ``C...`` become cancelled orders with negative lines; postage, fees and
other non-product codes are not merchandise), loaded into DuckDB, and OpenCX's repeat purchase
rate, monthly cohort retention and return rate are compared with pandas on the raw rows: on the
4% slice in tests/data (always), and on the whole file from ``OPENCX_DATA_DIR`` (bench-size,
skipped when absent outside CI).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

import opencx.metrics as m
from opencx.metrics.store.backends import duckdb_connection
from tests.conftest import data_file

from .conftest import shared_data

NON_PRODUCT = {
    "POST",
    "DOT",
    "M",
    "m",
    "C2",
    "D",
    "S",
    "B",
    "CRUK",
    "PADS",
    "BANK CHARGES",
    "AMAZONFEE",
    "gift_0001_10",
    "gift_0001_20",
    "gift_0001_30",
    "gift_0001_40",
    "gift_0001_50",
}

pytestmark = pytest.mark.slow
# (file, customers with a purchase at least, cohort x age cells at least)
SIZES = {"slice": (170, 70), "whole": (4000, 80)}


@pytest.fixture(scope="module", params=["slice", pytest.param("whole", marks=pytest.mark.realdata)])
def uci_size(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def raw(uci_size: str) -> pd.DataFrame:
    if uci_size == "slice":
        path = data_file("uci/online_retail_uci352_slice.csv.gz")
    else:
        path = shared_data("online_retail_uci352.csv.gz")
    df = pd.read_csv(path, dtype={"InvoiceNo": str, "StockCode": str}, encoding="latin-1")
    df["InvoiceDate"] = pd.to_datetime(df["InvoiceDate"]).dt.tz_localize("UTC")
    df["CustomerID"] = df["CustomerID"].map(lambda v: None if pd.isna(v) else str(int(v)))
    return df


@pytest.fixture(scope="module")
def uci(raw: pd.DataFrame):
    orders = (
        raw.groupby("InvoiceNo", sort=False)
        .agg(customer_id=("CustomerID", "first"), placed_at=("InvoiceDate", "min"))
        .reset_index()
    )
    orders = pd.DataFrame(
        {
            "id": orders["InvoiceNo"],
            "customer_id": orders["customer_id"],
            "placed_at": orders["placed_at"],
            "channel": "web",
            "status": np.where(orders["InvoiceNo"].str.startswith("C"), "cancelled", "completed"),
            "currency": "GBP",
        }
    )
    lines = pd.DataFrame(
        {
            "id": np.arange(len(raw)).astype(str),
            "order_id": raw["InvoiceNo"],
            "line_no": np.arange(len(raw)),
            "product_id": raw["StockCode"],
            "sku": raw["StockCode"],
            "quantity": raw["Quantity"].astype("int64"),
            "unit_price": raw["UnitPrice"],
            "discount": 0.0,
        }
    )
    codes = raw["StockCode"].drop_duplicates()
    products = pd.DataFrame(
        {"id": codes, "category": "all", "is_merchandise": ~codes.isin(NON_PRODUCT)}
    )
    con = duckdb_connection(threads=1)
    con.create_table("orders", orders)
    con.create_table("order_lines", lines)
    con.create_table("products", products)
    yield con
    con.disconnect()


def _merch(raw: pd.DataFrame) -> pd.DataFrame:
    return raw[~raw["StockCode"].isin(NON_PRODUCT)]


def _purchases(raw: pd.DataFrame) -> pd.DataFrame:
    """Invoices that are not cancellations and have a merchandise row with positive quantity."""
    merch = _merch(raw)
    ok = merch[(merch["Quantity"] > 0) & ~merch["InvoiceNo"].str.startswith("C")]
    return (
        ok.groupby("InvoiceNo")
        .agg(customer=("CustomerID", "first"), at=("InvoiceDate", "min"))
        .dropna(subset=["customer"])
    )


def test_repeat_purchase_rate_equals_pandas(uci, raw, uci_size) -> None:
    per_customer = _purchases(raw).groupby("customer").size()
    want = 100 * (per_customer >= 2).mean()
    row = m.compute(m.MetricRequest("repeat_purchase_rate"), uci).rows[0]
    assert row.n == len(per_customer) > SIZES[uci_size][0]
    assert math.isclose(row.value, want, rel_tol=1e-12)


def test_return_rate_equals_pandas(uci, raw) -> None:
    merch = _merch(raw)
    want = (
        100
        * -merch.loc[merch.Quantity < 0, "Quantity"].sum()
        / merch.loc[merch.Quantity > 0, "Quantity"].sum()
    )
    row = m.compute(m.MetricRequest("return_rate"), uci).rows[0]
    assert math.isclose(row.value, want, rel_tol=1e-12)
    assert row.lower < row.value < row.upper


def test_monthly_cohort_retention_equals_pandas(uci, raw, uci_size) -> None:
    p = _purchases(raw)
    p["month"] = p["at"].dt.year * 12 + p["at"].dt.month - 1
    act = p[["customer", "month"]].drop_duplicates()
    act["cohort"] = act.groupby("customer")["month"].transform("min")
    act["age"] = act["month"] - act["cohort"]
    size = act[act.age == 0].groupby("cohort").size()
    tri = act.groupby(["cohort", "age"]).size()
    want = {(f"{c // 12:04d}-{c % 12 + 1:02d}", a): 100 * k / size[c] for (c, a), k in tri.items()}
    result = m.compute(m.MetricRequest("cohort_retention", min_n=1), uci)
    got = {(r.keys["cohort"], r.keys["age"]): r.value for r in result.rows}
    assert got.keys() == want.keys() and len(got) > SIZES[uci_size][1]
    assert all(math.isclose(got[k], want[k], rel_tol=1e-12) for k in want)
    assert got["2010-12", 1] > 30  # the December 2010 cohort is the famously loyal one
