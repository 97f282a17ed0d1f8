"""Reading customers: rows, merge links, groups and search."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection

from opencx.core.ids import new_id
from opencx.customers.domain import (
    Customer,
    final_survivor,
)
from opencx.db.id_lists import among_ids, ids_value
from opencx.db.schema import customers

CHUNK = 20000  # values per query: bounds memory; each list travels as one parameter


_VALUE: sa.ColumnClause[Any] = sa.column("value")


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
    return column.in_(sa.select(_VALUE).select_from(listed))


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


def contact_rows(conn: Connection, ids: Iterable[str]) -> list[Any]:
    """(id, name, email, phone, erased_at) of those of ``ids`` that exist: only the contact
    columns (a whole row parses its attributes too: 4x the time for a 100,000-person list)."""
    c = customers.c
    found: list[Any] = []
    for batch in chunks(sorted(set(ids))):
        query = sa.select(c.id, c.name, c.email, c.phone, c.erased_at)
        found += conn.execute(query.where(among(conn, c.id, batch))).all()
    return found


def get_customer(conn: Connection, customer_id: str) -> Customer | None:
    row = conn.execute(sa.select(customers).where(customers.c.id == customer_id)).first()
    return to_customer(row) if row else None


@cache
def _by_id(dialect: str) -> sa.Select[Any]:
    return sa.select(customers).where(among_ids(customers.c.id, dialect))


def customers_by_id(conn: Connection, ids: Iterable[str]) -> list[Customer]:
    found: list[Customer] = []
    for batch in chunks(sorted(set(ids))):
        rows = conn.execute(_by_id(conn.dialect.name), {"ids": ids_value(conn, batch)})
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


def insert_contact(
    conn: Connection,
    *,
    email: str | None,
    phone: str | None,
    name: str | None,
    now: datetime,
    customer_id: str | None = None,
) -> str:
    """A new customer known only by how they contacted us (mail, chat, phone); no consents."""
    customer_id = customer_id or new_id()
    conn.execute(
        customers.insert(),
        {
            "id": customer_id,
            "source": "opencx",
            "external_id": customer_id,
            "name": name,
            "email": email,
            "phone": phone,
            "created_at": now,
            "attributes": {},
            "consent_email": False,
            "consent_sms": False,
            "consent_surveys": False,
        },
    )
    return customer_id


def resolve(conn: Connection, customer_id: str) -> str | None:
    """The surviving customer behind ``customer_id``; ``None`` if no such customer exists."""
    return final_survivors(conn, [customer_id]).get(customer_id)


def group_of(conn: Connection, survivor_id: str) -> list[str]:
    """The survivor and every customer merged into it (chains are kept flat by merges)."""
    rows = conn.execute(sa.select(customers.c.id).where(customers.c.merged_into == survivor_id))
    return [survivor_id, *sorted(r.id for r in rows)]


def rows_as_dicts(rows: Sequence[Any]) -> list[dict[str, Any]]:
    return [dict(r._mapping) for r in rows]
