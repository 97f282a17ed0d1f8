"""Re-importing an orders file with --customer-source and --create-missing-customers: the
customers are created in the source they are looked up in, so the second run finds them. They
were once created in the import's own source: the second run created them again, on SQLite
leaving the orders pointing at customer ids never stored, on PostgreSQL failing with a Conflict
that blamed another writer."""

from __future__ import annotations

import sqlalchemy as sa

HEADER = "order_id,customer,placed_at,currency,sku,quantity,unit_price\n"
ROWS = "A1,C1,2024-01-02 10:00:00,EUR,SKU1,2,3.50\nA2,C2,2024-01-03 10:00:00,EUR,SKU2,1,10\n"


def test_reimport_with_customer_source_is_idempotent(tmp_path, run_import, engine):
    path = tmp_path / "orders.csv"
    path.write_text(HEADER + ROWS)
    options = dict(source="shop", customer_source="crm", create_missing_customers=True)
    first = run_import("orders", path, **options)
    assert first.status == "loaded", first.problems
    second = run_import("orders", path, **options)
    assert second.status == "loaded", second.problems
    with engine.connect() as conn:
        dangling = conn.execute(
            sa.text(
                "SELECT count(*) FROM orders o WHERE o.customer_id IS NOT NULL AND NOT EXISTS "
                "(SELECT 1 FROM customers c WHERE c.id = o.customer_id)"
            )
        ).scalar_one()
    assert dangling == 0
