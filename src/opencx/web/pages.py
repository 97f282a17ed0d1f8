"""The shell's own pages: home, login and logout, "coming soon" for slices not built yet."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, FastAPI, Form, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from fastapi.routing import APIRoute

from opencx.web.auth import (
    Principal,
    access_service,
    current_user,
    end_session,
    login_client,
    require_csrf,
    require_page_user,
    safe_next,
    start_session,
)
from opencx.web.layout import NAV, NavItem
from opencx.web.render import render

router = APIRouter(include_in_schema=False)

HOME = "/data"
LOGIN_REFUSED = "Email or password is wrong."


def plotly_js_path() -> Path:
    """plotly.min.js inside the installed plotly wheel (served offline, no CDN)."""
    return Path(str(files("plotly") / "package_data" / "plotly.min.js"))


@router.get("/")
def home() -> RedirectResponse:
    return RedirectResponse(HOME, status_code=303)


@router.get("/static/plotly.min.js")
def plotly_js() -> FileResponse:
    return FileResponse(
        plotly_js_path(),
        media_type="text/javascript",
        headers={"Cache-Control": "public, max-age=86400"},
    )


@router.get("/login")
def login_form(request: Request, next: str = HOME) -> Response:
    if current_user(request) is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "login.html", next=safe_next(next), email="", error=None)


@router.post("/login", dependencies=[Depends(require_csrf)])
def login(
    request: Request,
    email: Annotated[str, Form()],
    password: Annotated[str, Form()],
    next: Annotated[str, Form()] = HOME,
) -> Response:
    result = access_service(request).login(email, password, login_client(request, email))
    if result.user is None:
        refusal = result.refusal
        response = render(
            request,
            "login.html",
            status_code=401 if refusal is None else 429,
            next=safe_next(next),
            email=email,
            error=LOGIN_REFUSED if refusal is None else throttled_message(refusal.seconds),
        )
        if refusal is not None:
            response.headers["Retry-After"] = str(refusal.seconds)
        return response
    redirect = RedirectResponse(safe_next(next), status_code=303)
    start_session(request, redirect, result.user)
    return redirect


def throttled_message(seconds: int) -> str:
    if seconds < 120:
        wait = f"{seconds} second{'' if seconds == 1 else 's'}"
    else:
        wait = f"{-(-seconds // 60)} minutes"
    return (
        f"Too many failed attempts: try again in {wait}. A browser you signed in with before "
        "is not slowed down by attempts made elsewhere; an admin can lift the limit."
    )


@router.post("/logout", dependencies=[Depends(require_csrf)])
def logout(request: Request) -> RedirectResponse:
    """End this session on the server (a copy of its cookie is refused from now on)."""
    response = RedirectResponse("/login", status_code=303)
    end_session(request, response)
    return response


@router.post("/logout/everywhere", dependencies=[Depends(require_csrf)])
def logout_everywhere(
    request: Request, user: Annotated[Principal, Depends(require_page_user)]
) -> RedirectResponse:
    """End this user's sessions on every browser and device, this one included."""
    access_service(request).end_sessions(user.id)
    response = RedirectResponse("/login", status_code=303)
    end_session(request, response)
    return response


def _coming_soon_route(item: NavItem) -> APIRoute:
    def page(request: Request, user: Annotated[Principal, Depends(require_page_user)]) -> Response:
        return render(request, "coming_soon.html", item=item)

    return APIRoute(
        item.href,
        page,
        methods=["GET"],
        include_in_schema=False,
        name=f"coming_soon_{item.href.strip('/')}",
    )


def add_coming_soon(app: FastAPI) -> None:
    """Give every navigation entry without a page of its own a "coming soon" page."""
    taken = {
        route.path
        for route in app.router.routes
        if isinstance(route, APIRoute) and "GET" in (route.methods or ())
    }
    for item in NAV:
        if item.href not in taken:
            app.router.routes.append(_coming_soon_route(item))
