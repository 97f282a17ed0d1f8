"""``GET /api/feedback/loop?days=`` takes the day window the feedback slice's other windows take
(``trends``: 1 to 365, page and CLI) and refuses any other number with a 422 naming
``query.days``. Both stores.

Before, any integer went into ``now - timedelta(days=...)``: 999,999, 10**9 and 2**63 were a 500
(OverflowError: 'date value out of range', 'must have magnitude <= 999999999', 'too large to
convert to C int'), and 0 or -5 counted a window that starts now or later (an empty loop, 200)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from opencx.access.service import AccessService
from opencx.app import Services, create_app


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(services.settings, services=services)) as c:
        key = AccessService(services.engine, services.clock).create_api_key("r", ["feedback:read"])
        c.headers["Authorization"] = f"Bearer {key.secret}"
        yield c


@pytest.mark.parametrize("days", [0, -5, 366, 999_999, 10**9, 2**63, 10**40])
def test_a_window_out_of_range_is_a_422_naming_days(client: TestClient, days: int) -> None:
    r = client.get("/api/feedback/loop", params={"days": days})
    assert r.status_code == 422, r.text
    (problem,) = r.json()["detail"]
    assert problem["loc"] == ["query", "days"]
    side = "greater than or equal to 1" if days < 1 else "less than or equal to 365"
    assert problem["msg"] == f"Input should be {side}"


@pytest.mark.parametrize("days", [1, 90, 365])
def test_both_ends_and_the_default_are_taken(client: TestClient, days: int) -> None:
    r = client.get("/api/feedback/loop", params={"days": days})
    assert r.status_code == 200, r.text
    assert r.json()["opened"] == 0
    assert client.get("/api/feedback/loop").status_code == 200
