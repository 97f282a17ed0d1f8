"""Helpdesk pages: queue views, the agent console for one case, the SLA dashboard, the public
contact form (and, in :mod:`~opencx.helpdesk.pages.desk`, the desk administration pages).

Agents and admins (``helpdesk:read`` to look, ``helpdesk:write`` to act) use the console; the
contact form at ``/help`` is public (anyone may ask for help) and opens a ``web`` case.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from opencx.core import InvalidInput, NotFound, OpenCXError, ensure_utc
from opencx.helpdesk.deps import HelpdeskServiceDep as Service
from opencx.helpdesk.domain.limits import LinkExpired, TooManyRequests
from opencx.helpdesk.pages.desk import router as desk_router
from opencx.helpdesk.pages.policies import router as policies_router
from opencx.helpdesk.service import HelpdeskService, OpenCase
from opencx.metrics.deps import MetricsServiceDep
from opencx.metrics.domain.request import MetricRequest
from opencx.web import Principal, render, require_csrf, require_page_scope
from opencx.web.auth import access_service, client_ip, current_user

router = APIRouter(tags=["pages"], include_in_schema=False)
router.include_router(desk_router)
router.include_router(policies_router)

Reader = Annotated[Principal, Depends(require_page_scope("helpdesk:read"))]
Writer = Annotated[Principal, Depends(require_page_scope("helpdesk:write"))]
Admin = Annotated[Principal, Depends(require_page_scope("helpdesk:admin"))]
CSRF = [Depends(require_csrf)]
STATUSES = ("new", "open", "pending_customer", "pending_third_party", "resolved", "closed")


def _email(request: Request, user: Principal) -> str:
    found = access_service(request).get_user(user.id)
    return found.email if found is not None else user.name


@router.get("/helpdesk", response_class=HTMLResponse)
def queue_view(
    request: Request,
    service: Service,
    user: Reader,
    queue: str = "",
    status: str = "new,open,pending_customer,pending_third_party",
    mine: bool = False,
) -> HTMLResponse:
    assignee = _email(request, user) if mine else None
    statuses = tuple(s for s in status.split(",") if s)
    found = service.cases(queue=queue or None, statuses=statuses, assignee=assignee, limit=200)
    return render(
        request,
        "helpdesk/queues.html",
        cases=found,
        queues=service.queues(),
        queue=queue,
        status=status,
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
        me=_email(request, user),
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
            _email(request, user),
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
        service.add_note(case_id, _email(request, user), body)
    except OpenCXError as exc:
        return _back(case_id, str(exc))
    return _back(case_id)


@router.post("/helpdesk/cases/{case_id}/status", dependencies=CSRF)
def status_form(
    request: Request, case_id: str, service: Service, user: Writer, status: Annotated[str, Form()]
) -> RedirectResponse:
    try:
        service.set_status(case_id, status, _email(request, user))
    except OpenCXError as exc:
        return _back(case_id, str(exc))
    return _back(case_id)


@router.post("/helpdesk/cases/{case_id}/take", dependencies=CSRF)
def take_form(request: Request, case_id: str, service: Service, user: Writer) -> RedirectResponse:
    me = _email(request, user)
    service.assign(case_id, me, me)
    return _back(case_id)


@router.get("/helpdesk/sla", response_class=HTMLResponse)
def sla_dashboard(
    request: Request, service: Service, metrics: MetricsServiceDep, user: Reader, days: int = 30
) -> HTMLResponse:
    until = service.clock.now()
    days = max(1, min(days, 3660))
    since = until - timedelta(days=days)
    found = service.report(since, until + timedelta(seconds=1))
    csat = {  # CSAT answers about cases by agent and queue: a metric, for who may read metrics
        by: metrics.compute(MetricRequest("csat", by=[by], start=since, end=until))
        for by in ("case_agent", "case_queue")
        if user.allows("metrics:read")
    }
    return render(request, "helpdesk/sla.html", r=found, days=days, csat=csat)


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
    return render(request, "helpdesk/chat_widget.html")


@router.get("/helpdesk/chat", response_class=HTMLResponse)
def chat_console(request: Request, user: Writer) -> HTMLResponse:
    """The agents' live-chat console (WebSocket; needs ``helpdesk:write``)."""
    return render(request, "helpdesk/chat_console.html")


# --- self-service catalog -------------------------------------------------------------------

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
REQUEST_STATUSES = ("pending_approval", "completed", "failed", "rejected")


def _catalog_page(
    request: Request,
    service: Service,
    user: Principal,
    *,
    definition: str = "",
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "helpdesk/catalog.html",
        status_code=status_code,
        items=service.catalog_items(),
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
        service.save_catalog_item(_json_definition(definition, "an item"))
    except InvalidInput as exc:
        return _catalog_page(
            request, service, user, definition=definition, error=str(exc), status_code=422
        )
    return RedirectResponse("/helpdesk/catalog", status_code=303)


def _json_definition(text: str, what: str) -> dict[str, Any]:
    """A definition typed as JSON in a page's editor; bad JSON is an error naming its place."""
    try:
        data = json.loads(text)
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
    service.decide_request(run_id, _email(request, user), yes=decision == "approve")
    return RedirectResponse(f"/helpdesk/catalog/requests/{run_id}", status_code=303)


@router.get("/helpdesk/catalog/requests/{run_id}", response_class=HTMLResponse)
def catalog_request(request: Request, run_id: str, service: Service, user: Reader) -> HTMLResponse:
    """One request: its form, status and every audited step."""
    found = service.catalog_request(run_id)
    return render(
        request,
        "helpdesk/catalog_request.html",
        run=found,
        trail=service.request_trail(run_id),
        can_write=user.allows("helpdesk:admin"),
    )


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


# --- proactive incidents --------------------------------------------------------------------


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
            by=_email(request, user),
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
    done = service.notify_incident(incident_id, _email(request, user))
    return _incidents_page(request, service, user, notified=done)


# --- agent quality --------------------------------------------------------------------------

EXAMPLE_SCORECARD = {
    "key": "conversation",
    "name": "Conversation quality",
    "sections": [
        {
            "name": "Care",
            "questions": [
                {"key": "greet", "text": "Greets by name", "weight": 1, "max_points": 1},
                {"key": "empathy", "text": "Shows empathy", "weight": 2, "max_points": 4},
            ],
        },
        {
            "name": "Compliance",
            "questions": [
                {
                    "key": "identity",
                    "text": "Verifies identity before account changes",
                    "weight": 2,
                    "max_points": 1,
                    "critical": True,
                }
            ],
        },
    ],
}


def _quality_page(
    request: Request,
    service: Service,
    user: Principal,
    card: str = "",
    *,
    definition: str = "",
    error: str | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    cards = service.scorecards()
    chosen = next((c for c in cards if c.key == card), cards[0] if cards else None)
    return render(
        request,
        "helpdesk/quality.html",
        status_code=status_code,
        cards=cards,
        card=chosen,
        overview=service.quality_overview(chosen.key) if chosen else None,
        can_write=user.allows("helpdesk:admin"),
        definition=definition or json.dumps(EXAMPLE_SCORECARD, indent=2, ensure_ascii=False),
        error=error,
    )


@router.get("/helpdesk/quality", response_class=HTMLResponse)
def quality_page(request: Request, service: Service, user: Reader, card: str = "") -> HTMLResponse:
    """Scorecards, the latest reviews, each agent's average and what to coach, calibration."""
    return _quality_page(request, service, user, card)


@router.post("/helpdesk/quality/scorecards", response_class=HTMLResponse, dependencies=CSRF)
def save_scorecard(
    request: Request, service: Service, user: Admin, definition: Annotated[str, Form()]
) -> Response:
    """Create or replace a scorecard from its JSON definition (the API's shape)."""
    try:
        card = service.save_scorecard(_json_definition(definition, "a scorecard"))
    except InvalidInput as exc:
        return _quality_page(
            request, service, user, definition=definition, error=str(exc), status_code=422
        )
    return RedirectResponse(f"/helpdesk/quality?card={card.key}", status_code=303)


@router.get("/helpdesk/cases/{case_id}/review", response_class=HTMLResponse)
def review_form(
    request: Request, case_id: str, service: Service, user: Writer, card: str = ""
) -> HTMLResponse:
    """Score the agent's handling of the case on a scorecard."""
    cards = service.scorecards()
    chosen = next((c for c in cards if c.key == card), cards[0] if cards else None)
    return render(
        request, "helpdesk/review.html", view=service.case(case_id), cards=cards, card=chosen
    )


@router.post("/helpdesk/cases/{case_id}/review", response_class=HTMLResponse, dependencies=CSRF)
async def review_submit(request: Request, case_id: str, service: Service, user: Writer) -> Response:
    form = await request.form()
    given = {k: str(v) for k, v in form.items()}
    return await run_in_threadpool(_review_save, request, case_id, service, user, given)


def _review_save(
    request: Request,
    case_id: str,
    service: HelpdeskService,
    user: Principal,
    form: dict[str, str],
) -> Response:
    card_key = form.get("card", "")
    card = next((c for c in service.scorecards() if c.key == card_key), None)
    if card is None:
        raise NotFound(f"scorecard {card_key!r} does not exist")
    answers: dict[str, int | None] = {}
    for q in card.questions:
        raw = form.get(f"q:{q.key}", "")
        answers[q.key] = None if raw in ("", "na") else int(raw) if raw.isdigit() else -1
    comment = form.get("comment", "").strip() or None
    try:
        service.review(case_id, card.key, _email(request, user), answers, comment)
    except InvalidInput as exc:
        return render(
            request,
            "helpdesk/review.html",
            status_code=422,
            view=service.case(case_id),
            cards=service.scorecards(),
            card=card,
            error=str(exc),
        )
    return RedirectResponse(f"/helpdesk/quality?card={card.key}", status_code=303)
