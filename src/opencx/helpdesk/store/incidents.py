"""Incidents, the customers they touched (read from orders and interactions), their notices."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.db.schema import customers, interactions, order_lines, orders
from opencx.helpdesk.domain.incidents import Incident
from opencx.helpdesk.store.tables import incident_notices, incidents


def insert_incident(conn: Connection, incident: Incident, by: str, now: datetime) -> None:
    conn.execute(
        incidents.insert(),
        {
            "id": incident.id,
            "title": incident.title,
            "starts_at": incident.starts_at,
            "ends_at": incident.ends_at,
            "message": incident.message,
            "points": incident.points,
            "scope": {"products": sorted(incident.products), "regions": sorted(incident.regions)},
            "voucher_prefix": incident.voucher_prefix,
            "declared_by": by,
            "declared_at": now,
        },
    )


def get_incident(conn: Connection, incident_id: str) -> tuple[Incident, Any] | None:
    row = conn.execute(sa.select(incidents).where(incidents.c.id == incident_id)).first()
    if row is None:
        return None
    found = Incident(
        row.id,
        row.title,
        row.starts_at,
        row.ends_at,
        frozenset(row.scope["products"]),
        frozenset(row.scope["regions"]),
        row.message,
        row.points,
        row.voucher_prefix,
    )
    return found, row


def affected(conn: Connection, incident: Incident) -> dict[str, str]:
    """customer id → reason: bought an affected product in the window (orders), or was
    active in the window in an affected region (interactions). Merged and erased people are
    left out."""
    found: dict[str, str] = {}
    if incident.products:
        o, ol = orders.c, order_lines.c
        query = (
            sa.select(o.customer_id)
            .distinct()
            .select_from(orders.join(order_lines, ol.order_id == o.id))
            .where(
                o.placed_at >= incident.starts_at,
                o.placed_at < incident.ends_at,
                ol.sku.in_(sorted(incident.products)),
                o.customer_id.is_not(None),
            )
        )
        found.update({cid: "product" for cid in conn.execute(query).scalars()})
    if incident.regions:
        i, c = interactions.c, customers.c
        query = (
            sa.select(i.customer_id)
            .distinct()
            .select_from(interactions.join(customers, c.id == i.customer_id))
            .where(
                i.occurred_at >= incident.starts_at,
                i.occurred_at < incident.ends_at,
                c.country.in_(sorted(incident.regions)),
            )
        )
        for cid in conn.execute(query).scalars():
            found.setdefault(cid, "region")
    if not found:
        return {}
    c = customers.c
    people = conn.execute(
        sa.select(c.id).where(
            c.id.in_(sorted(found)), c.merged_into.is_(None), c.erased_at.is_(None)
        )
    )
    return {cid: found[cid] for cid in people.scalars()}


def noticed(conn: Connection, incident_id: str) -> set[str]:
    n = incident_notices.c
    return set(conn.execute(sa.select(n.customer_id).where(n.incident_id == incident_id)).scalars())


def insert_notices(conn: Connection, rows: list[dict[str, Any]]) -> None:
    if rows:
        conn.execute(incident_notices.insert(), rows)


def mark_notified(conn: Connection, incident_id: str, by: str, now: datetime) -> None:
    query = incidents.update().where(incidents.c.id == incident_id)
    conn.execute(query.values(notified_by=by, notified_at=now))


def incident_list(conn: Connection, limit: int = 100) -> list[Any]:
    """The latest incidents, newest window first, with how many customers were noticed."""
    i, n = incidents.c, incident_notices.c
    counts = (
        sa.select(n.incident_id, sa.func.count().label("noticed"))
        .group_by(n.incident_id)
        .subquery()
    )
    query = (
        sa.select(
            i.id,
            i.title,
            i.starts_at,
            i.ends_at,
            i.scope,
            i.points,
            i.voucher_prefix,
            i.declared_by,
            i.declared_at,
            i.notified_by,
            i.notified_at,
            sa.func.coalesce(counts.c.noticed, 0).label("noticed"),
        )
        .select_from(incidents.outerjoin(counts, counts.c.incident_id == i.id))
        .order_by(i.starts_at.desc(), i.id.desc())
        .limit(limit)
    )
    return list(conn.execute(query))
