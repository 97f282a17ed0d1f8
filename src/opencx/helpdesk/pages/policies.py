"""Desk administration pages (``helpdesk:admin``) for SLA policies and canned responses.

The SLA form offers only what the clock accepts (existing calendars, the case priorities,
channels, configured queues, the pending statuses a timer may pause on; targets in whole
minutes, at least one of them); the canned-response form names the placeholders a reply fills
in. The service checks again and a refusal comes back on the form with its reason (422)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from opencx.helpdesk.deps import HelpdeskServiceDep as Service
from opencx.helpdesk.domain.cases import PRIORITIES, REPLY_PLACEHOLDERS
from opencx.helpdesk.pages.desk import desk_page, parsed_number, saved_or_refused
from opencx.helpdesk.pages.roles import CSRF, Admin
from opencx.helpdesk.service import HelpdeskService
from opencx.helpdesk.service.policies import MAX_CANNED_BODY, MAX_TARGET_MINUTES, PAUSE_STATUSES

router = APIRouter(tags=["pages"], include_in_schema=False)
LISTS = ("priorities", "channels", "queues", "pause_on")  # the checkbox groups of the SLA form
TARGETS = ("first_response", "next_response", "resolution")


# --- SLA policies ---------------------------------------------------------------------------


def _policies(request: Request, service: HelpdeskService, **context: Any) -> HTMLResponse:
    return desk_page(
        request,
        service,
        "admin_sla.html",
        priorities=PRIORITIES,
        pause_statuses=PAUSE_STATUSES,
        max_minutes=MAX_TARGET_MINUTES,
        **context,
    )


@router.get("/helpdesk/admin/sla", response_class=HTMLResponse)
def policies_page(request: Request, service: Service, user: Admin, edit: str = "") -> HTMLResponse:
    """The SLA policies in the order they are tried (priority, channel, category, queue,
    customer value → targets in business time of a calendar); a form to add or change one."""
    chosen = next(((p, s) for p, s in service.desk().policies if s.name == edit), None)
    return _policies(request, service, edit=chosen, form=None)


@router.post("/helpdesk/admin/sla", response_class=HTMLResponse, dependencies=CSRF)
async def save_policy(request: Request, service: Service, user: Admin) -> Response:
    form = await request.form()
    lists = {k: [str(v) for v in form.getlist(k)] for k in LISTS}
    given = {k: str(v) for k, v in form.items() if k not in LISTS}
    return await run_in_threadpool(_save_policy, request, service, given, lists)


def _minutes(text: str, what: str) -> int | None:
    return parsed_number(text, f"the {what} target", int) if text.strip() else None


def _save_policy(
    request: Request, service: HelpdeskService, form: dict[str, str], lists: dict[str, list[str]]
) -> Response:
    def refused(reason: str) -> HTMLResponse:
        shown = {**form, **lists}
        return _policies(request, service, error=reason, status_code=422, edit=None, form=shown)

    def save() -> None:
        value = form.get("min_customer_value", "").strip()
        targets = {t: _minutes(form.get(t, ""), t.replace("_", " ")) for t in TARGETS}
        service.save_policy(
            name=form.get("name", ""),
            position=parsed_number(form.get("position", "0") or "0", "the position", int),
            calendar=form.get("calendar", ""),
            warn_percent=parsed_number(form.get("warn_percent", "75") or "75", "the warning", int),
            categories=form.get("categories", ""),
            min_customer_value=parsed_number(value, "the minimum customer value", float)
            if value
            else None,
            **targets,
            **lists,
        )

    return saved_or_refused(save, "/helpdesk/admin/sla", form.get("name", "").strip(), refused)


@router.post("/helpdesk/admin/sla/{name}/delete", dependencies=CSRF)
def delete_policy(name: str, service: Service, user: Admin) -> RedirectResponse:
    service.delete_policy(name)
    return RedirectResponse("/helpdesk/admin/sla", status_code=303)


# --- canned responses -----------------------------------------------------------------------


def _canned(request: Request, service: HelpdeskService, **context: Any) -> HTMLResponse:
    return desk_page(
        request,
        service,
        "admin_canned.html",
        placeholders=REPLY_PLACEHOLDERS,
        max_body=MAX_CANNED_BODY,
        **context,
    )


@router.get("/helpdesk/admin/canned", response_class=HTMLResponse)
def canned_page(request: Request, service: Service, user: Admin, edit: str = "") -> HTMLResponse:
    """Canned responses agents insert in a reply, with the placeholders a reply fills in."""
    chosen = next((c for c in service.desk().canned if c.key == edit), None)
    return _canned(request, service, edit=chosen, form=None)


@router.post("/helpdesk/admin/canned", response_class=HTMLResponse, dependencies=CSRF)
def save_canned(
    request: Request,
    service: Service,
    user: Admin,
    key: Annotated[str, Form(max_length=100)],
    title: Annotated[str, Form(max_length=300)],
    body: Annotated[str, Form(max_length=MAX_CANNED_BODY + 1000)],
) -> Response:
    form = {"key": key, "title": title, "body": body}

    def refused(reason: str) -> HTMLResponse:
        return _canned(request, service, error=reason, status_code=422, edit=None, form=form)

    return saved_or_refused(
        lambda: service.save_canned(**form), "/helpdesk/admin/canned", key.strip(), refused
    )


@router.post("/helpdesk/admin/canned/{key}/delete", dependencies=CSRF)
def delete_canned(key: str, service: Service, user: Admin) -> RedirectResponse:
    service.delete_canned(key)
    return RedirectResponse("/helpdesk/admin/canned", status_code=303)
