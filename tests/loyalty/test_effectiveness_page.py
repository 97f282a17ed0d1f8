"""/loyalty/effectiveness takes the days and margin ``GET /api/loyalty/effectiveness`` takes
(30 to 730 days, a margin above 0 and at most 1): another value, typed into the link, is the
error page naming the parameter and the bound (422), as the other pages answer a bad query.
Both stores.

Before, the page clamped it silently: ?days=5 showed 30-day windows, ?margin=0 a 1 % margin,
?margin=nan a ROI of nan, each under a heading that did not say so."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from opencx.app import Services
from tests.loyalty.test_pages import log_in


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ("days=29", "query parameter days: Input should be greater than or equal to 30"),
        ("days=0", "query parameter days: Input should be greater than or equal to 30"),
        ("days=731", "query parameter days: Input should be less than or equal to 730"),
        ("days=abc", "query parameter days: Input should be a valid integer"),
        ("margin=0", "query parameter margin: Input should be greater than 0"),
        ("margin=-0.5", "query parameter margin: Input should be greater than 0"),
        ("margin=1.01", "query parameter margin: Input should be less than or equal to 1"),
        ("margin=nan", "query parameter margin: Input should be"),
        ("margin=inf", "query parameter margin: Input should be"),
    ],
)
def test_a_window_or_margin_out_of_range_is_refused_naming_it(
    client: TestClient, services: Services, query: str, said: str
) -> None:
    log_in(client, services, "analyst")
    r = client.get(f"/loyalty/effectiveness?{query}")
    assert r.status_code == 422, r.text[:500]
    assert 'id="error-page"' in r.text and said in r.text, r.text[r.text.find("<main") :][:800]


def test_both_ends_are_shown(client: TestClient, services: Services) -> None:
    log_in(client, services, "analyst")
    for query, heading in [
        ("days=30&margin=1", "30 days before and after"),
        ("days=730&margin=0.001", "730 days before and after"),
    ]:
        r = client.get(f"/loyalty/effectiveness?{query}")
        assert r.status_code == 200 and heading in r.text, r.text[r.text.find("<main") :][:800]
