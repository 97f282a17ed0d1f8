"""A stray quote at the start of a value and another further on in the same block: the parser
reads them as one quoted value, so the lines between are one long record. When its field count
is wrong (it is put aside), its lines are read apart: the first (the stray quote opens a value
there) and the last (the quote that closed it) are rejected naming the span, each line between
is a record of its own, loaded or rejected on its line. Every physical line is read or put
aside, and the counts say so. Both stores.

Before, the record was one rejected row on its first line ('expected 8 fields, found 11'), and
the lines between were in no count and no reject: 20 data lines were 'read 16'. pandas
(on_bad_lines='warn': 'Skipping line 6: expected 8 fields, saw 11') and DuckDB 2.0's read_csv
(quote '"', store_rejects: one reject on line 6 holding lines 6-10, 15 rows) do the same;
DuckDB's sniffer reads such a file with no quote character at all.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from opencx.db.schema import order_lines, orders, products

HEADER = "order_id,customer,placed_at,currency,sku,product_name,quantity,unit_price"
SPAN = "lines 6-10 were read as one record of 11 fields, not 8"
OPENS = f'a quote opens a value that a quote on a later line closes (a stray "?): {SPAN}'
CLOSES = f'a quote here closes the value a quote opened on line 6 (a stray "?): {SPAN}'


def _rows(count: int) -> list[str]:
    return [
        f"O{i // 4:06d},C{i // 4 % 97:04d},2024-03-01 10:00:00,EUR,S{i % 4},Product {i % 4},1,2.50"
        for i in range(count)
    ]


def _stray(lines: list[str], opens: int = 6, closes: int = 10) -> list[str]:
    """The file's ``lines`` (line 1 is the header) with a quote before product_name on line
    ``opens`` and one inside placed_at on line ``closes``: 5 + 1 + 5 fields."""
    lines = list(lines)
    lines[opens - 1] = lines[opens - 1].replace(",Product", ',"Product')
    lines[closes - 1] = lines[closes - 1].replace(",2024", ',2024"')
    return lines


def _write(tmp_path: Path, lines: list[str]) -> Path:
    path = tmp_path / "orders.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _lines_stored(engine) -> list[tuple[str, str]]:
    query = (
        sa.select(orders.c.external_id, products.c.external_id)
        .join_from(order_lines, orders)
        .join(products, products.c.id == order_lines.c.product_id)
    )
    with engine.connect() as conn:
        return sorted((o, p) for o, p in conn.execute(query))


@pytest.mark.parametrize("chunk_rows", [3, 50_000])
def test_the_lines_a_stray_quote_joined_are_read_apart(tmp_path, run_import, engine, chunk_rows):
    """Lines 7-9 load; lines 6 and 10 are rejected naming the span; 20 lines read."""
    path = _write(tmp_path, _stray([HEADER, *_rows(20)]))
    report = run_import(
        "orders", path, create_missing_customers=True, allow_rejects=True, chunk_rows=chunk_rows
    )
    assert [(p.line, p.column, p.rule) for p in report.problems] == [
        (6, "product_name", f"{OPENS}; each line is read alone"),
        (10, "*", CLOSES),
    ]
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (20, 18, 2)
    stored = _lines_stored(engine)
    assert len(stored) == 18
    assert ("O000001", "S1") in stored and ("O000001", "S3") in stored  # lines 7 and 9
    assert ("O000001", "S0") not in stored and ("O000002", "S0") not in stored  # 6 and 10
    rejects = Path(report.reject_file).read_text(encoding="utf-8").splitlines()
    # after the columns and the line_no an orders file without one gets (empty: unread rows)
    assert [r.split(",")[9] for r in rejects[1:]] == ["6", "10"]


def test_a_line_between_is_checked_on_its_own_line(tmp_path, run_import, engine):
    """A line between with a bad value or a wrong field count, and the rows after the span,
    are each named by their own line: the numbering after the span is unchanged."""
    lines = _stray([HEADER, *_rows(20)])
    lines[7] = lines[7].replace(",1,2.50", ",x,2.50")  # line 8: quantity
    lines[8] = lines[8] + ",extra"  # line 9: nine fields
    lines[14] = lines[14].replace(",1,2.50", ",1,abc")  # line 15, after the span
    report = run_import(
        "orders", _write(tmp_path, lines), create_missing_customers=True, allow_rejects=True
    )
    found = sorted((p.line, p.column, p.rule.split(" (")[0]) for p in report.problems)
    assert [(line, column) for line, column, _ in found] == [
        (6, "product_name"),
        (8, "quantity"),
        (9, "*"),
        (10, "*"),
        (15, "unit_price"),
    ]
    assert found[2][2] == "expected 8 fields, found 9"
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (20, 15, 5)


def test_without_rejects_nothing_is_written(tmp_path, run_import, nothing_written):
    path = _write(tmp_path, _stray([HEADER, *_rows(20)]))
    report = run_import("orders", path, create_missing_customers=True)
    assert report.status == "failed"
    assert [p.line for p in report.problems] == [6, 10]
    assert nothing_written()


@pytest.mark.parametrize(("opens", "closes"), [(2, 4), (18, 21), (2, 21)])
def test_every_line_is_read_or_put_aside_wherever_the_span_is(tmp_path, run_import, opens, closes):
    """At the first data line, at the last, over the whole file."""
    path = _write(tmp_path, _stray([HEADER, *_rows(20)], opens, closes))
    report = run_import(
        "orders", path, create_missing_customers=True, allow_rejects=True, chunk_rows=4
    )
    assert [p.line for p in report.problems] == [opens, closes]
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (20, 18, 2)


def test_a_span_with_no_record_between_is_one_record_naming_its_lines(tmp_path, run_import):
    """Lines 6-7, or lines 6-8 with only a line of 3 fields between: nothing says records were
    lost (a quoted value may hold line breaks, and a record one field too many), so the record
    is put aside whole, as before, its rule naming its lines."""
    for closes, between in ((7, None), (8, "a,b,c")):
        lines = _stray([HEADER, *_rows(20)], 6, closes)
        if between:
            lines[6] = between
        report = run_import(
            "orders", _write(tmp_path, lines), create_missing_customers=True, allow_rejects=True
        )
        assert [(p.line, p.column, p.rule) for p in report.problems] == [
            (6, "*", f"expected 8 fields, found 11 (lines 6-{closes}, one record)")
        ]
        assert (report.rows_read, report.rows_rejected) == (20 - closes + 6, 1)


def test_empty_lines_between_are_no_records(tmp_path, run_import):
    lines = _stray([HEADER, *_rows(20)])
    lines[6:6] = ["", ""]  # lines 7 and 8, inside the span, now lines 6-12
    report = run_import(
        "orders", _write(tmp_path, lines), create_missing_customers=True, allow_rejects=True
    )
    assert [p.line for p in report.problems] == [6, 12]
    assert "lines 6-12 were read as one record" in report.problems[0].rule
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (20, 18, 2)


def test_a_span_of_the_right_field_count_is_still_one_value(tmp_path, run_import):
    """Left as it was: a quoted value may hold line breaks, and one that leaves its record the
    right fields cannot be told from a stray pair (here lines 6-10 are one product name)."""
    lines = [HEADER, *_rows(20)]
    lines[5] = lines[5].replace(",Product", ',"Product')
    lines[9] = lines[9].replace(",1,2.50", '",1,2.50')
    report = run_import(
        "orders", _write(tmp_path, lines), create_missing_customers=True, allow_rejects=True
    )
    assert (report.rows_read, report.rows_loaded, report.problems) == (16, 16, [])
