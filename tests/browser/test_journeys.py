"""``/journeys`` in Chromium: an analyst walks the controls (tab, outcome, period, level,
steps, window, a date), each choice shown back selected with its table, the friction chart drawn,
and the CSV downloaded with the choices of the page; then defines an experiment on the
Experiments tab, starts it and downloads its results; no console error on the way.

``opencx serve`` runs on a temporary SQLite store holding tests/journeys' seeded data set.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from opencx.access.service import AccessService
from opencx.core import FixedClock
from opencx.db import create_engine_from_url, migrate
from opencx.journeys.domain import GOALS
from tests.browser.serving import chromium, served
from tests.journeys.data import load

pytestmark = pytest.mark.browser

EMAIL, PASSWORD = "analyst@example.org", "journeys-pass-1"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    db_url = f"sqlite:///{tmp_path / 'journeys.db'}"
    migrate(db_url)
    engine = create_engine_from_url(db_url)
    load(engine, people=200, touches=3000)
    now = FixedClock(datetime(2026, 6, 1, tzinfo=UTC))
    AccessService(engine, now).create_user(EMAIL, role="analyst", password=PASSWORD)
    engine.dispose()
    with served(db_url, tmp_path, "browser-journeys") as url:
        yield url


def test_an_analyst_walks_the_journey_controls(server: str) -> None:
    from playwright.sync_api import expect

    errors: list[str] = []
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(server + "/login")
        page.fill("input[name=email]", EMAIL)
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(lambda u: "/login" not in u)

        page.click("nav >> text=Journeys")
        expect(page.locator("#paths")).to_be_visible()
        page.select_option("#outcome", "case")
        page.select_option("#days", "30")
        page.select_option("#level", "channel")
        page.select_option("#steps", "2")
        page.click("#show")
        page.wait_for_url(lambda u: "outcome=case" in u)
        expect(page.locator("#outcome")).to_have_value("case")
        expect(page.locator("#days")).to_have_value("30")
        expect(page.locator("#level")).to_have_value("channel")
        expect(page.locator("#steps")).to_have_value("2")
        expect(page.locator("h2")).to_contain_text("Most common paths to case opened")
        paths = page.locator("#paths tbody tr td:first-child").all_inner_texts()
        assert paths and all(len(p.split(" → ")) <= 2 for p in paths)
        assert {s for p in paths for s in p.split(" → ")} <= {"web", "app", "email"}

        with page.expect_download() as got:
            page.click("#paths-csv")
        rows = list(csv.DictReader(io.StringIO(Path(got.value.path()).read_text())))
        assert [r["path"] for r in rows] == paths

        page.click("#tab-friction")
        expect(page.locator("#friction")).to_be_visible()
        assert page.locator("#steps").count() == 0
        page.select_option("#outcome", "no_purchase")
        page.select_option("#days", "90")
        page.select_option("#level", "touchpoint")
        page.select_option("#within", "14")
        page.fill("#until", "2026-04-10")
        page.click("#show")
        page.wait_for_url(lambda u: "outcome=no_purchase" in u)
        expect(page.locator("#until")).to_have_value("2026-04-10")
        expect(page.locator("#journey-summary")).to_contain_text("2026-04-10")
        expect(page.locator("h2")).to_contain_text("no purchase within 14 days")
        expect(page.locator("#friction-chart .main-svg").first).to_be_visible()
        expect(page.locator("#friction-adjustment")).to_contain_text("Bonferroni-adjusted")
        expect(page.locator("#friction-adjustment")).to_contain_text("m = ")
        expect(page.locator("#friction thead")).to_contain_text("Adjusted interval")
        with page.expect_download() as got:
            page.click("#friction-csv")
        text = Path(got.value.path()).read_text()
        assert text.startswith("touchpoint,exposed")
        assert "adjusted_lower,adjusted_upper" in text.splitlines()[0]

        page.click("#tab-experiments")
        expect(page.locator("#experiment-form")).to_be_visible()
        goals = page.locator("#new-goal option").evaluate_all("os => os.map(o => o.value)")
        assert goals == list(GOALS)
        page.fill("#new-key", "free-ship")
        page.fill("#new-name", "Free shipping banner")
        page.fill("#new-hypothesis", "Showing free shipping lifts conversion")
        page.select_option("#new-window", "14")
        page.fill("#new-start", "2026-01-01")
        page.fill("#new-stop", "2027-01-01")
        page.fill("#new-variant-0", "control")
        page.fill("#new-variant-1", "banner")
        page.click("#new-create")
        page.wait_for_url(lambda u: "experiment=free-ship" in u)
        expect(page.locator("#experiment-result h2")).to_contain_text("Free shipping banner")
        expect(page.locator("#experiments")).to_contain_text("draft")
        page.click("#experiment-start")
        expect(page.locator("#experiment-stop")).to_be_visible()
        expect(page.locator("#experiment-results tbody tr")).to_have_count(2)
        with page.expect_download() as got:
            page.click("#experiment-csv")
        header = Path(got.value.path()).read_text().splitlines()[0]
        assert header.startswith("variant,name,share,exposed") and "adjusted_p" in header
    assert errors == []
