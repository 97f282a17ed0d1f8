"""Pages: login and logout through the form, redirects, CSRF, the shell and its navigation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.engine import Engine

from opencx.access.domain import grants_scope, role_grants
from opencx.access.service import AccessService
from opencx.core import FixedClock
from opencx.web.layout import NAV
from opencx.web.session import SESSION_COOKIE
from tests.web.conftest import PASSWORD


@pytest.fixture
def engine(sqlite_engine: Engine) -> Engine:
    """Pages and error mapping do not depend on the store: SQLite is enough here."""
    return sqlite_engine


def test_home_goes_to_the_data_overview(client: TestClient) -> None:
    r = client.get("/", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/data"


def test_pages_send_anonymous_visitors_to_login_and_back(
    client: TestClient, users: dict[str, str], log_in: Callable[..., Response]
) -> None:
    r = client.get("/journeys?tab=paths", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=/journeys%3Ftab%3Dpaths"
    form = client.get(r.headers["location"])
    assert 'name="next" value="/journeys?tab=paths"' in form.text
    done = log_in(users["analyst"], next="/journeys?tab=paths")
    assert done.status_code == 303 and done.headers["location"] == "/journeys?tab=paths"


def test_session_cookie_is_httponly_and_lax(
    client: TestClient, users: dict[str, str], log_in: Callable[..., Response]
) -> None:
    cookie = log_in(users["admin"]).headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=")
    assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower() and "Max-Age=" in cookie


def test_wrong_password_is_refused_without_a_session(
    client: TestClient, users: dict[str, str], log_in: Callable[..., Response]
) -> None:
    r = log_in(users["admin"], password="not-the-password")
    assert r.status_code == 401 and "Email or password is wrong" in r.text
    assert SESSION_COOKIE not in r.headers.get("set-cookie", "")
    assert client.get("/data", follow_redirects=False).status_code == 303


def test_login_without_csrf_token_is_refused(client: TestClient, users: dict[str, str]) -> None:
    client.get("/login")
    r = client.post("/login", data={"email": users["admin"], "password": "correct-horse-9"})
    assert r.status_code == 403 and "CSRF" in r.text
    assert client.get("/data", follow_redirects=False).status_code == 303


def test_login_never_redirects_off_site(
    users: dict[str, str], log_in: Callable[..., Response]
) -> None:
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        r = log_in(users["agent"], next=target)
        assert r.headers["location"] == "/"


def test_shell_shows_navigation_user_and_logout(
    client: TestClient, users: dict[str, str], log_in: Callable[..., Response]
) -> None:
    log_in(users["analyst"])
    page = client.get("/data")
    assert page.status_code == 200
    for item in NAV:  # every entry an analyst may open; Admin is for admins
        shown = item.scope is None or grants_scope(role_grants("analyst"), item.scope)
        assert (f'href="{item.href}"' in page.text) == shown, item
    assert 'class="active" aria-current="page">Data<' in page.text
    assert "Analyst User" in page.text and 'action="/logout"' in page.text
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["x-frame-options"] == "DENY"
    journeys = client.get("/journeys")  # the last entry that was "coming soon"
    assert journeys.status_code == 200 and "Coming soon" not in journeys.text


def test_logout_ends_the_session(
    client: TestClient,
    users: dict[str, str],
    log_in: Callable[..., Response],
    csrf_from: Callable[[str], str],
) -> None:
    log_in(users["agent"])
    token = csrf_from(client.get("/data").text)
    r = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert client.get("/data", follow_redirects=False).status_code == 303


def test_forged_session_cookie_is_ignored(
    client: TestClient, users: dict[str, str], log_in: Callable[..., Response]
) -> None:
    log_in(users["agent"])
    value = client.cookies.get(SESSION_COOKIE)
    assert value
    payload, _, sig = value.partition(".")
    client.cookies.set(SESSION_COOKIE, payload + "." + ("0" * len(sig)))
    assert client.get("/data", follow_redirects=False).status_code == 303


def test_page_scope_is_checked_after_login(
    client: TestClient, users: dict[str, str], log_in: Callable[..., Response]
) -> None:
    assert client.get("/probe/erase", follow_redirects=False).status_code == 303
    log_in(users["agent"])
    denied = client.get("/probe/erase")
    assert denied.status_code == 403 and "customers:erase" in denied.text
    assert "<h1>Forbidden</h1>" in denied.text


def test_admin_may_open_the_erase_page(
    client: TestClient, users: dict[str, str], log_in: Callable[..., Response]
) -> None:
    log_in(users["admin"])
    assert client.get("/probe/erase").status_code == 200


def test_page_forms_need_a_token_of_this_session(
    client: TestClient,
    users: dict[str, str],
    log_in: Callable[..., Response],
    csrf_from: Callable[[str], str],
) -> None:
    anonymous_token = csrf_from(client.get("/login").text)
    log_in(users["agent"])
    assert client.post("/probe/form", data={}).status_code == 403
    # the token minted before login belongs to the pre-login nonce, not to this session
    assert client.post("/probe/form", data={"csrf_token": anonymous_token}).status_code == 403
    token = csrf_from(client.get("/data").text)
    assert client.post("/probe/form", data={"csrf_token": token}).json() == {"ok": True}


def test_log_out_everywhere_ends_the_sessions_of_other_browsers_too(
    app: FastAPI,
    client: TestClient,
    users: dict[str, str],
    log_in: Callable[..., Response],
    csrf_from: Callable[[str], str],
    clock: FixedClock,
) -> None:
    with TestClient(app, base_url="http://testserver") as laptop:
        token = csrf_from(laptop.get("/login").text)
        laptop.post(
            "/login",
            data={"email": users["agent"], "password": PASSWORD, "csrf_token": token},
            follow_redirects=False,
        )
        assert laptop.get("/data", follow_redirects=False).status_code == 200
        stolen = laptop.cookies.get(SESSION_COOKIE)
        clock.advance(timedelta(seconds=1))
        log_in(users["agent"])
        page = client.get("/data")
        assert "Log out everywhere" in page.text
        r = client.post(
            "/logout/everywhere", data={"csrf_token": csrf_from(page.text)}, follow_redirects=False
        )
        assert r.status_code == 303 and r.headers["location"] == "/login"
        assert laptop.get("/data", follow_redirects=False).status_code == 303
        assert client.get("/data", follow_redirects=False).status_code == 303
        thief = TestClient(app, base_url="http://testserver", cookies={SESSION_COOKIE: stolen})
        assert thief.get("/data", follow_redirects=False).status_code == 303
        clock.advance(timedelta(seconds=1))
        assert log_in(users["agent"]).status_code == 303  # a new login works again
        assert client.get("/data", follow_redirects=False).status_code == 200


def test_disabled_user_is_logged_out_at_once_and_cannot_log_in(
    client: TestClient,
    users: dict[str, str],
    log_in: Callable[..., Response],
    access: AccessService,
) -> None:
    log_in(users["analyst"])
    assert client.get("/data", follow_redirects=False).status_code == 200
    access.disable_user(users["analyst"])
    assert client.get("/data", follow_redirects=False).status_code == 303
    r = log_in(users["analyst"])
    assert r.status_code == 401 and "wrong" in r.text
    access.enable_user(users["analyst"])
    assert log_in(users["analyst"]).status_code == 303


def test_repeated_wrong_passwords_slow_this_browser_down_with_retry_after(
    client: TestClient, users: dict[str, str], log_in: Callable[..., Response]
) -> None:
    for _ in range(3):
        assert log_in(users["admin"], password="guess-guess").status_code == 401
    r = log_in(users["admin"])  # the right password, during the delay: not tried
    assert r.status_code == 429 and r.headers["retry-after"] == "1"
    assert "try again in 1 second." in r.text
    assert SESSION_COOKIE not in r.headers.get("set-cookie", "")


@pytest.mark.parametrize("role", ["admin", "analyst", "agent"])
def test_navigation_offers_only_pages_the_role_may_open(
    role: str, client: TestClient, users: dict[str, str], log_in: Callable[..., Response]
) -> None:
    log_in(users[role])
    shell = client.get("/data").text
    for item in NAV:
        status = client.get(item.href, follow_redirects=False).status_code
        offered = f'href="{item.href}"' in shell
        assert offered == (status == 200), (role, item.href, status, offered)
