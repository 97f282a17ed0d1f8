"""Sessions end on the server: logout, idle and age limits, the user's and the admin's lists.

Issue 12: a copied cookie kept working for 12 h after ``POST /logout``. Runs on SQLite and
PostgreSQL (the ``engine`` fixture) with the injected clock.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response

from opencx.core import FixedClock
from opencx.web.session import DEVICE_COOKIE, SESSION_COOKIE
from tests.web.conftest import PASSWORD

SESSION_ROW = re.compile(r'data-session="([0-9A-Za-z]+)"')


def _rows(page: str) -> list[tuple[str, str]]:
    """(session id, the row's HTML) of each row of a sessions page."""
    return [
        (m.group(1), m.group(0)) for m in re.finditer(r'data-session="(\w+)".*?</tr>', page, re.S)
    ]


def _browser(app: FastAPI, csrf_from: Callable[[str], str], email: str) -> TestClient:
    browser = TestClient(app, base_url="http://testserver", headers={"user-agent": "Laptop/1.0"})
    token = csrf_from(browser.get("/login").text)
    r = browser.post(
        "/login",
        data={"email": email, "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303
    return browser


def test_a_copied_cookie_is_refused_after_logout(
    app: FastAPI,
    client: TestClient,
    users: dict[str, str],
    log_in: Callable[..., Response],
    csrf_from: Callable[[str], str],
) -> None:
    log_in(users["analyst"])
    copied = client.cookies[SESSION_COOKIE]
    thief = TestClient(app, base_url="http://testserver", cookies={SESSION_COOKIE: copied})
    assert thief.get("/data", follow_redirects=False).status_code == 200
    assert thief.get("/api/customers", follow_redirects=False).status_code == 200
    token = csrf_from(client.get("/data").text)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 200
    assert thief.get("/data", follow_redirects=False).status_code == 303
    assert thief.get("/api/customers").status_code == 401


def test_a_session_ends_when_idle_and_at_its_age(
    client: TestClient, users: dict[str, str], log_in: Callable[..., Response], clock: FixedClock
) -> None:
    log_in(users["agent"])
    clock.advance(timedelta(minutes=29))
    assert client.get("/data", follow_redirects=False).status_code == 200
    clock.advance(timedelta(minutes=30))
    assert client.get("/data", follow_redirects=False).status_code == 303  # idle 30 min
    log_in(users["agent"])
    for _ in range(16):
        clock.advance(timedelta(minutes=29))
        assert client.get("/data", follow_redirects=False).status_code == 200
    clock.advance(timedelta(minutes=16))  # 8 h after login, however busy
    assert client.get("/data", follow_redirects=False).status_code == 303


def test_a_user_lists_and_ends_their_own_sessions(
    app: FastAPI,
    client: TestClient,
    users: dict[str, str],
    log_in: Callable[..., Response],
    csrf_from: Callable[[str], str],
) -> None:
    laptop = _browser(app, csrf_from, users["agent"])
    log_in(users["agent"])
    page = client.get("/account/sessions")
    rows = SESSION_ROW.findall(page.text)
    assert len(rows) == 2 and "this session" in page.text and "Laptop/1.0" in page.text
    other = next(r for r, html in _rows(page.text) if "this session" not in html)
    r = client.post(
        f"/account/sessions/{other}/end",
        data={"csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/account/sessions?ended=1"
    assert laptop.get("/data", follow_redirects=False).status_code == 303
    assert SESSION_ROW.findall(client.get("/account/sessions").text) == [
        r for r in rows if r != other
    ]


def test_an_admin_ends_anyones_session_and_an_agent_cannot(
    app: FastAPI,
    client: TestClient,
    users: dict[str, str],
    log_in: Callable[..., Response],
    csrf_from: Callable[[str], str],
) -> None:
    analyst = _browser(app, csrf_from, users["analyst"])
    agent = _browser(app, csrf_from, users["agent"])
    analysts_id = SESSION_ROW.findall(analyst.get("/account/sessions").text)[0]
    # an agent may not see the admin list, nor end another user's session (404: no probing)
    assert agent.get("/admin/sessions").status_code == 403
    agent_token = csrf_from(agent.get("/account/sessions").text)
    r = agent.post(f"/account/sessions/{analysts_id}/end", data={"csrf_token": agent_token})
    assert r.status_code == 404
    assert analyst.get("/data", follow_redirects=False).status_code == 200
    log_in(users["admin"])
    page = client.get("/admin/sessions")
    assert users["analyst"] in page.text and analysts_id in page.text
    r = client.post(
        f"/admin/sessions/{analysts_id}/end",
        data={"csrf_token": csrf_from(page.text)},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert analyst.get("/data", follow_redirects=False).status_code == 303
    assert agent.get("/data", follow_redirects=False).status_code == 200


def test_a_browser_that_signed_in_before_is_not_locked_out_by_an_attacker(
    app: FastAPI,
    users: dict[str, str],
    csrf_from: Callable[[str], str],
) -> None:
    """The owner's browser holds a device cookie: a distributed attack that fills the account's
    bucket (here from one address, which fills both) does not keep it out."""
    owner = _browser(app, csrf_from, users["agent"])
    assert owner.cookies.get(DEVICE_COOKIE)
    owner.cookies.delete(SESSION_COOKIE)
    attacker = TestClient(app, base_url="http://testserver")
    token = csrf_from(attacker.get("/login").text)
    statuses = [
        attacker.post(
            "/login",
            data={"email": users["agent"], "password": f"guess-{i}", "csrf_token": token},
        ).status_code
        for i in range(4)
    ]
    assert statuses == [401, 401, 401, 429]
    token = csrf_from(owner.get("/login").text)
    r = owner.post(
        "/login",
        data={"email": users["agent"], "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303
