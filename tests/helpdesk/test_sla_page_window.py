"""/helpdesk/sla takes the days its form's number field offers (1 to 3660,
``pages.cases.SLA_DAYS``): another number, typed into the link, is the error page naming the
parameter and the bound (422), as the other pages answer a bad query. Both stores.

Before, the route clamped it silently: ?days=0 or ?days=-5 showed the last day, ?days=100000
ten years, the field then holding another number than the one typed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from opencx.app import Services, create_app

from .test_edges import _log_in


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    with TestClient(create_app(services.settings, services=services)) as c:
        yield c


@pytest.mark.parametrize(
    ("days", "said"),
    [
        ("0", "greater than or equal to 1"),
        ("-5", "greater than or equal to 1"),
        ("3661", "less than or equal to 3660"),
        ("100000", "less than or equal to 3660"),
    ],
)
def test_a_window_out_of_range_is_refused_naming_it(
    client: TestClient, services: Services, days: str, said: str
) -> None:
    _log_in(client, services)
    r = client.get(f"/helpdesk/sla?days={days}")
    assert r.status_code == 422, r.text[:500]
    detail = f"query parameter days: Input should be {said} (got &#39;{days}&#39;)"
    assert 'id="error-page"' in r.text and detail in r.text, r.text[r.text.find("<main") :][:800]


def test_the_form_offers_what_the_route_takes_and_both_ends_are_shown(
    client: TestClient, services: Services
) -> None:
    _log_in(client, services)
    for days in ("1", "3660"):
        r = client.get(f"/helpdesk/sla?days={days}")
        assert r.status_code == 200, r.text[:500]
        field = r.text[r.text.index('<input name="days"') :].split(">")[0]
        assert 'min="1"' in field and 'max="3660"' in field and f'value="{days}"' in field
