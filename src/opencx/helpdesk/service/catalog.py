"""Self-service catalog use cases: define items, submit, approve or reject, run the action.

A run's action only *queues* its effect in the outbox (an email to the customer, a webhook to
the company's system), in the run's transaction; when the action cannot even be prepared (a
template names a field the form lacks, no address to write to, no webhook URL) the run fails
and a case carrying the form is opened for a person. Every step is written to the audit trail.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection

from opencx.core import Conflict, InvalidInput, NotFound, OpenCXError
from opencx.helpdesk.domain.cases import render_canned
from opencx.helpdesk.domain.catalog import CatalogItem, after_approval, check_form, item_from_dict
from opencx.helpdesk.service.deps import Deps, OpenCase
from opencx.helpdesk.service.intake import open_case
from opencx.helpdesk.store import catalog as store
from opencx.outbox.service import enqueue


@dataclass(frozen=True, slots=True)
class Run:
    id: str
    item: str
    status: str  # pending_approval, completed, failed, rejected
    case_id: str | None


def save_item(conn: Connection, definition: Mapping[str, Any]) -> CatalogItem:
    item = item_from_dict(definition)
    store.save_item(conn, item)
    return item


def _item(conn: Connection, key: str) -> CatalogItem:
    item = store.get_item(conn, key)
    if item is None:
        raise NotFound(f"catalog item {key!r} does not exist")
    return item


def submit(
    conn: Connection, key: str, email: str | None, values: Mapping[str, Any], deps: Deps
) -> Run:
    item = _item(conn, key)
    form = check_form(item, values)
    now = deps.clock.now()
    customer_id = deps.identify(conn, email, None, None) if deps.identify and email else None
    status = "pending_approval" if item.approvals else "running"
    run_id = store.insert_run(
        conn,
        item=item.key,
        customer_id=customer_id,
        email=email,
        form=form,
        status=status,
        created_at=now,
    )
    store.audit(conn, run_id, now, email or "customer", "submitted", item.title)
    if status == "running":
        return execute(conn, item, run_id, deps)
    return Run(run_id, item.key, status, None)


def approve(conn: Connection, run_id: str, approver: str, yes: bool, deps: Deps) -> Run:
    row = store.get_run(conn, run_id, lock=True)
    if row is None:
        raise NotFound(f"catalog request {run_id} does not exist")
    item = _item(conn, row.item)
    now = deps.clock.now()
    if not yes:
        if row.status != "pending_approval":
            raise Conflict(f"this request is {row.status}; it takes no approvals")
        store.update_run(conn, run_id, status="rejected", finished_at=now)
        store.audit(conn, run_id, now, approver, "rejected")
        return Run(run_id, item.key, "rejected", None)
    status = after_approval(item, set(row.approvers), approver, row.status)
    store.update_run(conn, run_id, approvers=sorted({*row.approvers, approver}), status=status)
    store.audit(conn, run_id, now, approver, "approved")
    if status == "running":
        return execute(conn, item, run_id, deps)
    return Run(run_id, item.key, status, None)


def execute(conn: Connection, item: CatalogItem, run_id: str, deps: Deps) -> Run:
    row = store.get_run(conn, run_id)
    now = deps.clock.now()
    try:
        detail = _act(conn, item, run_id, row.email, dict(row.form), deps)
    except OpenCXError as exc:
        case = open_case(
            conn,
            OpenCase(
                channel="catalog",
                subject=f"{item.title}: automation failed",
                body=f"{exc}\n\n" + "\n".join(f"{k}: {v}" for k, v in row.form.items()),
                email=row.email,
                customer_id=row.customer_id,
                category="catalog",
                queue=item.queue,
                actor="catalog",
                source="catalog",
                external_id=run_id,
            ),
            deps,
        )
        store.update_run(conn, run_id, status="failed", case_id=case.id, finished_at=now)
        store.audit(conn, run_id, now, "catalog", "failed", f"{exc}; case {case.id}")
        return Run(run_id, item.key, "failed", case.id)
    store.update_run(conn, run_id, status="completed", finished_at=now)
    store.audit(conn, run_id, now, "catalog", "completed", detail)
    return Run(run_id, item.key, "completed", None)


def _act(
    conn: Connection,
    item: CatalogItem,
    run_id: str,
    email: str | None,
    form: dict[str, str],
    deps: Deps,
) -> str:
    now = deps.clock.now()
    if item.action == "email":
        if not email:
            raise InvalidInput("no email address to send the answer to")
        text = render_canned(item.key, item.settings.get("template", ""), form)
        subject = render_canned(item.key, item.settings.get("subject", item.title), form)
        payload = {"to": email, "subject": subject, "text": text}
        enqueue(conn, kind="email", dedupe_key=f"catalog:{run_id}", payload=payload, now=now)
        return f"email to {email}"
    url = item.settings.get("url")
    if not url:
        raise InvalidInput(f"catalog item {item.key!r} has no webhook url")
    body = {"request": run_id, "item": item.key, "email": email, "form": form}
    enqueue(
        conn,
        kind="webhook",
        dedupe_key=f"catalog:{run_id}",
        payload={"url": url, "body": body},
        now=now,
    )
    return f"webhook to {url}"


def trail(conn: Connection, run_id: str) -> list[Any]:
    return store.trail(conn, run_id)
