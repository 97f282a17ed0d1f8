"""A real browser drives a live chat between the public widget and the agent console.

``opencx serve`` runs in a subprocess (as in tests/browser); two Chromium pages talk over
WebSockets: typing and read state cross, the agent hands the chat off and the transcript is on
the case; the ended chat's box is closed and the widget offers its "Send by email" form.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from opencx.access.service import AccessService
from opencx.core import FixedClock
from opencx.db import create_engine_from_url, migrate
from tests.browser.serving import CHROMIUM_ARGS, chromium_path, served

pytestmark = pytest.mark.browser
EMAIL, PASSWORD = "agent@example.org", "browser-pass-1"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    db_url = f"sqlite:///{tmp_path / 'chat.db'}"
    migrate(db_url)
    engine = create_engine_from_url(db_url)
    AccessService(engine, FixedClock(datetime(2026, 1, 1, tzinfo=UTC))).create_user(
        EMAIL, role="agent", password=PASSWORD, name="Chat Agent"
    )
    engine.dispose()
    with served(db_url, tmp_path, "browser-test") as url:
        yield url


def test_a_customer_and_an_agent_chat_in_two_browsers(server: str, tmp_path: Path) -> None:
    executable = chromium_path()
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            agent = browser.new_context().new_page()
            agent.set_default_timeout(30_000)
            agent.goto(server + "/helpdesk/chat")
            agent.get_by_label("Email").fill(EMAIL)
            agent.get_by_label("Password").fill(PASSWORD)
            agent.get_by_role("button", name="Log in").click()
            expect(agent.locator("#status")).to_have_text("online")

            customer = browser.new_context().new_page()
            customer.set_default_timeout(30_000)
            customer.goto(server + "/help/chat")
            customer.get_by_label("Your name").fill("Ana <b>de Vries</b>")
            customer.get_by_label("Email").fill("ana@example.org")
            customer.get_by_role("button", name="Start chat").click()
            customer.get_by_label("Message", exact=True).fill("My parcel is late")
            customer.get_by_role("button", name="Send").click()
            expect(customer.locator("#log")).to_contain_text("You: My parcel is late")

            agent.locator("#chats li", has_text="Ana <b>de Vries</b>").click()
            expect(agent.locator("#log")).to_contain_text("Customer: My parcel is late")
            agent.get_by_label("Reply").press_sequentially("Let me check")
            expect(customer.locator("#typing")).to_have_text("Agent is typing…")
            agent.get_by_role("button", name="Send").click()
            expect(customer.locator("#log")).to_contain_text("agent@example.org: Let me check")
            expect(agent.locator("#seen")).to_have_text("Seen by the customer")

            agent.get_by_role("button", name="Hand off to a case").click()
            expect(customer.locator("#log")).to_contain_text("Chat ended. Reference:")
            # the box is closed, says so and offers the widget's "Send by email" form; before,
            # it stayed open and what was typed into it went nowhere
            expect(customer.get_by_label("Message", exact=True)).to_be_disabled()
            expect(customer.get_by_role("button", name="Send", exact=True)).to_be_disabled()
            expect(customer.locator("#chat-ended")).to_contain_text("This chat has ended")
            expect(customer.get_by_label("Your address")).to_have_value("ana@example.org")
            customer.get_by_label("Your message").fill("And the invoice, please")
            customer.get_by_role("button", name="Send by email").click()
            expect(customer.locator("#offline-done")).to_have_text("Thank you: we answer by email.")
            customer.screenshot(path=str(tmp_path / "chat-ended.png"), full_page=True)
            agent.locator("#case-link").click()
            timeline = agent.locator("#case-timeline")
            expect(timeline).to_contain_text("My parcel is late")
            expect(timeline).to_contain_text("Let me check")
            agent.screenshot(path=str(tmp_path / "chat-case.png"), full_page=True)
        finally:
            browser.close()
