"""The reject file of an orders file that maps a column to ``line_no`` fills that column where
a rejected row left it empty: with the row's place in its order, or, for a row without one (no
order id, a record not read into fields, a place another row of the order gives as its
``line_no``), with a number past every number the file's rows took, given or counted. Fixed
and imported (twice), each row lands on its own line and none of the file's lines is
overwritten. Both stores; one chunk and a row per chunk.

Before, the cell stayed empty and the fixed file numbered the row by its place there: B, line 2
of O1, was stored over A, line 1."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.ingest.test_reject_line_numbers import _lines

HEAD = "order_id,customer,placed_at,currency,sku,quantity,unit_price,Line\n"
FILE = (
    HEAD
    + "O1,C1,2024-01-02,EUR,A,1,1.00,1\n"  # line 2: O1 line 1, given
    + "O1,C1,2024-01-02,EUR,B,1,abc,\n"  # line 3: rejected, O1 line 2 by its place
    + "O1,C1,2024-01-02,EUR,C,1,3.00,\n"  # line 4: O1 line 3 by its place
    + ",C1,2024-01-02,EUR,X,1,10.00,\n"  # line 5: rejected, no order id
    + "O2,C2,2024-01-03,EUR,D,1,1.00,7\n"  # line 6: O2 line 7, the largest number given
    + "O2,C2,2024-01-03,EUR,E,1,2.00,\n"  # line 7: O2 line 2 by its place
    + "O1,C1,2024-01-02,EUR,Y,1,20.00,,extra\n"  # line 8: not read into fields
    + "O3,C2,2024-01-03,EUR,F,1,1.00,2\n"  # line 9: O3 line 2, given
    + "O3,C2,2024-01-03,EUR,G,1,2.00,\n"  # line 10: rejected, its place 2 given by line 9
)


@pytest.mark.parametrize("chunk_rows", [1, 50_000])
def test_a_fixed_unnumbered_row_overwrites_no_line_of_the_file(
    tmp_path, run_import, engine, chunk_rows
):
    path = tmp_path / "orders.csv"
    path.write_text(FILE)
    options = {"create_missing_customers": True, "chunk_rows": chunk_rows}
    first = run_import("orders", path, maps=["line_no=Line"], allow_rejects=True, **options)
    assert (first.rows_loaded, first.rows_rejected) == (5, 4), first.problems
    reject = Path(first.reject_file)
    with reject.open(newline="") as handle:
        read = list(csv.DictReader(handle))
    # its own place for B; past the largest number (7, given) for X, G and the unread row
    assert [(r["_line"], r["sku"], r["Line"]) for r in read] == [
        ("3", "B", "2"),
        ("5", "X", "8"),
        ("10", "G", "9"),
        ("8", "", "10"),
    ]
    assert "line_no" not in read[0]
    read[0]["unit_price"] = "2.00"
    read[1]["order_id"] = "O1"
    read[3].update(
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
        fixed = run_import("orders", reject, maps=["line_no=Line"], **options)
        assert (fixed.status, fixed.rows_loaded) == ("loaded", 4), fixed.problems
        assert [line[:3] for line in _lines(engine)] == [
            ("O1", 1, "A"),
            ("O1", 2, "B"),
            ("O1", 3, "C"),
            ("O1", 8, "X"),
            ("O1", 10, "Y"),
            ("O2", 2, "E"),
            ("O2", 7, "D"),
            ("O3", 2, "F"),
            ("O3", 9, "G"),
        ]


def test_no_number_is_given_past_the_largest_line_number(tmp_path, run_import):
    """Past 2,147,483,647 (the largest line number an import takes) no number is left: the
    reject file gives the numbers up to it, and leaves the cell of a row past it empty, its
    problems asking the user for one. Before, it wrote 2147483648, which the fixed file's
    import refused ('line_no: out of range for a whole number')."""
    path = tmp_path / "orders.csv"
    path.write_text(
        HEAD
        + "O1,C1,2024-01-02,EUR,A,1,1.00,2147483646\n"  # line 2: the largest number given
        + ",C1,2024-01-02,EUR,X,1,10.00,\n"  # line 3: no order id, the last number left
        + "O1,C1,2024-01-02,EUR,Y,1,20.00,,extra\n"  # line 4: not read into fields, none left
    )
    first = run_import(
        "orders", path, maps=["line_no=Line"], allow_rejects=True, create_missing_customers=True
    )
    assert (first.rows_loaded, first.rows_rejected) == (1, 2), first.problems
    with Path(first.reject_file).open(newline="") as handle:
        read = list(csv.DictReader(handle))
    assert [(r["_line"], r["Line"]) for r in read] == [("3", "2147483647"), ("4", "")]
    assert read[0]["_problems"] == "order_id: required value is missing"
    assert read[1]["_problems"].endswith(
        "; Line: no number past the file's is left for this row (an import takes line numbers"
        " up to 2,147,483,647; the file's rows took up to 2,147,483,646): give it a number its"
        " order does not use before importing it again"
    )
