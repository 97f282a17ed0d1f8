"""One order value: metrics, the customer 360, the models and loyalty read the same number.

The fixture holds everything that made them differ: postage and a bank charge (not
merchandise), a line discount, a return as a negative line on a later document, a cancelled
order, and an order of postage alone.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import ibis
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from opencx.customers.service import profile
from opencx.db.schema import customers, order_lines, orders, products
from opencx.loyalty.store.orders import order_facts
from opencx.metrics.domain.frames import orders_frame
from opencx.metrics.domain.order_value import (
    OrderTotals,
    is_purchase,
    merchandise_lines,
    order_sums,
    order_totals,
    purchase,
)
from opencx.metrics.store.backends import connect
from opencx.modeling.domain.catalog.data import ModelData
from opencx.modeling.domain.features.customer import (
    customer_features,
    feature_frame,
    order_values,
)
from opencx.modeling.store.warehouse import sources

T0 = datetime(2025, 3, 1, tzinfo=UTC)
AS_OF = datetime(2025, 6, 1, tzinfo=UTC)
# order: (status, day, [(product, quantity, unit price, discount)])
ORDERS = {
    "o1": ("completed", 0, [("mug", 2, "10.00", "1.00"), ("post", 1, "4.95", "0")]),
    "o2": ("completed", 20, [("mug", 3, "10.00", "0"), ("bank", 1, "15.00", "0")]),
    "r1": ("returned", 30, [("mug", -1, "10.00", "0")]),  # a return document
    "x1": ("cancelled", 40, [("mug", 5, "10.00", "0"), ("mug", -5, "10.00", "0")]),
    "p1": ("completed", 50, [("post", 1, "4.95", "0")]),  # postage alone: no order value
    "o3": ("completed", 60, [(None, 1, "7.50", "0.50")]),  # no product: merchandise
}
RETURNS = {"r1-1": "o2-1"}  # the return line reverses o2's mug line (loyalty follows the link)
MERCH_VALUE = {"o1": 19.0, "o2": 30.0, "r1": -10.0, "x1": 0.0, "o3": 7.0}
PURCHASES = {"o1", "o2", "o3"}


def _seed(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            customers.insert(),
            [{"id": "c1", "source": "shop", "external_id": "c1", "created_at": T0}],
        )
        conn.execute(
            products.insert(),
            [
                {"id": pid, "source": "shop", "external_id": pid, "is_merchandise": merch}
                for pid, merch in (("mug", True), ("post", False), ("bank", False))
            ],
        )
        for oid, (status, day, lines) in ORDERS.items():
            conn.execute(
                orders.insert(),
                {
                    "id": oid,
                    "source": "shop",
                    "external_id": oid,
                    "customer_id": "c1",
                    "placed_at": T0 + timedelta(days=day),
                    "channel": "web",
                    "status": status,
                    "currency": "EUR",
                    "discount_total": Decimal(0),
                },
            )
            conn.execute(
                order_lines.insert(),
                [
                    {
                        "id": f"{oid}-{n}",
                        "order_id": oid,
                        "line_no": n,
                        "product_id": product,
                        "quantity": qty,
                        "unit_price": Decimal(price),
                        "discount": Decimal(discount),
                        "returns_line_id": RETURNS.get(f"{oid}-{n}"),
                    }
                    for n, (product, qty, price, discount) in enumerate(lines, 1)
                ],
            )


def test_metrics_the_360_and_the_models_agree_on_every_order(engine: Engine) -> None:
    """On SQLite and on the PostgreSQL server."""
    _seed(engine)
    con = connect(engine.url.render_as_string(hide_password=False))
    try:
        frame = orders_frame(con).execute()
        metrics = dict(zip(frame.order_id, frame.net.astype(float), strict=True))
        metric_purchases = set(frame.order_id[frame.purchase.astype(bool)])

        ov = order_values(sources(con), AS_OF)
        ov = ov.filter(ov.is_purchase).execute()
        model_values = sorted(ov.value.astype(float))
        summary = ModelData(sources(con), AS_OF).btyd(period="D").execute()
        features = feature_frame(customer_features(sources(con), AS_OF))
    finally:
        con.disconnect()
    with engine.connect() as conn:
        p = profile(conn, "c1").profile

    assert metrics == pytest.approx(MERCH_VALUE)
    assert metric_purchases == PURCHASES
    assert model_values == pytest.approx(sorted(MERCH_VALUE[o] for o in PURCHASES))
    revenue = sum(MERCH_VALUE.values())  # returns and cancellations lower it, postage does not
    assert [m.amount for m in p.revenue] == [Decimal(str(revenue)).quantize(Decimal("0.01"))]
    assert p.orders == len(PURCHASES) == int(features.frequency[0])
    assert features.monetary[0] == pytest.approx(sum(MERCH_VALUE[o] for o in PURCHASES))
    repeat = [MERCH_VALUE["o2"], MERCH_VALUE["o3"]]  # CLV spend: the repeat purchases' mean
    assert summary.monetary[0] == pytest.approx(sum(repeat) / len(repeat))


def test_loyaltys_earning_base_agrees_with_the_metrics(engine: Engine) -> None:
    """Loyalty earns on an order's gross and reverses its returns: what it keeps is the value."""
    _seed(engine)
    con = connect(engine.url.render_as_string(hide_password=False))
    try:
        frame = orders_frame(con).execute()
        gross = dict(zip(frame.order_id, frame.gross.astype(float), strict=True))
    finally:
        con.disconnect()
    with engine.connect() as conn:
        facts = {f.id: f for f in order_facts(conn, list(ORDERS))}
        revenue = profile(conn, "c1").profile.revenue

    earns = {oid for oid, f in facts.items() if f.status != "cancelled" and f.gross > 0}
    assert earns == PURCHASES
    assert {o: float(facts[o].gross) for o in PURCHASES} == pytest.approx(
        {o: gross[o] for o in PURCHASES}
    )
    assert facts["o2"].returned == Decimal("10.00")  # r1's line, found through the link
    assert facts["x1"].earning_base == 0 and facts["p1"].earning_base == 0
    kept = sum((f.earning_base for f in facts.values()), Decimal(0))
    assert float(kept) == pytest.approx(sum(MERCH_VALUE.values()))
    assert [m.amount for m in revenue] == [kept.quantize(Decimal("0.01"))]


LINE = st.tuples(
    st.sampled_from(["a", "b", "c"]),
    st.integers(-3, 4).filter(bool),
    st.decimals("0.00", "99.99", places=2),
    st.decimals("0.00", "5.00", places=2),
    st.booleans(),
)


class _Line:
    def __init__(self, order_id: str, q: int, p: Decimal, d: Decimal, merch: bool) -> None:
        self.order_id, self.quantity, self.unit_price = order_id, q, p
        self.discount, self.is_merchandise = d, merch


@settings(max_examples=25, deadline=None)
@given(st.lists(LINE, max_size=12), st.sampled_from(["completed", "cancelled"]))
def test_the_python_and_ibis_definitions_give_the_same_totals(
    rows: list[tuple[str, int, Decimal, Decimal, bool]], status: str
) -> None:
    lines = [_Line(*row) for row in rows]
    py = order_totals(lines)
    table = ibis.memtable(
        {
            "order_id": [r[0] for r in rows] or ["z"],
            "product_id": [("m" if r[4] else "n") for r in rows] or ["m"],
            "sku": [None for _ in rows] or [None],
            "quantity": [r[1] for r in rows] or [0],
            "unit_price": [float(r[2]) for r in rows] or [0.0],
            "discount": [float(r[3]) for r in rows] or [0.0],
        },
        schema={
            "order_id": "string",
            "product_id": "string",
            "sku": "string",
            "quantity": "int64",
            "unit_price": "float64",
            "discount": "float64",
        },
    )
    prods = ibis.memtable({"id": ["m", "n"], "category": [None, None], "is_merchandise": [1, 0]})
    prods = prods.mutate(is_merchandise=prods.is_merchandise.cast("boolean"))
    sums = order_sums(merchandise_lines(table, prods))
    sums = sums.mutate(purchase=is_purchase(ibis.literal(status), sums.units))
    out = ibis.duckdb.connect().execute(sums) if rows else None
    engine_totals = {} if out is None else {r.order_id: r for r in out.itertuples()}
    assert set(engine_totals) == set(py)
    for oid, t in py.items():
        r = engine_totals[oid]
        assert (r.units, r.returned_units) == (t.units, t.returned_units)
        assert r.gross == pytest.approx(float(t.gross))
        assert r.net == pytest.approx(float(t.value))
        assert bool(r.purchase) == purchase(status, t)
    assert not purchase("completed", None) and not purchase("completed", OrderTotals())
