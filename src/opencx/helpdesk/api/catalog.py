"""HTTP API of the self-service catalog: items (``helpdesk:admin``), requests (held for a
visitor until the mailed link is confirmed; run at once for a key that vouches), approvals and
each request's audit trail."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from pydantic import BaseModel, Field

from opencx.helpdesk.api.roles import Admin, Reader, actor_of, vouching_key
from opencx.helpdesk.deps import HelpdeskServiceDep as Service
from opencx.helpdesk.domain.limits import LinkExpired, TooManyRequests
from opencx.web.auth import client_ip

router = APIRouter(prefix="/api/helpdesk", tags=["helpdesk"])


class RequestIn(BaseModel):
    email: str | None = Field(None, max_length=320)
    form: dict[str, Any]


class DecisionIn(BaseModel):
    approve: bool


def _run_out(run: Any) -> dict[str, Any]:
    return {"id": run.id, "item": run.item, "status": run.status, "case_id": run.case_id}


@router.put("/catalog/items")
def save_catalog_item(body: dict[str, Any], service: Service, who: Admin) -> dict[str, Any]:
    """Create or replace an item: ``{key, title, fields: [{name, label, required, kind,
    choices}], action: email|webhook, settings: {subject, template | url}, approvals, queue}``."""
    item = service.save_catalog_item(body)
    return {"key": item.key, "fields": len(item.fields), "approvals": item.approvals}


@router.post(
    "/catalog/items/{key}/requests",
    status_code=201,
    responses={
        202: {"description": "held: only a confirmation mail went to the address"},
        429: {"description": "too many confirmation mails from this client or to this address"},
    },
)
def submit_request(
    key: str, body: RequestIn, request: Request, response: Response, service: Service
) -> dict[str, Any]:
    """Public: a customer submits an item's form (the self-service portal calls this).

    Without credentials the request is **held** (202, ``status: unconfirmed``): only a mail with
    a signed confirmation link goes to ``email``, and the request runs when the link is
    followed (``POST /api/helpdesk/catalog/confirmations``). Confirmation mails are limited per
    client address and per recipient (429 with ``Retry-After``). A trusted system that vouches
    for the address sends an API key holding ``helpdesk:write``: the request runs at once (201).
    """
    if vouching_key(request) is not None:
        return _run_out(service.submit_request(key, body.email, body.form))
    try:
        held = service.hold_request(key, body.email, body.form, client_ip(request))
    except TooManyRequests as exc:
        raise HTTPException(429, str(exc), headers={"Retry-After": str(exc.seconds)}) from None
    response.status_code = 202
    return {
        "id": held.id,
        "item": held.item,
        "status": "unconfirmed",
        "case_id": None,
        "expires_at": held.expires_at,
    }


class ConfirmIn(BaseModel):
    token: str = Field(max_length=200)


@router.post("/catalog/confirmations")
def confirm_request(body: ConfirmIn, service: Service) -> dict[str, Any]:
    """Public: the confirmation link's token makes a held request real (once; again gives the
    same request). An expired link is 410, a forged one 422."""
    try:
        return _run_out(service.confirm_request(body.token))
    except LinkExpired as exc:
        raise HTTPException(410, str(exc)) from None


@router.post("/catalog/requests/{run_id}/decision")
def decide_request(
    run_id: str, body: DecisionIn, request: Request, service: Service, who: Admin
) -> dict[str, Any]:
    return _run_out(service.decide_request(run_id, actor_of(request, who), yes=body.approve))


@router.get("/catalog/requests/{run_id}/audit")
def request_audit(run_id: str, service: Service, who: Reader) -> list[dict[str, Any]]:
    return [
        {"at": r.at, "actor": r.actor, "step": r.step, "detail": r.detail}
        for r in service.request_trail(run_id)
    ]
