"""A delimited file's first chunk is read smaller on PostgreSQL (``formats.batches``'
``first_rows``), so that the server starts on its first ``COPY`` once that much is checked; the
rows stored are the same."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from opencx.ingest.domain import Mapping
from opencx.ingest.service import ImportOptions
from opencx.ingest.store.formats import batches, open_source

PAD = "x" * 60  # rows of about 100 bytes: a 1 MiB block holds about 10,000 of them


def _orders_csv(path: Path, lines: int) -> Path:
    """Four lines an order, a customer every second order."""
    rows = [
        f"O{i // 4},C{i // 8},2024-03-{i // 4 % 28 + 1:02d},EUR,S{i % 7},{PAD},1,2.50"
        for i in range(lines)
    ]
    header = "order_id,customer,placed_at,currency,sku,product_name,quantity,unit_price"
    path.write_text("\n".join([header, *rows]) + "\n")
    return path


def test_a_csv_first_batch_holds_about_first_rows(tmp_path):
    source = open_source(_orders_csv(tmp_path / "o.csv", 100_000))
    read = list(batches(source, 30_000, first_rows=7_500))
    sizes = [b.table.num_rows for b in read]
    assert sizes[0] < 30_000 // 2  # one 1 MiB block, not a whole chunk
    assert all(size >= 30_000 for size in sizes[1:-1])
    assert sum(sizes) == 100_000
    lines = [line for b in read for line in b.lines.to_pylist()]
    assert lines == list(range(2, 100_002))  # every row once, in order, numbered
    whole = list(batches(open_source(tmp_path / "o.csv"), 30_000))
    assert whole[0].table.num_rows >= 30_000  # without first_rows, as before


def test_the_first_chunk_is_smaller_on_postgresql_only(engine, ingest, tmp_path):
    path = _orders_csv(tmp_path / "o.csv", 60_000)
    sizes: list[int] = []
    options = ImportOptions(
        kind="orders",
        path=path,
        mapping=Mapping(create_missing_customers=True),
        chunk_rows=40_000,
    )
    report = ingest.import_file(options, progress=sizes.append)
    assert report.status == "loaded", report.problems[:3]
    assert sum(sizes) == 60_000
    if engine.dialect.name == "postgresql":
        assert sizes[0] < 40_000 // 2
    else:
        assert sizes[0] >= 40_000
    with engine.connect() as conn:
        counts = [
            conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one()
            for t in ("customers", "orders", "order_lines")
        ]
    assert counts == [7_500, 15_000, 60_000]
