"""Customer feature tables as Ibis expressions over the canonical tables.

Everything here builds an expression and executes nothing, so the same code runs on the
operational SQLite/PostgreSQL database, a DuckDB warehouse or PySpark. Every source is cut at
``as_of`` (strictly before it), which is what makes the churn model's time-based split leak-free:
features computed "as of" a cutoff only see what happened before the cutoff.

The ``attributes`` JSON column is passed through untouched: its keys differ per business, so it is
expanded after execution by :func:`feature_frame`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

import ibis
import ibis.expr.types as ir
import numpy as np
import pandas as pd

from opencx.metrics.domain.order_value import is_purchase, merchandise_lines, order_sums

__all__ = [
    "CHANNELS",
    "FEATURE_COLUMNS",
    "Sources",
    "category_column",
    "customer_features",
    "customer_features_at",
    "expand_attributes",
    "feature_frame",
    "feature_frames",
    "order_values",
    "purchases_after",
]

CHANNELS = ("app", "web", "store")
DAY_SECONDS = 86_400.0

#: Numeric feature columns produced by :func:`customer_features` (besides per-category cases).
FEATURE_COLUMNS = (
    "recency_days",
    "frequency",
    "monetary",
    "avg_order_value",
    "tenure_days",
    "discount_share",
    "return_rate",
    "share_app",
    "share_web",
    "share_store",
    "channels_used",
    "interactions_total",
    "interactions_90d",
    "campaign_engagement_90d",
    "cases_total",
    "cases_180d",
    "cases_open",
    "nps_latest",
    "csat_latest",
    "responses_total",
    "is_promoter",
    "is_detractor",
    "subscription_tenure_days",
    "subscription_mrr",
    "subscription_active",
)


@dataclass(frozen=True)
class Sources:
    """The canonical tables a feature table reads, as Ibis tables on any backend."""

    customers: ir.Table
    orders: ir.Table
    order_lines: ir.Table
    interactions: ir.Table
    cases: ir.Table
    responses: ir.Table
    answers: ir.Table
    subscriptions: ir.Table
    products: ir.Table


def _days_between(later: ir.Value, earlier: ir.Value) -> ir.FloatingValue:
    return (later.epoch_seconds() - earlier.epoch_seconds()).cast("float64") / DAY_SECONDS


def order_values(src: Sources, as_of: datetime) -> ir.Table:
    """One row per order with merchandise placed before ``as_of``: value, discount, return flag.

    ``value`` and ``is_purchase`` are the order's value and purchase flag as
    :mod:`opencx.metrics.domain.order_value` defines them for every report: merchandise lines
    only (postage and fees are not spend), net of discounts and of returns, which are negative
    lines; a purchase is an order that is not cancelled and sells merchandise. Purchases are the
    transactions of frequency, recency, monetary value and CLV.
    """
    o = src.orders
    o = o.filter((o.placed_at < ibis.literal(as_of)) & o.customer_id.notnull())
    sums = order_sums(merchandise_lines(src.order_lines, src.products))
    ln = src.order_lines
    discounts = ln.aggregate(by=[ln.order_id], line_discount=ln.discount.cast("float64").sum())
    sums = sums.rename(sid="order_id")
    discounts = discounts.rename(did="order_id")
    j = o.join(sums, o.id == sums.sid).left_join(discounts, o.id == discounts.did)
    return j.select(
        order_id=j.id,
        customer_id=j.customer_id,
        placed_at=j.placed_at,
        channel=j.channel,
        value=j.net,
        is_purchase=is_purchase(j.status, j.units),
        discounted=(j.discount_total.cast("float64") > 0) | (j.line_discount.fill_null(0.0) > 0),
        is_return=(j.returned_units > 0) | j.status.isin(["returned", "partly_returned"]),
    )


def _order_features(src: Sources, as_of: datetime) -> ir.Table:
    ov = order_values(src, as_of)
    p = ov.filter(ov.is_purchase)
    return _order_part(p.aggregate(by=[p.customer_id], **_order_metrics(p)), as_of)


def _order_metrics(p: ir.Table, where: ir.BooleanValue | None = None) -> dict[str, ir.Value]:
    """The per-customer order aggregates, of the rows ``where`` holds (all rows by default)."""

    def share(cond: ir.BooleanValue) -> ir.FloatingValue:
        return ibis.ifelse(cond, 1.0, 0.0).mean(where=where)

    return {
        "frequency": p.order_id.count(where=where),
        "monetary": p.value.sum(where=where),
        "last_order": p.placed_at.max(where=where),
        "first_order": p.placed_at.min(where=where),
        "discount_share": share(p.discounted),
        "return_rate": share(p.is_return),
        "share_app": share(p.channel == "app"),
        "share_web": share(p.channel == "web"),
        "share_store": share(p.channel == "store"),
        "channels_used": p.channel.nunique(where=where),
    }


def _order_part(agg: ir.Table, as_of: datetime) -> ir.Table:
    return agg.mutate(
        recency_days=_days_between(ibis.literal(as_of), agg.last_order),
        avg_order_value=agg.monetary / agg.frequency.cast("float64"),
    )


def _interaction_features(src: Sources, as_of: datetime) -> ir.Table:
    i = src.interactions
    i = i.filter((i.occurred_at < ibis.literal(as_of)) & i.customer_id.notnull())
    return i.aggregate(by=[i.customer_id], **_interaction_metrics(i, as_of))


def _interaction_metrics(
    i: ir.Table, as_of: datetime, where: ir.BooleanValue | None = None
) -> dict[str, ir.Value]:
    recent = i.occurred_at >= ibis.literal(as_of - timedelta(days=90))
    campaign = i.kind.isin(["campaign_open", "campaign_click"])
    return {
        "interactions_total": i.id.count(where=where),
        "interactions_90d": ibis.ifelse(recent, 1, 0).sum(where=where),
        "campaign_engagement_90d": ibis.ifelse(recent & campaign, 1, 0).sum(where=where),
    }


def _shared_parts(src: Sources, cutoffs: Sequence[datetime]) -> list[tuple[ir.Table, ir.Table]]:
    """The order and interaction parts at each cutoff from one aggregation of each table: each
    cutoff's aggregates are taken ``where`` the row precedes it, then split off per cutoff and
    limited to the customers with a row before it (as the filtered aggregation returns them)."""
    last = ibis.literal(max(cutoffs))
    ov = order_values(src, max(cutoffs))
    p = ov.filter(ov.is_purchase)
    i = src.interactions
    i = i.filter((i.occurred_at < last) & i.customer_id.notnull())
    order_cols, inter_cols = {}, {}
    for k, cut in enumerate(cutoffs):
        before = ibis.literal(cut)
        for name, value in _order_metrics(p, p.placed_at < before).items():
            order_cols[f"{name}_{k}"] = value
        for name, value in _interaction_metrics(i, cut, i.occurred_at < before).items():
            inter_cols[f"{name}_{k}"] = value
    orders = p.aggregate(by=[p.customer_id], **order_cols)
    inter = i.aggregate(by=[i.customer_id], **inter_cols)
    parts = []
    for k, cut in enumerate(cutoffs):
        o = orders.filter(orders[f"frequency_{k}"] > 0)
        o = o.select("customer_id", **{n: o[f"{n}_{k}"] for n in _order_metrics(p)})
        it = inter.filter(inter[f"interactions_total_{k}"] > 0)
        it = it.select("customer_id", **{n: it[f"{n}_{k}"] for n in _interaction_metrics(i, cut)})
        parts.append((_order_part(o, cut), it))
    return parts


def _case_features(src: Sources, as_of: datetime, categories: Sequence[str]) -> ir.Table:
    c = src.cases
    now = ibis.literal(as_of)
    c = c.filter((c.opened_at < now) & c.customer_id.notnull())
    still_open = c.resolved_at.isnull() | (c.resolved_at >= now)
    metrics: dict[str, ir.Value] = {
        "cases_total": c.id.count(),
        "cases_180d": ibis.ifelse(
            c.opened_at >= ibis.literal(as_of - timedelta(days=180)), 1, 0
        ).sum(),
        "cases_open": ibis.ifelse(still_open, 1, 0).sum(),
    }
    for cat in categories:
        metrics[category_column(cat)] = ibis.ifelse(c.category == cat, 1, 0).sum()
    return c.aggregate(by=[c.customer_id], **metrics)


def category_column(category: str) -> str:
    """The feature column name for cases of ``category`` (``cases_cat_<slug>``)."""
    slug = "".join(ch if ch.isalnum() else "_" for ch in category.lower()).strip("_")
    return f"cases_cat_{slug or 'blank'}"


def _latest_score(src: Sources, as_of: datetime, question_type: str, name: str) -> ir.Table:
    r = src.responses
    r = r.filter((r.submitted_at < ibis.literal(as_of)) & r.customer_id.notnull())
    a = src.answers
    a = a.filter((a.question_type == question_type) & a.score.notnull())
    j = a.join(r, a.response_id == r.id)
    ranked = j.mutate(
        rn=ibis.row_number().over(
            group_by=[j.customer_id], order_by=[ibis.desc(j.submitted_at), ibis.desc(j.id)]
        )
    )
    latest = ranked.filter(ranked.rn == 0)
    return latest.select(customer_id=latest.customer_id, **{name: latest.score.cast("float64")})


def _response_counts(src: Sources, as_of: datetime) -> ir.Table:
    r = src.responses
    r = r.filter((r.submitted_at < ibis.literal(as_of)) & r.customer_id.notnull())
    return r.aggregate(by=[r.customer_id], responses_total=r.id.count())


def _subscription_features(src: Sources, as_of: datetime) -> ir.Table:
    s = src.subscriptions
    now = ibis.literal(as_of)
    s = s.filter(s.started_at < now)
    active = s.ended_at.isnull() | (s.ended_at >= now)
    end = ibis.ifelse(active, now, s.ended_at)
    return s.aggregate(
        by=[s.customer_id],
        subscription_tenure_days=_days_between(end, s.started_at).max(),
        subscription_mrr=ibis.ifelse(active, s.mrr.cast("float64"), 0.0).sum(),
        subscription_active=ibis.ifelse(active, 1, 0).max(),
        first_subscription=s.started_at.min(),
    )


def customer_features(
    src: Sources, as_of: datetime, *, case_categories: Sequence[str] = ()
) -> ir.Table:
    """One row per customer known before ``as_of`` with behaviour and feedback features.

    Parameters
    ----------
    src
        The canonical tables on one Ibis backend.
    as_of
        Cutoff (tz-aware UTC): only events strictly before it are used.
    case_categories
        Case categories that get a count column each (named by :func:`category_column`).

    Returns
    -------
    ibis.expr.types.Table
        ``customer_id, language, country, attributes`` and :data:`FEATURE_COLUMNS`. Customers
        without orders have null RFM values; counts are 0; NPS/CSAT are null when never asked.

    References
    ----------
    Hughes, A. M. (1994). *Strategic Database Marketing* (RFM). Reichheld, F. (2003). The one
    number you need to grow. *Harvard Business Review* 81(12) (promoter ≥ 9, detractor ≤ 6).
    """
    return _assemble(
        src,
        as_of,
        case_categories,
        _order_features(src, as_of),
        _interaction_features(src, as_of),
    )


def customer_features_at(
    src: Sources, cutoffs: Sequence[datetime], *, case_categories: Sequence[str] = ()
) -> ir.Table:
    """:func:`customer_features` at each of ``cutoffs`` in one query, stacked, with a ``cutoff``
    column (the cutoff's position in ``cutoffs``).

    The orders and interactions, the large tables, are aggregated once for all cutoffs (each
    aggregate taken over the rows before its cutoff) instead of once per cutoff; every other
    column is computed as :func:`customer_features` computes it. Split the result with
    :func:`feature_frames`.
    """
    if not cutoffs:
        raise ValueError("customer_features_at needs at least one cutoff")
    tables = [
        _assemble(src, cut, case_categories, orders, inter).mutate(cutoff=ibis.literal(k))
        for k, (cut, (orders, inter)) in enumerate(
            zip(cutoffs, _shared_parts(src, cutoffs), strict=True)
        )
    ]
    return tables[0].union(*tables[1:], distinct=False) if len(tables) > 1 else tables[0]


def _assemble(
    src: Sources,
    as_of: datetime,
    case_categories: Sequence[str],
    orders: ir.Table,
    interactions: ir.Table,
) -> ir.Table:
    now = ibis.literal(as_of)
    cu = src.customers
    cu = cu.filter(cu.merged_into.isnull() & cu.erased_at.isnull())
    base = cu.select(
        customer_id=cu.id,
        language=cu.language,
        country=cu.country,
        attributes=cu.attributes,
        created_at=cu.created_at,
    )
    parts = [
        orders,
        interactions,
        _case_features(src, as_of, case_categories),
        _latest_score(src, as_of, "nps", "nps_latest"),
        _latest_score(src, as_of, "csat", "csat_latest"),
        _response_counts(src, as_of),
        _subscription_features(src, as_of),
    ]
    t = base
    for i, part in enumerate(parts):
        keyed = part.rename({f"key_{i}": "customer_id"})
        t = t.left_join(keyed, base.customer_id == keyed[f"key_{i}"])
    t = t.drop(*(f"key_{i}" for i in range(len(parts))))
    since = ibis.least(
        t.created_at,
        t.first_order.fill_null(t.created_at),
        t.first_subscription.fill_null(t.created_at),
    )
    t = t.filter((t.created_at < now) | t.first_order.notnull() | t.first_subscription.notnull())
    counts = [
        "frequency",
        "interactions_total",
        "interactions_90d",
        "campaign_engagement_90d",
        "cases_total",
        "cases_180d",
        "cases_open",
        "responses_total",
        "subscription_active",
        *(category_column(c) for c in case_categories),
    ]
    t = t.mutate(
        tenure_days=ibis.greatest(_days_between(now, since), 0.0),
        is_promoter=ibis.ifelse(t.nps_latest >= 9, 1.0, 0.0),
        is_detractor=ibis.ifelse(t.nps_latest <= 6, 1.0, 0.0),
        monetary=t.monetary.fill_null(0.0),
        subscription_mrr=t.subscription_mrr.fill_null(0.0),
        **{c: t[c].fill_null(0).cast("float64") for c in counts},
    )
    cols = [
        "customer_id",
        "language",
        "country",
        "attributes",
        *FEATURE_COLUMNS,
        *(category_column(c) for c in case_categories),
    ]
    return t.select(*cols)


def purchases_after(src: Sources, start: datetime, end: datetime) -> ir.Table:
    """Customers with at least one purchase in ``[start, end)``: the churn label's window.

    Returns ``customer_id, purchases`` (one row per customer who bought in the window).
    """
    ov = order_values(src, end)
    ov = ov.filter(ov.is_purchase & (ov.placed_at >= ibis.literal(start)))
    return ov.aggregate(by=[ov.customer_id], purchases=ov.order_id.count())


MAX_ATTRIBUTE_LEVELS = 50


def _attribute_dict(value: object) -> dict[str, object]:
    if isinstance(value, dict):
        return value
    if isinstance(value, str) and value.startswith("{"):
        import json

        parsed = json.loads(value)
        return parsed if isinstance(parsed, dict) else {}
    return {}


def expand_attributes(frame: pd.DataFrame) -> pd.DataFrame:
    """Replace the JSON ``attributes`` column by one ``attr_<key>`` column per key.

    Numbers and booleans become floats; text becomes a categorical column when it has at most
    :data:`MAX_ATTRIBUTE_LEVELS` distinct values (free text and ids are dropped: they identify,
    they do not describe).
    """
    if "attributes" not in frame.columns:
        return frame
    dicts = [_attribute_dict(v) for v in frame["attributes"]]
    raw = pd.DataFrame.from_records(dicts, index=frame.index)
    out = frame.drop(columns=["attributes"])
    for key in sorted(raw.columns, key=str):
        col = raw[key]
        non_null = col.dropna()
        name = f"attr_{key}"
        if non_null.map(lambda v: isinstance(v, bool | int | float)).all():
            out[name] = pd.to_numeric(col.map(_as_float), errors="coerce")
        elif non_null.astype(str).nunique() <= MAX_ATTRIBUTE_LEVELS:
            out[name] = col.map(lambda v: None if v is None or v != v else str(v)).astype(
                "category"
            )
    return out


def _as_float(value: object) -> float:
    if value is None:
        return float("nan")
    if isinstance(value, bool | int | float):
        return float(value)
    return float("nan")


def feature_frame(expr: ir.Table) -> pd.DataFrame:
    """Execute a feature expression; attributes expanded, one row per customer, sorted by id."""
    return _finished(expr.execute())


def feature_frames(expr: ir.Table, n: int) -> list[pd.DataFrame]:
    """Execute a :func:`customer_features_at` expression of ``n`` cutoffs: one frame per cutoff,
    each as :func:`feature_frame` gives it."""
    stacked = expr.execute()
    return [
        _finished(part.drop(columns="cutoff").reset_index(drop=True))
        for part in (stacked[stacked["cutoff"] == k] for k in range(n))
    ]


def _finished(frame: pd.DataFrame) -> pd.DataFrame:
    frame = expand_attributes(frame)
    for col in frame.columns:
        if col in FEATURE_COLUMNS or col.startswith("cases_cat_"):
            frame[col] = pd.to_numeric(frame[col], errors="coerce").astype(np.float64)
    return frame.sort_values("customer_id", kind="stable").reset_index(drop=True)
