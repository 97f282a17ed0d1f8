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

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request, Response
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from opencx.access.domain import User, check_scope, grants_scope, role_grants
from opencx.access.domain.throttle import Client, account_key
from opencx.access.service import AccessService
from opencx.core import PermissionDenied
from opencx.core.services import service_of
from opencx.web.session import (
    CSRF_COOKIE,
    CSRF_FIELD,
    CSRF_HEADER,
    DEVICE_COOKIE,
    DEVICE_SECONDS,
    SESSION_COOKIE,
    Device,
    Session,
    csrf_token,
    csrf_valid,
    decode_device,
    decode_session,
    encode_device,
    encode_session,
    new_nonce,
)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# the scope a dependency made by require_scope / require_page_scope checks, for the route table
# test (tests/web/test_route_access.py) to read every route's declared scope
SCOPE_ATTRIBUTE = "opencx_scope"
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
    """The application's access use cases (with its session and throttling settings)."""
    return service_of(request.app.state.services, "access", AccessService)


def client_ip(request: Request) -> str:
    """The caller's address (uvicorn already applied X-Forwarded-For from trusted proxies)."""
    return request.client.host if request.client else "unknown"


def secret_key(request: Request) -> str:
    return str(request.app.state.services.settings.secret_key)


def secure_cookies(request: Request) -> bool:
    """Session cookies only over HTTPS (``OPENCX_COOKIE_SECURE``; on by default in production)."""
    return bool(request.app.state.services.settings.secure_cookies)


# --- sessions ------------------------------------------------------------------------------


def current_session(request: Request) -> Session | None:
    """The session cookie of this request, if its signature holds (not yet checked in the
    store: :func:`current_user` does that)."""
    raw = request.cookies.get(SESSION_COOKIE)
    if not raw:
        return None
    return decode_session(raw, secret_key(request))


def user_principal(user: User) -> Principal:
    return Principal("user", user.id, user.name or user.email, user.role, role_grants(user.role))


def current_user(request: Request) -> Principal | None:
    """The logged-in user: the session is looked up in the store once per request (one indexed
    read joined with its user), so a session ended by logout, by the user or an admin, idle or
    past its age, or of a user disabled since, is refused at once."""
    found = getattr(request.state, "principal", _UNKNOWN)
    if found is not _UNKNOWN:
        return found if isinstance(found, Principal) and found.kind == "user" else None
    cookie = current_session(request)
    opened = access_service(request).session_user(cookie.token) if cookie else None
    principal = user_principal(opened[1]) if opened is not None else None
    request.state.principal = principal
    request.state.session_id = opened[0].id if opened is not None else None
    return principal


def login_client(request: Request, email: str) -> Client:
    """Who is trying to log in as ``email``: the address, and the device id if this browser
    holds a device cookie for that account."""
    raw = request.cookies.get(DEVICE_COOKIE)
    device = decode_device(raw, secret_key(request)) if raw else None
    known = device is not None and device.account == account_key(email)
    return Client(client_ip(request), device.id if known and device else None)


def start_session(request: Request, response: Response, user: User) -> None:
    """Log ``user`` in: open a session in the store, set its signed cookie (httponly,
    SameSite=Lax) and the device cookie that exempts this browser from throttling aimed at the
    account from elsewhere."""
    access = access_service(request)
    _, token = access.start_session(
        user, ip=client_ip(request), user_agent=request.headers.get("user-agent")
    )
    secure = request.url.scheme == "https" or secure_cookies(request)
    response.set_cookie(
        SESSION_COOKIE,
        encode_session(Session(token, new_nonce()), secret_key(request)),
        max_age=int(access.sessions.max_age.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/",
    )
    device = Device(account_key(user.email), new_nonce())
    response.set_cookie(
        DEVICE_COOKIE,
        encode_device(device, secret_key(request)),
        max_age=DEVICE_SECONDS,
        httponly=True,
        samesite="lax",
        secure=secure,
        path="/login",
    )
    response.delete_cookie(CSRF_COOKIE, path="/")


def end_session(request: Request, response: Response) -> None:
    """Log out: the session ends in the store (a copy of the cookie is refused from now on)
    and the browser forgets its cookie."""
    cookie = current_session(request)
    if cookie is not None:
        access_service(request).end_session_by_token(cookie.token)
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
    setattr(dependency, SCOPE_ATTRIBUTE, scope)
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

    setattr(dependency, SCOPE_ATTRIBUTE, scope)
    return dependency


def safe_next(value: str | None) -> str:
    """A redirect target after login: only a path on this site, never another host."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return "/"
    return value
