"""A real browser walks the closed loop: the invitation email arrives at a real SMTP server, its
one-click score link opens in Chromium, the comment is given, and the follow-up case is on the
agent's queue and in the helpdesk.

The invitation is sent by the app's own services and delivered by the outbox to aiosmtpd;
``opencx serve`` answers the link in a subprocess against the same SQLite store, and
``opencx worker`` opens the follow-up from the outbox task the answer queued.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from opencx.access.service import AccessService
from opencx.app import build
from opencx.core import FixedClock
from opencx.db import create_engine_from_url, migrate, schema
from opencx.outbox import run_once
from opencx.settings import Settings
from tests.browser.serving import chromium, free_port, served
from tests.outbox.conftest import smtp_server  # noqa: F401  (the real SMTP server fixture)

pytestmark = pytest.mark.browser
EMAIL, PASSWORD = "agent@example.org", "browser-pass-1"


@pytest.fixture
def loop(tmp_path: Path, smtp_server: Any) -> Iterator[tuple[str, str]]:  # noqa: F811
    """The served app and the score link from the invitation email the SMTP server received."""
    db_url = f"sqlite:///{tmp_path / 'loop.db'}"
    migrate(db_url)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    settings = Settings(
        database_url=db_url,
        secret_key="browser-loop",
        base_url=base,
        smtp_host="127.0.0.1",
        smtp_port=smtp_server.port,
    )
    engine = create_engine_from_url(db_url)
    services = build(settings, engine=engine, clock=FixedClock(datetime.now(UTC)))
    AccessService(engine, services.clock).create_user(
        EMAIL, role="agent", password=PASSWORD, name="Loop Agent"
    )
    with engine.begin() as conn:
        conn.execute(
            schema.customers.insert(),
            {
                "id": "cust-eva",
                "source": "shop",
                "external_id": "eva",
                "name": "Eva Jensen",
                "email": "eva@example.dk",
                "language": "da",
                "created_at": services.clock.now(),
                "attributes": {},
                "consent_email": True,
                "consent_sms": False,
                "consent_surveys": True,
            },
        )
    services.feedback.create_from_template("csat", "csat-case", "Hvordan hjalp vi?", ["da", "en"])
    assert services.feedback.invite("csat-case", ["cust-eva"]).sent == 1
    assert run_once(engine, services.outbox.transports(), services.clock.now()).sent == 1
    engine.dispose()
    [mail] = smtp_server.inbox.messages
    text = mail.get_body(("plain",)).get_content()
    link = re.search(re.escape(base) + r"/r/\S+\?score=1", text)
    assert link, text
    with served(db_url, tmp_path, "browser-loop", {"OPENCX_BASE_URL": base}, port):
        # the worker opens the follow-up (an outbox task) once the answer has committed
        env = {**os.environ, "OPENCX_DATABASE_URL": db_url, "OPENCX_SECRET_KEY": "browser-loop"}
        cli = [sys.executable, "-c", "from opencx.cli import main; main()"]
        with (tmp_path / "worker.log").open("wb") as out:
            worker = subprocess.Popen(
                [*cli, "worker", "--no-jobs", "--poll", "0.2"],
                cwd=tmp_path,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:
            yield base, link.group(0)
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=15)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()


def test_email_link_score_comment_and_the_agent_sees_the_follow_up(
    loop: tuple[str, str], tmp_path: Path
) -> None:
    base, link = loop
    from playwright.sync_api import expect

    with chromium() as browser:
        phone = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
        phone.set_default_timeout(30_000)
        phone.goto(link)
        expect(phone.locator("html")).to_have_attribute("lang", "da")
        expect(phone.get_by_role("status")).to_contain_text("Din vurdering er gemt")
        expect(phone.locator("input[name=csat][value='1']")).to_be_checked()
        comment = phone.get_by_role("textbox", name="Hvad kan vi forbedre?")
        expect(comment).to_be_visible()
        comment.fill("Ingen ringede tilbage")
        phone.get_by_role("button", name="Send").click()
        expect(phone.locator("#thanks")).to_have_text("Tak for din feedback!")
        phone.screenshot(path=str(tmp_path / "survey-phone.png"), full_page=True)

        agent = browser.new_page(viewport={"width": 1280, "height": 900})
        agent.set_default_timeout(30_000)
        agent.goto(base + "/feedback")
        agent.get_by_label("Email").fill(EMAIL)
        agent.get_by_label("Password").fill(PASSWORD)
        agent.get_by_role("button", name="Log in").click()
        expect(agent).to_have_url(base + "/feedback")
        queue = agent.locator("#followups")
        for _ in range(120):  # the worker (polling every 0.2 s) opens it
            if queue.count() and "csat score 1 ≤ 2" in queue.inner_text():
                break
            agent.wait_for_timeout(500)
            agent.reload()
        expect(queue).to_contain_text("csat score 1 ≤ 2")
        case_id = queue.locator("tbody tr td").nth(5).inner_text().strip()
        assert case_id
        agent.goto(base + f"/helpdesk/cases/{case_id}")
        expect(agent.locator("body")).to_contain_text("Ingen ringede tilbage")
        agent.screenshot(path=str(tmp_path / "follow-up-case.png"), full_page=True)
