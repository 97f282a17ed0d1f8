"""A space inside an amount is refused on every path that reads one, as ``core.money.AMOUNT_TEXT``,
docs/import.md and the event API's words say: a file's cell (CSV, JSON Lines, a computed
quotient's columns, ``--decimal ,``), an event's string. The whitespace around a value is
trimmed, as around every value of a row. Both stores.

Before, every ASCII space of an amount was dropped: ``1 000`` was read as 1000 by an import and
by ``POST /api/events`` (while the loyalty API refused it), and ``1 0.5`` as 10.5.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from opencx.core import InvalidInput
from opencx.db.types import MONEY
from opencx.ingest.domain import Mapping
from opencx.ingest.store.formats.telco import read_telco
from tests.ingest.test_event_api import count, key

HEADER = "order_id,customer,placed_at,currency,sku,quantity,unit_price\n"
SPACE = "a space inside an amount is not read (write 1000.50, not 1 000.50)"


def _orders(tmp_path: Path, *prices: str, header: str = HEADER, sep: str = ",") -> Path:
    path = tmp_path / "orders.csv"
    rows = [
        sep.join([f"A{i}", "C1", "2024-01-02 10:00:00", "EUR", "SKU1", "1", f'"{price}"']) + "\n"
        for i, price in enumerate(prices, start=1)
    ]
    path.write_text(header.replace(",", sep) + "".join(rows), encoding="utf-8")
    return path


def _prices(engine) -> dict[str, Decimal]:
    with engine.connect() as conn:
        q = sa.text(
            "SELECT o.external_id, l.unit_price FROM order_lines l"
            " JOIN orders o ON o.id = l.order_id"
        ).columns(unit_price=MONEY)
        return {order: Decimal(price) for order, price in conn.execute(q)}


@pytest.mark.parametrize("price", ["1 000", "1 234.50", "12 .50", "1 0.5", "- 5", "1  000"])
def test_a_space_inside_an_amount_of_a_file_is_refused_naming_it(
    tmp_path, run_import, nothing_written, price
):
    report = run_import("orders", _orders(tmp_path, price), create_missing_customers=True)
    assert report.status == "failed"
    assert [str(p) for p in report.problems] == [
        f"orders.csv:2: column 'unit_price' value '{price}': {SPACE}"
    ]
    assert nothing_written()


def test_a_text_that_is_no_number_without_its_spaces_either_is_said_in_the_edges_words(
    tmp_path, run_import
):
    report = run_import("orders", _orders(tmp_path, "12 EUR"), create_missing_customers=True)
    assert [p.rule for p in report.problems] == [
        "not a number (decimal separator '.'; use --decimal to change it)"
    ]


def test_with_decimal_comma_a_point_groups_thousands_and_a_space_is_refused(
    tmp_path, run_import, engine, table_counts
):
    path = _orders(tmp_path, "1.234,50", "1 234,50", "12,5", sep=";")
    report = run_import(
        "orders", path, decimal=",", allow_rejects=True, create_missing_customers=True
    )
    assert report.status == "loaded_with_rejects"
    space = SPACE.replace("1000.50", "1000,50").replace("1 000.50", "1 000,50")
    assert [str(p) for p in report.problems] == [
        f"orders.csv:3: column 'unit_price' value '1 234,50': {space}"
    ]
    assert _prices(engine) == {"A1": Decimal("1234.50"), "A3": Decimal("12.5")}


def test_the_row_with_a_space_is_put_aside_and_the_others_load(tmp_path, run_import, engine):
    path = _orders(tmp_path, "3.50", "1 000", "7")
    report = run_import("orders", path, allow_rejects=True, create_missing_customers=True)
    assert report.status == "loaded_with_rejects"
    assert (report.rows_loaded, report.rows_rejected) == (2, 1)
    assert _prices(engine) == {"A1": Decimal("3.50"), "A3": Decimal("7")}
    rejects = Path(report.reject_file).read_text(encoding="utf-8")
    assert "A2" in rejects and "1 000" in rejects and SPACE in rejects


def test_whitespace_around_an_amount_is_trimmed_as_around_every_value(tmp_path, run_import, engine):
    report = run_import(
        "orders", _orders(tmp_path, " 12.50", "7 ", "\t3\t"), create_missing_customers=True
    )
    assert report.status == "loaded", report.problems
    assert _prices(engine) == {"A1": Decimal("12.50"), "A2": Decimal("7"), "A3": Decimal("3")}


def test_a_computed_amounts_columns_are_held_to_it(tmp_path, run_import, nothing_written):
    path = tmp_path / "orders.csv"
    header = "order_id,customer,placed_at,currency,sku,quantity,Bedrag,Aantal\n"
    path.write_text(header + 'A1,C1,2024-01-02 10:00:00,EUR,SKU1,1,"1 000",4\n', encoding="utf-8")
    mapping = Mapping(computed={"unit_price": "Bedrag / Aantal"})
    report = run_import("orders", path, mapping=mapping, create_missing_customers=True)
    assert report.status == "failed"
    assert [p.rule for p in report.problems] == [SPACE]
    assert nothing_written()


def test_a_product_price_and_a_subscription_fee_too(tmp_path, run_import, nothing_written):
    products = tmp_path / "products.csv"
    products.write_text('external_id,name,list_price\nP1,Mug,"1 000"\n', encoding="utf-8")
    report = run_import("products", products)
    assert [(p.column, p.value, p.rule) for p in report.problems] == [
        ("list_price", "1 000", SPACE)
    ]
    subscriptions = tmp_path / "subscriptions.csv"
    subscriptions.write_text(
        'external_id,customer,plan,started_at,mrr,currency\nS1,C1,gold,2024-01-02,"2 500",EUR\n',
        encoding="utf-8",
    )
    report = run_import("subscriptions", subscriptions, create_missing_customers=True)
    assert [(p.column, p.value, p.rule) for p in report.problems] == [("mrr", "2 500", SPACE)]
    assert nothing_written()


def test_a_json_lines_string_with_a_space_is_refused(tmp_path, run_import, nothing_written):
    path = tmp_path / "orders.jsonl"
    line = {
        "order_id": "A1",
        "customer": "C1",
        "placed_at": "2024-01-02 10:00:00",
        "currency": "EUR",
        "sku": "SKU1",
        "quantity": 1,
        "unit_price": "1 000",
    }
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    report = run_import("orders", path, create_missing_customers=True)
    assert [str(p) for p in report.problems] == [
        f"orders.jsonl:1: column 'unit_price' value '1 000': {SPACE}"
    ]
    assert nothing_written()


def _event(line: dict[str, object], **head: object) -> dict[str, object]:
    data = {
        "order_id": "o-1",
        "customer": "c-1",
        "currency": "EUR",
        "placed_at": "2026-01-10T10:00:00Z",
        **head,
        "lines": [{"sku": "CUP", "quantity": 1, "unit_price": 2}, line],
    }
    return {"type": "order", "source": "shop", "create_missing_customers": True, "data": data}


@pytest.mark.parametrize(
    ("body", "where", "value"),
    [
        (
            _event({"sku": "MUG", "quantity": 1, "unit_price": "1 000"}),
            "data.lines[1].unit_price",
            "1 000",
        ),
        (
            _event({"sku": "MUG", "quantity": 1, "unit_price": 5, "discount": "1 0.5"}),
            "data.lines[1].discount",
            "1 0.5",
        ),
        (
            _event({"sku": "MUG", "quantity": 1, "unit_price": 5}, discount_total="2 000"),
            "data.discount_total",
            "2 000",
        ),
    ],
)
def test_an_event_amount_with_a_space_is_a_422_naming_the_field(
    client, services, engine, body, where, value
):
    r = client.post("/api/events", json=body, headers=key(services, "events:write"))
    assert r.status_code == 422, r.text
    assert r.json()["detail"] == f"event rejected: {where}: {SPACE} (value '{value}')"
    assert count(engine, "orders") == count(engine, "order_lines") == 0


def test_an_event_amount_with_spaces_around_it_is_trimmed(client, services, engine):
    body = _event({"sku": "MUG", "quantity": 1, "unit_price": " 7.50 "})
    r = client.post("/api/events", json=body, headers=key(services, "events:write"))
    assert r.status_code == 201, r.text
    with engine.connect() as conn:
        q = sa.text("SELECT unit_price FROM order_lines ORDER BY unit_price").columns(
            unit_price=MONEY
        )
        assert [Decimal(p) for p in conn.scalars(q)] == [Decimal(2), Decimal("7.50")]


@pytest.mark.parametrize("fee", ["1_000", "1e3", "NaN", "١٢"])
def test_the_telco_samples_monthly_charges_are_read_as_every_amount_is(tmp_path, fee):
    """The telco reader (``opencx telco-eval``) took what Decimal reads; float's check before
    it let these through, and the fee loaded as 1000, 1000, an import's 'not a number' on the
    canonical file it writes, and 12."""
    path = tmp_path / "telco.csv"
    header = "customerID,tenure,Churn,MonthlyCharges,TotalCharges,Contract\n"
    path.write_text(
        header + f"0001-A,2,No, 29.85 ,59.70,Month-to-month\n0002-B,1,Yes,{fee},,One year\n",
        encoding="utf-8",
    )
    snapshot = datetime(2026, 1, 1, tzinfo=UTC)
    with pytest.raises(InvalidInput) as caught:
        read_telco(path, snapshot)
    assert str(caught.value) == (
        f"{path}:3: column 'MonthlyCharges' value '{fee}': must be an amount: digits, an"
        " optional sign and '.' before the decimals (12.50)"
    )
    path.write_text(header + "0001-A,2,No, 29.85 ,59.70,Month-to-month\n", encoding="utf-8")
    assert [s["mrr"] for s in read_telco(path, snapshot).subscriptions] == [Decimal("29.85")]
