"""Domain errors to HTTP, in one table: a JSON problem for the API, an HTML page for pages.

API answers follow RFC 9457 (``application/problem+json`` with ``title``, ``status`` and
``detail``); everything under ``/api`` is API, everything else a page. A write that waited out
SQLite's busy timeout behind another writer (an import holds the store's write lock for its
whole transaction) gets 503 with a ``Retry-After`` and a sentence naming the cause, not a bare
500.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

import sqlalchemy.exc
from fastapi import FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from opencx.core import Conflict, InvalidInput, NotFound, OpenCXError, PermissionDenied
from opencx.db.engine import LOCK_STATES
from opencx.web.auth import LoginRequired, login_url
from opencx.web.render import render

ERROR_STATUS: dict[type[OpenCXError], int] = {
    InvalidInput: 422,
    NotFound: 404,
    Conflict: 409,
    PermissionDenied: 403,
}


def status_for(exc: OpenCXError) -> int:
    """The HTTP status of a domain error (its nearest class in :data:`ERROR_STATUS`; else 400)."""
    for cls in type(exc).__mro__:
        if cls in ERROR_STATUS:
            return ERROR_STATUS[cls]
    return 400


def is_api(request: Request) -> bool:
    path = request.url.path
    return path == "/api" or path.startswith("/api/")


def problem(status: int, detail: Any, headers: dict[str, str] | None = None) -> JSONResponse:
    body = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    return JSONResponse(
        body, status_code=status, headers=headers, media_type="application/problem+json"
    )


def error_page(request: Request, status: int, detail: str) -> Response:
    return render(
        request,
        "error.html",
        status_code=status,
        status=status,
        title=HTTPStatus(status).phrase,
        detail=detail,
    )


def _domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, OpenCXError)
    status = status_for(exc)
    return problem(status, str(exc)) if is_api(request) else error_page(request, status, str(exc))


def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers) if exc.headers else None
    if is_api(request) or exc.status_code < 400:
        return problem(exc.status_code, exc.detail, headers)
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"there is no page at {request.url.path}"
    return error_page(request, exc.status_code, detail)


PLACES = {"query": "query parameter", "path": "path", "body": "form field", "header": "header"}


def validation_detail(exc: RequestValidationError) -> str:
    """One line per bad field, naming where it came from, what was wrong and what was sent:
    ``query parameter limit: Input should be a valid integer (got 'abc')``."""
    lines = []
    for error in exc.errors():
        where, *field = [str(part) for part in error.get("loc", ())] or ["request"]
        kind = PLACES.get(where, where)
        place = f"{kind} {'.'.join(field)}" if field else kind
        got = f" (got {error['input']!r})" if isinstance(error.get("input"), str | int) else ""
        lines.append(f"{place}: {error.get('msg', 'invalid')}{got}")
    return "; ".join(lines)


async def _validation_error(request: Request, exc: Exception) -> Response:
    """Pages answer a bad query or form value with the error page; the API keeps FastAPI's
    JSON (its ``detail`` list is what API clients parse)."""
    assert isinstance(exc, RequestValidationError)
    if is_api(request):
        return await request_validation_exception_handler(request, exc)
    return error_page(request, 422, validation_detail(exc))


async def json_invalid(request: Request, exc: json.JSONDecodeError) -> Response:
    """A body refused before a route read it, answered as FastAPI answers a body ``json``
    cannot read: 422, ``json_invalid`` at its position, the reason in ``ctx.error``."""
    error = {
        "type": "json_invalid",
        "loc": ("body", exc.pos),
        "msg": "JSON decode error",
        "input": {},
        "ctx": {"error": exc.msg},
    }
    return await _validation_error(request, RequestValidationError([error], body=exc.doc))


def _login_required(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, LoginRequired)
    return RedirectResponse(login_url(exc.next_url), status_code=303)


STORE_BUSY = (
    "the store is busy: another write holds SQLite's write lock (an import holds it until it"
    " ends) and this change waited 30 s for it; nothing was saved. Try again once the import"
    " has finished; on PostgreSQL writes go on beside an import"
)
RETRY_AFTER = "30"
TABLES_LOCKED = (
    "the store is busy: a table this request needs is locked (a first import into an empty"
    " store locks its order tables, and customers when it creates the first ones, until it"
    " ends: docs/operations.md) and this request waited {timeout:g} s for it"
    " (OPENCX_REQUEST_LOCK_TIMEOUT_SECONDS); nothing was saved. Try again once the import has"
    " finished"
)
DEADLOCK = (
    "the store is busy: this request and another each waited for a lock the other held, and"
    " PostgreSQL ended this one to let the other go on; nothing was saved. Try again"
)


def _store_busy(request: Request, exc: Exception) -> Response:
    """SQLite's ``database is locked`` once the busy timeout ran out, or a PostgreSQL lock the
    request could not get (``db.engine.LOCK_STATES``): 503, said plainly; any other
    operational error is left to the server's 500 (re-raised)."""
    assert isinstance(exc, sqlalchemy.exc.OperationalError)
    state = getattr(exc.orig, "sqlstate", None)
    if state == "40P01":  # deadlock_detected
        detail = DEADLOCK
    elif state in LOCK_STATES:  # lock_not_available: the request's lock_timeout ran out
        detail = TABLES_LOCKED.format(timeout=getattr(request.app.state, "lock_timeout", 0))
    elif "database is locked" in str(exc.orig):
        detail = STORE_BUSY
    else:
        raise exc
    headers = {"Retry-After": RETRY_AFTER}
    if is_api(request):
        return problem(503, detail, headers)
    page = error_page(request, 503, detail)
    page.headers.update(headers)
    return page


def install_error_handlers(app: FastAPI) -> None:
    """Map domain errors, HTTP errors, a busy store and login redirects for every route of
    ``app``."""
    app.add_exception_handler(OpenCXError, _domain_error)
    app.add_exception_handler(sqlalchemy.exc.OperationalError, _store_busy)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(LoginRequired, _login_required)
