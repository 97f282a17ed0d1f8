"""Fixtures: the whole app's services on the parametrised store, the app over HTTP (``client``),
and order events."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from opencx.app import Services, build, create_app
from opencx.core import FixedClock
from opencx.settings import Settings

PROGRAM: dict[str, Any] = {
    "name": "Club",
    "currency": "EUR",
    "expiry_months": 12,
    "pending_days": 14,
    "floor": 0,
    "point_value": "0.01",
    "earning": {
        "points_per_unit": 1,
        "categories": {"shoes": 2},
        "events": {"review": {"points": 50, "cap": 2, "period": "month"}},
    },
    "tiers": {
        "basis": "points",
        "window": "rolling_12m",
        "levels": [
            {"key": "silver", "entry": 100, "retain": 80, "multiplier": "1.5"},
            {"key": "gold", "entry": 1000, "retain": 800, "multiplier": 2},
        ],
    },
    "plans": [
        {"key": "vip", "fee": "49", "term_months": 12, "multiplier": 2, "welcome_points": 500}
    ],
}


@pytest.fixture
def services(engine: Engine, clock: FixedClock) -> Services:
    s = build(
        Settings(database_url=str(engine.url), secret_key="test-secret"), clock=clock, engine=engine
    )
    s.loyalty.configure(PROGRAM)
    return s


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(services.settings, services=services)) as c:
        yield c


def customer(services: Services, ext: str, email: str | None = None) -> str:
    services.ingest.ingest_event(
        "customer",
        {"external_id": ext, "name": ext, "email": email or f"{ext}@example.nl"},
        source="shop",
    )
    import sqlalchemy as sa

    with services.engine.connect() as conn:
        return str(
            conn.execute(
                sa.text("SELECT id FROM customers WHERE source='shop' AND external_id=:e"),
                {"e": ext},
            ).scalar_one()
        )


def order(
    services: Services,
    oid: str,
    cust: str,
    lines: list[dict[str, Any]],
    *,
    live: bool = True,
    at: str = "2026-01-10T10:00:00Z",
    **extra: Any,
) -> None:
    services.ingest.ingest_event(
        "order",
        {
            "order_id": oid,
            "customer": cust,
            "currency": "EUR",
            "placed_at": at,
            "lines": lines,
            **extra,
        },
        source="shop",
        live=live,
    )
