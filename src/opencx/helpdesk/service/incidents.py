"""Proactive service: declare an incident, then notify and compensate everyone it touched."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Connection

from opencx.core import NotFound
from opencx.core.ids import new_id
from opencx.helpdesk.domain.incidents import CompensationGranted, Incident, voucher_code
from opencx.helpdesk.service.deps import Deps
from opencx.helpdesk.store import incidents as store
from opencx.outbox.service import enqueue


@dataclass(frozen=True, slots=True)
class Notified:
    incident_id: str
    affected: int
    emailed: int
    already: int  # notified by an earlier run (the action is idempotent)


def declare(
    conn: Connection,
    *,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    products: frozenset[str],
    regions: frozenset[str],
    message: str,
    points: int,
    voucher_prefix: str | None,
    by: str,
    deps: Deps,
) -> Incident:
    incident = Incident(
        new_id(), title, starts_at, ends_at, products, regions, message, points, voucher_prefix
    )
    store.insert_incident(conn, incident, by, deps.clock.now())
    return incident


def notify(conn: Connection, incident_id: str, by: str, secret: str, deps: Deps) -> Notified:
    """One audited action: a notice row per affected customer, the email through the outbox,
    ``CompensationGranted`` for loyalty; customers noticed before are skipped."""
    found = store.get_incident(conn, incident_id)
    if found is None:
        raise NotFound(f"incident {incident_id} does not exist")
    incident, _ = found
    now = deps.clock.now()
    people = store.affected(conn, incident)
    done = store.noticed(conn, incident.id)
    contacts = deps.contacts(conn, set(people) - done)
    rows, emailed = [], 0
    for customer_id, reason in sorted(people.items()):
        if customer_id in done:
            continue
        contact = contacts.get(customer_id)
        email = contact.email if contact else None
        voucher = voucher_code(incident, customer_id, secret)
        if email:
            text = incident.message + (f"\n\nYour voucher: {voucher}" if voucher else "")
            enqueue(
                conn,
                kind="email",
                dedupe_key=f"incident:{incident.id}:{customer_id}",
                payload={"to": email, "subject": incident.title, "text": text},
                now=now,
            )
            emailed += 1
        rows.append(
            {
                "incident_id": incident.id,
                "customer_id": customer_id,
                "reason": reason,
                "email": bool(email),
                "points": incident.points,
                "voucher": voucher,
                "at": now,
            }
        )
        if incident.points or voucher:
            key = f"incident:{incident.id}:{customer_id}"
            deps.publish(
                CompensationGranted(incident.id, customer_id, incident.points, voucher, key), conn
            )
    store.insert_notices(conn, rows)
    store.mark_notified(conn, incident.id, by, now)
    return Notified(incident.id, len(people), emailed, len(done & set(people)))
