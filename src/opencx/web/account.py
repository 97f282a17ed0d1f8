"""Sessions pages: each user sees and ends their own sessions; an admin sees and ends anyone's.

``/account/sessions`` (any signed-in user) lists the user's open sessions (started, last seen,
address, browser, which one is this) with a button to end each, and "log out everywhere";
``/admin/sessions`` (scope ``users:admin``) lists every open session of every user.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from opencx.web.auth import (
    Principal,
    access_service,
    require_csrf,
    require_page_scope,
    require_page_user,
)
from opencx.web.render import render

router = APIRouter(include_in_schema=False)
Admin = Annotated[Principal, Depends(require_page_scope("users:admin"))]
Someone = Annotated[Principal, Depends(require_page_user)]


@router.get("/account/sessions", response_class=HTMLResponse)
def my_sessions(request: Request, user: Someone, ended: int = 0) -> HTMLResponse:
    access = access_service(request)
    return render(
        request,
        "sessions.html",
        sessions=access.open_sessions(user.id),
        policy=access.sessions,
        current=getattr(request.state, "session_id", None),
        everyone=False,
        ended=bool(ended),
    )


@router.post("/account/sessions/{session_id}/end", dependencies=[Depends(require_csrf)])
def end_my_session(request: Request, session_id: str, user: Someone) -> RedirectResponse:
    """End one of the user's own sessions (another user's id is 404, as if it did not exist)."""
    access_service(request).end_session(session_id, user_id=user.id)
    target = "/login" if session_id == getattr(request.state, "session_id", None) else ""
    return RedirectResponse(target or "/account/sessions?ended=1", status_code=303)


@router.get("/admin/sessions", response_class=HTMLResponse)
def all_sessions(request: Request, user: Admin, ended: int = 0) -> HTMLResponse:
    access = access_service(request)
    return render(
        request,
        "sessions.html",
        sessions=access.open_sessions(),
        policy=access.sessions,
        current=getattr(request.state, "session_id", None),
        everyone=True,
        ended=bool(ended),
    )


@router.post("/admin/sessions/{session_id}/end", dependencies=[Depends(require_csrf)])
def end_any_session(request: Request, session_id: str, user: Admin) -> RedirectResponse:
    access_service(request).end_session(session_id)
    return RedirectResponse("/admin/sessions?ended=1", status_code=303)
