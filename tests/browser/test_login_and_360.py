"""A real browser logs in, searches a customer and opens the 360 page.

``opencx serve`` runs in a subprocess on a free loopback port against a temporary SQLite store
seeded with a user and a customer who has orders, interactions and survey answers; Playwright
drives Debian's Chromium (Playwright installs no browser of its own here).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy.engine import Connection, Engine

from opencx.access.service import AccessService
from opencx.core import FixedClock
from opencx.db import create_engine_from_url, migrate, schema
from tests.browser.serving import chromium, served

pytestmark = pytest.mark.browser

EMAIL, PASSWORD = "agent@example.org", "browser-pass-1"
T0 = datetime(2025, 9, 1, 10, 0, tzinfo=UTC)
XSS_NAME = "Mallory <script>alert(1)</script>"
LONG_EMAIL = "Anneliese.deVries-vanderBerghe@Hotmail.Example.Co.Uk"
PRODUCTS = ["Pro Running shoes", "Urban Jacket", "Urban Speaker", "Nordic Dumbbells", "T-shirt"]
REASONS = [
    {"feature": "interactions_90d", "value": 0, "typical": 6},
    {"feature": "recency_days", "value": 557, "typical": 93},
    {"feature": "attr_preferred_channel_marketplace", "value": 1, "typical": 0},
]
OUTSIDE_CARDS = """() => {
  // elements reaching past their card's edge (a scroll box's content counts as inside it)
  const out = [];
  for (const card of document.querySelectorAll('.card')) {
    const box = card.getBoundingClientRect();
    for (const el of card.querySelectorAll('*')) {
      let p = el.parentElement, scrolls = false;
      while (p && p !== card) {
        if (getComputedStyle(p).overflowX !== 'visible') { scrolls = true; break; }
        p = p.parentElement;
      }
      const r = el.getBoundingClientRect();
      if (!scrolls && r.width > 0 && (r.right > box.right + 0.5 || r.left < box.left - 0.5))
        out.push(el.tagName + ': ' + (el.textContent || '').trim().slice(0, 40));
    }
  }
  return out;
}"""


def _customer(id_: str, name: str, email: str) -> dict:
    return {
        "id": id_,
        "source": "shop",
        "external_id": id_,
        "name": name,
        "email": email,
        "language": "nl",
        "country": "NL",
        "created_at": T0,
        "attributes": {},
        "consent_email": True,
        "consent_sms": False,
        "consent_surveys": True,
    }


def seed(engine: Engine) -> None:
    AccessService(engine, FixedClock(T0)).create_user(
        EMAIL, role="agent", password=PASSWORD, name="Browser Agent"
    )
    with engine.begin() as conn:
        conn.execute(
            schema.customers.insert(),
            [
                _customer("cust-ana", "Ana de Vries", LONG_EMAIL),
                _customer("cust-mal", XSS_NAME, "mallory@example.org"),
            ],
        )
        conn.execute(
            schema.products.insert(),
            {
                "id": "p1",
                "source": "shop",
                "external_id": "MUG-1",
                "name": "Blue mug",
                "category": "kitchen",
                "list_price": Decimal("12.50"),
                "currency": "EUR",
                "is_merchandise": True,
            },
        )
        conn.execute(
            schema.orders.insert(),
            {
                "id": "o1",
                "source": "shop",
                "external_id": "SO-1001",
                "customer_id": "cust-ana",
                "placed_at": T0 + timedelta(days=3),
                "channel": "web",
                "status": "completed",
                "currency": "EUR",
                "discount_total": Decimal(0),
            },
        )
        conn.execute(
            schema.order_lines.insert(),
            {
                "id": "ol1",
                "order_id": "o1",
                "line_no": 1,
                "product_id": "p1",
                "sku": "MUG-1",
                "quantity": 2,
                "unit_price": Decimal("12.50"),
                "discount": Decimal(0),
            },
        )
        conn.execute(
            schema.interactions.insert(),
            {
                "id": "i1",
                "source": "web",
                "external_id": "ev-1",
                "customer_id": "cust-ana",
                "occurred_at": T0 + timedelta(days=2),
                "channel": "web",
                "kind": "page_view",
                "touchpoint": "checkout",
                "properties": {},
            },
        )
        conn.execute(
            schema.surveys.insert(),
            {
                "id": "s1",
                "key": "nps-purchase",
                "kind": "nps",
                "name": "After purchase NPS",
                "version": 1,
                "languages": ["nl"],
                "definition": {},
            },
        )
        conn.execute(
            schema.responses.insert(),
            {
                "id": "r1",
                "source": "survey",
                "external_id": "resp-1",
                "survey_id": "s1",
                "customer_id": "cust-ana",
                "submitted_at": T0 + timedelta(days=5),
                "channel": "email",
                "language": "nl",
                "completed": True,
                "submission": {},
            },
        )
        conn.execute(
            schema.answers.insert(),
            [
                {
                    "id": "a1",
                    "response_id": "r1",
                    "question_key": "nps",
                    "question_type": "nps",
                    "score": 9,
                    "text": None,
                    "language": "nl",
                },
                {
                    "id": "a2",
                    "response_id": "r1",
                    "question_key": "why",
                    "question_type": "text",
                    "score": None,
                    "text": "Snelle levering, mooie mok",
                    "language": "nl",
                },
            ],
        )


def _scores(conn: Connection) -> None:
    """Scores whose notes are long lines (next best offers, churn reasons), as on the demo."""
    conn.execute(
        schema.model_runs.insert(),
        [
            {
                "id": f"run-{model}",
                "model": model,
                "version": "1",
                "config": {},
                "data_fingerprint": "f",
                "fitted_at": T0,
                "metrics": {},
                "params": {},
            }
            for model in ("nbo", "churn", "rfm")
        ],
    )
    details = {
        "nbo": {"products": [{"product_id": p, "name": p} for p in PRODUCTS]},
        "churn_risk": {"reasons": REASONS},
        "rfm_segment": {"name": "Customers needing attention", "reason": "R 2, F 3, M 4"},
    }
    model = {"nbo": "nbo", "churn_risk": "churn", "rfm_segment": "rfm"}
    conn.execute(
        schema.customer_scores.insert(),
        [
            {
                "customer_id": "cust-ana",
                "model_run_id": f"run-{model[kind]}",
                "kind": kind,
                "value": 0.42,
                "details": d,
            }
            for kind, d in details.items()
        ],
    )


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    db_url = f"sqlite:///{tmp_path / 'browser.db'}"
    migrate(db_url)
    engine = create_engine_from_url(db_url)
    seed(engine)
    with engine.begin() as conn:
        _scores(conn)
    engine.dispose()
    with served(db_url, tmp_path, "browser-test") as url:
        assert f"OpenCX on {url}/" in (tmp_path / "server.log").read_text()
        yield url


def test_log_in_search_and_open_the_360_page(server: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    dialogs: list[str] = []
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(30_000)
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

        page.goto(server + "/customers")
        expect(page).to_have_url(server + "/login?next=/customers")
        page.get_by_label("Email").fill(EMAIL)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page).to_have_url(server + "/customers")
        expect(page.locator("header")).to_contain_text("Browser Agent")

        # a name full of markup is shown as text and never runs
        expect(page.locator("#customer-list")).to_contain_text(XSS_NAME)

        # contact fields are sealed (crypto-shredding, the default): found by email, not name
        page.get_by_role("searchbox", name="Search customers").fill(LONG_EMAIL.upper())
        page.get_by_role("button", name="Search").click()
        searched = server + "/customers?q=" + LONG_EMAIL.upper().replace("@", "%40")
        expect(page).to_have_url(re.compile(re.escape(searched) + "(&|$)"))  # and the filters
        results = page.locator("#customer-list tbody tr")
        expect(results).to_have_count(1)
        results.get_by_role("link", name="Ana de Vries").click()

        expect(page).to_have_url(server + "/customers/cust-ana")
        expect(page.locator("#customer-name")).to_have_text("Ana de Vries")
        timeline = page.locator("#timeline")
        expect(timeline).to_contain_text("Order SO-1001")
        expect(timeline).to_contain_text("Survey: After purchase NPS")
        expect(timeline).to_contain_text("Snelle levering, mooie mok")
        expect(timeline).to_contain_text("NPS 9")
        expect(timeline).to_contain_text("page view · checkout")

        # identities show the email the blind index stands for, not the hash; long values
        # (the email, the offers, the churn reasons) wrap or scroll inside their cards
        expect(page.locator("#identities")).to_contain_text(LONG_EMAIL.lower())
        expect(page.locator("#identities")).not_to_contain_text("bi1:")
        expect(page.locator("#scores")).to_contain_text("Nordic Dumbbells")
        assert page.evaluate(OUTSIDE_CARDS) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
        page.screenshot(path=str(tmp_path / "customer-360.png"), full_page=True)

        page.get_by_role("link", name="Data", exact=True).click()
        expect(page.locator('tr[data-table="orders"]')).to_contain_text("2025-09-04")
        expect(page.locator("#activity .main-svg").first).to_be_visible()
        page.screenshot(path=str(tmp_path / "data-overview.png"), full_page=True)
    assert dialogs == []
    assert (tmp_path / "customer-360.png").stat().st_size > 10_000
