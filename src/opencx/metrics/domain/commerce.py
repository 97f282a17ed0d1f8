"""Purchase metrics: repeat purchase rate, frequency, order value, revenue, returns, historical CLV.

Money columns are summed as float64 in the statistics (the store keeps Decimal); break down by
``currency`` when several currencies are present. Anonymous orders (no customer) count for order
value and returns, not for customer metrics.
"""

from __future__ import annotations

import ibis.expr.types as ir

from opencx.metrics.domain.metric import (
    Metric,
    Query,
    Sources,
    bucket,
    count_if,
    in_range,
    mean_stats,
    ratio_stats,
)


def _purchases(src: Sources, q: Query) -> ir.Table:
    o = src.frame("orders")
    return bucket(o.filter(o.purchase & o.customer_id.notnull()), q)


def _per_customer(src: Sources, q: Query) -> ir.Table:
    def build() -> ir.Table:
        p = _purchases(src, q)
        return p.group_by([*q.keys, "customer_id"]).aggregate(orders=p.count())

    return src.shared(("purchases_per_customer",), build)


def repeat_purchase_rate(src: Sources, q: Query) -> ir.Table:
    """Customers with two or more purchases in the window / customers with a purchase."""
    c = _per_customer(src, q)
    return c.aggregate(by=q.keys, n=c.count(), k=count_if(c.orders >= 2))


def purchase_frequency(src: Sources, q: Query) -> ir.Table:
    """Purchases per purchasing customer in the window."""
    c = _per_customer(src, q)
    return c.aggregate(by=q.keys, **mean_stats(c.orders))


def average_order_value(src: Sources, q: Query) -> ir.Table:
    """Mean gross merchandise value of a purchase."""
    o = src.frame("orders")
    o = bucket(o.filter(o.purchase), q)
    return o.aggregate(by=q.keys, **mean_stats(o.gross))


def revenue_per_customer(src: Sources, q: Query) -> ir.Table:
    """Net revenue (sales − returns) per customer with an order in the window."""
    o = src.frame("orders")
    o = bucket(o.filter(o.customer_id.notnull()), q)
    c = o.group_by([*q.keys, "customer_id"]).aggregate(net=o.net.sum())
    return c.aggregate(by=q.keys, **mean_stats(c.net))


def return_rate(src: Sources, q: Query) -> ir.Table:
    """Units returned or cancelled / units sold, %, with orders as the sampling units.

    Reads the (shared) orders frame unless a breakdown or filter needs line columns.
    """
    if not {"category", "sku"} & {*q.by, *q.filters}:
        o = bucket(src.frame("orders"), q)
        return o.aggregate(by=q.keys, **ratio_stats(o.returned_units, o.units))
    line = bucket(src.frame("lines"), q)
    pos = line.quantity > 0
    per_order = line.group_by([*q.keys, "order_id"]).aggregate(
        sold=pos.ifelse(line.quantity, 0).sum(), back=pos.ifelse(0, -line.quantity).sum()
    )
    return per_order.aggregate(by=q.keys, **ratio_stats(per_order.back, per_order.sold))


def historical_clv(src: Sources, q: Query) -> ir.Table:
    """Margin-weighted net revenue to date per customer (``margin`` parameter, default 1)."""
    margin = float(q.params.get("margin", 1.0))
    o = src.frame("orders")
    o = in_range(o.filter(o.customer_id.notnull()), q)
    c = o.group_by([*q.by, "customer_id"]).aggregate(value=o.net.sum() * margin)
    return c.aggregate(by=list(q.by), **mean_stats(c.value))


COMMERCE_METRICS = (
    Metric(
        "repeat_purchase_rate", "Repeat purchase rate", "orders", repeat_purchase_rate,
        "proportion", "%",
        "customers with ≥ 2 purchases in the window / customers with ≥ 1; Wilson interval",
        "Fader & Hardie; Kumar & Reinartz (2018), Customer Relationship Management",
    ),
    Metric(
        "purchase_frequency", "Purchase frequency", "orders", purchase_frequency, "mean",
        "orders", "purchases per purchasing customer in the window; t interval",
    ),
    Metric(
        "average_order_value", "Average order value", "orders", average_order_value, "mean",
        "currency", "mean gross merchandise value of purchases; t interval",
    ),
    Metric(
        "revenue_per_customer", "Revenue per customer", "orders", revenue_per_customer, "mean",
        "currency", "net revenue (sales − returns) per customer with an order; t interval",
    ),
    Metric(
        "return_rate", "Return rate", "lines", return_rate, "ratio", "%",
        "units returned or cancelled / units sold; delta-method interval over orders",
        "Cochran (1977), Sampling Techniques, §6.4", higher_is_better=False,
    ),
    Metric(
        "clv_historical", "Historical CLV", "orders", historical_clv, "mean", "currency",
        "margin × net revenue to date, mean per customer (margin parameter, default 1)",
        "Kumar (2008), Managing Customers for Profit", periodic=False,
    ),
)  # fmt: skip
