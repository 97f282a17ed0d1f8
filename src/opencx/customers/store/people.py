"""Reading customers: rows, merge links, groups and search."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection

from opencx.customers.domain import (
    Customer,
    final_survivor,
    normalise_email,
    normalise_external,
    normalise_phone,
)
from opencx.db.schema import customers, identities

CHUNK = 20000  # values per query: bounds memory; each list travels as one parameter


def among(conn: Connection, column: Any, values: Sequence[str]) -> Any:
    """``column IN values`` with the whole list as ONE parameter: an array on PostgreSQL
    (``= ANY(%s)``), a JSON array on SQLite (``IN (SELECT value FROM json_each(?))``).

    An expanded ``IN (?, ?, ...)`` costs a bind parameter per value to render, convert and
    plan; with batches of thousands of ids that dominated bulk identity resolution.
    """
    if conn.dialect.name == "postgresql":
        array = sa.bindparam(None, list(values), type_=postgresql.ARRAY(sa.String))
        return column == sa.any_(array)
    listed = sa.func.json_each(sa.bindparam(None, json.dumps(list(values)), type_=sa.String))
    return column.in_(sa.select(listed.table_valued("value").c.value))


def chunks(values: Iterable[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def to_customer(row: Any) -> Customer:
    m = row._mapping
    return Customer(
        id=m["id"],
        source=m["source"],
        external_id=m["external_id"],
        name=m["name"],
        email=m["email"],
        phone=m["phone"],
        language=m["language"],
        country=m["country"],
        created_at=m["created_at"],
        attributes=dict(m["attributes"] or {}),
        consent_email=bool(m["consent_email"]),
        consent_sms=bool(m["consent_sms"]),
        consent_surveys=bool(m["consent_surveys"]),
        merged_into=m["merged_into"],
        erased_at=m["erased_at"],
    )


def get_customer(conn: Connection, customer_id: str) -> Customer | None:
    row = conn.execute(sa.select(customers).where(customers.c.id == customer_id)).first()
    return to_customer(row) if row else None


def customers_by_id(conn: Connection, ids: Iterable[str]) -> list[Customer]:
    found: list[Customer] = []
    for batch in chunks(sorted(set(ids))):
        rows = conn.execute(sa.select(customers).where(among(conn, customers.c.id, batch)))
        found += [to_customer(r) for r in rows]
    return found


def final_survivors(conn: Connection, ids: Iterable[str]) -> dict[str, str]:
    """Map each existing id to the customer it finally resolves to (itself when not merged)."""
    wanted = set(ids)
    links: dict[str, str | None] = {}
    pending = set(wanted)
    while pending:
        for batch in chunks(sorted(pending)):
            rows = conn.execute(
                sa.select(customers.c.id, customers.c.merged_into).where(
                    among(conn, customers.c.id, batch)
                )
            )
            links.update({r.id: r.merged_into for r in rows})
        pending = {t for t in links.values() if t is not None and t not in links}
    return {i: final_survivor(links, i) for i in wanted if i in links}


def resolve(conn: Connection, customer_id: str) -> str | None:
    """The surviving customer behind ``customer_id``; ``None`` if no such customer exists."""
    return final_survivors(conn, [customer_id]).get(customer_id)


def group_of(conn: Connection, survivor_id: str) -> list[str]:
    """The survivor and every customer merged into it (chains are kept flat by merges)."""
    rows = conn.execute(sa.select(customers.c.id).where(customers.c.merged_into == survivor_id))
    return [survivor_id, *sorted(r.id for r in rows)]


def _like(text: str) -> str:
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search(
    conn: Connection,
    text: str,
    *,
    limit: int,
    after: str | None = None,
    default_country: str | None = None,
) -> list[Customer]:
    """Surviving customers matching ``text``: a substring of the name or email (any case), an
    exact id or external id (a merged customer's gives its survivor), or a normalised email,
    phone or ``source:id`` identity. Newest first; ``after`` is the last id of the previous
    page."""
    text = text.strip()
    query = sa.select(customers).where(customers.c.merged_into.is_(None))
    if text:
        source, _, external = text.partition(":")
        keys = [
            (kind, value)
            for kind, value in (
                ("email", normalise_email(text)),
                ("phone", normalise_phone(text, default_country)),
                ("external", normalise_external(source, external)),
            )
            if value
        ]
        i = identities.c
        by_identity = sa.select(i.customer_id).where(
            sa.or_(sa.false(), *(sa.and_(i.kind == k, i.value == v) for k, v in keys))
        )
        by_merged = sa.select(customers.c.merged_into).where(
            sa.or_(customers.c.id == text, customers.c.external_id == text)
        )
        query = query.where(
            sa.or_(
                customers.c.id == text,
                customers.c.external_id == text,
                customers.c.id.in_(by_merged),
                customers.c.id.in_(by_identity),
                sa.func.lower(customers.c.name).like(_like(text), escape="\\"),
                sa.func.lower(customers.c.email).like(_like(text), escape="\\"),
            )
        )
    if after:
        query = query.where(customers.c.id < after)
    rows = conn.execute(query.order_by(customers.c.id.desc()).limit(limit))
    return [to_customer(r) for r in rows]


def rows_as_dicts(rows: Sequence[Any]) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in rows]
