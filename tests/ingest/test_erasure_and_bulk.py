"""Re-imports respect an erasure; the bulk load's deferred indexes always come back."""

from __future__ import annotations

import sqlalchemy as sa

from opencx.customers import service as customers
from opencx.ingest.domain import CustomersUpserted

CUSTOMERS = (
    "external_id,name,email,phone,country,attributes\n"
    'C1,Ann Smith,ann@example.com,+31 20 555 0101,NL,"{""tier"": ""gold""}"\n'
    'C2,Bob Jones,bob@example.com,+31 20 555 0102,NL,"{""tier"": ""silver""}"\n'
)


def test_reimport_keeps_an_erased_customer_blank(tmp_path, run_import, engine, bus, clock):
    services = customers.CustomerService(engine, clock)
    bus.subscribe(CustomersUpserted, services.on_customers_upserted)
    path = tmp_path / "customers.csv"
    path.write_text(CUSTOMERS, encoding="utf-8")
    assert run_import("customers", path).status == "loaded"
    with engine.connect() as conn:
        ids = dict(conn.execute(sa.text("SELECT external_id, id FROM customers")).all())
    with engine.begin() as conn:
        assert customers.erase(conn, ids["C1"], now=clock.now()) == (ids["C1"],)
    announced: list[str] = []
    bus.subscribe(CustomersUpserted, lambda e, _conn: announced.extend(e.customer_ids))

    path.write_text(CUSTOMERS.replace(",NL,", ",BE,"), encoding="utf-8")
    report = run_import("customers", path)

    assert report.status == "loaded" and report.counts["erased_customers_kept_blank"] == 1
    sql = "SELECT name, email, phone, attributes, country, erased_at IS NOT NULL FROM customers"
    with engine.connect() as conn:
        c1 = conn.execute(sa.text(f"{sql} WHERE id = :i"), {"i": ids["C1"]}).one()
        c2 = conn.execute(sa.text(f"{sql} WHERE id = :i"), {"i": ids["C2"]}).one()
        identities = dict(
            conn.execute(
                sa.text("SELECT customer_id, count(*) FROM identities GROUP BY customer_id")
            ).all()
        )
    assert c1[:3] == (None, None, None) and c1[3] in ({}, "{}") and c1[5]
    assert c1[4] == "BE"  # non-personal fields still update
    assert c2[:3] == ("Bob Jones", "bob@example.com", "+31 20 555 0102") and c2[4] == "BE"
    assert ids["C1"] not in identities and identities[ids["C2"]] >= 1
    assert announced == [ids["C2"]]


ORDERS = (
    "order_id,customer,placed_at,currency,sku,product_name,quantity,unit_price\n"
    "A1,C1,2024-01-02 10:00:00,EUR,SKU1,Mug,2,3.50\n"
    "A2,C2,2024-01-03 10:00:00,EUR,SKU1,Mug,1,not-a-price\n"
)


def _order_indexes(engine) -> set[str]:
    return {i["name"] for i in sa.inspect(engine).get_indexes("orders")}


def test_orders_indexes_survive_failed_and_good_loads(tmp_path, run_import, engine):
    expected = _order_indexes(engine)
    assert {"ix_orders_placed_at", "ix_orders_customer_id"} <= expected
    path = tmp_path / "orders.csv"
    path.write_text(ORDERS, encoding="utf-8")
    assert run_import("orders", path, create_missing_customers=True).status == "failed"
    assert _order_indexes(engine) == expected
    path.write_text(ORDERS.replace("not-a-price", "4.00"), encoding="utf-8")
    assert run_import("orders", path, create_missing_customers=True).status == "loaded"
    assert _order_indexes(engine) == expected
    with engine.connect() as conn:
        count = sa.select(sa.func.count()).where(sa.column("customer_id").is_not(None))
        assert conn.execute(count.select_from(sa.table("orders"))).scalar_one() == 2
