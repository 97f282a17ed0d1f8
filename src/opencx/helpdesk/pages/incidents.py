"""Proactive incidents: declare one (its window, what it touched, the message and the
compensation; ``helpdesk:admin``) and notify every affected customer in one audited action."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from opencx.core import InvalidInput, ensure_utc
from opencx.helpdesk.deps import HelpdeskServiceDep as Service
from opencx.helpdesk.pages.roles import CSRF, Admin, Reader, staff_email
from opencx.web import Principal, render

router = APIRouter(tags=["pages"], include_in_schema=False)


def _incidents_page(
    request: Request,
    service: Service,
    user: Principal,
    *,
    error: str | None = None,
    notified: Any = None,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "helpdesk/incidents.html",
        status_code=status_code,
        incidents=service.incident_list(),
        can_write=user.allows("helpdesk:admin"),
        error=error,
        notified=notified,
    )


@router.get("/helpdesk/incidents", response_class=HTMLResponse)
def incidents_page(request: Request, service: Service, user: Reader) -> HTMLResponse:
    """Declared incidents, and a form to declare one (its window, what it touched, the message
    and the compensation)."""
    return _incidents_page(request, service, user)


@router.post("/helpdesk/incidents", response_class=HTMLResponse, dependencies=CSRF)
def declare_incident(
    request: Request,
    service: Service,
    user: Admin,
    title: Annotated[str, Form(max_length=300)],
    starts_at: Annotated[datetime, Form()],
    ends_at: Annotated[datetime, Form()],
    message: Annotated[str, Form()],
    products: Annotated[str, Form()] = "",
    regions: Annotated[str, Form()] = "",
    points: Annotated[int, Form(ge=0, le=1_000_000)] = 0,
    voucher_prefix: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    def listed(text: str) -> frozenset[str]:
        return frozenset(p.strip() for p in text.replace("\n", ",").split(",") if p.strip())

    try:
        service.declare_incident(
            title=title.strip(),
            starts_at=ensure_utc(starts_at),
            ends_at=ensure_utc(ends_at),
            products=listed(products),
            regions=frozenset(r.upper() for r in listed(regions)),
            message=message,
            points=points,
            voucher_prefix=voucher_prefix.strip() or None,
            by=staff_email(request, user),
        )
    except InvalidInput as exc:
        return _incidents_page(request, service, user, error=str(exc), status_code=422)
    return RedirectResponse("/helpdesk/incidents", status_code=303)


@router.post(
    "/helpdesk/incidents/{incident_id}/notify", response_class=HTMLResponse, dependencies=CSRF
)
def notify_incident(
    request: Request, incident_id: str, service: Service, user: Admin
) -> HTMLResponse:
    """Message and compensate every affected customer, in one audited action (idempotent)."""
    done = service.notify_incident(incident_id, staff_email(request, user))
    return _incidents_page(request, service, user, notified=done)
