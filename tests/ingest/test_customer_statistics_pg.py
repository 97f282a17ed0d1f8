"""An import that creates many customers gives PostgreSQL their statistics as it goes, so the
next lookup by key (in this import, or a re-import right after) searches the key instead of
filtering every customer of the source."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from opencx.core import EventBus
from opencx.ingest.domain import Mapping
from opencx.ingest.service import ImportOptions, IngestService, run

pytestmark = pytest.mark.postgres


def _reltuples(engine) -> float:
    with engine.connect() as conn:
        sql = "SELECT reltuples FROM pg_class WHERE oid = 'customers'::regclass"
        return float(conn.exec_driver_sql(sql).scalar_one())


@pytest.mark.parametrize("threshold, reltuples", [(40, 80.0), (100, 120.0), (1_000, -1.0)])
def test_customers_are_analyzed_once_many_are_created(
    tmp_path, pg_clean, clock, monkeypatch, threshold, reltuples
):
    monkeypatch.setattr(run, "ANALYZE_CUSTOMERS_FROM", threshold)
    path = tmp_path / "orders.parquet"  # read in chunks of exactly chunk_rows (40) rows
    n = 120
    table = {
        "order_id": [f"O{i}" for i in range(n)],
        "customer": [f"C{i}" for i in range(n)],
        "placed_at": ["2024-01-02 10:00:00"] * n,
        "currency": ["EUR"] * n,
        "sku": ["SKU1"] * n,
        "quantity": ["1"] * n,
        "unit_price": ["3.50"] * n,
    }
    pq.write_table(pa.table(table), path)
    with pg_clean.begin() as conn:  # pg_clean empties by DELETE, which keeps the statistics
        conn.exec_driver_sql("TRUNCATE customers CASCADE")  # of the last test: -1 again
    assert _reltuples(pg_clean) == -1.0
    ingest = IngestService(pg_clean, EventBus(), clock)
    mapping = Mapping(source="shop", create_missing_customers=True)
    report = ingest.import_file(
        ImportOptions(kind="orders", path=path, mapping=mapping, chunk_rows=40)
    )
    assert report.status == "loaded" and report.counts["customers_created"] == 120
    # from 40: analyzed at 40 and 80 (then not before 160); from 100: at 120; -1: never
    assert _reltuples(pg_clean) == reltuples
