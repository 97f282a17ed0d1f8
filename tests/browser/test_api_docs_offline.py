"""/docs works with the network cut off: Swagger UI comes from the installed wheel, no CDN.

Every request Chromium makes to anything but the test server is aborted and recorded; the page
must still list the API's operations and make no such request at all.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.browser.serving import chromium
from tests.browser.test_login_and_360 import server  # noqa: F401

pytestmark = pytest.mark.browser


def test_api_docs_render_offline(server: str) -> None:  # noqa: F811
    from playwright.sync_api import Route, expect

    own = urlsplit(server).netloc
    blocked: list[str] = []
    errors: list[str] = []

    def only_local(route: Route) -> None:
        if urlsplit(route.request.url).netloc == own:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.set_default_timeout(30_000)
        page.route("**/*", only_local)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(server + "/docs")
        expect(page.locator(".swagger-ui .info .title")).to_contain_text("OpenCX")
        operations = page.locator(".opblock")
        expect(operations.first).to_be_visible()
        assert operations.count() > 10
        expect(page.locator(".swagger-ui")).to_contain_text("/api/customers")
    assert blocked == [] and errors == []
