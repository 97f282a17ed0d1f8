"""Self-service catalog use cases: define items, submit, approve or reject, run the action.

A run's action only *queues* its effect in the outbox (an email to the customer, a webhook to
the company's system), in the run's transaction; when the action cannot even be prepared (a
template names a field the form lacks, no address to write to, no webhook URL) the run fails
and a case carrying the form is opened for a person. Every step is written to the audit trail.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.engine import Connection

from opencx.core import Conflict, InvalidInput, NotFound, OpenCXError, signed_links
from opencx.core.ids import new_id
from opencx.core.keys import HELPDESK_HELD_EMAIL, purpose_key
from opencx.helpdesk.domain.catalog import (
    EMAIL,
    CatalogItem,
    after_approval,
    check_form,
    checked_item,
    fill,
)
from opencx.helpdesk.domain.limits import (
    CONFIRM_PURPOSE,
    CatalogLimits,
    LinkExpired,
    client_network,
    confirmation_text,
    held_email_key,
    value_folded,
)
from opencx.helpdesk.service.deps import Deps, OpenCase
from opencx.helpdesk.service.intake import open_case
from opencx.helpdesk.service.limits import charge
from opencx.helpdesk.store import catalog as store
from opencx.helpdesk.store import limits as limits_store
from opencx.outbox.service import enqueue


@dataclass(frozen=True, slots=True)
class Run:
    id: str
    item: str
    status: str  # pending_approval, completed, failed, rejected
    case_id: str | None


def save_item(conn: Connection, definition: Mapping[str, Any]) -> CatalogItem:
    item = checked_item(definition)
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
    """Run a request at once: for callers who vouch for the address (staff, a trusted system)."""
    item = _item(conn, key)
    return _start(conn, item, new_id(), email, check_form(item, values), deps)


def _start(
    conn: Connection,
    item: CatalogItem,
    run_id: str,
    email: str | None,
    form: dict[str, str],
    deps: Deps,
    confirmed: datetime | None = None,
) -> Run:
    now = deps.clock.now()
    customer_id = deps.identify(conn, email, None, None) if deps.identify and email else None
    status = "pending_approval" if item.approvals else "running"
    store.insert_run(
        conn,
        run_id,
        item=item.key,
        customer_id=customer_id,
        email=email,
        form=form,
        status=status,
        created_at=confirmed or now,
    )
    if confirmed is not None:
        store.audit(conn, run_id, confirmed, email or "customer", "submitted", item.title)
        store.audit(conn, run_id, now, email or "customer", "confirmed", "by the mailed link")
    else:
        store.audit(conn, run_id, now, email or "customer", "submitted", item.title)
    if status == "running":
        return execute(conn, item, run_id, deps)
    return Run(run_id, item.key, status, None)


@dataclass(frozen=True, slots=True)
class Held:
    """An anonymous request waiting for its confirmation (only that mail went out)."""

    id: str
    item: str
    email: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Links:
    """What confirmation links need: the key that signs them and where the site is."""

    secret: str
    base_url: str
    limits: CatalogLimits


def hold(
    conn: Connection,
    key: str,
    email: str | None,
    values: Mapping[str, Any],
    client: str,
    links: Links,
    deps: Deps,
) -> Held:
    """An unauthenticated visitor's request: checked, limited, held; only a confirmation mail
    with a signed link goes to ``email``. Nothing else happens until the link is followed.

    ``client`` is the visitor's network address. Refused with :class:`TooManyRequests` when
    that address or this recipient had too many confirmation mails lately."""
    item = _item(conn, key)
    form = check_form(item, values)
    address = (email or "").strip()
    if not address:
        raise InvalidInput(f"{item.title}: your email address is required (we confirm by mail)")
    if len(address) > 320 or not EMAIL.match(address):
        raise InvalidInput(f"{item.title}: {address[:80]!r} is not an email address")
    now, limits = deps.clock.now(), links.limits
    for bucket, kind, value, what in (
        (limits.per_client, "client", client_network(client), "from your network address"),
        (limits.per_address, "to", address, f"for {address}"),
    ):  # a refusal rolls the charges back: it sends nothing
        charge(conn, bucket, secret=links.secret, kind=kind, value=value, what=what, now=now)
    expires = now + limits.link_valid
    held_id = store.hold(
        conn,
        item=item.key,
        email=address,
        email_key=held_email_key(purpose_key(links.secret, HELPDESK_HELD_EMAIL), address),
        form=form,
        created_at=now,
        expires_at=expires,
    )
    token = signed_links.issue(links.secret, CONFIRM_PURPOSE, held_id, expires)
    link = f"{links.base_url.rstrip('/')}/help/catalog/confirm/{token}"
    payload = {
        "to": address,
        "subject": f"Please confirm: {item.title}",
        "text": confirmation_text(item.title, link, limits.link_valid),
    }
    enqueue(conn, kind="email", dedupe_key=f"catalog-confirm:{held_id}", payload=payload, now=now)
    return Held(held_id, item.key, address, expires)


def held_request(conn: Connection, token: str, secret: str, deps: Deps) -> tuple[CatalogItem, Any]:
    """The item and held request a confirmation link names (to show before confirming); a
    request confirmed already gives its run instead."""
    held_id = _subject(token, secret, deps)
    row = store.held(conn, held_id) or store.get_run(conn, held_id)
    if row is None:
        raise NotFound("this request has expired or does not exist: please send the form again")
    return _item(conn, row.item), row


def confirm(conn: Connection, token: str, secret: str, deps: Deps) -> Run:
    """Follow a confirmation link: the held request becomes a request under the same id and
    runs (or waits for its approvals). Confirming twice gives the same run."""
    held_id = _subject(token, secret, deps)
    row = store.take_held(conn, held_id)
    if row is None:
        done = store.get_run(conn, held_id)
        if done is None:
            raise NotFound("this request has expired or does not exist: please send the form again")
        return Run(done.id, done.item, done.status, done.case_id)
    item = _item(conn, row.item)
    return _start(conn, item, held_id, row.email, dict(row.form), deps, confirmed=row.created_at)


def _subject(token: str, secret: str, deps: Deps) -> str:
    try:
        return signed_links.verify(secret, CONFIRM_PURPOSE, token, deps.clock.now()).subject
    except signed_links.BadSignedLink as exc:
        if exc.reason is signed_links.Refusal.EXPIRED:
            raise LinkExpired(
                "this confirmation link has expired: please send the form again"
            ) from None
        raise InvalidInput("this confirmation link is not valid (copy the whole link)") from None


def forget_held_of(conn: Connection, secret: str, personal: Sequence[str]) -> int:
    """Erasure: delete the held requests made for any of the person's addresses (``personal``:
    the values that identified them). Returns how many."""
    key = purpose_key(secret, HELPDESK_HELD_EMAIL)
    emails = {value_folded(v) for v in personal if "@" in v}
    if not emails:
        return 0
    return store.forget_held(conn, {held_email_key(key, e) for e in emails}, emails, value_folded)


def forget_expired(conn: Connection, deps: Deps) -> tuple[int, int]:
    """Held requests whose link expired, and buckets not charged for a day: deleted."""
    now = deps.clock.now()
    return store.forget_expired(conn, now), limits_store.prune(conn, now - timedelta(days=1))


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
        text = fill(item, item.settings.get("template", ""), form)
        subject = (
            fill(item, item.settings["subject"], form) if "subject" in item.settings else item.title
        )
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
