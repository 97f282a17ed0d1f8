"""The data overview: rows, date range and last import per table, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.engine import Engine

from opencx.db import schema
from opencx.ingest.store.overview import monthly_activity, overview, recent_imports

T0 = datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
XSS = "<script>alert(1)</script>"


def _customer(id_: str, name: str) -> dict:
    return {
        "id": id_,
        "source": "test",
        "external_id": id_,
        "name": name,
        "created_at": T0,
        "attributes": {},
        "consent_email": False,
        "consent_sms": False,
        "consent_surveys": False,
    }


def seed(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(schema.customers.insert(), [_customer("c1", XSS), _customer("c2", "Bo")])
        conn.execute(
            schema.orders.insert(),
            [
                {
                    "id": f"o{i}",
                    "source": "test",
                    "external_id": f"o{i}",
                    "customer_id": "c1",
                    "placed_at": T0 + timedelta(days=40 * i),
                    "channel": "web",
                    "status": "completed",
                    "currency": "EUR",
                    "discount_total": Decimal(0),
                }
                for i in range(3)
            ],
        )
        conn.execute(
            schema.order_lines.insert(),
            [
                {
                    "id": f"l{i}",
                    "order_id": f"o{i}",
                    "line_no": 1,
                    "sku": "A",
                    "quantity": 1,
                    "unit_price": Decimal("9.50"),
                    "discount": Decimal(0),
                }
                for i in range(3)
            ],
        )
        conn.execute(
            schema.imports.insert(),
            [
                {
                    "id": "i1",
                    "kind": "orders",
                    "file_name": "old.csv",
                    "file_sha256": "a" * 64,
                    "started_at": T0,
                    "finished_at": T0,
                    "status": "done",
                    "rows_read": 3,
                    "rows_loaded": 3,
                    "rows_rejected": 0,
                    "message": None,
                },
                {
                    "id": "i2",
                    "kind": "orders",
                    "file_name": f"{XSS}.csv",
                    "file_sha256": "b" * 64,
                    "started_at": T0 + timedelta(days=1),
                    "finished_at": T0 + timedelta(days=1),
                    "status": "failed",
                    "rows_read": 5,
                    "rows_loaded": 0,
                    "rows_rejected": 5,
                    "message": f"bad value {XSS}",
                },
            ],
        )


def test_overview_counts_ranges_and_last_imports(engine: Engine) -> None:
    seed(engine)
    with engine.connect() as conn:
        by_table = {t.table: t for t in overview(conn)}
        imports = recent_imports(conn)
        activity = monthly_activity(conn)
    assert list(by_table) == list(schema.CANONICAL_TABLES)
    orders = by_table["orders"]
    assert orders.rows == 3
    assert orders.first == T0 and orders.last == T0 + timedelta(days=80)
    assert orders.first.tzinfo is not None
    assert orders.last_import is not None and orders.last_import.id == "i2"
    assert by_table["order_lines"].rows == 3
    assert by_table["order_lines"].last_import == orders.last_import
    assert by_table["order_lines"].first is None and by_table["order_lines"].time_column is None
    assert by_table["customers"].rows == 2 and by_table["customers"].last_import is None
    assert by_table["interactions"].rows == 0 and by_table["interactions"].first is None
    assert [i.id for i in imports] == ["i2", "i1"]
    assert activity["orders"] == [("2025-03", 1), ("2025-04", 1), ("2025-05", 1)]
    assert activity["interactions"] == []


def test_a_demo_load_is_the_last_import_of_every_table_it_wrote_until_a_newer_import(
    engine: Engine,
) -> None:
    seed(engine)
    demo = {
        "id": "d1",
        "kind": "demo",
        "file_name": "opencx demo --customers 2",
        "file_sha256": "c" * 64,
        "started_at": T0 + timedelta(hours=12),
        "finished_at": T0 + timedelta(hours=12),
        "status": "loaded",
        "rows_read": 2,
        "rows_loaded": 2,
        "rows_rejected": 0,
        "message": None,
    }
    with engine.begin() as conn:
        conn.execute(schema.imports.insert(), [demo])
    with engine.connect() as conn:
        by_table = {t.table: t for t in overview(conn)}
    last = {name: t.last_import.id if t.last_import else None for name, t in by_table.items()}
    assert last["customers"] == last["interactions"] == last["answers"] == "d1"
    assert last["orders"] == last["order_lines"] == "i2"  # started a day after the demo


def test_page_shows_the_overview_with_data_escaped(
    engine: Engine, client: TestClient, users: dict[str, str], log_in: Callable[..., Response]
) -> None:
    seed(engine)
    log_in(users["analyst"])
    page = client.get("/data")
    assert page.status_code == 200
    assert '<tr data-table="orders">' in page.text
    assert "2025-03-01" in page.text and "2025-05-20" in page.text
    assert "Plotly.newPlot" in page.text
    assert XSS not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;.csv" in page.text
    assert "bad value &lt;script&gt;" in page.text


def test_empty_store_page(
    client: TestClient, users: dict[str, str], log_in: Callable[..., Response], engine: Engine
) -> None:
    log_in(users["agent"])
    page = client.get("/data")
    assert page.status_code == 200 and "No imports yet" in page.text
    assert "Plotly.newPlot" not in page.text
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(schema.orders)).scalar() == 0


def test_landing_leads_with_the_cx_headline_and_knows_the_demo(
    engine: Engine, client: TestClient, users: dict[str, str], log_in: Callable[..., Response]
) -> None:
    """NPS, CSAT, churn and CLV tiles come first for who may read metrics and models; the
    activity chart gives each table its own y axis; a loaded demo is said to be one."""
    seed(engine)
    with engine.begin() as conn:
        conn.execute(
            schema.imports.insert(),
            {
                "id": "d1",
                "kind": "demo",
                "file_name": "opencx demo --customers 400",
                "file_sha256": "c" * 64,
                "started_at": T0,
                "finished_at": T0,
                "status": "loaded",
                "rows_read": 15_528,
                "rows_loaded": 15_528,
                "rows_rejected": 0,
                "message": None,
            },
        )
    log_in(users["analyst"])
    page = client.get("/data").text
    assert 'id="demo-notice"' in page and "demo company" in page and "15\u2009528 rows" in page
    headline = page.index('id="cx-headline"')
    assert headline < page.index("Data overview")
    for metric in ("nps", "csat", "churn_rate", "clv"):
        assert f'data-metric="{metric}"' in page
    assert "No CLV model fitted yet" in page
    assert "coupled" in page and "each table on its own scale" in page


def test_agent_sees_no_metric_tiles(
    engine: Engine, client: TestClient, users: dict[str, str], log_in: Callable[..., Response]
) -> None:
    seed(engine)
    log_in(users["agent"])
    page = client.get("/data").text
    assert 'id="cx-headline"' not in page and 'id="demo-notice"' not in page


def test_activity_chart_gives_each_table_its_own_axis() -> None:
    from opencx.ingest.pages import _activity_figure

    figure = _activity_figure(
        {"orders": [("2025-01", 120)], "interactions": [("2025-01", 41_000)], "responses": []}
    )
    assert [t["yaxis"] for t in figure["data"]] == ["y", "y2", "y3"]
    assert {"yaxis", "yaxis2", "yaxis3"} <= figure["layout"].keys()
    assert figure["layout"]["grid"]["rows"] == 3
