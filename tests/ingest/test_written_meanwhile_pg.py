"""An order another writer commits while an import of the same order runs (posted by the API
after the import found it new, before its ``COPY``): the import fails saying so, nothing is
written, and running it again updates that order."""

from __future__ import annotations

import threading
import time

import pytest

from opencx.core import Conflict, EventBus
from opencx.ingest.domain import Mapping
from opencx.ingest.service import ImportOptions, IngestService

pytestmark = pytest.mark.postgres

EVENT = (
    "INSERT INTO orders (id, source, external_id, placed_at, channel, status, currency, "
    "discount_total) VALUES ('evt1', 'shop', 'O5', now(), 'web', 'completed', 'EUR', 0)"
)


def _count(engine, sql: str) -> int:
    with engine.connect() as conn:
        return int(conn.exec_driver_sql(sql).scalar_one())


def _import_while_uncommitted(ingest, options, engine, statement: str) -> Exception | None:
    """Run ``statement`` in another transaction, start the import, commit that transaction
    once the import waits on its lock, and give back what the import raised."""
    writer = engine.connect()
    tx = writer.begin()
    writer.exec_driver_sql(statement)  # not committed yet: the import finds its key new
    holder = int(writer.exec_driver_sql("SELECT pg_backend_pid()").scalar_one())
    outcome: dict[str, Exception] = {}

    def run() -> None:
        try:
            ingest.import_file(options)
        except Exception as exc:  # the test looks at what was raised
            outcome["error"] = exc

    importer = threading.Thread(target=run)
    importer.start()
    # a backend waiting on this writer's transaction (not any lock wait on the server: other
    # tests' databases share it)
    waiting = (
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
        f" AND {holder} = ANY(pg_blocking_pids(pid))"
    )
    for _ in range(200):  # the import's write of that key waits on the other transaction
        if _count(engine, waiting):
            break
        time.sleep(0.05)
    tx.commit()
    writer.close()
    importer.join(30)
    return outcome.get("error")


def test_an_order_written_meanwhile_fails_the_import_by_name(tmp_path, pg_clean, clock):
    path = tmp_path / "orders.csv"
    rows = [f"O{i},2024-01-02 10:00:00,EUR,SKU{i % 5},1,3.50\n" for i in range(20)]
    path.write_text("order_id,placed_at,currency,sku,quantity,unit_price\n" + "".join(rows))
    ingest = IngestService(pg_clean, EventBus(), clock)
    options = ImportOptions(
        kind="orders", path=path, mapping=Mapping(source="shop", anonymous="orders")
    )
    error = _import_while_uncommitted(ingest, options, pg_clean, EVENT)
    assert isinstance(error, Conflict), error
    assert "orders.csv: another writer stored some of the same rows" in str(error)
    assert "(shop, O5)" in str(error) and "import the file again" in str(error)
    assert _count(pg_clean, "SELECT count(*) FROM orders") == 1  # the event's only

    report = ingest.import_file(options)
    assert report.status == "loaded" and report.counts["orders"] == 20
    assert _count(pg_clean, "SELECT count(*) FROM orders") == 20


CUSTOMER = (
    "INSERT INTO customers (id, source, external_id, created_at, attributes, consent_email, "
    "consent_sms, consent_surveys) VALUES ('cust5', 'shop', 'C5', now(), '{}', false, false, "
    "false)"
)


def test_a_customer_written_meanwhile_fails_the_import_by_name(tmp_path, pg_clean, clock):
    """A customer the import creates (``--create-missing-customers``) that another writer
    commits meanwhile: a conflict naming its key, nothing written; the second run uses it."""
    path = tmp_path / "orders.csv"
    rows = [f"O{i},C{i},2024-01-02 10:00:00,EUR,SKU{i % 5},1,3.50\n" for i in range(20)]
    header = "order_id,customer,placed_at,currency,sku,quantity,unit_price\n"
    path.write_text(header + "".join(rows))
    ingest = IngestService(pg_clean, EventBus(), clock)
    options = ImportOptions(
        kind="orders", path=path, mapping=Mapping(source="shop", create_missing_customers=True)
    )
    error = _import_while_uncommitted(ingest, options, pg_clean, CUSTOMER)
    assert isinstance(error, Conflict), error
    assert "orders.csv: another writer stored some of the same rows" in str(error)
    assert "(shop, C5)" in str(error) and "import the file again" in str(error)
    assert _count(pg_clean, "SELECT count(*) FROM customers") == 1  # the other writer's only
    assert _count(pg_clean, "SELECT count(*) FROM orders") == 0

    report = ingest.import_file(options)
    assert report.status == "loaded" and report.counts["orders"] == 20
    assert report.counts["customers_created"] == 19
    owner = "SELECT customer_id FROM orders WHERE external_id = 'O5'"
    assert _count(pg_clean, "SELECT count(*) FROM customers") == 20
    with pg_clean.connect() as conn:
        assert conn.exec_driver_sql(owner).scalar_one() == "cust5"
