"""The peer for bench/metrics.py: the same monthly metric statistics, the idiomatic pandas way.

Each function reads the Parquet files it needs (as a notebook would) and returns a small
statistics frame per month, like OpenCX's Ibis expressions do.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

WINDOW = 180


def _month(ts: pd.Series) -> pd.Series:
    return ts.dt.year * 12 + ts.dt.month - 1


@cache
def _orders(folder: Path) -> pd.DataFrame:
    lines = pd.read_parquet(
        folder / "order_lines.parquet",
        columns=["order_id", "product_id", "quantity", "unit_price", "discount"],
    )
    products = pd.read_parquet(folder / "products.parquet", columns=["id", "is_merchandise"])
    lines = lines.merge(products, left_on="product_id", right_on="id", how="left")
    lines = lines[lines["is_merchandise"].fillna(True)]
    lines["value"] = lines["quantity"] * lines["unit_price"] - lines["discount"]
    pos = lines["quantity"] > 0
    lines["units"] = lines["quantity"].where(pos, 0)
    lines["back"] = (-lines["quantity"]).where(~pos, 0)
    lines["gross"] = lines["value"].where(pos, 0.0)
    per = lines.groupby("order_id").agg(
        units=("units", "sum"), back=("back", "sum"), gross=("gross", "sum"), net=("value", "sum")
    )
    orders = pd.read_parquet(
        folder / "orders.parquet", columns=["id", "customer_id", "placed_at", "status"]
    )
    o = orders.merge(per, left_on="id", right_index=True)
    o["month"] = _month(o["placed_at"])
    o["purchase"] = (o["status"] != "cancelled") & (o["units"] > 0)
    return o


def _purchases(folder: Path) -> pd.DataFrame:
    o = _orders(folder)
    return o[o["purchase"] & o["customer_id"].notna()]


def repeat_purchase_rate(folder: Path) -> pd.DataFrame:
    c = _purchases(folder).groupby(["month", "customer_id"]).size().rename("orders").reset_index()
    return c.groupby("month").agg(n=("orders", "size"), k=("orders", lambda s: (s >= 2).sum()))


def purchase_frequency(folder: Path) -> pd.DataFrame:
    c = _purchases(folder).groupby(["month", "customer_id"]).size().rename("x").reset_index()
    return c.groupby("month")["x"].agg(["count", "mean", "std"])


def average_order_value(folder: Path) -> pd.DataFrame:
    o = _orders(folder)
    return o[o["purchase"]].groupby("month")["gross"].agg(["count", "mean", "std"])


def revenue_per_customer(folder: Path) -> pd.DataFrame:
    o = _orders(folder)
    c = o[o["customer_id"].notna()].groupby(["month", "customer_id"])["net"].sum().reset_index()
    return c.groupby("month")["net"].agg(["count", "mean", "std"])


def return_rate(folder: Path) -> pd.DataFrame:
    o = _orders(folder)
    g = o.assign(yy=o["back"] ** 2, xx=o["units"] ** 2, xy=o["back"] * o["units"])
    return g.groupby("month")[["back", "units", "yy", "xx", "xy"]].sum()


def churn_rate(folder: Path) -> pd.DataFrame:
    p = _purchases(folder)
    days = pd.DataFrame(
        {"customer_id": p["customer_id"], "day": p["placed_at"].astype("int64") // 86_400_000_000}
    )
    days = days.drop_duplicates().sort_values(["customer_id", "day"])
    gap = days.groupby("customer_id")["day"].diff()
    days["spell"] = (gap.isna() | (gap > WINDOW)).astype(int).groupby(days["customer_id"]).cumsum()
    spells = days.groupby(["customer_id", "spell"])["day"].agg(["min", "max"])
    to_month = lambda d: _month(pd.to_datetime(d, unit="D"))  # noqa: E731
    a, b = to_month(spells["min"]), to_month(spells["max"] + WINDOW)
    starts = a.value_counts().sort_index()
    ends = b.value_counts().sort_index()
    same = b[a == b].value_counts()
    idx = starts.index.union(ends.index)
    starts, ends = starts.reindex(idx, fill_value=0), ends.reindex(idx, fill_value=0)
    active = starts.cumsum() - starts - (ends.cumsum() - ends)
    out = pd.DataFrame({"n": active, "k": ends - same.reindex(idx, fill_value=0)})
    bound = to_month(pd.Series([days["day"].max() + 1])).iloc[0]
    return out[(out["n"] > 0) & (out.index < bound)]


def cohort_retention(folder: Path) -> pd.DataFrame:
    p = _purchases(folder)[["customer_id", "month"]].drop_duplicates()
    p["cohort"] = p.groupby("customer_id")["month"].transform("min")
    p["age"] = p["month"] - p["cohort"]
    size = p[p["age"] == 0].groupby("cohort").size()
    tri = p.groupby(["cohort", "age"]).size().rename("k").reset_index()
    return tri.assign(n=tri["cohort"].map(size))


@cache
def _answers(folder: Path) -> pd.DataFrame:
    a = pd.read_parquet(
        folder / "answers.parquet",
        columns=["response_id", "question_key", "question_type", "score"],
    )
    r = pd.read_parquet(folder / "responses.parquet", columns=["id", "survey_id", "submitted_at"])
    s = pd.read_parquet(folder / "surveys.parquet", columns=["id", "kind"])
    q = pd.read_parquet(
        folder / "survey_questions.parquet", columns=["survey_id", "key", "scale_min", "scale_max"]
    )
    j = a.merge(r, left_on="response_id", right_on="id").merge(
        s, left_on="survey_id", right_on="id", suffixes=("", "_s")
    )
    j = j.merge(q, left_on=["survey_id", "question_key"], right_on=["survey_id", "key"], how="left")
    j["month"] = _month(j["submitted_at"])
    return j[j["score"].notna()]


def nps(folder: Path) -> pd.DataFrame:
    a = _answers(folder)
    a = a[(a["question_type"] == "nps") & (a["kind"] != "enps")]
    return (
        a.assign(p=a["score"] >= 9, d=a["score"] <= 6)
        .groupby("month")
        .agg(n=("score", "size"), promoters=("p", "sum"), detractors=("d", "sum"))
    )


def csat(folder: Path) -> pd.DataFrame:
    a = _answers(folder)
    a = a[a["question_type"] == "csat"]
    top = a["score"] >= a["scale_max"].fillna(5) - 1
    return a.assign(top=top).groupby("month").agg(n=("score", "size"), k=("top", "sum"))


def ces(folder: Path) -> pd.DataFrame:
    a = _answers(folder)
    return a[a["question_type"] == "ces"].groupby("month")["score"].agg(["count", "mean", "std"])


def response_rate(folder: Path) -> pd.DataFrame:
    i = pd.read_parquet(
        folder / "invitations.parquet", columns=["sent_at", "responded_at", "status"]
    )
    i = i[i["sent_at"].notna()]
    responded = i["responded_at"].notna() | (i["status"] == "responded")
    return (
        i.assign(r=responded, month=_month(i["sent_at"]))
        .groupby("month")
        .agg(n=("r", "size"), k=("r", "sum"))
    )


@cache
def _engagement(folder: Path) -> pd.DataFrame:
    i = pd.read_parquet(
        folder / "interactions.parquet", columns=["customer_id", "occurred_at", "channel"]
    )
    i = i[i["customer_id"].notna()]
    i = i.assign(month=_month(i["occurred_at"]), day=i["occurred_at"].dt.floor("D"))
    return i.groupby(["month", "customer_id"]).agg(
        days=("day", "nunique"), touches=("channel", "size"), channels=("channel", "nunique")
    )


def active_days(folder: Path) -> pd.DataFrame:
    return _engagement(folder).groupby("month")["days"].agg(["count", "mean", "std"])


def touchpoints(folder: Path) -> pd.DataFrame:
    return _engagement(folder).groupby("month")["touches"].agg(["count", "mean", "std"])


def channels_per_customer(folder: Path) -> pd.DataFrame:
    return _engagement(folder).groupby("month")["channels"].agg(["count", "mean", "std"])


def channel_mix(folder: Path) -> pd.DataFrame:
    i = pd.read_parquet(folder / "interactions.parquet", columns=["occurred_at", "channel"])
    k = i.groupby([_month(i["occurred_at"]).rename("month"), "channel"]).size().rename("k")
    return k.to_frame().assign(n=k.groupby(level="month").transform("sum"))


SUITE_PANDAS: dict[str, Callable[[Path], pd.DataFrame]] = {
    f.__name__: f
    for f in (
        nps,
        csat,
        ces,
        response_rate,
        repeat_purchase_rate,
        purchase_frequency,
        average_order_value,
        revenue_per_customer,
        return_rate,
        churn_rate,
        cohort_retention,
        active_days,
        touchpoints,
        channels_per_customer,
        channel_mix,
    )
}
_ = np
