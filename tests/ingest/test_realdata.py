"""The two real data sets import as docs/real-data.md says, with the counts recorded there.

CDNOW (whole, 2 MB) and a 4% slice of UCI Online Retail ship in tests/data, so these run on a
clone alone; the slice's counts were taken with pandas on its raw rows (tests/data/README.md).
The whole UCI file (541,909 rows) is bench-size: read from ``OPENCX_DATA_DIR`` when present.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
import sqlalchemy as sa

from opencx.ingest.service import load_mapping
from tests.conftest import data_file

pytestmark = pytest.mark.slow


def scalar(engine, sql: str):
    with engine.connect() as conn:
        return conn.execute(sa.text(sql)).scalar_one()


def test_cdnow_master(sqlite_engine, ingest_on, tmp_path):
    report = ingest_on(
        sqlite_engine,
        "orders",
        data_file("cdnow/CDNOW_master.txt.gz"),
        load_mapping("cdnow"),
        rejects_path=tmp_path / "r.csv",
    )
    assert report.status == "loaded", report.problems[:3]
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (69_659, 69_659, 0)
    assert report.counts["orders"] == 69_659 and report.counts["customers_created"] == 23_570
    revenue = Decimal(
        str(scalar(sqlite_engine, "SELECT sum(quantity * unit_price) FROM order_lines"))
    )
    assert abs(revenue - Decimal("2500315.63")) < Decimal("0.5")  # unit prices rounded to 1e-4
    assert scalar(sqlite_engine, "SELECT min(placed_at) FROM orders").startswith("1997-01-01")


def test_uci_online_retail_slice(sqlite_engine, ingest_on, tmp_path):
    """Every quirk of the whole file in 23,012 rows: 175 customers with all their invoices
    (cancellations, duplicates, postage, summer times) and 148 anonymous invoices."""
    report = ingest_on(
        sqlite_engine,
        "orders",
        data_file("uci/online_retail_uci352_slice.csv.gz"),
        load_mapping("uci-online-retail"),
        allow_rejects=True,
        rejects_path=tmp_path / "uci.rejects.csv",
    )
    assert report.status == "loaded_with_rejects"
    assert (report.rows_read, report.rows_skipped) == (23_012, 139)
    assert (report.rows_loaded, report.rows_rejected) == (22_823, 50)
    assert {p.column for p in report.problems} == {"quantity"}  # the non-C negative rows
    counts = report.counts
    assert counts["orders"] == 1_084 and counts["return_orders"] == 161
    assert (counts["returns_linked"], counts["returns_unlinked"]) == (341, 81)
    assert counts["customers_created"] == 175 and counts["anonymous_lines"] == 7_425
    assert counts["non_merchandise_lines"] == 85
    assert scalar(sqlite_engine, "SELECT count(*) FROM products WHERE NOT is_merchandise") == 9
    assert scalar(sqlite_engine, "SELECT count(*) FROM customers WHERE country = 'GB'") == 164
    assert scalar(sqlite_engine, "SELECT min(placed_at) FROM orders").startswith("2010-12-01 09:09")
    # invoice 555363, 2011-06-02 14:15 London in BST (UTC+1), is 13:15 UTC
    summer = scalar(sqlite_engine, "SELECT placed_at FROM orders WHERE external_id = '555363'")
    assert summer.startswith("2011-06-02 13:15"), summer


@pytest.mark.realdata
def test_uci_online_retail(sqlite_engine, ingest_on, tmp_path, shared_data):
    path = shared_data("online_retail_uci352.csv.gz")
    mapping = load_mapping("uci-online-retail")
    report = ingest_on(
        sqlite_engine,
        "orders",
        path,
        mapping,
        allow_rejects=True,
        rejects_path=tmp_path / "uci.rejects.csv",
    )
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
