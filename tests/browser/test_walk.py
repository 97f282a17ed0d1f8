"""Every page and every offered control, as each role, in a real browser.

``opencx serve`` runs on a temporary SQLite store (the seed of test_login_and_360: customers,
an order, a visit, a survey answer) with one user per role. For each role Chromium logs in and
walks: the navigation's entries and every page route of the app the role may open (read from
the app's route table, so a page added later is walked without editing this test), then every
same-site link found on those pages, one URL per route. On every page: no error page, no
console error, no uncaught script error. Then each POST form on a page (but logging out) is
filled with valid choices (the first real option of each list, a plausible value in each
required field) and submitted, and the page it leads to is checked the same way.

A screenshot of each route, as the admin (who may open every page) sees it, is written to
``$OPENCX_SCREENSHOTS`` when set (``make screenshots`` sets ``docs/screenshots``), else to the
test's temporary folder.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.routing import APIRoute
from sqlalchemy.engine import Engine

from opencx.access.domain import grants_scope, role_grants
from opencx.access.service import AccessService
from opencx.app import create_app
from opencx.core import FixedClock
from opencx.db import create_engine_from_url, migrate, schema
from opencx.feedback.domain.surveys import template, to_definition
from opencx.loyalty.domain import Cause, Reward
from opencx.loyalty.service import LoyaltyService
from opencx.settings import Settings
from tests.browser.serving import chromium, served
from tests.browser.test_login_and_360 import T0, seed
from tests.web.test_route_access import LOGIN, ROUTES, _app_routes

pytestmark = pytest.mark.browser

ROLES = ("agent", "analyst", "admin")  # admin last: its forms disable users, change roles
PASSWORD = "walk-pass-123"
SKIP_FORMS = ("/logout", "/logout/everywhere")  # they end the walk's session
NOT_WALKED = {"/", "/login", "/healthz", "/readyz"}  # redirects and probes, not pages
UNIQUE = itertools.count(1)  # values that must be new (keys, emails) differ across roles
NOT_PAGES = re.compile(r"(^/api/|^/static/|^/docs|^/ops/|\.(csv|json|js|png|svg)$)")


@dataclass
class Walk:
    """What one role's walk saw: each URL visited with the route it belongs to, and trouble."""

    role: str
    visited: dict[str, str] = field(default_factory=dict)  # url -> route path
    forms: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def page_routes(db_url: str) -> list[tuple[str, re.Pattern[str], str]]:
    """(path, matcher, scope) of every GET page of the app, from its route table."""
    app = create_app(Settings(database_url=db_url, secret_key="walk"))
    found = []
    for route in _app_routes(app):
        if not isinstance(route, APIRoute) or "GET" not in (route.methods or ()):
            continue
        if NOT_PAGES.search(route.path) or route.include_in_schema or route.path in NOT_WALKED:
            continue
        scope = ROUTES.get(("GET", route.path), LOGIN)
        pattern = re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", route.path) + "$")
        found.append((route.path, pattern, scope))
    return found


def _may(role: str, scope: str) -> bool:
    return scope == LOGIN or grants_scope(role_grants(role), scope)


@pytest.fixture
def walk_server(tmp_path: Path) -> Iterator[tuple[str, str]]:
    db_url = f"sqlite:///{tmp_path / 'walk.db'}"
    migrate(db_url)
    engine: Engine = create_engine_from_url(db_url)
    seed(engine)
    with engine.begin() as conn:  # the seeded survey gets a definition its pages can show
        survey = template("nps", "nps-purchase", "After purchase NPS", ["nl"])
        conn.execute(
            schema.surveys.update()
            .where(schema.surveys.c.key == "nps-purchase")
            .values(definition=to_definition(survey))
        )
    loyalty = LoyaltyService(engine, FixedClock(T0))  # a member with points: its forms walk
    loyalty.put_reward(Reward("walk-mug", "Mug", 10))
    loyalty.put_cause(Cause("walk-trees", "Trees", Decimal("0.01"), "EUR"))
    loyalty.earn(loyalty.enroll("cust-mal"), 500, "walk-seed")
    access = AccessService(engine, FixedClock(T0))
    for role in ROLES:
        access.create_user(f"{role}@walk.example", role=role, password=PASSWORD, name=role.title())
    engine.dispose()
    jobs_wait = {"OPENCX_WEB_RUNS_JOBS": "false"}  # a submitted fit waits for a worker: quick
    with served(db_url, tmp_path, "browser-walk", jobs_wait) as url:
        yield url, db_url


def _shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("OPENCX_SCREENSHOTS") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _slug(route: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", route.lower()).strip("-") or "home"


def _candidates(kind: str, name: str, n: int, box: Any) -> list[str]:
    """Values to try in a field, most plausible first; the first the browser accepts stays."""
    if kind == "email" or "email" in name or "owner" in name:
        return [f"walk{n}@walk.example"]
    if kind == "password" or "password" in name:
        return ["walk-new-pass-456"]
    if kind == "number":
        return [box.get_attribute("min") or "1", "1", "0"]
    if kind == "url" or name == "url":
        return [f"https://walk{n}.example/hooks"]
    if kind == "date":
        return ["2026-12-31"]
    if kind == "datetime-local":  # an end after its start
        later = any(word in name for word in ("end", "until", "to"))
        return ["2027-01-01T12:00" if later else "2026-12-31T12:00"]
    if "scope" in name:
        return ["customers:read"]
    return [f"Walk {n}", f"walk-{n}", f"walk{n}", f"W{n}", str(n)]


def _fill(form: Any, n: int) -> bool:
    """Valid choices in ``form``: the first real option of each list, a value in each required
    field and each free text; False when it cannot be filled (a file)."""
    for field_ in form.locator("select").all():
        values = [
            v
            for v in field_.locator("option").evaluate_all(
                "os => os.filter(o => !o.disabled).map(o => o.value)"
            )
            if v
        ]
        if values and field_.is_visible():
            field_.select_option(values[0])
    for box in form.locator("input, textarea").all():
        kind = (box.get_attribute("type") or "text").lower()
        if kind in {"hidden", "submit", "button", "checkbox", "radio"} or not box.is_visible():
            continue
        optional = box.get_attribute("required") is None
        if optional and box.evaluate("e => e.tagName") != "TEXTAREA":
            continue  # the least a valid submission needs; free text bodies are filled
        if kind == "file":
            return False
        if box.input_value() and kind != "password":
            continue
        for value in _candidates(kind, (box.get_attribute("name") or "").lower(), n, box):
            box.fill(value)
            if box.evaluate("e => e.checkValidity()"):
                break
    for box in form.locator("input, textarea").all():  # rules across fields (data-one-of)
        if box.is_visible() and not box.evaluate("e => e.checkValidity()"):
            kind = (box.get_attribute("type") or "text").lower()
            for value in _candidates(kind, (box.get_attribute("name") or "").lower(), n, box):
                box.fill(value)
                box.dispatch_event("input")
                if box.evaluate("e => e.checkValidity()"):
                    break
    return bool(form.evaluate("f => f.checkValidity()"))


def _check(page: Any, walk: Walk, where: str, status: int | None, errors: list[str]) -> None:
    if status is not None and status >= 400:
        walk.problems.append(f"{walk.role} {where}: HTTP {status}")
    if page.locator("#error-page").count():
        walk.problems.append(f"{walk.role} {where}: error page: {page.locator('h1').inner_text()}")
    if errors:
        walk.problems.append(f"{walk.role} {where}: console: {errors[:3]}")
    errors.clear()


class Settle:
    """Waits until ``page`` is loaded and no request of it has been in flight for ``QUIET_MS``.

    Playwright's ``networkidle`` is the same wait with a fixed 500 ms of quiet, 0.5 s per page
    of the walk (a third of it, 100 pages); a request the page's scripts start after ``load``
    is seen as surely here, and any error it causes with it."""

    QUIET_MS = 100
    STEP_MS = 20

    def __init__(self, page: Any) -> None:
        self.page = page
        self.pending: set[Any] = set()
        page.on("request", self._sent)
        page.on("requestfinished", self._ended)
        page.on("requestfailed", self._ended)

    def _sent(self, request: Any) -> None:
        self.pending.add(request)

    def _ended(self, request: Any) -> None:
        self.pending.discard(request)

    def __call__(self, timeout_ms: int = 30_000) -> None:
        self.page.wait_for_load_state("load")
        quiet = waited = 0
        while quiet < self.QUIET_MS:
            self.page.wait_for_timeout(self.STEP_MS)  # delivers the page's events meanwhile
            quiet = 0 if self.pending else quiet + self.STEP_MS
            waited += self.STEP_MS
            urls = [r.url for r in self.pending]
            assert waited < timeout_ms, f"{self.page.url}: requests still open: {urls}"


def walk_role(browser: Any, base: str, role: str, routes: list[Any], shots: Path) -> Walk:
    walk = Walk(role)
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    page.set_default_timeout(30_000)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: d.accept())
    settle = Settle(page)
    _log_in(page, base, role)
    nav = page.locator("nav.mainnav a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    queue = [*nav, *(p for p, pat, scope in routes if "{" not in p and _may(role, scope))]
    seen_routes: set[str] = set()
    while queue:
        url = queue.pop(0)
        route = next((p for p, pat, _ in routes if pat.match(urlsplit(url).path)), None)
        if route is None or route in seen_routes or url in walk.visited:
            continue
        seen_routes.add(route)
        walk.visited[url] = route
        reply = page.goto(base + url)
        settle()  # charts drawn, scripts run and their requests answered: errors show
        _check(page, walk, url, reply.status if reply else None, errors)
        if role == ROLES[-1]:  # admin sees every page: one picture each, as admin sees it
            page.screenshot(path=str(shots / f"{_slug(route)}.png"))
        links = page.locator("main a[href], nav a[href]").evaluate_all(
            "as => as.map(a => a.getAttribute('href'))"
        )
        queue += [h for h in links if h.startswith("/") and not NOT_PAGES.search(h)]
        _submit_forms(page, base, url, walk, errors)
    context.close()
    return walk


def _log_in(page: Any, base: str, role: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("Email").fill(f"{role}@walk.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r".*/data$"))


def _submit_forms(page: Any, base: str, url: str, walk: Walk, errors: list[str]) -> None:
    """Submit each POST form of the page at ``url`` with valid choices: once per form route
    and role (a table of 50 "Close" buttons is one control)."""
    i = 0
    while True:
        forms = page.locator("main form[method=post]")
        if i >= forms.count():
            return
        form = forms.nth(i)
        i += 1
        action = urlsplit(form.get_attribute("action") or url).path
        route = re.sub(r"/[0-9a-z]{20,}(?=/|$)", "/{id}", action)  # ids, tokens -> one route
        if action in SKIP_FORMS or route in walk.forms or not form.is_visible():
            continue
        if not _fill(form, next(UNIQUE)):
            if form.locator("input[type=file]").count() == 0:
                walk.problems.append(f"{walk.role} {url}: no valid values for form {action}")
            continue
        button = form.locator("button[type=submit], button:not([type]), input[type=submit]")
        if not button.count():
            continue
        with page.expect_navigation() as navigation:
            button.first.click()
        page.wait_for_load_state("load")
        walk.forms.append(route)
        reply = navigation.value
        if reply is not None and reply.status == 422 and not page.locator("#error-page").count():
            # the form came back with what to fix written in place: the server holds a rule the
            # form did not state (state it: required, min/max, pattern, <fieldset data-one-of>)
            walk.problems.append(
                f"{walk.role} POST {action}: refused values the form accepted: "
                f"{page.locator('main').inner_text()[:200]!r}"
            )
            errors.clear()
            page.goto(base + url)
            continue
        _check(page, walk, f"POST {action} (form on {url})", None, errors)
        if urlsplit(page.url).path == "/login":  # the form ended this very session
            _log_in(page, base, walk.role)
        page.goto(base + url)


def test_every_page_and_control_as_every_role(walk_server: tuple[str, str], tmp_path: Path) -> None:
    base, db_url = walk_server

    routes = page_routes(db_url)
    shots = _shots(tmp_path)
    walks = []
    with chromium() as browser:
        for role in ROLES:
            walks.append(walk_role(browser, base, role, routes, shots))
    problems = [p for w in walks for p in w.problems]
    assert not problems, "\n".join(problems)
    by_role = {w.role: set(w.visited.values()) for w in walks}
    for role in ROLES:  # every parameterless page the role may open was walked
        wanted = {p for p, _, scope in routes if "{" not in p and _may(role, scope)}
        assert wanted <= by_role[role], (role, sorted(wanted - by_role[role]))
    assert "/customers/{customer_id}" in by_role["agent"]  # found by following links
    assert "/metrics" not in by_role["agent"] and "/metrics" in by_role["analyst"]
    assert sum(len(w.forms) for w in walks) > 0
    assert len(list(shots.glob("*.png"))) >= len(set().union(*by_role.values())) - 1
