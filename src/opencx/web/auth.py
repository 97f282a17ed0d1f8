"""Authentication and authorisation for routes and pages.

Routes declare what they need with ``Depends(require_scope("customers:read"))``; the dependency
accepts an API key with that scope (``Authorization: Bearer <key>`` or ``X-API-Key: <key>``) or
a logged-in user whose role grants it, and answers 401 without credentials and 403 without the
scope. It returns the :class:`Principal`.

Pages use ``Depends(require_page_user)`` (redirects to ``/login?next=...`` when not logged in) or
``Depends(require_page_scope("customers:erase"))``; page forms that POST carry the hidden field
``csrf_token`` (``{{ csrf_field }}`` in a template) and the route adds ``Depends(require_csrf)``.
A browser calling the API with its session cookie sends the token in ``X-CSRF-Token`` for any
method other than GET/HEAD/OPTIONS.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request, Response
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from opencx.access.domain import User, check_scope, grants_scope, role_grants
from opencx.access.service import AccessService
from opencx.core import PermissionDenied
from opencx.web.session import (
    CSRF_COOKIE,
    CSRF_FIELD,
    CSRF_HEADER,
    SESSION_COOKIE,
    SESSION_SECONDS,
    Session,
    csrf_token,
    csrf_valid,
    decode_session,
    encode_session,
    microseconds,
    new_nonce,
)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_UNKNOWN = object()

_bearer = HTTPBearer(auto_error=False, description="An OpenCX API key: `ocx_<prefix>_<secret>`")
_api_key_header = APIKeyHeader(name="X-API-Key", auto_error=False)


@dataclass(frozen=True, slots=True)
class Principal:
    kind: str  # "user" or "api_key"
    id: str
    name: str
    role: str | None
    scopes: frozenset[str]

    def allows(self, scope: str) -> bool:
        return grants_scope(self.scopes, scope)


class LoginRequired(Exception):
    """Raised by page dependencies; answered with a redirect to the login page."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


def access_service(request: Request) -> AccessService:
    services = request.app.state.services
    return AccessService(services.engine, services.clock)


def secret_key(request: Request) -> str:
    return str(request.app.state.services.settings.secret_key)


# --- sessions ------------------------------------------------------------------------------


def current_session(request: Request) -> Session | None:
    """The valid session of this request, if any (signature and expiry checked)."""
    raw = request.cookies.get(SESSION_COOKIE)
    if not raw:
        return None
    return decode_session(raw, secret_key(request), now=time.time())


def user_principal(user: User) -> Principal:
    return Principal("user", user.id, user.name or user.email, user.role, role_grants(user.role))


def current_user(request: Request) -> Principal | None:
    """The logged-in user (looked up once per request, so a deleted or disabled user, or one
    signed out everywhere since this session began, is logged out at once)."""
    found = getattr(request.state, "principal", _UNKNOWN)
    if found is not _UNKNOWN:
        return found if isinstance(found, Principal) and found.kind == "user" else None
    session = current_session(request)
    user = access_service(request).get_user(session.user_id) if session else None
    if user is not None and session is not None and not user.accepts_session(session.issued_at):
        user = None  # disabled, or the session was issued before a sign-out everywhere
    principal = user_principal(user) if user is not None else None
    request.state.principal = principal
    return principal


def start_session(request: Request, response: Response, user: User) -> None:
    """Log ``user`` in: set the signed session cookie (httponly, SameSite=Lax)."""
    issued = microseconds(request.app.state.services.clock.now())
    session = Session(user.id, int(time.time()) + SESSION_SECONDS, new_nonce(), issued)
    response.set_cookie(
        SESSION_COOKIE,
        encode_session(session, secret_key(request)),
        max_age=SESSION_SECONDS,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
    response.delete_cookie(CSRF_COOKIE, path="/")


def end_session(response: Response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")


# --- CSRF ----------------------------------------------------------------------------------


def _csrf_nonce(request: Request) -> str | None:
    session = current_session(request)
    return session.nonce if session else request.cookies.get(CSRF_COOKIE)


def csrf_token_for(request: Request) -> str:
    """The CSRF token to put in this page's forms (mints a pre-login nonce when needed)."""
    nonce = _csrf_nonce(request) or getattr(request.state, "new_csrf_nonce", None)
    if nonce is None:
        nonce = new_nonce()
        request.state.new_csrf_nonce = nonce  # render() sets the cookie on the response
    return csrf_token(nonce, secret_key(request))


async def _csrf_ok(request: Request) -> bool:
    token = request.headers.get(CSRF_HEADER)
    content_type = request.headers.get("content-type", "")
    if token is None and content_type.startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        value = (await request.form()).get(CSRF_FIELD)
        token = value if isinstance(value, str) else None
    return csrf_valid(token, _csrf_nonce(request), secret_key(request))


async def require_csrf(request: Request) -> None:
    """Dependency for page POST routes: the form's ``csrf_token`` must match the session."""
    if request.method not in SAFE_METHODS and not await _csrf_ok(request):
        raise PermissionDenied("form expired or forged (CSRF token missing or wrong): reload")


# --- API -----------------------------------------------------------------------------------


def _presented_key(bearer: HTTPAuthorizationCredentials | None, header: str | None) -> str | None:
    if bearer is not None and bearer.scheme.lower() == "bearer":
        return bearer.credentials.strip()
    return header.strip() if header else None


def _unauthorised(detail: str) -> HTTPException:
    return HTTPException(401, detail, headers={"WWW-Authenticate": "Bearer"})


def require_scope(scope: str) -> Callable[..., Awaitable[Principal]]:
    """Dependency factory: the caller must hold ``scope`` (an API key or a logged-in user)."""
    check_scope(scope)

    async def dependency(
        request: Request,
        bearer: HTTPAuthorizationCredentials | None = Depends(_bearer),
        header: str | None = Depends(_api_key_header),
    ) -> Principal:
        token = _presented_key(bearer, header)
        if token is not None:
            key = await run_in_threadpool(access_service(request).active_key, token)
            if key is None:
                raise _unauthorised("API key unknown or revoked")
            principal = Principal("api_key", key.id, key.name, None, frozenset(key.scopes))
        else:
            user = await run_in_threadpool(current_user, request)
            if user is None:
                raise _unauthorised("authentication required: send an API key or log in")
            if request.method not in SAFE_METHODS and not await _csrf_ok(request):
                raise HTTPException(403, "CSRF token missing or wrong (send X-CSRF-Token)")
            principal = user
        if not principal.allows(scope):
            raise HTTPException(403, f"scope {scope!r} required")
        request.state.principal = principal
        return principal

    dependency.__name__ = f"require_scope_{scope.replace(':', '_').replace('*', 'all')}"
    return dependency


# --- pages ---------------------------------------------------------------------------------


def _here(request: Request) -> str:
    query = request.url.query
    return request.url.path + (f"?{query}" if query else "")


def login_url(next_url: str) -> str:
    return "/login?next=" + quote(next_url, safe="/")


def require_page_user(request: Request) -> Principal:
    """Dependency for pages: the logged-in user, or a redirect to the login page."""
    user = current_user(request)
    if user is None:
        raise LoginRequired(_here(request))
    return user


def require_page_scope(scope: str) -> Callable[[Request], Principal]:
    """Dependency factory for pages that need more than a login (e.g. ``customers:erase``)."""
    check_scope(scope)

    def dependency(request: Request) -> Principal:
        user = require_page_user(request)
        if not user.allows(scope):
            raise PermissionDenied(f"your role ({user.role}) does not grant {scope!r}")
        return user

    return dependency


def safe_next(value: str | None) -> str:
    """A redirect target after login: only a path on this site, never another host."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return "/"
    return value
