"""The orders an import has met are kept as hashes of their external ids (``OrderState``), each
hash found confirmed by the id itself: orders whose ids' hashes collide are still two orders,
each with its own id and its own line numbers, on both stores."""

from __future__ import annotations

import io

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from opencx.ingest.service.writers import order_state as orders

# one line a chunk with ``chunk_rows=1``: A1's lines in three chunks far apart, A2's in two
APART = (
    "order_id,customer,placed_at,currency,sku,quantity,unit_price\n"
    "A1,C1,2024-01-02 10:00:00,EUR,SKU1,2,3.50\n"
    "A2,C2,2024-01-03 10:00:00,EUR,SKU2,1,10\n"
    "A1,C1,2024-01-02 10:00:00,EUR,SKU2,1,10\n"
    "A3,C2,2024-01-04 10:00:00,EUR,SKU1,1,3.50\n"
    "A2,C2,2024-01-03 10:00:00,EUR,SKU3,3,1\n"
    "A4,C1,2024-01-05 10:00:00,EUR,SKU1,1,3.50\n"
    "A1,C1,2024-01-02 10:00:00,EUR,SKU3,4,1\n"
)

LINES = """
    SELECT o.external_id, l.line_no, p.external_id
    FROM order_lines l JOIN orders o ON o.id = l.order_id JOIN products p ON p.id = l.product_id
    ORDER BY o.external_id, l.line_no
"""


def _colliding(exts: pa.Array) -> np.ndarray:
    """Every external id hashed to the same value."""
    return np.zeros(len(exts), np.uint64)


def test_orders_whose_hashes_collide_keep_their_own_index_and_lines(monkeypatch):
    monkeypatch.setattr(orders, "order_hashes", _colliding)
    state = orders.OrderState()
    values, fresh = state.slots_of(["A"])
    state.number_lines(["A"], values, np.array([0, 0]))
    # one order met with this hash, and it is another one: B is new
    values, fresh = state.slots_of(["B"])
    assert fresh.tolist() == [True] and (values >> 24).tolist() == [1]
    state.number_lines(["B"], values, np.array([0]))
    # two orders met with this hash: each found by its own id
    values, fresh = state.slots_of(["B", "C", "A"])
    assert fresh.tolist() == [False, True, False]
    assert (values >> 24).tolist() == [1, 2, 0]
    assert (values & 0xFFFFFF).tolist() == [1, 0, 2]
    numbers = state.number_lines(["B", "C", "A"], values, np.array([2, 0, 1, 0]))
    assert numbers.tolist() == [3, 2, 1, 3]  # A's third line, B's second, C's first, B's third
    assert state.find(["A", "D", "C", "B"]).tolist() == [0, -1, 2, 1]


def test_external_ids_are_compared_whole(monkeypatch):
    """Ids that are prefixes of each other, empty, or not ASCII are kept and found exactly."""
    monkeypatch.setattr(orders, "order_hashes", _colliding)
    state = orders.OrderState()
    names = ["Ω-1", "Ω", "", "Ω-10", "x" * 300]
    values, fresh = state.slots_of(pa.array(names).slice(0))
    assert fresh.all() and (values >> 24).tolist() == [0, 1, 2, 3, 4]
    assert state.find(pa.array(["pad", *reversed(names)]).slice(1)).tolist() == [4, 3, 2, 1, 0]


def _parquet(path, text: str):
    """``text`` as a Parquet file, read in chunks of exactly ``chunk_rows`` rows."""
    names = text.split("\n", 1)[0].split(",")
    options = pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string()))
    pq.write_table(pacsv.read_csv(io.BytesIO(text.encode()), convert_options=options), path)
    return path


@pytest.mark.parametrize("hashes", ["own", "colliding"])
def test_an_order_whose_lines_are_chunks_apart_is_one_order_numbered_in_file_order(
    tmp_path, run_import, engine, monkeypatch, hashes
):
    if hashes == "colliding":
        monkeypatch.setattr(orders, "order_hashes", _colliding)
    path = _parquet(tmp_path / "orders.parquet", APART)
    report = run_import("orders", path, create_missing_customers=True, chunk_rows=1)
    assert report.status == "loaded", report.problems
    assert report.counts["orders"] == 4
    with engine.connect() as conn:
        lines = [tuple(r) for r in conn.execute(sa.text(LINES)).all()]
        orders_stored = conn.execute(sa.text("SELECT count(*) FROM orders")).scalar_one()
    assert orders_stored == 4
    assert lines == [
        ("A1", 1, "SKU1"),
        ("A1", 2, "SKU2"),
        ("A1", 3, "SKU3"),
        ("A2", 1, "SKU2"),
        ("A2", 2, "SKU3"),
        ("A3", 1, "SKU1"),
        ("A4", 1, "SKU1"),
    ]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.lists(st.sampled_from(["A", "B", "Ω", "", "A1", "x" * 40]), unique=True, min_size=1),
        min_size=1,
        max_size=4,
    )
)
def test_a_run_alone_finds_and_numbers_its_orders_as_a_file_does(calls):
    """An API event's state (``alone``: Python's string hash, no DuckDB query) gives the same
    slots, new orders and line numbers as a file's, call after call."""
    alone, file = orders.OrderState(alone=True), orders.OrderState()
    for exts in calls:
        results = []
        for state in (alone, file):
            values, fresh = state.slots_of(exts)
            at = np.arange(len(exts)).repeat(2)
            numbers = state.number_lines(exts, values, at)
            results.append((values.tolist(), fresh.tolist(), numbers.tolist()))
        assert results[0] == results[1]
        assert alone.find(["A", "zz", *exts]).tolist() == file.find(["A", "zz", *exts]).tolist()
