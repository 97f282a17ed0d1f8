"""The agents' side of a case: queue views, the console for one case (reply, note, status,
take), the SLA dashboard and the live-chat console (``helpdesk:read`` to look,
``helpdesk:write`` to act)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from opencx.core import InvalidInput, OpenCXError
from opencx.helpdesk.deps import HelpdeskServiceDep as Service
from opencx.helpdesk.pages.roles import CSRF, Reader, Writer, staff_email
from opencx.metrics.deps import MetricsServiceDep
from opencx.metrics.domain.request import MetricRequest
from opencx.web import render

router = APIRouter(tags=["pages"], include_in_schema=False)
STATUSES = ("new", "open", "pending_customer", "pending_third_party", "resolved", "closed")


OPEN_STATUSES = ("new", "open", "pending_customer", "pending_third_party")  # the default view


def chosen_statuses(given: list[str] | None) -> tuple[str, ...]:
    """The statuses a queue view shows: each ``status`` given (a value may list several,
    comma-separated, as links did), the open ones when none; an unknown one is refused."""
    if not given:
        return OPEN_STATUSES
    chosen = tuple(dict.fromkeys(s.strip() for v in given for s in v.split(",") if s.strip()))
    unknown = [s for s in chosen if s not in STATUSES]
    if unknown:
        raise InvalidInput(
            f"unknown status {', '.join(map(repr, unknown))} (the statuses: {', '.join(STATUSES)})"
        )
    return chosen or OPEN_STATUSES


@router.get("/helpdesk", response_class=HTMLResponse)
def queue_view(
    request: Request,
    service: Service,
    user: Reader,
    queue: str = "",
    status: Annotated[list[str] | None, Query()] = None,
    mine: bool = False,
) -> HTMLResponse:
    assignee = staff_email(request, user) if mine else None
    statuses = chosen_statuses(status)
    queues = service.queue_choices()
    if queue and queue not in {name for name, _ in queues}:
        names = ", ".join(name for name, _ in queues) or "none yet"
        raise InvalidInput(f"unknown queue {queue[:100]!r} (the queues: {names})")
    found = service.cases(queue=queue or None, statuses=statuses, assignee=assignee, limit=200)
    return render(
        request,
        "helpdesk/queues.html",
        cases=found,
        names=service.customer_names(found),
        queues=queues,
        queue=queue,
        chosen=statuses,
        mine=mine,
        statuses=STATUSES,
    )


@router.get("/helpdesk/cases/{case_id}", response_class=HTMLResponse)
def console(request: Request, case_id: str, service: Service, user: Reader) -> HTMLResponse:
    view = service.case(case_id)
    return render(
        request,
        "helpdesk/case.html",
        v=view,
        c=view.case,
        canned=service.canned_responses(),
        statuses=STATUSES,
        me=staff_email(request, user),
        error=request.query_params.get("error"),
    )


def _back(case_id: str, error: str | None = None) -> RedirectResponse:
    url = f"/helpdesk/cases/{case_id}"
    if error:
        from urllib.parse import quote

        url += "?error=" + quote(error)
    return RedirectResponse(url, status_code=303)


@router.post("/helpdesk/cases/{case_id}/reply", dependencies=CSRF)
def reply_form(
    request: Request,
    case_id: str,
    service: Service,
    user: Writer,
    body: Annotated[str, Form()] = "",
    canned: Annotated[str, Form()] = "",
    status: Annotated[str, Form()] = "",
) -> RedirectResponse:
    try:
        service.reply(
            case_id,
            staff_email(request, user),
            body=body or None,
            canned=canned or None,
            status=status or None,
        )
    except OpenCXError as exc:
        return _back(case_id, str(exc))
    return _back(case_id)


@router.post("/helpdesk/cases/{case_id}/note", dependencies=CSRF)
def note_form(
    request: Request,
    case_id: str,
    service: Service,
    user: Writer,
    body: Annotated[str, Form()] = "",
) -> RedirectResponse:
    try:
        service.add_note(case_id, staff_email(request, user), body)
    except OpenCXError as exc:
        return _back(case_id, str(exc))
    return _back(case_id)


@router.post("/helpdesk/cases/{case_id}/status", dependencies=CSRF)
def status_form(
    request: Request, case_id: str, service: Service, user: Writer, status: Annotated[str, Form()]
) -> RedirectResponse:
    try:
        service.set_status(case_id, status, staff_email(request, user))
    except OpenCXError as exc:
        return _back(case_id, str(exc))
    return _back(case_id)


@router.post("/helpdesk/cases/{case_id}/take", dependencies=CSRF)
def take_form(request: Request, case_id: str, service: Service, user: Writer) -> RedirectResponse:
    me = staff_email(request, user)
    service.assign(case_id, me, me)
    return _back(case_id)


SLA_DAYS = 3660  # the SLA dashboard's longest window: ten years


@router.get("/helpdesk/sla", response_class=HTMLResponse)
def sla_dashboard(
    request: Request,
    service: Service,
    metrics: MetricsServiceDep,
    user: Reader,
    days: Annotated[int, Query(ge=1, le=SLA_DAYS)] = 30,
) -> HTMLResponse:
    """Cases opened in the last ``days`` (1 to :data:`SLA_DAYS`, as the form's number field
    takes): another number is the error page naming the parameter (422), not another window."""
    until = service.clock.now()
    since = until - timedelta(days=days)
    found = service.report(since, until + timedelta(seconds=1))
    csat = {  # CSAT answers about cases by agent and queue: a metric, for who may read metrics
        by: metrics.compute(MetricRequest("csat", by=[by], start=since, end=until))
        for by in ("case_agent", "case_queue")
        if user.allows("metrics:read")
    }
    return render(request, "helpdesk/sla.html", r=found, days=days, most_days=SLA_DAYS, csat=csat)


@router.get("/helpdesk/chat", response_class=HTMLResponse)
def chat_console(request: Request, user: Writer) -> HTMLResponse:
    """The agents' live-chat console (WebSocket; needs ``helpdesk:write``)."""
    return render(request, "helpdesk/chat_console.html")
