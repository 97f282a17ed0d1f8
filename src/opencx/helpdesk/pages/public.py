"""Public pages (no login): the contact form at ``/help`` (opens a ``web`` case), the chat
widget, and the self-service catalog with its mailed confirmation links. Anonymous visitors are
limited per client network (429 with ``Retry-After``); signed-in staff who may work cases are
not."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from opencx.core import NotFound, OpenCXError
from opencx.helpdesk.deps import HelpdeskServiceDep as Service
from opencx.helpdesk.domain.chat import MAX_MESSAGE
from opencx.helpdesk.domain.limits import LinkExpired, TooManyRequests
from opencx.helpdesk.pages.roles import CSRF
from opencx.helpdesk.service import HelpdeskService, OpenCase
from opencx.web import render
from opencx.web.auth import client_ip, current_user

router = APIRouter(tags=["pages"], include_in_schema=False)


@router.get("/help", response_class=HTMLResponse)
def contact_form(request: Request) -> HTMLResponse:
    """Public: anyone may ask for help (no login)."""
    return render(request, "helpdesk/contact.html", sent=None, error=None)


@router.post("/help", response_class=HTMLResponse, dependencies=CSRF)
def contact_submit(
    request: Request,
    service: Service,
    email: Annotated[str, Form()],
    subject: Annotated[str, Form()],
    message: Annotated[str, Form()],
    name: Annotated[str, Form()] = "",
) -> HTMLResponse:
    """Public: opens a ``web`` case for the sender (found or created by email address).
    Visitors are limited per client address (429 with ``Retry-After``); signed-in staff who
    may work cases are not."""
    cmd = OpenCase(channel="web", subject=subject, body=message, email=email, name=name or None)
    user = current_user(request)
    client = None if user is not None and user.allows("helpdesk:write") else client_ip(request)
    try:
        case = service.open_case(cmd, client=client)
    except TooManyRequests as exc:
        return render(
            request,
            "helpdesk/contact.html",
            sent=None,
            error=str(exc),
            status_code=429,
            headers={"Retry-After": str(exc.seconds)},
        )
    except OpenCXError as exc:
        return render(request, "helpdesk/contact.html", sent=None, error=str(exc), status_code=422)
    return render(request, "helpdesk/contact.html", sent=case.id, error=None)


@router.get("/help/chat", response_class=HTMLResponse)
def chat_widget(request: Request) -> HTMLResponse:
    """Public: the customer's live-chat widget (falls back to a message by email when offline)."""
    return render(request, "helpdesk/chat_widget.html", max_message=MAX_MESSAGE)


@router.get("/help/catalog", response_class=HTMLResponse)
def self_service(request: Request, service: Service) -> HTMLResponse:
    """Public: what a customer can get done without waiting for an agent."""
    return render(
        request, "helpdesk/self_service.html", items=service.catalog_items(), done=None, held=None
    )


@router.post("/help/catalog/{key}", response_class=HTMLResponse, dependencies=CSRF)
async def self_service_submit(request: Request, key: str, service: Service) -> HTMLResponse:
    """Public: a visitor's request is held and a confirmation link mailed to the address given
    (nothing else is sent until it is followed); a signed-in agent's runs at once."""
    form = await request.form()
    given = {k: str(v) for k, v in form.items()}
    return await run_in_threadpool(_self_service_run, request, service, key, given)


def _self_service_run(
    request: Request, service: HelpdeskService, key: str, form: dict[str, str]
) -> HTMLResponse:
    item = service.catalog_item(key)
    email = form.get("email", "").strip() or None
    values = {f.name: form.get(f"field:{f.name}", "") for f in item.fields}
    user = current_user(request)
    done: dict[str, Any] = {"done": None, "held": None}
    try:
        if user is not None and user.allows("helpdesk:write"):  # staff vouch for the address
            done["done"] = (item, service.submit_request(key, email, values))
        else:
            done["held"] = (item, service.hold_request(key, email, values, client_ip(request)))
    except TooManyRequests as exc:
        return _self_service_error(
            request, service, key, exc, 429, {"Retry-After": str(exc.seconds)}
        )
    except OpenCXError as exc:
        return _self_service_error(request, service, key, exc, 422)
    return render(request, "helpdesk/self_service.html", items=service.catalog_items(), **done)


def _self_service_error(
    request: Request,
    service: HelpdeskService,
    key: str,
    exc: OpenCXError,
    status: int,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    return render(
        request,
        "helpdesk/self_service.html",
        status_code=status,
        headers=headers,
        items=service.catalog_items(),
        done=None,
        held=None,
        error=(key, str(exc)),
    )


def _confirm_page(
    request: Request, service: HelpdeskService, token: str, run: Any = None
) -> HTMLResponse:
    try:
        item, row = service.held_request(token)
    except LinkExpired as exc:
        return render(request, "helpdesk/catalog_confirm.html", status_code=410, error=str(exc))
    except OpenCXError as exc:
        status = 404 if isinstance(exc, NotFound) else 422
        return render(request, "helpdesk/catalog_confirm.html", status_code=status, error=str(exc))
    return render(
        request,
        "helpdesk/catalog_confirm.html",
        item=item,
        form=dict(row.form),
        token=token,
        run=run if run is not None else (row if hasattr(row, "status") else None),
        error=None,
    )


@router.get("/help/catalog/confirm/{token}", response_class=HTMLResponse)
def self_service_confirm_page(request: Request, token: str, service: Service) -> HTMLResponse:
    """Public: the mailed link shows what it confirms and one button (a mail scanner that
    merely opens the link confirms nothing); the signed token is the key."""
    return _confirm_page(request, service, token)


@router.post("/help/catalog/confirm/{token}", response_class=HTMLResponse, dependencies=CSRF)
def self_service_confirm(request: Request, token: str, service: Service) -> HTMLResponse:
    """Public: confirming makes the held request real; it runs (or waits for approval)."""
    try:
        run = service.confirm_request(token)
    except OpenCXError:
        return _confirm_page(request, service, token)
    return _confirm_page(request, service, token, run)
