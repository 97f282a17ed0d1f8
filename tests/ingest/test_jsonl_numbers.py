"""A JSON Lines file's numbers are read exactly (``formats.jsonl.EXACT``): an amount is the
Decimal it spells, held to the import's amount rules as the same text in a CSV file and the
same number in ``POST /api/events`` are. Both stores.

Before, each line went through ``json.loads`` into floats: ``1.00004999999999999999`` became
1.00005 and was stored as 1.0001 (the CSV file stores 1.0000), and ``99999999999999.99995``
became 1e14, refused for its 15 digits instead of 'once rounded to 4 decimals'.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
import sqlalchemy as sa

from opencx.db.schema import order_lines, orders
from tests.ingest.test_amount_precision import orders_file
from tests.ingest.test_cli import opencx

HEAD = '"customer": "C1", "placed_at": "2024-01-02 10:00:00", "currency": "EUR", "sku": "SKU1"'


def jsonl_file(tmp_path, *amounts: str):
    """The rows of ``orders_file``, each amount written as a JSON number (its text as is)."""
    path = tmp_path / "orders.jsonl"
    rows = [
        f'{{"order_id": "A{i}", {HEAD}, "quantity": 1, "unit_price": {amount},'
        f' "discount": {amount}}}\n'
        for i, amount in enumerate(amounts)
    ]
    path.write_text("".join(rows), encoding="utf-8")
    return path


def amounts(engine) -> list[tuple[str, Decimal, Decimal]]:
    query = sa.select(orders.c.external_id, order_lines.c.unit_price, order_lines.c.discount)
    with engine.connect() as conn:
        return sorted((o, u, d) for o, u, d in conn.execute(query.join_from(order_lines, orders)))


EXACT = {
    "1.00004999999999999999": "1.0000",  # a float: 1.00005, stored 1.0001
    "0.0000499999999999999999": "0.0000",  # a float: 5e-05, stored 0.0001
    "2.000149999999999999999": "2.0001",  # a float: 2.00015, stored 2.0002
    "12345678901234.5678": "12345678901234.5678",  # a float: 12345678901234.568
    "0.1": "0.1000",
    "5E-5": "0.0001",
    "1.5e-7": "0.0000",
    "42": "42.0000",
    "42.0": "42.0000",
    "-3.25": "-3.2500",
}


@pytest.mark.parametrize("amount", EXACT)
def test_a_json_lines_amount_is_stored_as_the_same_text_in_a_csv_file(
    tmp_path, run_import, engine, amount
):
    report = run_import("orders", jsonl_file(tmp_path, amount), create_missing_customers=True)
    assert report.status == "loaded", report.problems
    from_json = amounts(engine)
    csv = orders_file(tmp_path, format(Decimal(amount), "f"))  # the CSV's plain digits
    report = run_import("orders", csv, source="csv", create_missing_customers=True)
    assert report.status == "loaded", report.problems
    assert amounts(engine) == from_json * 2  # the same order id, from another source
    if engine.dialect.name == "postgresql":  # SQLite keeps a double (docs/import.md, Numbers)
        assert from_json == [("A0", Decimal(EXACT[amount]), Decimal(EXACT[amount]))]


@pytest.mark.parametrize("amount", ["99999999999999.99995", "-99999999999999.99999"])
def test_an_amount_that_rounds_to_10_14_is_refused_as_in_a_csv_file(
    tmp_path, run_import, table_counts, amount
):
    path = jsonl_file(tmp_path, "3.50", amount)
    report = run_import("orders", path, create_missing_customers=True, allow_rejects=True)
    assert report.status == "loaded_with_rejects", report.problems
    assert [str(p) for p in report.problems] == [
        f"orders.jsonl:2: column '{column}' value '{amount}': out of range for an amount once"
        " rounded to 4 decimals (at most 14 digits before the decimal point)"
        for column in ("unit_price", "discount")
    ]
    assert (report.rows_loaded, report.rows_rejected, table_counts()["order_lines"]) == (1, 1, 1)


def test_numbers_in_a_nested_object_keep_their_digits(tmp_path, run_import, engine):
    path = tmp_path / "customers.jsonl"
    row = {"external_id": "C1", "email": "a@example.com"}
    text = json.dumps(row)[:-1] + ', "attributes": {"score": 0.10000000000000000001}}\n'
    path.write_text(text, encoding="utf-8")
    report = run_import("customers", path)
    assert report.status == "loaded", report.problems
    with engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT CAST(attributes AS TEXT) FROM customers"))
        assert stored.scalar_one() == '{"score": 0.10000000000000000001}'  # a float: 0.1


def test_the_import_command_reads_a_json_lines_amount_exactly(tmp_path, sqlite_url):
    path = jsonl_file(tmp_path, "99999999999999.99995")
    args = ["import", "orders", str(path), "--create-missing-customers"]
    failed = opencx(*args, url=sqlite_url, cwd=tmp_path)
    assert failed.returncode == 1, failed.stderr
    assert (
        "orders.jsonl:1: column 'unit_price' value '99999999999999.99995': out of range for an"
        " amount once rounded to 4 decimals" in failed.stderr
    )


@pytest.mark.parametrize("number", ["1e9999999999999999999", "-1E-99999999999999999999"])
def test_a_number_no_decimal_holds_puts_its_line_aside(tmp_path, run_import, table_counts, number):
    """Past 10^18 either way (a float read the first as inf, the second as 0.0): its line is a
    rejected row, as a line that is not JSON is, named as the event API names it."""
    path = jsonl_file(tmp_path, "3.50", number, "4.50")
    report = run_import("orders", path, create_missing_customers=True, allow_rejects=True)
    assert report.status == "loaded_with_rejects", report.problems
    assert [(p.line, p.rule) for p in report.problems] == [
        (2, f"not valid JSON: {number} is out of range for a number")
    ]
    assert (report.rows_loaded, report.rows_rejected, table_counts()["order_lines"]) == (2, 1, 2)
    report = run_import("orders", path, create_missing_customers=True)
    assert report.status == "failed"
    assert table_counts()["order_lines"] == 2


@pytest.mark.parametrize("deep", [False, True])
def test_a_whole_number_past_4300_digits_puts_its_line_aside(
    tmp_path, run_import, table_counts, deep
):
    """A whole number no int is made of (Python's 4,300-digit limit): its line is a rejected row
    naming its field (and its place in it), as a number no Decimal holds. Before, json's
    ValueError failed the whole import, naming no line (one in the first 1,000 lines while
    the columns were read, too)."""
    number = "7" * 5000
    path = tmp_path / "customers.jsonl"
    value = f'{{"tier": 1, "scores": [1, {number}]}}' if deep else number
    lines = [f'{{"external_id": "C{i}", "attributes": {{"n": {i}}}}}' for i in range(3)]
    lines[0] = f'{{"external_id": "C0", "attributes": {value}}}'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = run_import("customers", path, allow_rejects=True)
    shown = "7" * 20 + "..." + "7" * 10
    where = "attributes.scores[1]: " if deep else ""
    assert [(p.line, p.column, p.rule) for p in report.problems] == [
        (1, "attributes", f"not valid JSON: {where}{shown} is out of range for a number")
    ]
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (3, 2, 1)
    assert table_counts()["customers"] == 2


def test_a_lone_surrogate_puts_its_line_aside(tmp_path, run_import, engine):
    """A string or key holding half a UTF-16 pair ('\\ud800', which json reads and no UTF-8
    text holds): its line is not valid JSON, a rejected row naming the field it is in and its
    path there, as a refused number is named. Before, Arrow failed the import with 'surrogates
    not allowed', naming no line; then the row named no field ('*') and no path."""
    path = tmp_path / "orders.jsonl"
    lines = [
        f'{{"order_id": "A{i}", {HEAD}, "quantity": 1, "unit_price": 1, "name": "x",'
        f' "note": {{"n": ["ok"]}}}}'
        for i in range(5)
    ]
    lines[1] = lines[1].replace('"x"', '"a\\udfffb"')
    lines[2] = lines[2].replace('["ok"]', '["ok", "\\ud83d\\ude00 \\ud800"]')
    lines[3] = lines[3].replace('"n"', '"n\\udc00"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = run_import(
        "orders",
        path,
        allow_rejects=True,
        create_missing_customers=True,
        ignore_unknown=True,
        maps=["product_name=name"],
    )
    rule = "a lone surrogate (\\u{}, half a UTF-16 pair) is no character"
    assert [(p.line, p.column, p.rule) for p in report.problems] == [
        (2, "name", "not valid JSON: " + rule.format("dfff")),
        (3, "note", "not valid JSON: note.n[1]: " + rule.format("d800")),
        (4, "note", "not valid JSON: note.n\\udc00: " + rule.format("dc00")),
    ]
    assert report.rows_loaded == 2


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_put_their_line_aside_as_not_json(tmp_path, run_import, engine, constant):
    """NaN and Infinity, which json reads as floats and JSON has not: the line is a rejected
    row naming its field, said as the event API says it. Before, an amount of NaN was 'not a
    number (decimal separator '.'; use --decimal to change it)', as if the text were wrong, and
    NaN inside a JSON field was stored as written."""
    lines = [
        f'{{"order_id": "A{i}", {HEAD}, "quantity": 1, "unit_price": 2, "note": {{"n": [{i}]}}}}'
        for i in range(4)
    ]
    lines[1] = lines[1].replace('"unit_price": 2', f'"unit_price": {constant}')
    lines[2] = lines[2].replace("[2]", f"[2, {constant}]")
    path = tmp_path / "orders.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = run_import(
        "orders",
        path,
        allow_rejects=True,
        create_missing_customers=True,
        ignore_unknown=True,
    )
    what = f"{constant} is not a JSON number"
    assert [(p.line, p.column, p.rule) for p in report.problems] == [
        (2, "unit_price", f"not valid JSON: {what}"),
        (3, "note", f"not valid JSON: note.n[1]: {what}"),
    ]
    assert (report.rows_read, report.rows_loaded, report.rows_rejected) == (4, 2, 2)
    assert [o for o, _, _ in amounts(engine)] == ["A0", "A3"]
