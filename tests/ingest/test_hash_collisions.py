"""The duplicate-row and order-head checks find earlier rows by a 64-bit hash, each hash found
confirmed by the values (kept in memory, or read back from the scratch file): with every hash
made equal, distinct rows are still distinct (nothing wrongly rejected) and real duplicates and
head conflicts are still found, on both stores."""

from __future__ import annotations

import io

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa

from opencx.ingest.domain.validation import (
    DuplicateFinder,
    OrderHeads,
    duplicates,
    kept_rows,
)
from opencx.ingest.service.writers import order_state
from tests.ingest.test_order_heads import DAY, NEXT_DAY, chunk, conflicts


def _colliding(columns: list[pa.Array]) -> np.ndarray:
    """Every row hashed to the same value."""
    return np.zeros(len(columns[0]), np.uint64)


@pytest.fixture
def colliding(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every hash equal, and every chunk's rows kept in the scratch file (none in memory)."""
    monkeypatch.setattr(duplicates, "row_hashes", _colliding)
    monkeypatch.setattr(order_state, "order_hashes", lambda exts: _colliding([exts]))
    monkeypatch.setattr(kept_rows, "IN_MEMORY", 0)


IN_MEMORY_OR_NOT = pytest.mark.parametrize(
    "in_memory", [kept_rows.IN_MEMORY, 300, 0], ids=["in memory", "both", "in the file"]
)


def _reference(rows: list[tuple[str | None, ...]]) -> list[bool]:
    seen: set[tuple[str | None, ...]] = set()
    marked = []
    for row in rows:
        marked.append(row in seen)
        seen.add(row)
    return marked


@IN_MEMORY_OR_NOT
def test_rows_whose_hashes_collide_are_repeats_only_when_equal(
    colliding, monkeypatch, in_memory
) -> None:
    monkeypatch.setattr(kept_rows, "IN_MEMORY", in_memory)
    rng = np.random.default_rng(5)
    values = [None, "", "a", "b", "ab", "Ω"]
    rows = [(values[a], values[b]) for a, b in rng.integers(0, len(values), (120, 2)).tolist()]
    finder = DuplicateFinder()
    marked: list[bool] = []
    for start in range(0, len(rows), 25):  # chunks of 25 rows
        part = rows[start : start + 25]
        chunk = pa.table(
            {
                "x": pa.array([r[0] for r in part], pa.string()),
                "y": pa.array([r[1] for r in part], pa.string()),
            }
        )
        marked += finder.mark(chunk, ["x", "y"]).tolist()
    assert marked == _reference(rows)
    assert 0 < sum(marked) < len(rows) - 30  # both kinds, and many rows kept


@IN_MEMORY_OR_NOT
def test_orders_whose_id_hashes_collide_keep_their_own_heads(
    colliding, monkeypatch, in_memory
) -> None:
    monkeypatch.setattr(kept_rows, "IN_MEMORY", in_memory)
    heads = OrderHeads()
    first = chunk([("A", "c1", DAY, "EUR"), ("B", "c2", NEXT_DAY, "USD")])
    assert conflicts(heads, first, 2) == []
    later = chunk(
        [
            ("B", "c2", NEXT_DAY, "USD"),  # B's head, not A's
            ("C", "c3", DAY, "EUR"),  # a new order, not A nor B
            ("A", "c1", DAY, "EUR"),
            ("A", None, DAY, "EUR"),  # a conflict with line 2
        ]
    )
    assert conflicts(heads, later, 4) == [(7, "conflicts with line 2")]
    last = chunk([("C", "c3", DAY, "EUR"), ("B", "c2", DAY, "USD")])
    assert conflicts(heads, last, 8) == [(9, "conflicts with line 3")]


HEADER = "order_id,customer,placed_at,currency,sku,quantity,unit_price\n"
# two lines a chunk: A1's lines in three chunks, rows that differ in one value only
DISTINCT = (
    HEADER + "A1,C1,2024-01-02 10:00:00,EUR,SKU1,2,3.50\n"
    "A2,C2,2024-01-03 10:00:00,EUR,SKU1,2,3.50\n"
    "A1,C1,2024-01-02 10:00:00,EUR,SKU2,2,3.50\n"
    "A3,C1,2024-01-02 10:00:00,EUR,SKU1,2,3.50\n"
    "A2,C2,2024-01-03 10:00:00,EUR,SKU2,1,3.50\n"
    "A1,C1,2024-01-02 10:00:00,EUR,SKU1,3,3.50\n"
)


def _parquet(path, text: str):
    """``text`` (CSV) as a Parquet file, read in chunks of exactly ``chunk_rows`` rows (its
    rows are its lines, from 1)."""
    names = text.split("\n", 1)[0].split(",")
    options = pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()))
    pq.write_table(pacsv.read_csv(io.BytesIO(text.encode()), convert_options=options), path)
    return path


def test_distinct_rows_whose_hashes_collide_all_load(tmp_path, run_import, engine, colliding):
    path = _parquet(tmp_path / "orders.parquet", DISTINCT)
    report = run_import("orders", path, create_missing_customers=True, chunk_rows=2)
    assert report.status == "loaded", report.problems
    assert (report.counts["orders"], report.counts["lines"]) == (3, 6)
    with engine.connect() as conn:
        lines = conn.execute(sa.text("SELECT count(*) FROM order_lines")).scalar_one()
    assert lines == 6


def test_real_duplicates_and_conflicts_are_still_rejected_when_hashes_collide(
    tmp_path, run_import, table_counts, colliding
):
    text = (
        DISTINCT
        + "A2,C2,2024-01-03 10:00:00,EUR,SKU2,1,3.50\n"  # row 7 repeats row 5
        + "A3,C2,2024-01-02 10:00:00,EUR,SKU3,1,3.50\n"  # row 8: A3 had customer C1
    )
    path = _parquet(tmp_path / "orders.parquet", text)
    before = table_counts()
    report = run_import("orders", path, create_missing_customers=True, chunk_rows=2)
    assert report.status == "failed"
    assert [(p.line, p.column, p.rule.split(":")[0]) for p in report.problems] == [
        (7, "*", "duplicate row"),
        (8, "order_id", "conflicts with line 4"),
    ]
    assert table_counts() == before
