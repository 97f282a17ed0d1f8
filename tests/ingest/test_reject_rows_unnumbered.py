"""A rejected row of an orders file without ``line_no`` that has no place in an order (no order
id, or a record not read into fields) gets a ``line_no`` in the reject file past every number
the file's orders took, after the other rows: fixed (its order id given, its fields retyped),
it adds a line to its order and overwrites none, the same line on every import of the fixed
file. Both stores; one chunk and a row per chunk.

Before, its ``line_no`` was empty: the fixed file numbered it by its place there (1, 2, ...),
over the lines the first import stored (O1's A and B were lost, the order's value wrong)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.ingest.test_reject_line_numbers import _lines, _totals

HEAD = "order_id,customer,placed_at,currency,sku,quantity,unit_price\n"
FILE = (
    HEAD
    + "O1,C1,2024-01-02,EUR,A,1,1.00\n"  # line 2: O1 line 1
    + ",C1,2024-01-02,EUR,X,1,10.00\n"  # line 3: no order id
    + "O1,C1,2024-01-02,EUR,B,1,2.00\n"  # line 4: O1 line 2
    + "O2,C2,2024-01-03,EUR,D,1,1.00\n"  # line 5: O2 line 1
    + "O1,C1,2024-01-02,EUR,Y,1,20.00,extra\n"  # line 6: not read into fields
    + "O2,C2,2024-01-03,EUR,E,1,1.00\n"
    + "O2,C2,2024-01-03,EUR,F,1,1.00\n"
    + "O2,C2,2024-01-03,EUR,G,1,1.00\n"  # line 9: O2 line 4, the largest number taken
    + "O1,C1,2024-01-02,EUR,C,1,3.00\n"  # line 10: O1 line 3
)


@pytest.mark.parametrize("chunk_rows", [1, 50_000])
def test_rows_without_a_place_are_numbered_past_every_line_of_the_file(
    tmp_path, run_import, engine, chunk_rows
):
    path = tmp_path / "orders.csv"
    path.write_text(FILE)
    options = {"create_missing_customers": True, "chunk_rows": chunk_rows}
    first = run_import("orders", path, allow_rejects=True, **options)
    assert (first.rows_loaded, first.rows_rejected) == (7, 2)
    reject = Path(first.reject_file)
    with reject.open(newline="") as handle:
        read = list(csv.DictReader(handle))
    assert [(r["_line"], r["sku"], r["line_no"]) for r in read] == [
        ("3", "X", "5"),
        ("6", "", "6"),
    ]
    read[0]["order_id"] = "O1"
    read[1].update(
        order_id="O1",
        customer="C1",
        placed_at="2024-01-02",
        currency="EUR",
        sku="Y",
        quantity="1",
        unit_price="20.00",
    )
    with reject.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, list(read[0]))
        writer.writeheader()
        writer.writerows(read)
    for _ in range(2):  # the fixed rows land on the same lines again
        fixed = run_import("orders", reject, **options)
        assert (fixed.status, fixed.rows_loaded) == ("loaded", 2), fixed.problems
        assert [line[:3] for line in _lines(engine)] == [
            ("O1", 1, "A"),
            ("O1", 2, "B"),
            ("O1", 3, "C"),
            ("O1", 5, "X"),
            ("O1", 6, "Y"),
            ("O2", 1, "D"),
            ("O2", 2, "E"),
            ("O2", 3, "F"),
            ("O2", 4, "G"),
        ]
        assert _totals(engine) == [("O1", 36.0), ("O2", 4.0)]


def test_a_file_of_only_such_rows_numbers_them_from_1(tmp_path, run_import):
    path = tmp_path / "orders.csv"
    path.write_text(HEAD + ",C1,2024-01-02,EUR,X,1,10.00\n,C1,2024-01-02,EUR,Z,1,1.00\n")
    first = run_import("orders", path, allow_rejects=True, create_missing_customers=True)
    with Path(first.reject_file).open(newline="") as handle:
        assert [(r["sku"], r["line_no"]) for r in csv.DictReader(handle)] == [
            ("X", "1"),
            ("Z", "2"),
        ]
