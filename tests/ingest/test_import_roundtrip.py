"""Imports that work: idempotent re-imports, the reject round trip, every format, every kind."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import sqlalchemy as sa

from opencx.ingest.domain import CustomersUpserted, OrdersImported

ORDERS = (
    "order_id,customer,placed_at,currency,sku,product_name,quantity,unit_price\n"
    "A1,C1,2024-01-02 10:00:00,EUR,SKU1,Mug,2,3.50\n"
    "A1,C1,2024-01-02 10:00:00,EUR,SKU2,Plate,1,10\n"
    "A2,C2,2024-03-31 02:30:00,EUR,SKU1,Mug,1,3.50\n"
)


def rows(engine, sql: str) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(sql))]


def test_reimport_creates_no_duplicates(tmp_path, run_import, table_counts, engine):
    path = tmp_path / "orders.csv"
    path.write_text(ORDERS)
    first = run_import("orders", path, create_missing_customers=True)
    before = table_counts()
    ids = rows(engine, "SELECT id FROM order_lines ORDER BY id")
    second = run_import("orders", path, create_missing_customers=True)
    assert first.status == second.status == "loaded"
    assert table_counts() == before
    assert before["orders"] == 2 and before["order_lines"] == 3 and before["customers"] == 2
    assert rows(engine, "SELECT id FROM order_lines ORDER BY id") == ids
    assert rows(engine, "SELECT count(*) FROM imports WHERE status = 'loaded'") == [(2,)]


def _placed_at(engine) -> dict[str, datetime]:
    """Each stored order's time, by its external id."""
    from opencx.db.schema import orders

    with engine.connect() as conn:
        return dict(conn.execute(sa.select(orders.c.external_id, orders.c.placed_at)).all())


def test_timezone_converts_naive_local_times(tmp_path, run_import, engine):
    path = tmp_path / "orders.csv"
    path.write_text(ORDERS)
    run_import("orders", path, create_missing_customers=True, timezone="Europe/Amsterdam")
    placed = _placed_at(engine)
    assert placed["A1"] == datetime(2024, 1, 2, 9, 0, tzinfo=UTC)  # CET = UTC+1
    assert placed["A2"] == datetime(2024, 3, 31, 1, 30, tzinfo=UTC)  # in the DST gap: +1 kept


def test_timezone_converts_a_column_without_a_time_in_the_gap(tmp_path, run_import, engine):
    path = tmp_path / "orders.csv"
    path.write_text(ORDERS.replace("2024-03-31 02:30:00", "2024-07-01 12:00:00"))
    report = run_import("orders", path, create_missing_customers=True, timezone="Europe/Paris")
    assert report.status == "loaded"
    placed = _placed_at(engine)
    assert placed["A1"] == datetime(2024, 1, 2, 9, 0, tzinfo=UTC)  # CET = UTC+1
    assert placed["A2"] == datetime(2024, 7, 1, 10, 0, tzinfo=UTC)  # CEST = UTC+2


def test_timezone_applies_only_to_the_naive_times_of_a_mixed_column(tmp_path, run_import, engine):
    path = tmp_path / "orders.csv"
    path.write_text(ORDERS.replace("2024-03-31 02:30:00", "2024-07-01T12:00:00Z"))
    report = run_import("orders", path, create_missing_customers=True, timezone="Europe/Paris")
    assert report.status == "loaded"
    placed = _placed_at(engine)
    assert placed["A1"] == datetime(2024, 1, 2, 9, 0, tzinfo=UTC)  # naive: Paris time
    assert placed["A2"] == datetime(2024, 7, 1, 12, 0, tzinfo=UTC)  # zoned: as given


def test_allow_rejects_then_fix_and_reimport(tmp_path, run_import, table_counts, engine):
    path = tmp_path / "orders.csv"
    path.write_text(ORDERS + "A3,C1,2024-01-05 10:00:00,EUR,SKU1,Mug,1,abc\n")
    report = run_import("orders", path, create_missing_customers=True, allow_rejects=True)
    assert (report.status, report.rows_loaded, report.rows_rejected) == (
        "loaded_with_rejects",
        3,
        1,
    )
    reject = Path(report.reject_file)
    assert reject == tmp_path / "orders.rejects.csv"
    text = reject.read_text()
    # line_no 1: the row's number in its order, which the fixed row keeps
    assert "A3,C1,2024-01-05 10:00:00,EUR,SKU1,Mug,1,abc,1,5,unit_price: not a number" in text
    reject.write_text(text.replace(",1,abc,", ",1,4.25,"))
    fixed = run_import("orders", reject, create_missing_customers=True)
    assert fixed.status == "loaded" and fixed.source == "csv:orders.csv"
    assert table_counts()["orders"] == 3 and table_counts()["order_lines"] == 4
    assert rows(
        engine,
        "SELECT sku, quantity FROM order_lines l JOIN orders o ON o.id = "
        "l.order_id WHERE o.external_id = 'A3'",
    ) == [("SKU1", 1)]


def test_customers_then_orders_share_a_source(tmp_path, run_import, engine, bus):
    seen: list[object] = []
    bus.subscribe(CustomersUpserted, lambda e, conn: seen.append(e))
    bus.subscribe(OrdersImported, lambda e, conn: seen.append(e))
    people = tmp_path / "people.csv"
    people.write_text(
        "external_id;name;email;country\nC1;Anna;anna@example.nl;NL\nC2;Bo;bo@example.dk;DK\n"
    )
    assert run_import("customers", people, source="shop").status == "loaded"
    path = tmp_path / "orders.csv"
    path.write_text(ORDERS)
    report = run_import("orders", path, source="shop", live=True)
    assert report.status == "loaded"
    assert [type(e).__name__ for e in seen] == ["CustomersUpserted", "OrdersImported"]
    assert seen[0].live is False and seen[1].live is True and len(seen[1].order_ids) == 2
    assert rows(
        engine,
        "SELECT count(*) FROM orders o JOIN customers c ON c.id = o.customer_id "
        "WHERE c.name IN ('Anna', 'Bo')",
    ) == [(2,)]


def test_cp1252_file_is_detected(tmp_path, run_import, engine):
    path = tmp_path / "people.csv"
    text = "external_id,name\nC1,Zoë Müller\nC2,François Œuvre\nC3,José “Pepe” Peña\n"
    path.write_bytes(text.encode("cp1252"))
    assert run_import("customers", path).status == "loaded"
    assert rows(engine, "SELECT name FROM customers ORDER BY external_id") == [
        ("Zoë Müller",),
        ("François Œuvre",),
        ("José “Pepe” Peña",),
    ]


def test_latin1_with_bom_free_semicolons_and_decimal_comma(tmp_path, run_import, engine):
    path = tmp_path / "producten.csv"
    path.write_bytes("sku;naam;prijs\nP1;Kaas géitenkaas;1.234,50\nP2;Brød;2,5\n".encode("latin-1"))
    report = run_import(
        "products", path, decimal=",", maps=["external_id=sku", "name=naam", "list_price=prijs"]
    )
    assert report.status == "loaded", report.problems
    assert rows(engine, "SELECT name, list_price FROM products ORDER BY external_id") in (
        [("Kaas géitenkaas", Decimal("1234.5000")), ("Brød", Decimal("2.5000"))],
        [("Kaas géitenkaas", 1234.5), ("Brød", 2.5)],
    )


def test_utf8_bom_is_stripped(tmp_path, run_import, engine):
    path = tmp_path / "people.csv"
    path.write_bytes("\ufeffexternal_id,name\nC1,Ann\n".encode())
    assert run_import("customers", path).status == "loaded"


def test_parquet_jsonl_and_xlsx(tmp_path, run_import, engine, table_counts):
    data = {
        "order_id": ["P1", "P1"],
        "customer": ["C9", "C9"],
        "placed_at": ["2024-02-01T08:00:00Z", "2024-02-01T08:00:00Z"],
        "currency": ["EUR", "EUR"],
        "sku": ["S1", "S2"],
        "quantity": [1, 3],
        "unit_price": ["9.99", "1.5"],
    }
    pq.write_table(pa.table(data), tmp_path / "orders.parquet")
    report = run_import("orders", tmp_path / "orders.parquet", create_missing_customers=True)
    assert report.status == "loaded", report.problems
    jsonl = tmp_path / "events.jsonl"
    jsonl.write_text(
        '{"external_id": "E1", "customer": "C9", "occurred_at": "2024-02-01T09:00:00+01:00", '
        '"channel": "web", "kind": "page_view", "properties": {"path": "/cart"}}\n\n'
        '{"external_id": "E2", "occurred_at": "2024-02-01T10:00:00Z", "channel": "app", '
        '"kind": "login"}\n'
    )
    report = run_import("interactions", jsonl, customer_source="csv:orders.parquet")
    assert report.status == "loaded", report.problems
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["external_id", "customer", "plan", "started_at", "mrr", "currency"])
    sheet.append(["S1", "C9", "gold", datetime(2024, 1, 1, 0, 0), 19.5, "EUR"])
    book.save(tmp_path / "subs.xlsx")
    report = run_import(
        "subscriptions", tmp_path / "subs.xlsx", customer_source="csv:orders.parquet"
    )
    assert report.status == "loaded", report.problems
    counts = table_counts()
    assert (counts["order_lines"], counts["interactions"], counts["subscriptions"]) == (2, 2, 1)
    assert rows(engine, "SELECT occurred_at FROM interactions WHERE external_id = 'E1'")[0][0] in (
        "2024-02-01 08:00:00.000000",
        datetime(2024, 2, 1, 8, 0, tzinfo=UTC),
    )


def test_cases_events_responses_and_answers(tmp_path, run_import, engine, table_counts):
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO surveys (id, key, kind, name, version, languages, "
                "definition) VALUES ('s1', 'nps', 'nps', 'NPS', 1, '[]', '{}')"
            )
        )
        conn.execute(
            sa.text(
                "INSERT INTO survey_questions (id, survey_id, key, type) "
                "VALUES ('q1', 's1', 'nps', 'nps')"
            )
        )
    cases = tmp_path / "cases.csv"
    cases.write_text(
        "external_id,channel,opened_at,first_response_at,subject\n"
        "K1,email,2024-01-01 09:00,2024-01-01 10:00,Late parcel\n"
    )
    assert run_import("cases", cases, source="desk").status == "loaded"
    events = tmp_path / "case_events.csv"
    events.write_text(
        "case,at,kind,actor,body\nK1,2024-01-01 09:00,message_in,ann,Where is it?\n"
        "K1,2024-01-01 10:00,message_out,bob,On its way\n"
    )
    for _ in range(2):
        assert run_import("case_events", events, source="desk").status == "loaded"
    wide = tmp_path / "nps.csv"
    wide.write_text("id,submitted,score,comment\nR1,2024-01-02 12:00,9,Great\nR2,2024-01-03,3,\n")
    report = run_import(
        "responses",
        wide,
        maps=[
            "response_id=id",
            "submitted_at=submitted",
            "score:nps=score",
            "text:comment=comment",
        ],
        constants={"survey": "nps"},
    )
    assert report.status == "loaded", report.problems
    answers = tmp_path / "answers.csv"
    answers.write_text("response,question_key,score\nR2,ces,5\n")
    assert run_import("answers", answers, customer_source="x").status == "loaded"
    counts = table_counts()
    assert (counts["cases"], counts["case_events"], counts["responses"], counts["answers"]) == (
        1,
        2,
        2,
        4,
    )
    assert sorted(rows(engine, "SELECT question_key, question_type, score, text FROM answers")) == [
        ("ces", "rating", 5, None),
        ("comment", "text", None, "Great"),
        ("nps", "nps", 3, None),
        ("nps", "nps", 9, None),
    ]


def test_returns_link_to_the_line_they_reverse(tmp_path, run_import, engine):
    path = tmp_path / "orders.csv"
    path.write_text(ORDERS)
    run_import("orders", path, create_missing_customers=True, source="shop")
    returns = tmp_path / "returns.csv"
    returns.write_text(
        "order_id,customer,placed_at,currency,sku,quantity,unit_price,returns_order\n"
        "R1,C1,2024-01-09 10:00:00,EUR,SKU2,-1,10,A1\n"
        "R1,C1,2024-01-09 10:00:00,EUR,SKU9,-1,10,A1\n"
    )
    report = run_import("orders", returns, source="shop", create_missing_customers=True)
    assert report.status == "loaded", report.problems
    assert (report.counts["returns_linked"], report.counts["returns_unlinked"]) == (1, 1)
    linked = rows(
        engine,
        "SELECT r.sku, o.sku FROM order_lines r JOIN order_lines o ON o.id = r.returns_line_id",
    )
    assert linked == [("SKU2", "SKU2")]
    assert dict(rows(engine, "SELECT external_id, status FROM orders")) == {
        "A1": "partly_returned",
        "A2": "completed",
        "R1": "returned",
    }
