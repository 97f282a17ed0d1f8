"""New orders copied straight into ``orders`` and ``order_lines`` on PostgreSQL (numbered and
given ids by the client, one chunk at a time) give the rows the merge gives; orders already
stored are merged; a write that fails behind the reader raises its own error."""

from __future__ import annotations

import io

import psycopg
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa

from opencx.core import EventBus
from opencx.ingest import OrdersImported
from opencx.ingest.domain import Mapping
from opencx.ingest.service import ImportOptions, IngestService
from opencx.ingest.service.writers import staged_orders

# Orders whose lines are far apart (one line a chunk with ``chunk_rows=2``): A1's lines in
# three chunks, R1 a return of A1's SKU2 whose later line is not a return (returned, then
# partly returned), A2 anonymous, SKU1 named only on a later line.
APART = (
    "order_id,customer,placed_at,currency,sku,product_name,category,quantity,unit_price,"
    "returns_order\n"
    "A1,C1,2024-01-02 10:00:00,EUR,SKU1,,,2,3.50,\n"
    "A2,,2024-01-03 10:00:00,EUR,SKU2,Lamp,Home,1,10,\n"
    "A1,C1,2024-01-02 10:05:00,EUR,SKU2,Lamp,,1,10,\n"
    "R1,C1,2024-01-09 10:00:00,EUR,SKU2,Lamp,,-1,10,A1\n"
    "A3,C2,2024-01-04 10:00:00,EUR,SKU1,Mug,Kitchen,1,3.50,\n"
    "R1,C1,2024-01-09 10:05:00,EUR,SKU1,Mug,,3,3.50,\n"
    "A1,C1,2024-01-02 10:09:00,EUR,SKU3,Pen,,4,1,\n"
)

ROWS = """
    SELECT o.external_id, c.external_id, o.placed_at, o.channel, o.status, o.currency,
           l.line_no, p.external_id, p.name, p.category, l.quantity, l.unit_price, l.discount,
           ro.external_id, rl.line_no
    FROM order_lines l
    JOIN orders o ON o.id = l.order_id
    JOIN products p ON p.id = l.product_id
    LEFT JOIN customers c ON c.id = o.customer_id
    LEFT JOIN order_lines rl ON rl.id = l.returns_line_id
    LEFT JOIN orders ro ON ro.id = rl.order_id
    WHERE o.source = :source
    ORDER BY o.external_id, l.line_no
"""


def _parquet(path, text: str):
    """``text`` (CSV) as a Parquet file: read in chunks of exactly ``chunk_rows`` rows (a CSV
    file is read in blocks of 1 MiB or more: one chunk here)."""
    names = text.split("\n", 1)[0].split(",")
    options = pacsv.ConvertOptions(
        column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=True
    )
    pq.write_table(pacsv.read_csv(io.BytesIO(text.encode()), convert_options=options), path)
    return path


def _stored(engine, source: str) -> list[tuple[object, ...]]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(ROWS), {"source": source}).all()]


@pytest.fixture
def pg_ingest(pg_clean, clock) -> IngestService:
    return IngestService(pg_clean, EventBus(), clock)


def _merged_only(monkeypatch) -> None:
    """Every order goes through the stage and the merge, as before copying existed."""
    monkeypatch.setattr(staged_orders, "_copying", lambda run, parsed, lines: None)


@pytest.mark.parametrize("bulk", [1, 10**9], ids=["keys set aside", "keys kept"])
def test_copied_orders_whose_lines_are_apart_equal_the_merged_ones(
    tmp_path, pg_ingest, pg_clean, monkeypatch, bulk
):
    monkeypatch.setattr(staged_orders, "BULK_LINES", bulk)
    path = _parquet(tmp_path / "orders.parquet", APART)
    options = {"create_missing_customers": True, "anonymous": "orders"}
    published: list[tuple[str, ...]] = []
    pg_ingest.bus.subscribe(OrdersImported, lambda event, conn: published.append(event.order_ids))

    def run(source: str):
        mapping = Mapping(source=source, **options)
        options_ = ImportOptions(kind="orders", path=path, mapping=mapping, chunk_rows=2)
        return pg_ingest.import_file(options_)

    copied = run("copied")
    announced, published[:] = [i for ids in published for i in ids], []
    _merged_only(monkeypatch)
    merged = run("merged")

    assert copied.status == merged.status == "loaded", copied.problems
    assert copied.counts == merged.counts
    rows = _stored(pg_clean, "copied")
    assert rows == _stored(pg_clean, "merged")
    summary = [(r[0], r[1], r[4], r[6], r[7], r[8], r[9], r[13], r[14]) for r in rows]
    assert summary == [
        ("A1", "C1", "partly_returned", 1, "SKU1", "Mug", "Kitchen", None, None),
        ("A1", "C1", "partly_returned", 2, "SKU2", "Lamp", "Home", None, None),
        ("A1", "C1", "partly_returned", 3, "SKU3", "Pen", None, None, None),
        ("A2", None, "completed", 1, "SKU2", "Lamp", "Home", None, None),
        ("A3", "C2", "completed", 1, "SKU1", "Mug", "Kitchen", None, None),
        ("R1", "C1", "partly_returned", 1, "SKU2", "Lamp", "Home", "A1", 2),
        ("R1", "C1", "partly_returned", 2, "SKU1", "Mug", "Kitchen", None, None),
    ]
    assert [str(r[2])[11:16] for r in rows if r[0] == "A1"] == ["10:00"] * 3
    assert copied.counts["orders"] == 4 and copied.counts["returns_linked"] == 1
    # every order announced once, in order of first appearance, after its lines were written
    with pg_clean.connect() as conn:
        ids = dict(
            conn.execute(
                sa.text("SELECT id, external_id FROM orders WHERE source = 'copied'")
            ).all()
        )
    assert [ids[i] for i in announced] == ["A1", "A2", "R1", "A3"]


def test_orders_already_stored_are_merged_and_new_ones_copied(
    tmp_path, pg_ingest, pg_clean, monkeypatch
):
    """A second file of the same source: its stored orders are updated in place by the merge
    (same ids, lines matched by number), its new ones copied; the same rows as all merged."""
    first = _parquet(
        tmp_path / "first.parquet",
        "order_id,customer,placed_at,currency,sku,quantity,unit_price\n"
        "A1,C1,2024-01-02 10:00:00,EUR,SKU1,2,3.50\n"
        "A1,C1,2024-01-02 10:00:00,EUR,SKU2,1,10\n"
        "A2,C2,2024-01-03 10:00:00,EUR,SKU1,1,3.50\n",
    )
    second = _parquet(
        tmp_path / "second.parquet",
        "order_id,customer,placed_at,currency,sku,quantity,unit_price,returns_order\n"
        "A4,C3,2024-02-01 10:00:00,EUR,SKU3,5,2,\n"
        "A1,C1,2024-01-02 10:00:00,EUR,SKU1,7,3.50,\n"
        "A4,C3,2024-02-01 10:00:00,EUR,SKU1,1,3.50,\n"
        "R4,C3,2024-02-02 10:00:00,EUR,SKU1,-1,3.50,A2\n",
    )

    def run(path, source: str):
        mapping = Mapping(source=source, create_missing_customers=True)
        options = ImportOptions(kind="orders", path=path, mapping=mapping, chunk_rows=1)
        return pg_ingest.import_file(options)

    def ids(source: str) -> dict[str, str]:
        with pg_clean.connect() as conn:
            query = sa.text("SELECT external_id, id FROM orders WHERE source = :s")
            return dict(conn.execute(query, {"s": source}).all())

    reports = {}
    for source in ("copied", "merged"):
        if source == "merged":
            _merged_only(monkeypatch)
        assert run(first, source).status == "loaded"
        before = ids(source)
        reports[source] = run(second, source)
        assert reports[source].status == "loaded", reports[source].problems
        after = ids(source)
        assert {k: after[k] for k in before} == before  # updated in place
    assert reports["copied"].counts == reports["merged"].counts
    rows = _stored(pg_clean, "copied")
    assert rows == _stored(pg_clean, "merged")
    summary = [(r[0], r[4], r[6], r[7], r[10], r[13]) for r in rows]
    assert summary == [
        ("A1", "completed", 1, "SKU1", 7, None),
        ("A1", "completed", 2, "SKU2", 1, None),
        ("A2", "partly_returned", 1, "SKU1", 1, None),
        ("A4", "completed", 1, "SKU3", 5, None),
        ("A4", "completed", 2, "SKU1", 1, None),
        ("R4", "returned", 1, "SKU1", -1, "A2"),
    ]


@pytest.fixture
def at_most_100(pg_clean):
    """A rule of the store's own (not checked by the import) that a line can break."""
    with pg_clean.begin() as conn:
        conn.exec_driver_sql(
            "ALTER TABLE order_lines ADD CONSTRAINT t_at_most_100 CHECK (quantity <= 100)"
        )
    yield pg_clean
    with pg_clean.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE order_lines DROP CONSTRAINT t_at_most_100")


@pytest.mark.parametrize("later", ["fine", "rejected"])
def test_a_copy_that_fails_behind_raises_its_own_error(tmp_path, at_most_100, clock, later):
    """The first chunk's copy fails while the next chunks are read: the store's own error
    reaches the user (not "current transaction is aborted" from a later statement), even when a
    later row is rejected; nothing is written and the run is recorded as failed with it."""
    bad_row = "A9,C9,2024-01-09 10:00:00,EUR,SKU1,x,3.50\n" if later == "rejected" else ""
    path = _parquet(
        tmp_path / "orders.parquet",
        "order_id,customer,placed_at,currency,sku,quantity,unit_price\n"
        "A1,C1,2024-01-02 10:00:00,EUR,SKU1,500,3.50\n"
        + "".join(f"A{i},C{i},2024-01-03 10:00:00,EUR,SKU2,1,10\n" for i in range(2, 6))
        + bad_row,
    )
    service = IngestService(at_most_100, EventBus(), clock)
    options = ImportOptions(
        kind="orders",
        path=path,
        mapping=Mapping(create_missing_customers=True),
        chunk_rows=1,
    )
    with pytest.raises(psycopg.errors.CheckViolation, match="t_at_most_100"):
        service.import_file(options)
    with at_most_100.connect() as conn:
        written = conn.execute(sa.text("SELECT count(*) FROM order_lines")).scalar_one()
        customers = conn.execute(sa.text("SELECT count(*) FROM customers")).scalar_one()
        status, message = conn.execute(sa.text("SELECT status, message FROM imports")).one()
    assert (written, customers) == (0, 0)
    assert status == "failed" and "t_at_most_100" in message
