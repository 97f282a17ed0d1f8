"""An OpenCX app on a real store, users of each role, and a few probe routes for auth and errors."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Annotated

import pytest
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy.engine import Engine

from opencx.access.service import AccessService
from opencx.app import Services, build, create_app
from opencx.core import Conflict, FixedClock, InvalidInput, NotFound, PermissionDenied
from opencx.settings import Settings
from opencx.web import Principal, render, require_csrf, require_page_scope, require_scope

PASSWORD = "correct-horse-9"
SECRET = "test-secret-key"

probe = APIRouter()


@probe.get("/api/probe/customers")
def read_customers(p: Annotated[Principal, Depends(require_scope("customers:read"))]) -> dict:
    return {"kind": p.kind, "name": p.name, "role": p.role}


@probe.post("/api/probe/customers")
def write_customers(p: Annotated[Principal, Depends(require_scope("customers:write"))]) -> dict:
    return {"kind": p.kind}


@probe.get("/api/probe/metrics")
def read_metrics(p: Annotated[Principal, Depends(require_scope("metrics:read"))]) -> dict:
    return {"kind": p.kind}


ERRORS = {
    "invalid": InvalidInput("orders.csv:3: column 'placed_at' value '<b>x</b>': not a date"),
    "missing": NotFound("customer 'c9' does not exist"),
    "conflict": Conflict("user 'a@example.org' already exists"),
    "denied": PermissionDenied("your role does not grant 'customers:erase'"),
}


@probe.get("/api/probe/error/{name}")
def api_error(name: str) -> dict:
    raise ERRORS[name]


@probe.get("/probe/error/{name}", response_class=HTMLResponse)
def page_error(name: str) -> HTMLResponse:
    raise ERRORS[name]


@probe.get("/probe/erase", response_class=HTMLResponse)
def erase_page(
    request: Request, user: Annotated[Principal, Depends(require_page_scope("customers:erase"))]
) -> HTMLResponse:
    return render(request, "coming_soon.html", item={"label": "Erase", "blurb": "erasure"})


@probe.post("/probe/form", dependencies=[Depends(require_csrf)])
def form_post() -> dict:
    return {"ok": True}


@pytest.fixture
def services(engine: Engine, clock: FixedClock) -> Services:
    settings = Settings(database_url=str(engine.url), secret_key=SECRET)
    return build(settings, clock=clock, engine=engine)


@pytest.fixture
def access(services: Services) -> AccessService:
    return AccessService(services.engine, services.clock)


@pytest.fixture
def users(access: AccessService) -> dict[str, str]:
    """One user per role; returns role -> email."""
    emails = {}
    for role in ("admin", "analyst", "agent"):
        email = f"{role}@example.org"
        access.create_user(email, role=role, password=PASSWORD, name=f"{role.title()} User")
        emails[role] = email
    return emails


@pytest.fixture
def app(services: Services) -> FastAPI:
    app = create_app(services.settings, services=services)
    app.include_router(probe)
    return app


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="http://testserver") as c:
        yield c


CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def _csrf_from(html: str) -> str:
    found = CSRF.search(html)
    assert found, "page has no CSRF field"
    return found.group(1)


@pytest.fixture
def csrf_from() -> Callable[[str], str]:
    """Reads the CSRF token out of a page's form."""
    return _csrf_from


@pytest.fixture
def log_in(client: TestClient) -> Callable[..., Response]:
    """Logs ``client`` in through the login form; returns the POST's response."""

    def go(email: str, password: str = PASSWORD, next: str = "/data") -> Response:
        token = _csrf_from(client.get("/login").text)
        return client.post(
            "/login",
            data={"email": email, "password": password, "next": next, "csrf_token": token},
            follow_redirects=False,
        )

    return go
