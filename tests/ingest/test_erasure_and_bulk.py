"""Re-imports respect an erasure; the bulk load's deferred indexes always come back."""

from __future__ import annotations

import sqlalchemy as sa

from opencx.core.tombstone import ERASED_KEYS, purpose_key
from opencx.customers import service as customers
from opencx.ingest.domain import CustomersUpserted

CUSTOMERS = (
    "external_id,name,email,phone,country,attributes\n"
    'C1,Ann Smith,ann@example.com,+31 20 555 0101,NL,"{""tier"": ""gold""}"\n'
    'C2,Bob Jones,bob@example.com,+31 20 555 0102,NL,"{""tier"": ""silver""}"\n'
)

KEY = purpose_key("test-secret", ERASED_KEYS)  # the services built here


def test_reimport_drops_an_erased_customer(tmp_path, run_import, engine, bus, clock):
    services = customers.CustomerService(engine, clock, bus, secret_key="test-secret")
    bus.subscribe(CustomersUpserted, services.on_customers_upserted)
    path = tmp_path / "customers.csv"
    path.write_text(CUSTOMERS, encoding="utf-8")
    assert run_import("customers", path).status == "loaded"
    with engine.connect() as conn:
        ids = dict(conn.execute(sa.text("SELECT external_id, id FROM customers")).all())
    with engine.begin() as conn:
        erased = customers.erase(conn, ids["C1"], now=clock.now(), bus=bus, key=KEY)
        assert erased == (ids["C1"],)
    announced: list[str] = []
    bus.subscribe(CustomersUpserted, lambda e, _conn: announced.extend(e.customer_ids))

    # the same person under a new id (same email) is dropped too
    path.write_text(
        CUSTOMERS.replace(",NL,", ",BE,") + "C9,A. Smith,ANN@example.com,,NL,{}\n",
        encoding="utf-8",
    )
    report = run_import("customers", path)

    assert report.status == "loaded" and report.rows_dropped_erased == 2
    assert report.counts["erased_rows_dropped"] == 2 and report.rows_loaded == 1
    sql = "SELECT name, email, phone, attributes, country, erased_at IS NOT NULL, external_id"
    with engine.connect() as conn:
        c1 = conn.execute(sa.text(f"{sql} FROM customers WHERE id = :i"), {"i": ids["C1"]}).one()
        c2 = conn.execute(sa.text(f"{sql} FROM customers WHERE id = :i"), {"i": ids["C2"]}).one()
        total = conn.execute(sa.text("SELECT count(*) FROM customers")).scalar_one()
        identities = dict(
            conn.execute(
                sa.text("SELECT customer_id, count(*) FROM identities GROUP BY customer_id")
            ).all()
        )
    assert c1[:3] == (None, None, None) and c1[3] in ({}, "{}") and c1[5]
    assert c1[4] == "NL" and c1[6].startswith("erased:") and "C1" not in c1[6]
    assert c2[:3] == ("Bob Jones", "bob@example.com", "+31 20 555 0102") and c2[4] == "BE"
    assert total == 2  # neither C1 nor C9 came back as a new customer
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
