"""Amounts in every store: numeric(18, 4) holds 14 digits before the point and 4 after it.

More decimals are rounded half away from zero, as PostgreSQL rounds a ``numeric``, before
either store sees the value (SQLite kept the float of all the digits: 0.00015 stayed 0.00015
there and became 0.0002 on PostgreSQL); a value that rounds up to 10^14 is refused by line
and column on both (PostgreSQL stopped the import on its own 'numeric field overflow').
SQLite keeps an amount as a double (REAL): the last test shows what each store reads back.
"""

from __future__ import annotations

import json
import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from opencx.core import InvalidInput
from opencx.db.schema import order_lines, orders, products, subscriptions
from opencx.ingest.domain import Mapping
from opencx.ingest.domain.kinds import FieldSpec
from opencx.ingest.domain.validation.parsed import Parsed
from opencx.ingest.domain.validation.values import MONEY_RE, _quotient, _round_money

AMOUNT = st.from_regex(r"\A[+-]?0{0,3}[0-9]{0,15}(\.[0-9]{0,9})?\Z").filter(
    lambda v: re.fullmatch(MONEY_RE, v) is not None
)
"""Plain amounts as _parse_money lets them through, up to 15 digits before the point."""


@given(st.lists(AMOUNT, min_size=1, max_size=6))
def test_rounding_is_decimals_round_half_up_to_4_places(values) -> None:
    """Python's ROUND_HALF_UP is half away from zero, PostgreSQL's rule for numeric."""
    parsed = Parsed({}, np.zeros(len(values), dtype=bool), [], {"x": pa.array(values)})
    got = _round_money(pa.array(values, pa.string()), FieldSpec("x", "money"), parsed)
    flagged = {row for row, *_ in parsed.problems}
    for row, (value, kept) in enumerate(zip(values, got.to_pylist(), strict=True)):
        exact = Decimal(value)
        whole = len(str(abs(exact).to_integral_value(rounding=ROUND_DOWN)).lstrip("0"))
        if whole > 14:  # refused by _parse_money already; left as it is
            assert kept == value and row not in flagged
            continue
        rounded = exact.quantize(Decimal("0.0001"), ROUND_HALF_UP)
        if exact.as_tuple().exponent >= -4:  # type: ignore[operator]
            assert kept == value and row not in flagged
        elif abs(rounded) >= 10**14:
            assert row in flagged
        else:
            assert Decimal(kept) == rounded and row not in flagged


HEADER = "order_id,customer,placed_at,currency,sku,quantity,unit_price,discount\n"


def orders_file(tmp_path: Path, *amounts: str) -> Path:
    path = tmp_path / "orders.csv"
    rows = [
        f"A{i},C1,2024-01-02 10:00:00,EUR,SKU1,1,{amount},{amount}\n"
        for i, amount in enumerate(amounts)
    ]
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def kept(engine, column: sa.Column) -> list[tuple[Decimal, object]]:
    """Each value of ``column`` as the application reads it (a Decimal) and as stored (SQLite's
    float, PostgreSQL's text), in row order."""
    raw = (
        sa.cast(column, sa.Text)
        if engine.dialect.name == "postgresql"
        else sa.literal_column(f"{column.table.name}.{column.name}")
    )
    with engine.connect() as conn:
        rows = conn.execute(sa.select(column, raw).order_by(column.table.c.id)).all()
    return [(value, stored) for value, stored in rows]


def stored_as(engine, expected: str) -> object:
    """How ``expected`` (4 decimals) is stored: a float on SQLite, numeric text on PostgreSQL."""
    return float(expected) if engine.dialect.name == "sqlite" else expected


ROUNDED = {
    "0.00005": "0.0001",
    "-0.00005": "-0.0001",
    "0.00015": "0.0002",  # SQLite's %.4f of the float 0.000149999... read 0.0001
    "0.00025": "0.0003",  # not to even
    "0.000049999": "0.0000",  # only the first dropped digit counts
    "1.23456": "1.2346",
    "+2.00025": "2.0003",
    "000012.3456789": "12.3457",
    ".99995": "1.0000",
    "99999999999.99995": "100000000000.0000",
}


@pytest.mark.parametrize("amount", ROUNDED)
def test_more_than_4_decimals_are_rounded_half_away_from_zero_on_both_stores(
    tmp_path, run_import, engine, amount
):
    report = run_import("orders", orders_file(tmp_path, amount), create_missing_customers=True)
    assert report.status == "loaded", report.problems
    expected = ROUNDED[amount]
    for column in (order_lines.c.unit_price, order_lines.c.discount):
        assert kept(engine, column) == [(Decimal(expected), stored_as(engine, expected))]


@pytest.mark.parametrize("amount", ["99999999999999.99995", "-99999999999999.99999"])
def test_an_amount_that_rounds_to_10_14_is_refused_on_both_stores(
    tmp_path, run_import, table_counts, amount
):
    path = orders_file(tmp_path, "3.50", amount)
    report = run_import("orders", path, create_missing_customers=True, allow_rejects=True)
    assert report.status == "loaded_with_rejects", report.problems
    assert [str(p) for p in report.problems] == [
        f"orders.csv:3: column '{column}' value '{amount}': out of range for an amount once"
        " rounded to 4 decimals (at most 14 digits before the decimal point)"
        for column in ("unit_price", "discount")
    ]
    assert (report.rows_loaded, report.rows_rejected, table_counts()["order_lines"]) == (1, 1, 1)
    assert amount in Path(report.reject_file).read_text(encoding="utf-8")
    report = run_import("orders", path, create_missing_customers=True)
    assert report.status == "failed"


def test_every_amount_of_every_kind_is_rounded_on_both_stores(tmp_path, run_import, engine):
    """Products' list price, an order's discount_total, a subscription's mrr, order lines."""
    path = tmp_path / "products.csv"
    path.write_text("external_id,name,list_price\nSKU1,Mug,1.00005\n", encoding="utf-8")
    assert run_import("products", path, source="shop").status == "loaded"
    path = tmp_path / "orders.csv"
    path.write_text(
        "order_id,customer,placed_at,currency,sku,quantity,unit_price,discount_total\n"
        "A1,C1,2024-01-02 10:00:00,EUR,SKU1,-1,0.00015,-0.00015\n",
        encoding="utf-8",
    )
    report = run_import(
        "orders", path, source="shop", create_missing_customers=True, return_prefix="A"
    )
    assert report.status == "loaded", report.problems
    path = tmp_path / "subscriptions.csv"
    path.write_text(
        "external_id,customer,started_at,mrr,currency\nS1,C1,2024-01-01,9.99995,EUR\n",
        encoding="utf-8",
    )
    assert run_import("subscriptions", path, source="shop").status == "loaded"
    for column, expected in (
        (products.c.list_price, "1.0001"),
        (order_lines.c.unit_price, "0.0002"),
        (orders.c.discount_total, "-0.0002"),
        (subscriptions.c.mrr, "10.0000"),
    ):
        assert kept(engine, column) == [(Decimal(expected), stored_as(engine, expected))]


def test_an_event_is_rounded_like_a_file_on_both_stores(ingest, engine):
    line = {"sku": "S1", "quantity": 1, "unit_price": "0.00015", "discount": "-0.00005"}
    order = {"order_id": "o1", "customer": "c1", "currency": "EUR"}
    order |= {"placed_at": "2026-01-10T10:00:00Z", "lines": [line]}
    ingest.ingest_event("order", order, create_missing_customers=True)
    assert kept(engine, order_lines.c.unit_price) == [
        (Decimal("0.0002"), stored_as(engine, "0.0002"))
    ]
    assert kept(engine, order_lines.c.discount)[0][0] == Decimal("-0.0001")
    order["lines"] = [line | {"unit_price": "99999999999999.99999"}]
    with pytest.raises(InvalidInput, match="out of range for an amount once rounded"):
        ingest.ingest_event("order", order, create_missing_customers=True)


# amount in the file: (what SQLite reads back, what PostgreSQL reads back), 4 decimals each
KEPT = {
    "0.1": ("0.1000", "0.1000"),
    "0.00005": ("0.0001", "0.0001"),
    "-12.34565": ("-12.3457", "-12.3457"),
    "549755813887.9999": ("549755813887.9999", "549755813887.9999"),  # below 2^39: exact
    "549755813888.0003": ("549755813888.0002", "549755813888.0003"),
    "12345678901234.5678": ("12345678901234.5684", "12345678901234.5678"),
    "99999999999999.9999": ("100000000000000.0000", "99999999999999.9999"),
    "-99999999999999.9999": ("-100000000000000.0000", "-99999999999999.9999"),
}


def test_what_each_store_keeps_of_an_amount(tmp_path, run_import, engine):
    """PostgreSQL keeps numeric(18, 4) exactly; SQLite keeps a double (REAL): exact below 2^39,
    then 15 to 17 significant digits (docs/import.md, Numbers)."""
    path = orders_file(tmp_path, *KEPT)
    report = run_import("orders", path, create_missing_customers=True)
    assert report.status == "loaded", report.problems
    with engine.connect() as conn:
        query = sa.select(orders.c.external_id, order_lines.c.unit_price).join(orders)
        read = {order: price for order, price in conn.execute(query)}
    on_sqlite = engine.dialect.name == "sqlite"
    assert [read[f"A{i}"] for i in range(len(KEPT))] == [
        Decimal(sqlite if on_sqlite else postgres) for sqlite, postgres in KEPT.values()
    ]


# amount / quantity: the exact quotient rounded half away from zero (a double missed ties)
QUOTIENTS = {
    ("1.00", "32"): "0.0313",  # 0.03125: half to even gave 0.0312
    ("0.0003", "2"): "0.0002",  # 0.00015: the double 0.000149999... gave 0.0001
    ("-0.0005", "2"): "-0.0003",
    ("10000000000.00005", "1"): "10000000000.0001",
    ("2", "3"): "0.6667",
    ("12345.6", "10"): "1234.5600",
}


def test_a_computed_amount_is_the_exact_quotient_rounded_half_away_from_zero(
    tmp_path, run_import, engine
):
    path = tmp_path / "orders.tsv"
    rows = [
        f"A{i}\tC1\t2024-01-02 10:00:00\tEUR\tSKU1\t1\t{amount}\t{count}\n"
        for i, (amount, count) in enumerate(QUOTIENTS)
    ]
    header = "order_id\tcustomer\tplaced_at\tcurrency\tsku\tquantity\tBedrag\tAantal\n"
    path.write_text(header + "".join(rows), encoding="utf-8")
    mapping = Mapping(computed={"unit_price": "Bedrag / Aantal"})
    report = run_import("orders", path, mapping=mapping, create_missing_customers=True)
    assert report.status == "loaded", report.problems
    with engine.connect() as conn:
        query = sa.select(orders.c.external_id, order_lines.c.unit_price).join(orders)
        read = {order: price for order, price in conn.execute(query)}
    assert [read[f"A{i}"] for i in range(len(QUOTIENTS))] == [
        Decimal(q) for q in QUOTIENTS.values()
    ]


@given(
    st.lists(
        st.tuples(
            st.sampled_from([0, 2, 4, 6]).flatmap(
                lambda places: st.decimals(-(10**10), 10**10, places=places)
            ),
            st.sampled_from(["2", "4", "8", "16", "32", "3", "7", "0.5", "-2", "0.0016"]),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_a_quotient_is_decimals_round_half_up_to_4_places(pairs) -> None:
    left = [str(a) for a, _ in pairs]
    right = [b for _, b in pairs]
    parsed = Parsed({}, np.zeros(len(pairs), dtype=bool), [], {})
    got = _quotient(pa.table({"a": left, "b": right}), "a / b", "x", parsed, Mapping())
    for a, b, kept in zip(left, right, got.to_pylist(), strict=True):
        exact = (Decimal(a) / Decimal(b)).quantize(Decimal("0.0001"), ROUND_HALF_UP)
        if abs(exact) >= 10**14:
            continue
        assert Decimal(kept) == exact, (a, b)


def test_an_amount_given_as_a_number_is_read_as_that_number_on_both_stores(
    tmp_path, run_import, ingest, engine
):
    """A JSON number or a Parquet double is a number, however Python or Arrow writes it: their
    texts '5e-05', '1.5e-07' and '1.234567890125e+11' were refused as not a number."""
    head = {"customer": "C1", "currency": "EUR", "placed_at": "2024-01-02T10:00:00Z"}
    line = {"sku": "SKU1", "quantity": 1, "unit_price": 5e-05, "discount": 1.5e-07}
    order = {"order_id": "E1", **head, "lines": [line]}
    ingest.ingest_event("order", order, create_missing_customers=True)
    path = tmp_path / "orders.jsonl"
    rows = [{"order_id": "J1", **head, **line, "unit_price": 0.00015}]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    report = run_import("orders", path, create_missing_customers=True)
    assert report.status == "loaded", report.problems
    prices = {"order_id": ["P1", "P2"], "unit_price": [123456789012.5, 1.5e-7]}
    table = pa.table({**{k: [v, v] for k, v in head.items()}, "sku": ["SKU1"] * 2, **prices})
    pq.write_table(table.append_column("quantity", pa.array([1, 1])), tmp_path / "o.parquet")
    report = run_import("orders", tmp_path / "o.parquet", create_missing_customers=True)
    assert report.status == "loaded", report.problems
    with engine.connect() as conn:
        query = sa.select(orders.c.external_id, order_lines.c.unit_price, order_lines.c.discount)
        read = {o: (p, d) for o, p, d in conn.execute(query.join_from(order_lines, orders))}
    assert read == {
        "E1": (Decimal("0.0001"), Decimal("0.0000")),
        "J1": (Decimal("0.0002"), Decimal("0.0000")),
        "P1": (Decimal("123456789012.5000"), Decimal("0.0000")),
        "P2": (Decimal("0.0000"), Decimal("0.0000")),
    }
