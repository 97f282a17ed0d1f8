"""The self-service catalog's administration: its items (JSON definitions, ``helpdesk:admin``),
the requests waiting for approval, and each request's audited trail."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from opencx.core import InvalidInput, NotFound
from opencx.core.text import nested_too_deep, surrogate_refused
from opencx.helpdesk.deps import HelpdeskServiceDep as Service
from opencx.helpdesk.domain.catalog import render_faults
from opencx.helpdesk.pages.roles import CSRF, Admin, Reader, staff_email
from opencx.web import Principal, render

router = APIRouter(tags=["pages"], include_in_schema=False)


EXAMPLE_ITEM = {
    "key": "invoice-copy",
    "title": "Request a copy of an invoice",
    "action": "email",
    "settings": {
        "subject": "Your invoice {{invoice}}",
        "template": "Hello, the copy of invoice {{invoice}} is attached to your account.",
    },
    "approvals": 0,
    "queue": "billing",
    "fields": [{"name": "invoice", "label": "Invoice number", "required": True, "kind": "text"}],
}


def _catalog_page(
    request: Request,
    service: Service,
    user: Principal,
    *,
    definition: str = "",
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    items = service.catalog_items()
    return render(
        request,
        "helpdesk/catalog.html",
        status_code=status_code,
        items=items,
        # an item stored before its placeholders were checked: its email will not render
        faults={it.key: render_faults(it) for it in items},
        pending=service.catalog_requests("pending_approval"),
        recent=service.catalog_requests(limit=50),
        can_write=user.allows("helpdesk:admin"),
        definition=definition or json.dumps(EXAMPLE_ITEM, indent=2, ensure_ascii=False),
        error=error,
    )


@router.get("/helpdesk/catalog", response_class=HTMLResponse)
def catalog_admin(request: Request, service: Service, user: Reader) -> HTMLResponse:
    """The catalog's items, the requests waiting for approval and the latest runs."""
    return _catalog_page(request, service, user)


@router.post("/helpdesk/catalog/items", response_class=HTMLResponse, dependencies=CSRF)
def catalog_save(
    request: Request, service: Service, user: Admin, definition: Annotated[str, Form()]
) -> Response:
    """Create or replace an item from its JSON definition (the API's shape)."""
    try:
        service.save_catalog_item(json_definition(definition, "an item"))
    except InvalidInput as exc:
        return _catalog_page(
            request, service, user, definition=definition, error=str(exc), status_code=422
        )
    return RedirectResponse("/helpdesk/catalog", status_code=303)


def json_definition(text: str, what: str) -> dict[str, Any]:
    """A definition typed as JSON in a page's editor; bad JSON is an error naming its place."""
    try:
        deep = nested_too_deep(text)
        if deep is not None:
            raise deep
        data = json.loads(text)
        lone = surrogate_refused(text, data)  # no store holds one
        if lone is not None:
            raise lone
    except json.JSONDecodeError as exc:
        raise InvalidInput(
            f"the definition is not JSON: line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    if not isinstance(data, dict):
        raise InvalidInput(f"{what} definition is a JSON object")
    return data


@router.post("/helpdesk/catalog/requests/{run_id}/decision", dependencies=CSRF)
def catalog_decide(
    request: Request,
    run_id: str,
    service: Service,
    user: Admin,
    decision: Annotated[Literal["approve", "reject"], Form()],
) -> RedirectResponse:
    service.decide_request(run_id, staff_email(request, user), yes=decision == "approve")
    return RedirectResponse(f"/helpdesk/catalog/requests/{run_id}", status_code=303)


@router.get("/helpdesk/catalog/requests/{run_id}", response_class=HTMLResponse)
def catalog_request(request: Request, run_id: str, service: Service, user: Reader) -> HTMLResponse:
    """One request: its form, status and every audited step."""
    found = service.catalog_request(run_id)
    try:  # its item's email will not render (stored before the check): approving fails it
        faults = render_faults(service.catalog_item(found.item))
    except NotFound:  # the item is no longer in the catalog
        faults = ()
    return render(
        request,
        "helpdesk/catalog_request.html",
        run=found,
        faults=faults,
        trail=service.request_trail(run_id),
        can_write=user.allows("helpdesk:admin"),
    )
