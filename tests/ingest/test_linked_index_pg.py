"""Whether stored return lines are linked is read from the links' partial index on PostgreSQL,
also on ``order_lines`` just filled and never analyzed (a re-import right after a large first
import): ``store.return_links.LINKED``."""

from __future__ import annotations

import pytest

from opencx.ingest.store import return_links

pytestmark = pytest.mark.postgres


def test_linked_returns_are_read_from_their_index_on_lines_not_analyzed(pg_clean):
    with pg_clean.connect() as conn, conn.begin() as tx:
        # no autovacuum analyzes the table meanwhile (it takes this lock too, and gives way)
        conn.exec_driver_sql("LOCK TABLE order_lines IN SHARE UPDATE EXCLUSIVE MODE")
        conn.exec_driver_sql(
            "INSERT INTO orders (id, source, external_id, placed_at, channel, status, currency, "
            "discount_total) VALUES ('o1', 'shop', 'E1', now(), 'web', 'completed', 'EUR', 0)"
        )
        conn.exec_driver_sql(
            "INSERT INTO order_lines (id, order_id, line_no, sku, quantity, unit_price, discount) "
            "SELECT 'l' || n, 'o1', n, 'SKU', 1, 1, 0 FROM generate_series(1, 20000) AS n"
        )
        # as after a first import: rows the planner has no column statistics of, in a table
        # it never counted (an earlier test's import may have analyzed it with a few rows)
        conn.exec_driver_sql("DELETE FROM pg_statistic WHERE starelid = 'order_lines'::regclass")
        conn.exec_driver_sql(
            "UPDATE pg_class SET reltuples = -1, relpages = 0 WHERE oid = 'order_lines'::regclass"
        )
        plans = {
            query: "\n".join(r[0] for r in conn.exec_driver_sql(f"EXPLAIN {query}"))
            for query in (f"{return_links.LINKED} LIMIT 1", f"{return_links.LINKED} LIMIT 500")
        }
        assert not return_links.has_linked_returns(conn)
        tx.rollback()
    for query, plan in plans.items():
        assert "ix_order_lines_returns_line_id" in plan, (query, plan)
        assert "Seq Scan" not in plan, (query, plan)
