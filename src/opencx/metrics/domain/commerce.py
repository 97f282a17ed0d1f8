"""Purchase metrics: repeat purchase rate, frequency, order value, revenue, returns, historical CLV.

Money columns are summed as float64 in the statistics (the store keeps Decimal); break down by
``currency`` when several currencies are present. Anonymous orders (no customer) count for order
value and returns, not for customer metrics.
"""

from __future__ import annotations

from dataclasses import replace

import ibis
import ibis.expr.types as ir

from opencx.metrics.domain.frames import Tables, orders_frame
from opencx.metrics.domain.metric import (
    PERIOD_KEY,
    Link,
    Metric,
    Query,
    Rollup,
    Sources,
    bucket,
    count_if,
    in_range,
    mean_stats,
    ratio_stats,
)
from opencx.metrics.domain.periods import epoch_days


def _f(col: ir.Value) -> ir.FloatingValue:
    return col.cast("float64")


ORDER_SUMS = (
    "orders",
    "purchases",
    "gross",
    "gross2",
    "net",
    "units",
    "back",
    "units2",
    "back2",
    "units_back",
)
"""The sums an order-days row holds (see :func:`order_days`)."""


def _order_sums(o: ir.Table, keys: list[str]) -> ir.Table:
    """Orders (with their ``day``) summed per ``keys``: the columns of :data:`ORDER_SUMS`."""
    bought = o.purchase
    gross, units, back = o.gross, o.units, o.returned_units
    zero = ibis.literal(0.0)
    return o.group_by(keys).aggregate(
        orders=o.count(),
        purchases=count_if(bought),
        gross=bought.ifelse(gross, zero).sum(),
        gross2=bought.ifelse(gross * gross, zero).sum(),
        net=o.net.sum(),
        units=units.sum(),
        back=back.sum(),
        units2=(units * units).sum(),
        back2=(back * back).sum(),
        units_back=(units * back).sum(),
    )


ORDER_KEYS = ("channel", "status", "currency")
"""The order columns the order-days rollup keeps (breakdowns it can serve)."""


def _order_days_rollup(tables: Tables) -> ir.Table:
    o = orders_frame(tables)
    return _order_sums(o.mutate(day=epoch_days(o.at)), ["customer_id", "day", *ORDER_KEYS])


ORDER_DAYS = Rollup(
    "order_days",
    ("orders", "order_lines", "products"),
    ("customer_id", *ORDER_KEYS),
    _order_days_rollup,
    links=(
        Link("order_lines", "order_id", "orders"),
        Link("order_lines", "product_id", "products", grouped=False),
    ),
)
"""Orders per customer, UTC day, channel, status and currency (the sums of ORDER_SUMS). No fact
tables: a return may arrive as a new line of an old order, which changes that order's squares.
Files of new orders with their lines (and new products) are appended once a semi-join proves
that no added line belongs to an earlier order and no earlier line to an added order or
product (``links``); any other change rebuilds it."""


def order_days(src: Sources, q: Query, *, whole_history: bool = False) -> ir.Table:
    """Orders summed per breakdown, customer and UTC day: the one pass every order metric reads.

    Each row holds counts and sums over that day's orders (``orders``, ``purchases``), the
    purchases' gross value and its square (for the order-value interval), net value, and the
    order-level units sold and returned with their squares and product (for the return-rate
    interval). Sums of per-order squares keep orders as the sampling units while the table is a
    fraction of the orders' size (10M lines → 220k customer-days in bench/metrics.py). Anonymous
    orders form the rows without a customer. The query's period index is computed from the day
    on this small table. With ``whole_history`` the range's start is ignored (churn and cohorts
    need every earlier purchase). Read from the :data:`ORDER_DAYS` rollup where one serves.
    """
    scope = q if not whole_history or q.start is None else replace(q, start=None)

    def build() -> ir.Table:
        keys = list(dict.fromkeys([*q.by, "customer_id", "day"]))
        rollup = src.rollup(ORDER_DAYS, scope)
        if rollup is not None:
            days = rollup.group_by(keys).aggregate(**{c: rollup[c].sum() for c in ORDER_SUMS})
        else:
            o = in_range(src.frame("orders"), scope)
            days = _order_sums(o.mutate(day=epoch_days(o.at)), keys)
        if q.period is None:
            return days
        return days.mutate(**{PERIOD_KEY: q.period.index_of_days(days.day)})

    return src.shared(("order_days", scope.start), build)


def _purchases_per_customer(src: Sources, q: Query) -> ir.Table:
    d = order_days(src, q)
    d = d.filter((d.purchases > 0) & d.customer_id.notnull())
    return d.group_by([*q.keys, "customer_id"]).aggregate(orders=d.purchases.sum())


def repeat_purchase_rate(src: Sources, q: Query) -> ir.Table:
    """Customers with two or more purchases in the window / customers with a purchase."""
    c = _purchases_per_customer(src, q)
    return c.aggregate(by=q.keys, n=c.count(), k=count_if(c.orders >= 2))


def purchase_frequency(src: Sources, q: Query) -> ir.Table:
    """Purchases per purchasing customer in the window."""
    c = _purchases_per_customer(src, q)
    return c.aggregate(by=q.keys, **mean_stats(c.orders))


def average_order_value(src: Sources, q: Query) -> ir.Table:
    """Mean gross merchandise value of a purchase."""
    d = order_days(src, q)
    d = d.filter(d.purchases > 0)
    return d.aggregate(by=q.keys, n=d.purchases.sum(), s=d.gross.sum(), ss=d.gross2.sum())


def revenue_per_customer(src: Sources, q: Query) -> ir.Table:
    """Net revenue (sales − returns) per customer with an order in the window."""
    d = order_days(src, q)
    d = d.filter(d.customer_id.notnull())
    c = d.group_by([*q.keys, "customer_id"]).aggregate(net=d.net.sum())
    return c.aggregate(by=q.keys, **mean_stats(c.net))


def return_rate(src: Sources, q: Query) -> ir.Table:
    """Units returned or cancelled / units sold, %, with orders as the sampling units.

    Reads the order days unless a breakdown or filter needs line columns (category, sku).
    """
    if not {"category", "sku"} & {*q.by, *q.filters}:
        d = order_days(src, q)
        return d.aggregate(
            by=q.keys,
            n=d.orders.sum(),
            sy=d.back.sum(),
            sx=d.units.sum(),
            syy=d.back2.sum(),
            sxx=d.units2.sum(),
            sxy=d.units_back.sum(),
        )
    line = bucket(src.frame("lines"), q)
    pos = line.quantity > 0
    per_order = line.group_by([*q.keys, "order_id"]).aggregate(
        sold=pos.ifelse(line.quantity, 0).sum(), back=pos.ifelse(0, -line.quantity).sum()
    )
    return per_order.aggregate(by=q.keys, **ratio_stats(per_order.back, per_order.sold))


def historical_clv(src: Sources, q: Query) -> ir.Table:
    """Margin-weighted net revenue to date per customer (``margin`` parameter, default 1)."""
    margin = float(q.params.get("margin", 1.0))
    d = order_days(src, q)
    d = d.filter(d.customer_id.notnull())
    c = d.group_by([*q.by, "customer_id"]).aggregate(value=d.net.sum() * margin)
    return c.aggregate(by=list(q.by), **mean_stats(c.value))


COMMERCE_METRICS = (
    Metric(
        "repeat_purchase_rate",
        "Repeat purchase rate",
        "orders",
        repeat_purchase_rate,
        "proportion",
        "%",
        "customers with ≥ 2 purchases in the window / customers with ≥ 1; Wilson interval",
        "Fader & Hardie; Kumar & Reinartz (2018), Customer Relationship Management",
    ),
    Metric(
        "purchase_frequency",
        "Purchase frequency",
        "orders",
        purchase_frequency,
        "mean",
        "orders",
        "purchases per purchasing customer in the window; t interval",
    ),
    Metric(
        "average_order_value",
        "Average order value",
        "orders",
        average_order_value,
        "mean",
        "currency",
        "mean gross merchandise value of purchases; t interval",
    ),
    Metric(
        "revenue_per_customer",
        "Revenue per customer",
        "orders",
        revenue_per_customer,
        "mean",
        "currency",
        "net revenue (sales − returns) per customer with an order; t interval",
    ),
    Metric(
        "return_rate",
        "Return rate",
        "lines",
        return_rate,
        "ratio",
        "%",
        "units returned or cancelled / units sold; delta-method interval over orders",
        "Cochran (1977), Sampling Techniques, §6.4",
        higher_is_better=False,
    ),
    Metric(
        "clv_historical",
        "Historical CLV",
        "orders",
        historical_clv,
        "mean",
        "currency",
        "margin × net revenue to date, mean per customer (margin parameter, default 1)",
        "Kumar (2008), Managing Customers for Profit",
        periodic=False,
    ),
)
