"""Each kind of bad input: a clear message naming line, column, value and rule; nothing written."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa

from opencx.core import InvalidInput
from opencx.ingest.store.formats import batches, open_source

HEADER = "order_id,customer,placed_at,currency,sku,quantity,unit_price\n"
GOOD = "A1,C1,2024-01-02 10:00:00,EUR,SKU1,2,3.50\n"


def orders_file(tmp_path: Path, *rows: str, header: str = HEADER) -> Path:
    path = tmp_path / "orders.csv"
    path.write_text(header + "".join(rows), encoding="utf-8")
    return path


def only_problem(report, column: str) -> str:
    assert report.status == "failed"
    assert [p.column for p in report.problems] == [column], report.problems
    return str(report.problems[0])


def test_wrong_encoding_names_the_line_and_writes_nothing(tmp_path, run_import, nothing_written):
    path = tmp_path / "orders.csv"
    path.write_bytes((HEADER + GOOD + "A2,C1,2024-01-02 10:00:00,EUR,Café,1,2\n").encode("cp1252"))
    with pytest.raises(InvalidInput) as caught:
        run_import("orders", path, encoding="utf-8", create_missing_customers=True)
    assert str(caught.value) == (
        "orders.csv: line 3: bytes b'\\xe9,1,' cannot be decoded as utf-8 "
        "(give the file's encoding with --encoding, e.g. cp1252)"
    )
    assert nothing_written()


def test_missing_required_column(tmp_path, run_import, nothing_written):
    header = "order_id,customer,placed_at,currency,quantity,unit_price\n"
    path = orders_file(tmp_path, "A1,C1,2024-01-02 10:00:00,EUR,2,3.50\n", header=header)
    report = run_import("orders", path, create_missing_customers=True)
    assert (
        only_problem(report, "sku")
        == "orders.csv:1: column 'sku' value '': missing required column"
    )
    assert nothing_written()


def test_unknown_column_is_an_error_unless_ignored(
    tmp_path, run_import, nothing_written, table_counts
):
    path = orders_file(tmp_path, GOOD.rstrip() + ",x\n", header=HEADER.rstrip() + ",Colour\n")
    report = run_import("orders", path, create_missing_customers=True)
    assert only_problem(report, "Colour").endswith(
        "unknown column (map it with --map FIELD=COLUMN or pass --ignore-unknown)"
    )
    assert nothing_written()
    report = run_import("orders", path, create_missing_customers=True, ignore_unknown=True)
    assert report.status == "loaded" and table_counts()["order_lines"] == 1


@pytest.mark.parametrize("content", ["", "   \n", HEADER])
def test_empty_file(tmp_path, run_import, nothing_written, content):
    path = orders_file(tmp_path, header=content)
    with pytest.raises(
        InvalidInput, match=r"orders.csv: line \d: the file (is empty|has no data rows)"
    ):
        run_import("orders", path, create_missing_customers=True)
    assert nothing_written()


def test_unparseable_date(tmp_path, run_import, nothing_written):
    path = orders_file(tmp_path, GOOD, "A2,C1,2024-13-45 10:00:00,EUR,SKU1,1,1\n")
    report = run_import("orders", path, create_missing_customers=True)
    assert only_problem(report, "placed_at") == (
        "orders.csv:3: column 'placed_at' value '2024-13-45 10:00:00': not a date in the "
        "column's date format 'ISO' (unparseable or mixed formats)"
    )
    assert nothing_written()


def test_mixed_date_formats(tmp_path, run_import, nothing_written):
    path = orders_file(tmp_path, GOOD, "A2,C1,03/01/2024 10:00,EUR,SKU1,1,1\n")
    report = run_import("orders", path, create_missing_customers=True)
    assert "line" not in only_problem(report, "placed_at")
    assert report.problems[0].line == 3 and report.problems[0].value == "03/01/2024 10:00"
    assert "unparseable or mixed formats" in report.problems[0].rule
    assert nothing_written()


def test_explicit_date_format_is_enforced(tmp_path, run_import, nothing_written):
    path = orders_file(
        tmp_path,
        "A1,C1,02/01/2024 10:00,EUR,SKU1,2,3.50\n",
        "A2,C1,2024-01-02 10:00:00,EUR,SKU1,1,1\n",
    )
    report = run_import("orders", path, create_missing_customers=True, date_format="%d/%m/%Y %H:%M")
    assert only_problem(report, "placed_at").endswith(
        "not a date in the --date-format '%d/%m/%Y %H:%M' (unparseable or mixed formats)"
    )
    assert nothing_written()


def test_non_numeric_amount(tmp_path, run_import, nothing_written):
    path = orders_file(
        tmp_path, GOOD, "A2,C1,2024-01-02 10:00:00,EUR,SKU1,1,12,50\n".replace(",12,50", ',"12,50"')
    )
    report = run_import("orders", path, create_missing_customers=True)
    assert only_problem(report, "unit_price") == (
        "orders.csv:3: column 'unit_price' value '12,50': not a number (decimal separator '.'; "
        "use --decimal to change it)"
    )
    assert nothing_written()


def test_negative_quantity_must_be_a_marked_return(tmp_path, run_import, nothing_written):
    path = orders_file(tmp_path, GOOD, "A2,C1,2024-01-03 10:00:00,EUR,SKU1,-1,3.50\n")
    report = run_import("orders", path, create_missing_customers=True)
    assert only_problem(report, "quantity") == (
        "orders.csv:3: column 'quantity' value '-1': negative quantity on a line that is not "
        "marked as a return (give is_return or returns_order, or a return rule in the mapping)"
    )
    assert nothing_written()


def test_duplicate_rows(tmp_path, run_import, nothing_written):
    path = orders_file(tmp_path, GOOD, GOOD)
    report = run_import("orders", path, create_missing_customers=True)
    assert only_problem(report, "*") == (
        "orders.csv:3: column '*' value '': duplicate row: an earlier row of the file is identical"
    )
    assert nothing_written()


def test_duplicate_external_id(tmp_path, run_import, nothing_written):
    path = tmp_path / "customers.csv"
    path.write_text("external_id,name\nC1,Ann\nC1,Anne\n", encoding="utf-8")
    report = run_import("customers", path)
    assert only_problem(report, "external_id").endswith(
        "duplicate external_id: an earlier row of the file has the same external_id"
    )
    assert nothing_written()


def test_unknown_customer(tmp_path, run_import, nothing_written):
    report = run_import("orders", orders_file(tmp_path, GOOD))
    assert only_problem(report, "customer") == (
        "orders.csv:2: column 'customer' value 'C1': unknown customer "
        "(import customers first or pass --create-missing-customers)"
    )
    assert nothing_written()


CASES = "external_id,channel,opened_at,first_response_at,resolved_at\n"


def test_resolution_before_first_response(tmp_path, run_import, nothing_written):
    path = tmp_path / "cases.csv"
    path.write_text(CASES + "K1,email,2024-01-01 09:00,2024-01-01 12:00,2024-01-01 11:00\n")
    report = run_import("cases", path)
    assert only_problem(report, "resolved_at") == (
        "cases.csv:2: column 'resolved_at' value '2024-01-01 11:00': "
        "resolved_at is before first_response_at"
    )
    assert nothing_written()


def test_first_response_before_opening(tmp_path, run_import, nothing_written):
    path = tmp_path / "cases.csv"
    path.write_text(CASES + "K1,email,2024-01-01 09:00,2024-01-01 08:00,\n")
    report = run_import("cases", path)
    assert only_problem(report, "first_response_at").endswith(
        "first_response_at is before opened_at"
    )
    assert nothing_written()


def test_oversized_field(tmp_path, run_import, nothing_written):
    path = orders_file(tmp_path, GOOD.replace(",EUR,", ",EURO,"))
    report = run_import("orders", path, create_missing_customers=True)
    assert only_problem(report, "currency") == (
        "orders.csv:2: column 'currency' value 'EURO': longer than 3 characters"
    )
    assert nothing_written()


def test_failed_run_is_recorded(tmp_path, run_import, engine):
    report = run_import("orders", orders_file(tmp_path, GOOD))
    with engine.connect() as conn:
        row = conn.execute(
            sa.text(
                "SELECT status, rows_read, rows_loaded, rows_rejected, reject_file FROM imports"
            )
        ).one()
    assert tuple(row) == ("failed", 1, 0, 1, report.reject_file)
    assert Path(report.reject_file).read_text().splitlines()[1].startswith("A1,C1,")


def test_a_failed_import_reports_no_counts(tmp_path, run_import, nothing_written):
    """Nothing is written, so nothing is counted: the customers and products it would have
    created, its orders and lines were rolled back."""
    path = orders_file(tmp_path, GOOD, "A2,C2,2024-01-02 10:00:00,EUR,SKU1,2,veel\n")
    report = run_import("orders", path, create_missing_customers=True)
    assert report.status == "failed" and report.problem_count == 1
    assert report.counts == {}
    assert nothing_written()


def test_unreadable_file_run_is_recorded_as_failed(tmp_path, run_import, engine):
    import sqlalchemy as sa

    path = orders_file(tmp_path, header="")
    with pytest.raises(InvalidInput):
        run_import("orders", path)
    with engine.connect() as conn:
        status, message = conn.execute(sa.text("SELECT status, message FROM imports")).one()
    assert status == "failed" and message == "orders.csv: line 1: the file is empty"


@pytest.mark.parametrize(
    "amount",
    ["1" + "0" * 309, "100000000000000000000", "100000000000000", "000123456789012345.5"],
    ids=["310 digits", "10^20", "10^14", "15 digits after zeros"],
)
def test_an_amount_too_large_for_its_column_is_refused_on_both_stores(
    tmp_path, run_import, nothing_written, amount
):
    """Numeric(18, 4) holds 14 digits before the point: SQLite kept more as a float or inf (the
    customer's profile then failed for ever), PostgreSQL raised a traceback."""
    path = orders_file(tmp_path, GOOD, f"A2,C1,2024-01-02 10:00:00,EUR,SKU1,1,{amount}\n")
    report = run_import("orders", path, create_missing_customers=True)
    message = only_problem(report, "unit_price")
    assert message.startswith(f"orders.csv:3: column 'unit_price' value '{amount[:20]}")
    assert message.endswith(
        ": out of range for an amount (at most 14 digits before the decimal point)"
    )
    assert nothing_written()


def test_the_largest_amount_the_column_holds_loads_on_both_stores(
    tmp_path, run_import, table_counts
):
    path = orders_file(tmp_path, "A1,C1,2024-01-02 10:00:00,EUR,SKU1,1,99999999999999.9999\n")
    report = run_import("orders", path, create_missing_customers=True)
    assert report.status == "loaded" and table_counts()["order_lines"] == 1


@pytest.mark.parametrize("quantity", ["3000000000", "1" + "0" * 29], ids=["> int32", "30 digits"])
def test_a_quantity_too_large_for_its_column_is_refused(
    tmp_path, run_import, nothing_written, quantity
):
    path = orders_file(tmp_path, GOOD, f"A2,C1,2024-01-02 10:00:00,EUR,SKU1,{quantity},1\n")
    report = run_import("orders", path, create_missing_customers=True)
    assert only_problem(report, "quantity").endswith(": out of range for a whole number")
    assert nothing_written()


def test_a_case_status_or_priority_outside_the_helpdesks_is_refused(
    tmp_path, run_import, nothing_written
):
    path = tmp_path / "cases.csv"
    path.write_text(
        "external_id,channel,opened_at,status,priority\nK1,email,2024-01-01 09:00,solved,\n"
    )
    report = run_import("cases", path)
    assert only_problem(report, "status") == (
        "cases.csv:2: column 'status' value 'solved': not a case status (new, open,"
        " pending_customer, pending_third_party, resolved, closed); map the export's value in"
        " the mapping's [transforms.status]"
    )
    assert nothing_written()
    path.write_text(
        "external_id,channel,opened_at,status,priority\nK1,email,2024-01-01 09:00,open,Medium\n"
    )
    report = run_import("cases", path)
    assert only_problem(report, "priority").startswith(
        "cases.csv:2: column 'priority' value 'Medium': not a case priority"
        " (low, normal, high, urgent)"
    )
    assert nothing_written()


def test_a_quantity_with_a_plus_sign_loads_as_its_number(tmp_path, run_import, engine):
    """``+5`` passes the whole-number rule; it once reached Arrow's cast, which refuses a "+",
    and the import stopped on a raw ``ArrowInvalid``."""
    path = orders_file(tmp_path, GOOD, "A2,C1,2024-01-02 10:00:00,EUR,SKU2,+5,1\n")
    report = run_import("orders", path, create_missing_customers=True)
    assert report.status == "loaded", report.problems
    with engine.connect() as conn:
        quantities = conn.execute(sa.text("SELECT quantity FROM order_lines ORDER BY quantity"))
        assert 5 in [q for (q,) in quantities]


@pytest.mark.parametrize(
    "placed_at", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59.999999-14:00"]
)
def test_a_time_outside_the_years_1_to_9999_in_utc_is_refused_on_both_stores(
    tmp_path, run_import, nothing_written, placed_at
):
    """A zoned time can cross into year 0 or 10000 once in UTC: PostgreSQL's binary COPY stored
    the first (1 BC) and every read of that order then failed in psycopg; the second was stored
    on both stores and Python could not read it back."""
    path = orders_file(tmp_path, GOOD, f"A2,C1,{placed_at},EUR,SKU1,1,1\n")
    report = run_import("orders", path, create_missing_customers=True)
    assert only_problem(report, "placed_at") == (
        f"orders.csv:3: column 'placed_at' value '{placed_at}': outside the years 1-9999 once "
        "in UTC (no store keeps it)"
    )
    assert nothing_written()


def test_the_first_and_last_instants_in_utc_load_and_read_back_on_both_stores(
    tmp_path, run_import, engine
):
    path = orders_file(
        tmp_path,
        "A1,C1,0001-01-01T01:00:00+01:00,EUR,SKU1,1,1\n",
        "A2,C1,9999-12-31T23:59:59.999999Z,EUR,SKU1,1,1\n",
    )
    report = run_import("orders", path, create_missing_customers=True)
    assert report.status == "loaded", report.problems
    with engine.connect() as conn:
        query = sa.select(sa.column("placed_at")).select_from(sa.table("orders"))
        rows = conn.execute(query.order_by("placed_at"))
        times = [datetime.fromisoformat(str(t)).replace(tzinfo=None) for (t,) in rows]
    assert times == [datetime(1, 1, 1), datetime(9999, 12, 31, 23, 59, 59, 999999)], times


@pytest.mark.parametrize("column", ["product_name", "channel", "sku"])
def test_a_nul_character_in_a_parquet_text_is_refused_on_both_stores(
    tmp_path, run_import, nothing_written, column
):
    """A Parquet string may hold U+0000, which PostgreSQL cannot store (it raised
    CharacterNotInRepertoire from its COPY) and SQLite's text functions cut at: refused by
    file:line:column on both stores, like any other bad value."""
    rows = {
        "order_id": ["A1", "A2"],
        "customer": ["C1", "C1"],
        "placed_at": ["2024-01-02 10:00:00"] * 2,
        "currency": ["EUR", "EUR"],
        "sku": ["SKU1", "SKU1"],
        "quantity": ["2", "1"],
        "unit_price": ["3.50", "3.50"],
        "product_name": ["Mug", "Mug"],
        "channel": ["web", "web"],
    }
    rows[column][1] = rows[column][1][:1] + "\x00" + rows[column][1][1:]
    path = tmp_path / "orders.parquet"
    pq.write_table(pa.table(rows), path)
    report = run_import("orders", path, create_missing_customers=True)
    assert only_problem(report, column) == (
        f"orders.parquet:2: column '{column}' value {rows[column][1]!r}: "
        "holds a NUL character (U+0000), which no store keeps"
    )
    assert nothing_written()


def test_a_reject_file_with_a_nul_character_can_be_fixed_and_loaded(
    tmp_path, run_import, table_counts
):
    """The reject file shows a NUL as ␀ (U+2400): written as it was, it made the reject file
    binary, and importing it again, even fixed, failed whole ('a NUL byte: this is not a text
    file')."""
    rows = {
        "order_id": ["A1", "A2", "A3"],
        "customer": ["C1", "C1", "C1"],
        "placed_at": ["2024-01-02 10:00:00"] * 3,
        "currency": ["EUR"] * 3,
        "sku": ["SKU1"] * 3,
        "quantity": ["2", "1", "x"],
        "unit_price": ["3.50"] * 3,
        "product_name": ["Mug", "M\x00ug", "Mug"],
    }
    path = tmp_path / "orders.parquet"
    pq.write_table(pa.table(rows), path)
    report = run_import("orders", path, create_missing_customers=True, allow_rejects=True)
    assert (report.rows_loaded, report.rows_rejected) == (1, 2)
    reject = Path(report.reject_file)
    assert b"\x00" not in reject.read_bytes()
    text = reject.read_text(encoding="utf-8")
    assert ",M\u2400ug," in text and "holds a NUL character (U+0000)" in text
    reject.write_text(text.replace("M\u2400ug", "Mug").replace(",x,", ",1,"), encoding="utf-8")
    fixed = run_import("orders", reject, create_missing_customers=True)
    assert (fixed.status, fixed.rows_loaded) == ("loaded", 2)
    assert table_counts()["orders"] == 3


@pytest.mark.parametrize("kind", ["csv", "jsonl"])
def test_rows_that_cannot_be_read_are_counted_as_read_and_rejected(
    tmp_path, run_import, engine, kind
):
    """Every data row of the file is read, the ones the reader cannot split into fields too:
    three rows, two of them bad, are 3 read, 1 loaded, 2 rejected (it said 1 read)."""
    if kind == "csv":
        path = orders_file(tmp_path, "A0,C1\n", GOOD, "A2,C2,2024-01-02 10:00:00,EUR,SKU1,2,1,9\n")
    else:
        path = tmp_path / "orders.jsonl"
        good = (
            '{"order_id": "A1", "customer": "C1", "placed_at": "2024-01-02 10:00:00",'
            ' "currency": "EUR", "sku": "SKU1", "quantity": "2", "unit_price": "3.50"}\n'
        )
        path.write_text(good + '{"order_id": "A0",\n' + "not json\n", encoding="utf-8")
    report = run_import("orders", path, create_missing_customers=True, allow_rejects=True)
    assert report.status == "loaded_with_rejects", report.problems
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (3, 1, 2)
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT rows_read, rows_loaded, rows_rejected FROM imports"))
        assert tuple(row.one()) == (3, 1, 2)


def test_a_json_lines_file_of_objects_with_no_field_names_their_first_line(
    tmp_path, run_import, nothing_written
):
    """JSON Lines has no header: 'no data rows' said 'line 2' (the line after a header) of a
    file whose objects ``{}`` begin on line 3, and they were dropped unsaid."""
    path = tmp_path / "people.jsonl"
    path.write_text("\n\n{}\n{}\n")
    with pytest.raises(InvalidInput) as caught:
        run_import("customers", path, constants={"external_id": "c1"})
    assert str(caught.value) == (
        "people.jsonl: line 3: the file has no data rows: its 2 JSON objects hold no field ({})"
    )
    report = run_import("customers", path)  # a missing column is named on the first object
    assert [str(p) for p in report.problems] == [
        "people.jsonl:3: column 'external_id' value '': missing required column"
    ]
    assert nothing_written()


def test_objects_with_no_field_before_the_first_with_one_are_rows(tmp_path):
    """1,001 ``{}`` (past the 1,000 lines the columns are read from), then an object with a
    field, in chunks of 100: every object is a row numbered by its line, the empty ones null
    in every column (as they are once a column is known). Before, the chunks of ``{}`` were
    tables of no row numbering 100 lines each."""
    path = tmp_path / "people.jsonl"
    path.write_text("{}\n" * 1_001 + '{"external_id": "c1"}\n')
    read = list(batches(open_source(path), 100))
    assert [(b.table.num_rows, len(b.lines)) for b in read] == [(1_002, 1_002)]
    assert read[0].lines.to_pylist() == list(range(1, 1_003))
    assert read[0].table.column("external_id").null_count == 1_001


def test_a_json_line_that_is_no_object_past_the_first_1000_is_refused(
    tmp_path, run_import, nothing_written
):
    """It raised TypeError ('int' object is not iterable); in the first 1,000 lines it was
    refused so already."""
    path = tmp_path / "people.jsonl"
    path.write_text('{"external_id": "c1"}\n' * 1_001 + "5\n")
    with pytest.raises(InvalidInput) as caught:
        run_import("customers", path, duplicates="skip", allow_rejects=True)
    assert str(caught.value) == "people.jsonl: line 1002: each line must be a JSON object"
    assert nothing_written()


def test_a_parquet_file_with_no_rows_names_no_line(tmp_path, run_import, nothing_written):
    path = tmp_path / "people.parquet"
    pq.write_table(pa.table({"external_id": pa.array([], pa.string())}), path)
    with pytest.raises(InvalidInput) as caught:
        run_import("customers", path)
    assert str(caught.value) == "people.parquet: the file has no data rows"  # was 'line 2'
    assert nothing_written()


def test_a_json_cell_holding_a_whole_number_past_4300_digits(tmp_path, run_import, table_counts):
    """A CSV cell of JSON attributes holding a whole number no int is made of (Python's 4,300
    digits): out of range as a number no double holds, naming the line and the column. Before,
    json's ValueError failed the whole import, naming nothing."""
    path = tmp_path / "customers.csv"
    cell = '"{""n"": ' + "5" * 4301 + '}"'
    path.write_text(f'external_id,attributes\nC1,"{{""n"": 1}}"\nC2,{cell}\n', encoding="utf-8")
    report = run_import("customers", path, allow_rejects=True)
    assert [(p.line, p.column) for p in report.problems] == [(3, "attributes")]
    assert report.problems[0].rule.startswith("a number in it is out of range")
    assert (report.rows_loaded, table_counts()["customers"]) == (1, 1)


DEEP = "[" * 100_000 + "]" * 100_000  # past json's recursion (about 1,000 levels)
TOO_DEEP = "arrays and objects nested too deep to read (some 1,000 levels)"


@pytest.mark.parametrize("first", [True, False], ids=["first line", "line 1,002"])
def test_a_json_line_nested_past_the_readers_depth_is_a_rejected_row(
    tmp_path, run_import, table_counts, first
):
    """A line whose arrays nest past what json reads is put aside naming its line, the other
    lines load, whether it is among the first lines read for columns or later. Before, json's
    RecursionError failed the whole import with a traceback."""
    path = tmp_path / "people.jsonl"
    deep = f'{{"external_id": "deep", "attributes": {{"n": {DEEP}}}}}\n'
    good = [f'{{"external_id": "c{i}"}}\n' for i in range(1_001)]
    lines = [deep, *good] if first else [*good, deep]
    path.write_text("".join(lines))
    report = run_import("customers", path, allow_rejects=True)
    assert [(p.line, p.column, p.rule) for p in report.problems] == [
        (1 if first else 1_002, "*", f"not valid JSON: {TOO_DEEP}")
    ]
    assert (report.rows_loaded, table_counts()["customers"]) == (1_001, 1_001)


def test_a_json_cell_nested_past_the_readers_depth(tmp_path, run_import, table_counts):
    """A CSV cell of JSON attributes nested past what json reads: a rejected row naming the
    line and the column (past the field's bound, ``tests/ingest/test_json_field_depth.py``);
    before, json's RecursionError failed the whole import."""
    from opencx.ingest.domain.validation.values import FIELD_TOO_DEEP

    path = tmp_path / "customers.csv"
    cell = '"{""n"": ' + DEEP + '}"'
    path.write_text(f'external_id,attributes\nC1,"{{""n"": 1}}"\nC2,{cell}\n', encoding="utf-8")
    report = run_import("customers", path, allow_rejects=True)
    assert [(p.line, p.column, p.rule) for p in report.problems] == [
        (3, "attributes", FIELD_TOO_DEEP)
    ]
    assert (report.rows_loaded, table_counts()["customers"]) == (1, 1)
