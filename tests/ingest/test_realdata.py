"""The two real data sets import as docs/real-data.md says, with the counts recorded there."""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from opencx.ingest.mapping import load_mapping

pytestmark = [pytest.mark.realdata, pytest.mark.slow]


def scalar(engine, sql: str):
    with engine.connect() as conn:
        return conn.execute(sa.text(sql)).scalar_one()


def test_cdnow_master(sqlite_engine, ingest_on, tmp_path, shared_data):
    report = ingest_on(sqlite_engine, "orders", shared_data("CDNOW_master.txt"),
                       load_mapping("cdnow"), rejects_path=tmp_path / "r.csv")  # fmt: skip
    assert report.status == "loaded", report.problems[:3]
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (69_659, 69_659, 0)
    assert report.counts["orders"] == 69_659 and report.counts["customers_created"] == 23_570
    revenue = Decimal(
        str(scalar(sqlite_engine, "SELECT sum(quantity * unit_price) FROM order_lines"))
    )
    assert abs(revenue - Decimal("2500315.63")) < Decimal("0.5")  # unit prices rounded to 1e-4
    assert scalar(sqlite_engine, "SELECT min(placed_at) FROM orders").startswith("1997-01-01")


def test_uci_online_retail(sqlite_engine, ingest_on, tmp_path, shared_data):
    path = shared_data("online_retail_uci352.csv.gz")
    mapping = load_mapping("uci-online-retail")
    report = ingest_on(sqlite_engine, "orders", path, mapping, allow_rejects=True,
                       rejects_path=tmp_path / "uci.rejects.csv")  # fmt: skip
    assert report.status == "loaded_with_rejects"
    assert (report.rows_read, report.rows_skipped) == (541_909, 5_268)
    assert (report.rows_loaded, report.rows_rejected) == (535_305, 1_336)
    assert {p.column for p in report.problems} == {"quantity"}  # the non-C negative rows
    counts = report.counts
    assert counts["orders"] == 24_564 and counts["return_orders"] == 3_836
    assert (counts["returns_linked"], counts["returns_unlinked"]) == (7_569, 1_682)
    assert counts["customers_created"] == 4_372 and counts["anonymous_lines"] == 133_701
    assert counts["non_merchandise_lines"] == 2_944
    assert scalar(sqlite_engine, "SELECT count(*) FROM products WHERE NOT is_merchandise") == 17
    assert scalar(sqlite_engine, "SELECT count(*) FROM customers WHERE country = 'GB'") == 3_950
    # 2010-12-01 08:26 London (GMT) is 08:26 UTC; 2011-06-01 in BST is one hour earlier in UTC
    assert scalar(sqlite_engine, "SELECT min(placed_at) FROM orders").startswith("2010-12-01 08:26")
