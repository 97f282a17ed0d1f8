"""Every route of the app declares who may use it, and does what this one table says.

:data:`ROUTES` names the scope each route (page, download, API call, websocket) needs; together
with the role grants (``opencx.access.domain.ROLE_GRANTS``) it is the table of what each role may
do. :data:`PUBLIC` is the allow-list of routes anyone may call, each with its reason; ``LOGIN``
routes need a signed-in user of any role. The test enumerates ``create_app(...)``'s routes, so a
route added without a declared scope, or with another scope than the table's, fails CI; then it
calls every route as admin, analyst, agent and anonymous and checks the answer against the table.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import fastapi.routing
import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, APIWebSocketRoute
from fastapi.testclient import TestClient
from httpx import Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.websockets import WebSocketDisconnect

from opencx.access.domain import ROLES, grants_scope, role_grants
from opencx.access.service import AccessService
from opencx.app import Services, build, create_app
from opencx.core import FixedClock
from opencx.settings import Settings
from opencx.web.auth import SCOPE_ATTRIBUTE, require_page_user
from opencx.web.session import CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE, csrf_token, decode_session

PASSWORD = "correct-horse-9"
SECRET = "route-table-secret"
LOGIN = "login"  # any signed-in user, whatever the role

# (method, path) -> the scope it needs; LOGIN for any signed-in user
ROUTES: dict[tuple[str, str], str] = {
    # --- shell and data overview: no personal data, any signed-in user
    ("POST", "/logout/everywhere"): LOGIN,
    ("GET", "/account/sessions"): LOGIN,
    ("POST", "/account/sessions/{session_id}/end"): LOGIN,
    ("GET", "/admin/sessions"): "users:admin",
    ("POST", "/admin/sessions/{session_id}/end"): "users:admin",
    ("GET", "/admin/audit"): "audit:admin",
    ("GET", "/admin/users"): "users:admin",
    ("POST", "/admin/users"): "users:admin",
    ("POST", "/admin/users/{user_id}/role"): "users:admin",
    ("POST", "/admin/users/{user_id}/disable"): "users:admin",
    ("POST", "/admin/users/{user_id}/enable"): "users:admin",
    ("GET", "/admin/api-keys"): "users:admin",
    ("POST", "/admin/api-keys"): "users:admin",
    ("POST", "/admin/api-keys/{key_id}/revoke"): "users:admin",
    ("GET", "/data"): LOGIN,
    ("GET", "/data/import"): "imports:write",
    ("POST", "/data/import"): "imports:write",
    ("GET", "/data/import/{kind}.csv"): "imports:write",
    ("GET", "/data/import/{token}/rejects.csv"): "imports:write",
    ("GET", "/data/import/jobs/{job_id}"): "imports:write",
    ("GET", "/ops/metrics"): "ops:read",
    ("GET", "/admin/jobs"): "jobs:read",
    ("POST", "/admin/jobs/{name}/run"): "jobs:run",
    # --- customers
    ("GET", "/customers"): "customers:read",
    ("GET", "/customers/{customer_id}"): "customers:read",
    ("GET", "/customers.csv"): "customers:export",
    ("GET", "/api/customers"): "customers:read",
    ("POST", "/api/customers/merges"): "customers:write",
    ("POST", "/api/customers/merges/{merge_id}/undo"): "customers:write",
    ("GET", "/api/customers/{customer_id}"): "customers:read",
    ("GET", "/api/customers/{customer_id}/timeline"): "customers:read",
    ("GET", "/api/customers/{customer_id}/export"): "customers:erase",
    ("POST", "/api/customers/{customer_id}/erase"): "customers:erase",
    # --- ingest
    ("POST", "/api/events"): "events:write",
    ("POST", "/api/imports"): "imports:write",
    ("GET", "/api/imports/{job_id}"): "imports:write",
    ("GET", "/api/imports/{job_id}/rejects.csv"): "imports:write",
    # --- journeys
    ("GET", "/journeys"): "journeys:read",
    ("GET", "/api/journeys/experiments"): "journeys:read",
    ("POST", "/api/journeys/experiments"): "journeys:write",
    ("GET", "/api/journeys/experiments/{key}"): "journeys:read",
    ("POST", "/api/journeys/experiments/{key}/start"): "journeys:write",
    ("POST", "/api/journeys/experiments/{key}/stop"): "journeys:write",
    ("POST", "/api/journeys/experiments/{key}/assignments"): "journeys:assign",
    ("GET", "/api/journeys/experiments/{key}/analysis"): "journeys:read",
    ("GET", "/journeys/paths.csv"): "journeys:read",
    ("POST", "/journeys/experiments"): "journeys:write",
    ("POST", "/journeys/experiments/{key}/{action}"): "journeys:write",
    ("GET", "/journeys/experiments/{key}.csv"): "journeys:read",
    ("GET", "/journeys/friction.csv"): "journeys:read",
    ("GET", "/api/journeys/paths"): "journeys:read",
    ("GET", "/api/journeys/friction"): "journeys:read",
    # --- metrics
    ("GET", "/metrics"): "metrics:read",
    ("GET", "/metrics/targets"): "metrics:read",
    ("POST", "/metrics/targets"): "metrics:write",
    ("POST", "/metrics/targets/{target_id}/delete"): "metrics:write",
    ("GET", "/metrics/{name}"): "metrics:read",
    ("GET", "/api/metrics"): "metrics:read",
    ("GET", "/api/metrics/{name}"): "metrics:read",
    # --- models
    ("GET", "/models"): "models:read",
    ("GET", "/models/clv"): "models:read",
    ("GET", "/models/rfm"): "models:read",
    ("GET", "/models/personas"): "models:read",
    ("GET", "/models/loyalty-types"): "models:read",
    ("GET", "/models/churn"): "models:read",
    ("GET", "/models/churn.csv"): "models:read",
    ("GET", "/models/nbo"): "models:read",
    ("POST", "/models/{model}/fit"): "models:write",
    ("POST", "/models/{model}/score"): "models:write",
    ("GET", "/models/jobs/{job_id}"): "models:read",
    ("GET", "/api/models"): "models:read",
    ("GET", "/api/models/runs"): "models:read",
    ("GET", "/api/models/runs/{run_id}"): "models:read",
    ("POST", "/api/models/{model}/fit"): "models:write",
    ("GET", "/api/models/jobs/{job_id}"): "models:read",
    ("POST", "/api/models/{model}/score"): "models:write",
    ("GET", "/api/models/{model}/scores"): "models:read",
    ("GET", "/api/models/churn/list.csv"): "models:read",
    # --- feedback
    ("GET", "/api/feedback/surveys"): "feedback:read",
    ("POST", "/api/feedback/surveys"): "feedback:write",
    ("GET", "/api/feedback/surveys/{key}"): "feedback:read",
    ("PUT", "/api/feedback/surveys/{key}"): "feedback:write",
    ("POST", "/api/feedback/surveys/{key}/invitations"): "feedback:write",
    ("GET", "/api/feedback/triggers"): "feedback:read",
    ("POST", "/api/feedback/triggers"): "feedback:write",
    ("POST", "/api/feedback/responses/import"): "feedback:write",
    ("GET", "/api/feedback/followups"): "feedback:read",
    ("POST", "/api/feedback/followups/{followup_id}/close"): "feedback:write",
    ("GET", "/api/feedback/loop"): "feedback:read",
    ("GET", "/api/feedback/skips"): "feedback:read",
    ("GET", "/feedback"): "feedback:read",
    ("POST", "/feedback/surveys"): "feedback:write",
    ("GET", "/feedback/surveys/{key}"): "feedback:read",
    ("POST", "/feedback/surveys/{key}"): "feedback:write",
    ("GET", "/feedback/responses"): "feedback:read",
    ("GET", "/feedback/responses.csv"): "feedback:read",
    ("GET", "/feedback/themes"): "feedback:read",
    ("POST", "/feedback/themes/{key}/name"): "feedback:write",
    ("POST", "/feedback/followups/{followup_id}/close"): "feedback:write",
    ("GET", "/api/feedback/webhooks"): "feedback:admin",
    ("POST", "/api/feedback/webhooks"): "feedback:admin",
    ("DELETE", "/api/feedback/webhooks/{subscription_id}"): "feedback:admin",
    ("GET", "/feedback/webhooks"): "feedback:admin",
    ("POST", "/feedback/webhooks"): "feedback:admin",
    ("POST", "/feedback/webhooks/{subscription_id}/remove"): "feedback:admin",
    # --- loyalty
    ("GET", "/api/loyalty/program"): "loyalty:read",
    ("PUT", "/api/loyalty/program"): "loyalty:admin",
    ("GET", "/api/loyalty/overview"): "loyalty:read",
    ("POST", "/api/loyalty/members"): "loyalty:write",
    ("GET", "/api/loyalty/members/{member_id}"): "loyalty:read",
    ("POST", "/api/loyalty/members/{member_id}/earn"): "loyalty:admin",
    ("POST", "/api/loyalty/members/{member_id}/spend"): "loyalty:write",
    ("POST", "/api/loyalty/members/{member_id}/redeem"): "loyalty:write",
    ("POST", "/api/loyalty/members/{member_id}/transfer"): "loyalty:write",
    ("POST", "/api/loyalty/members/{member_id}/adjust"): "loyalty:admin",
    ("POST", "/api/loyalty/members/{member_id}/donate"): "loyalty:write",
    ("POST", "/api/loyalty/members/{member_id}/events"): "loyalty:write",
    ("POST", "/api/loyalty/members/{member_id}/plan"): "loyalty:write",
    ("POST", "/api/loyalty/partners/{partner_id}/award"): "loyalty:write",
    ("POST", "/api/loyalty/partners/{partner_id}/accept"): "loyalty:write",
    ("GET", "/api/loyalty/rewards"): "loyalty:read",
    ("PUT", "/api/loyalty/rewards/{reward_id}"): "loyalty:admin",
    ("PUT", "/api/loyalty/causes/{cause_id}"): "loyalty:admin",
    ("PUT", "/api/loyalty/partners/{partner_id}"): "loyalty:admin",
    ("GET", "/api/loyalty/effectiveness"): "loyalty:read",
    ("GET", "/loyalty"): "loyalty:read",
    ("GET", "/loyalty/rewards"): "loyalty:read",
    ("GET", "/loyalty/effectiveness"): "loyalty:read",
    ("GET", "/loyalty/members/{member_id}"): "loyalty:read",
    ("POST", "/loyalty/members/{member_id}/redeem"): "loyalty:write",
    ("POST", "/loyalty/members/{member_id}/adjust"): "loyalty:admin",
    ("POST", "/loyalty/members/{member_id}/donate"): "loyalty:write",
    ("POST", "/loyalty/enroll"): "loyalty:write",
    # --- helpdesk
    ("POST", "/api/helpdesk/cases"): "helpdesk:write",
    ("GET", "/api/helpdesk/cases"): "helpdesk:read",
    ("GET", "/api/helpdesk/cases/{case_id}"): "helpdesk:read",
    ("POST", "/api/helpdesk/cases/{case_id}/messages"): "helpdesk:write",
    ("POST", "/api/helpdesk/cases/{case_id}/replies"): "helpdesk:write",
    ("POST", "/api/helpdesk/cases/{case_id}/notes"): "helpdesk:write",
    ("POST", "/api/helpdesk/cases/{case_id}/status"): "helpdesk:write",
    ("POST", "/api/helpdesk/cases/{case_id}/assignee"): "helpdesk:write",
    ("PATCH", "/api/helpdesk/cases/{case_id}"): "helpdesk:write",
    ("POST", "/api/helpdesk/cases/{case_id}/merge"): "helpdesk:write",
    ("POST", "/api/helpdesk/cases/{case_id}/split"): "helpdesk:write",
    ("GET", "/api/helpdesk/attachments/{attachment_id}"): "helpdesk:read",
    ("PUT", "/api/helpdesk/qa/scorecards"): "helpdesk:admin",
    ("POST", "/api/helpdesk/cases/{case_id}/reviews"): "helpdesk:write",
    ("GET", "/api/helpdesk/cases/{case_id}/calibration"): "helpdesk:read",
    ("GET", "/api/helpdesk/agents/{agent}/coaching"): "helpdesk:read",
    ("POST", "/api/helpdesk/incidents"): "helpdesk:admin",
    ("POST", "/api/helpdesk/incidents/{incident_id}/notify"): "helpdesk:admin",
    ("GET", "/helpdesk"): "helpdesk:read",
    ("GET", "/helpdesk/cases/{case_id}"): "helpdesk:read",
    ("POST", "/helpdesk/cases/{case_id}/reply"): "helpdesk:write",
    ("POST", "/helpdesk/cases/{case_id}/note"): "helpdesk:write",
    ("POST", "/helpdesk/cases/{case_id}/status"): "helpdesk:write",
    ("POST", "/helpdesk/cases/{case_id}/take"): "helpdesk:write",
    ("GET", "/helpdesk/sla"): "helpdesk:read",
    ("GET", "/helpdesk/catalog"): "helpdesk:read",
    ("GET", "/helpdesk/quality"): "helpdesk:read",
    ("POST", "/helpdesk/quality/scorecards"): "helpdesk:admin",
    ("GET", "/helpdesk/cases/{case_id}/review"): "helpdesk:write",
    ("POST", "/helpdesk/cases/{case_id}/review"): "helpdesk:write",
    ("GET", "/helpdesk/incidents"): "helpdesk:read",
    ("POST", "/helpdesk/incidents"): "helpdesk:admin",
    ("POST", "/helpdesk/incidents/{incident_id}/notify"): "helpdesk:admin",
    ("POST", "/helpdesk/catalog/items"): "helpdesk:admin",
    ("POST", "/helpdesk/catalog/requests/{run_id}/decision"): "helpdesk:admin",
    ("GET", "/helpdesk/catalog/requests/{run_id}"): "helpdesk:read",
    ("GET", "/helpdesk/chat"): "helpdesk:write",
    ("GET", "/helpdesk/admin/queues"): "helpdesk:admin",
    ("POST", "/helpdesk/admin/queues"): "helpdesk:admin",
    ("GET", "/helpdesk/admin/routing"): "helpdesk:admin",
    ("POST", "/helpdesk/admin/routing"): "helpdesk:admin",
    ("POST", "/helpdesk/admin/routing/{name}/delete"): "helpdesk:admin",
    ("GET", "/helpdesk/admin/agents"): "helpdesk:admin",
    ("POST", "/helpdesk/admin/agents"): "helpdesk:admin",
    ("GET", "/helpdesk/admin/calendars"): "helpdesk:admin",
    ("POST", "/helpdesk/admin/calendars"): "helpdesk:admin",
    ("GET", "/helpdesk/admin/sla"): "helpdesk:admin",
    ("POST", "/helpdesk/admin/sla"): "helpdesk:admin",
    ("POST", "/helpdesk/admin/sla/{name}/delete"): "helpdesk:admin",
    ("GET", "/helpdesk/admin/canned"): "helpdesk:admin",
    ("POST", "/helpdesk/admin/canned"): "helpdesk:admin",
    ("POST", "/helpdesk/admin/canned/{key}/delete"): "helpdesk:admin",
    ("PUT", "/api/helpdesk/catalog/items"): "helpdesk:admin",
    ("POST", "/api/helpdesk/catalog/requests/{run_id}/decision"): "helpdesk:admin",
    ("GET", "/api/helpdesk/catalog/requests/{run_id}/audit"): "helpdesk:read",
    ("WS", "/api/helpdesk/chat/agent"): "helpdesk:write",
}

# (method, path) -> why anyone may call it
PUBLIC: dict[tuple[str, str], str] = {
    ("GET", "/"): "redirects to the home page, which checks the login",
    ("GET", "/login"): "the login form",
    ("POST", "/login"): "logging in (CSRF-checked, throttled)",
    ("POST", "/logout"): "ends the caller's own session, if any (CSRF-checked)",
    ("GET", "/healthz"): "liveness probe for the orchestrator; says only 'ok'",
    ("GET", "/readyz"): "readiness probe for the orchestrator; no personal data",
    ("GET", "/static/plotly.min.js"): "static script",
    ("MOUNT", "/static"): "static files (CSS, scripts, images)",
    ("GET", "/openapi.json"): "the API's description; no data",
    ("GET", "/docs"): "the API's documentation page; no data",
    ("GET", "/docs/oauth2-redirect"): "part of the API documentation page",
    ("MOUNT", "/docs/assets"): "the API documentation page's scripts and styles",
    ("GET", "/r/{token}"): "survey response page: the signed link is the key",
    ("POST", "/r/{token}"): "survey response page: the signed link is the key",
    ("GET", "/r/{token}/opt-out"): "survey opt-out confirmation: the signed link is the key",
    ("POST", "/r/{token}/opt-out"): "survey opt-out: the signed link is the key",
    ("POST", "/r/{token}/answers"): "survey widget answers: the signed link is the key",
    ("GET", "/r/{token}/survey.json"): "survey widget definition: the signed link is the key",
    ("GET", "/feedback/widget.js"): "the embeddable survey widget's script",
    ("GET", "/loyalty/me/{token}"): "a member's own page: the signed link is the key",
    ("GET", "/help"): "the public contact form",
    ("POST", "/help"): "the public contact form (CSRF-checked; limited per client address)",
    ("GET", "/help/catalog"): "the public self-service catalog",
    ("POST", "/help/catalog/{key}"): (
        "a visitor's self-service request, held until confirmed by mail (CSRF-checked, limited)"
    ),
    ("GET", "/help/chat"): "the public chat widget",
    ("POST", "/api/helpdesk/chat"): (
        "the chat widget starts a chat (no login; with an address, limited per client address)"
    ),
    ("POST", "/api/helpdesk/chat/offline"): (
        "the chat widget leaves a message (no login; limited per client address)"
    ),
    ("POST", "/api/helpdesk/catalog/items/{key}/requests"): (
        "the self-service portal: a visitor's request is held and only a confirmation link is"
        " mailed (limited per client and recipient); a key with helpdesk:write runs it at once"
    ),
    ("POST", "/api/helpdesk/catalog/confirmations"): (
        "confirms a held self-service request: the signed token is the key"
    ),
    (
        "GET",
        "/help/catalog/confirm/{token}",
    ): "self-service confirmation: the signed link is the key",
    ("POST", "/help/catalog/confirm/{token}"): (
        "confirms a held self-service request: the signed link is the key (CSRF-checked)"
    ),
    ("WS", "/api/helpdesk/chat/ws"): "the customer's chat socket: the chat's token is the key",
}


def _app_routes(app: FastAPI) -> Iterator[BaseRoute]:
    """Every route, through the routers FastAPI includes lazily (``_IncludedRouter``)."""
    flatten = getattr(fastapi.routing, "_iter_routes_with_context", None)
    if flatten is None:  # FastAPI before 0.165 kept a flat list
        yield from app.routes
        return
    for route, _context in flatten(app.routes):
        yield route


def _route_keys(route: object) -> Iterator[tuple[str, str]]:
    if isinstance(route, APIWebSocketRoute):
        yield ("WS", route.path)
    elif isinstance(route, Mount):
        yield ("MOUNT", route.path)
    elif isinstance(route, Route | APIRoute):
        for method in sorted((route.methods or set()) - {"HEAD"}):
            yield (method, route.path)


def _declared(dependant: Dependant) -> set[str]:
    found: set[str] = set()
    for sub in dependant.dependencies:
        if sub.call is require_page_user:
            found.add(LOGIN)
        scope = getattr(sub.call, SCOPE_ATTRIBUTE, None)
        if scope is not None:
            found.add(scope)
        found |= _declared(sub)
    return found


@pytest.fixture
def services(sqlite_engine, clock: FixedClock) -> Services:  # type: ignore[no-untyped-def]
    settings = Settings(database_url=str(sqlite_engine.url), secret_key=SECRET)
    return build(settings, clock=clock, engine=sqlite_engine)


@pytest.fixture
def app(services: Services) -> FastAPI:
    return create_app(services.settings, services=services)


def _coming_soon(route: object) -> bool:
    return isinstance(route, APIRoute) and route.name.startswith("coming_soon_")


def test_every_route_is_in_the_table_with_the_scope_it_declares(app: FastAPI) -> None:
    seen: set[tuple[str, str]] = set()
    problems = []
    for route in _app_routes(app):
        for key in _route_keys(route):
            seen.add(key)
            if _coming_soon(route):
                expected: str | None = LOGIN
            elif key in ROUTES:
                expected = ROUTES[key]
            elif key in PUBLIC:
                expected = None
            else:
                problems.append(f"{key}: not in the route table (declare its scope, add it)")
                continue
            if isinstance(route, APIRoute):
                declared = _declared(route.dependant)
                want = set() if expected is None else {expected}
                if declared - {LOGIN} and expected != LOGIN:
                    declared -= {LOGIN}
                if declared != want:
                    problems.append(f"{key}: declares {sorted(declared)}, the table says {want}")
    stale = (set(ROUTES) | set(PUBLIC)) - seen
    problems += [f"{key}: in the table but not a route of the app" for key in sorted(stale)]
    assert not problems, "\n".join(problems)


def test_the_table_names_only_real_scopes_and_every_public_route_has_a_reason() -> None:
    for scope in ROUTES.values():
        assert scope == LOGIN or re.fullmatch(r"[a-z]+:[a-z]+", scope), scope
    assert all(len(reason) > 10 for reason in PUBLIC.values())
    assert not set(ROUTES) & set(PUBLIC)


def _allowed(role: str | None, scope: str) -> bool:
    if role is None:
        return False
    return scope == LOGIN or grants_scope(role_grants(role), scope)


def _url(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "zz-missing", path)


def _client(app: FastAPI, access: AccessService, role: str | None) -> TestClient:
    client = TestClient(app, base_url="http://testserver", raise_server_exceptions=False)
    if role is None:
        nonce = "0" * 32
        client.cookies.set(CSRF_COOKIE, nonce)
    else:
        email = f"{role}@example.org"
        access.create_user(email, role=role, password=PASSWORD)
        session = decode_session(_log_in(client, email), SECRET)
        assert session is not None
        nonce = session.nonce
    client.headers[CSRF_HEADER] = csrf_token(nonce, SECRET)
    return client


def _log_in(client: TestClient, email: str) -> str:
    page = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', page)
    assert token
    r = client.post(
        "/login",
        data={"email": email, "password": PASSWORD, "next": "/data", "csrf_token": token[1]},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return r.cookies.get(SESSION_COOKIE) or client.cookies[SESSION_COOKIE]


def _refused(r: Response, path: str, role: str | None) -> bool:
    status = r.status_code
    location = r.headers.get("location", "")
    if role is None and not path.startswith("/api/") and status == 303:
        return location.startswith("/login?next=")
    return status in (401, 403) if role is None else status == 403


def _asks_for_credentials(r: Response) -> bool:
    """A login, a key or a scope asked for (a public link with a bad signature may say 403)."""
    if r.status_code == 401 or "/login?next" in r.headers.get("location", ""):
        return True
    return r.status_code == 403 and ("scope" in r.text or "does not grant" in r.text)


@pytest.mark.parametrize("role", [*ROLES, None], ids=[*ROLES, "anonymous"])
def test_every_route_answers_each_role_as_the_table_says(
    app: FastAPI, services: Services, role: str | None
) -> None:
    access = AccessService(services.engine, services.clock)
    wrong = []
    with _client(app, access, role) as client:
        for (method, path), _reason in PUBLIC.items():
            if method in ("GET", "POST") and not path.startswith("/logout"):
                r = client.request(method, _url(path), follow_redirects=False)
                if _asks_for_credentials(r):
                    wrong.append(f"{method} {path} (public) as {role}: {r.status_code}")
        # the routes that end the session go last
        order = sorted(ROUTES.items(), key=lambda item: item[0][1].startswith("/logout"))
        for (method, path), scope in order:
            if method == "WS":
                continue  # test_the_agent_chat_socket_needs_helpdesk_write
            r = client.request(method, _url(path), follow_redirects=False)
            if _refused(r, path, role) == _allowed(role, scope):
                wrong.append(f"{method} {path} as {role}: {r.status_code} (needs {scope})")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("role", [*ROLES, None], ids=[*ROLES, "anonymous"])
def test_the_agent_chat_socket_needs_helpdesk_write(
    app: FastAPI, services: Services, role: str | None
) -> None:
    access = AccessService(services.engine, services.clock)
    allowed = _allowed(role, "helpdesk:write")
    with _client(app, access, role) as client:
        headers = {"origin": "http://testserver"}
        if allowed:
            with client.websocket_connect("/api/helpdesk/chat/agent", headers=headers) as ws:
                assert ws.receive_json()["type"] == "chats"
        else:
            socket = client.websocket_connect("/api/helpdesk/chat/agent", headers=headers)
            with pytest.raises(WebSocketDisconnect) as refused, socket as ws:
                ws.receive_json()
            assert refused.value.code == 4403
