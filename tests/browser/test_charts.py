"""The new charts draw in a real browser without a console error: sparklines with their range,
the cohort heat-map triangle, stacked channel shares, the CLV holdout check, and a long table
that pages.

``opencx serve`` runs on a temporary SQLite store holding the metrics tests' canonical rows (80
customers over a year) and a CLV run fitted on them; Playwright drives Debian's Chromium.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from opencx.access.service import AccessService
from opencx.core import FixedClock
from opencx.db import create_engine_from_url, migrate
from opencx.modeling.service import ModelingService
from tests.browser.serving import chromium, served
from tests.metrics.conftest import build_rows, load_sql

pytestmark = pytest.mark.browser

EMAIL, PASSWORD = "analyst@example.org", "charts-pass-1"
NOW = datetime(2026, 1, 15, tzinfo=UTC)
SECRET = "browser-charts"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    db_url = f"sqlite:///{tmp_path / 'charts.db'}"
    migrate(db_url)
    engine = create_engine_from_url(db_url)
    load_sql(engine, build_rows())
    AccessService(engine, FixedClock(NOW)).create_user(
        EMAIL, role="analyst", password=PASSWORD, name="Chart Reader"
    )
    ModelingService(engine, secret_key=SECRET, clock=FixedClock(NOW)).fit("clv")
    engine.dispose()
    with served(db_url, tmp_path, SECRET) as url:
        yield url


def test_the_charts_draw_and_long_tables_page_without_console_errors(server: str) -> None:
    from playwright.sync_api import expect

    errors: list[str] = []
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(server + "/login")
        page.fill("input[name=email]", EMAIL)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(lambda u: "/login" not in u)

        page.goto(server + "/metrics?period=month")
        tile = page.locator('article[data-metric="average_order_value"]')
        expect(tile.locator(".main-svg").first).to_be_visible(timeout=30_000)
        ticks = tile.locator(".xtick text").all_text_contents()
        assert len(ticks) == 2 and ticks[0] < ticks[1]  # the range: first and last month
        assert tile.locator(".ytick text").count() >= 1  # the scale: lowest, highest
        expect(tile.locator(".value small")).to_have_text("EUR")

        page.goto(server + "/metrics/cohort_retention")
        expect(page.locator("#trend .heatmaplayer image, #trend .hm").first).to_be_attached(
            timeout=30_000
        )
        assert page.locator("#trend .ytick text").count() > 3
        # the numbers behind it: folded away, paged when opened
        page.click("details.numbers > summary")
        pager = page.locator("nav.pager")
        expect(pager).to_contain_text("rows 1–25 of")
        visible = page.locator("#metric-rows tbody tr:visible")
        assert visible.count() == 25
        first = visible.first.inner_text()
        pager.get_by_role("button", name="Next →").click()
        expect(pager).to_contain_text("rows 26–")
        assert page.locator("#metric-rows tbody tr:visible").first.inner_text() != first

        page.goto(server + "/metrics/channel_mix?period=quarter")
        expect(page.locator("#trend .barlayer .point").first).to_be_attached(timeout=30_000)
        legend = page.locator("#trend .legendtext").all_text_contents()
        assert {"web", "app", "email", "chat"} <= set(legend) and "all" not in legend

        page.goto(server + "/models/clv")
        expect(page.locator("#clv-diagnostics li").first).to_be_visible()
        if page.locator("#clv-holdout").count():
            expect(page.locator("#clv-holdout .main-svg").first).to_be_visible(timeout=30_000)
    assert errors == []
