"""The reject round trip of an orders file without a ``line_no`` column keeps every line.

Lines are numbered by their place in their order, a rejected row's place included: the reject
file carries that number (``line_no``), so the fixed rows land on their own numbers instead of
being numbered from 1 again over the lines already stored (a fixed B overwrote line 1, A, and
A was lost). Both stores; one chunk and a row per chunk."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.ingest.test_import_roundtrip import rows

HEAD = "order_id,customer,placed_at,currency,sku,quantity,unit_price\n"
FILE = (
    HEAD
    + "O1,C1,2024-01-02,EUR,B,1,abc\n"  # rejected: line 1 of O1
    + "O1,C1,2024-01-02,EUR,A,2,3.50\n"
    + "O2,C2,2024-01-03,EUR,A,1,3.50\n"
    + "O1,C1,2024-01-02,EUR,C,1,xyz\n"  # rejected: line 3 of O1
    + "O1,C1,2024-01-02,EUR,D,3,1.00\n"
)
LINES = (
    "SELECT o.external_id, l.line_no, l.sku, l.quantity, l.unit_price FROM order_lines l "
    "JOIN orders o ON o.id = l.order_id ORDER BY 1, 2"
)
TOTALS = (
    "SELECT o.external_id, sum(l.quantity * l.unit_price) FROM order_lines l "
    "JOIN orders o ON o.id = l.order_id GROUP BY o.external_id ORDER BY 1"
)


def _lines(engine) -> list[tuple]:
    return [(o, n, s, q, float(p)) for o, n, s, q, p in rows(engine, LINES)]


def _totals(engine) -> list[tuple]:
    return [(o, float(t)) for o, t in rows(engine, TOTALS)]


@pytest.mark.parametrize("chunk_rows", [1, 50_000])
def test_fixed_rejects_keep_the_lines_already_stored(tmp_path, run_import, engine, chunk_rows):
    path = tmp_path / "orders.csv"
    path.write_text(FILE)
    options = {"create_missing_customers": True, "chunk_rows": chunk_rows}
    first = run_import("orders", path, allow_rejects=True, **options)
    assert (first.rows_loaded, first.rows_rejected) == (3, 2)
    # a rejected row keeps its place: the lines after it are numbered as if it were loaded
    assert _lines(engine) == [
        ("O1", 2, "A", 2, 3.5),
        ("O1", 4, "D", 3, 1.0),
        ("O2", 1, "A", 1, 3.5),
    ]
    reject = Path(first.reject_file)
    with reject.open(newline="") as handle:
        read = list(csv.DictReader(handle))
    assert [(r["sku"], r["line_no"]) for r in read] == [("B", "1"), ("C", "3")]
    reject.write_text(reject.read_text().replace(",abc,", ",4.00,").replace(",xyz,", ",5.00,"))
    fixed = run_import("orders", reject, **options)
    assert (fixed.status, fixed.rows_loaded) == ("loaded", 2)
    assert _lines(engine) == [
        ("O1", 1, "B", 1, 4.0),
        ("O1", 2, "A", 2, 3.5),
        ("O1", 3, "C", 1, 5.0),
        ("O1", 4, "D", 3, 1.0),
        ("O2", 1, "A", 1, 3.5),
    ]
    assert _totals(engine) == [("O1", 19.0), ("O2", 3.5)]
    # the whole file once fixed, imported again, lands on the same lines
    path.write_text(FILE.replace(",abc", ",4.00").replace(",xyz", ",5.00"))
    assert run_import("orders", path, **options).status == "loaded"
    assert _totals(engine) == [("O1", 19.0), ("O2", 3.5)]
    assert len(_lines(engine)) == 5


def test_a_file_that_gives_line_numbers_round_trips_with_its_own_column(
    tmp_path, run_import, engine
):
    path = tmp_path / "orders.csv"
    path.write_text(
        "order_id,customer,placed_at,currency,sku,quantity,unit_price,Line\n"
        "O1,C1,2024-01-02,EUR,A,2,3.50,7\n"
        "O1,C1,2024-01-02,EUR,B,1,abc,9\n"
    )
    options = {"create_missing_customers": True, "maps": ["line_no=Line"]}
    first = run_import("orders", path, allow_rejects=True, **options)
    reject = Path(first.reject_file)
    header = reject.read_text().splitlines()[0].split(",")
    assert "line_no" not in header and "Line" in header
    reject.write_text(reject.read_text().replace(",abc,", ",4.00,"))
    assert run_import("orders", reject, **options).status == "loaded"
    assert _lines(engine) == [("O1", 7, "A", 2, 3.5), ("O1", 9, "B", 1, 4.0)]
