"""Catalog items, runs and the audit trail of every step."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.core.ids import new_id
from opencx.helpdesk.domain.catalog import CatalogItem, item_from_dict, item_to_dict
from opencx.helpdesk.store.tables import (
    catalog_audit,
    catalog_items,
    catalog_runs,
    catalog_unconfirmed,
)


def save_item(conn: Connection, item: CatalogItem) -> None:
    c = catalog_items.c
    if conn.execute(sa.select(c.key).where(c.key == item.key)).first():
        conn.execute(
            catalog_items.update().where(c.key == item.key).values(definition=item_to_dict(item))
        )
    else:
        conn.execute(catalog_items.insert(), {"key": item.key, "definition": item_to_dict(item)})


def get_item(conn: Connection, key: str) -> CatalogItem | None:
    row = conn.execute(sa.select(catalog_items).where(catalog_items.c.key == key)).first()
    return item_from_dict(row.definition) if row else None


def insert_run(conn: Connection, run_id: str | None = None, **values: Any) -> str:
    run_id = run_id or new_id()
    conn.execute(catalog_runs.insert(), {"id": run_id, "approvers": [], **values})
    return run_id


# --- requests held until confirmed -------------------------------------------------------------


def hold(conn: Connection, **values: Any) -> str:
    """Keep an anonymous visitor's request until its confirmation; its id becomes the run's."""
    held_id = new_id()
    conn.execute(catalog_unconfirmed.insert(), {"id": held_id, **values})
    return held_id


def take_held(conn: Connection, held_id: str) -> Any:
    """The held request, removed in this transaction (None: confirmed already, or gone). Of two
    concurrent confirmations only one gets it: the other's delete finds no row."""
    u = catalog_unconfirmed.c
    row = conn.execute(sa.select(catalog_unconfirmed).where(u.id == held_id)).first()
    if row is None:
        return None
    if conn.execute(catalog_unconfirmed.delete().where(u.id == held_id)).rowcount != 1:
        return None
    return row


def held(conn: Connection, held_id: str) -> Any:
    u = catalog_unconfirmed.c
    return conn.execute(sa.select(catalog_unconfirmed).where(u.id == held_id)).first()


def forget_held(
    conn: Connection, keys: set[str], emails: set[str], fold: Callable[[str], str]
) -> int:
    """Delete the held requests whose ``email_key`` is among ``keys``, and those held before
    the key existed (no key) whose address, folded by ``fold``, is among ``emails``."""
    u = catalog_unconfirmed.c
    ids = [i for (i,) in conn.execute(sa.select(u.id).where(u.email_key.in_(sorted(keys))))]
    unkeyed = conn.execute(sa.select(u.id, u.email).where(u.email_key.is_(None)))
    ids += [r.id for r in unkeyed if fold(r.email) in emails]
    if not ids:
        return 0
    return conn.execute(catalog_unconfirmed.delete().where(u.id.in_(ids))).rowcount


def forget_expired(conn: Connection, now: datetime) -> int:
    """Delete held requests whose link has expired (they never became requests)."""
    query = catalog_unconfirmed.delete().where(catalog_unconfirmed.c.expires_at <= now)
    return conn.execute(query).rowcount


def get_run(conn: Connection, run_id: str, *, lock: bool = False) -> Any:
    query = sa.select(catalog_runs).where(catalog_runs.c.id == run_id)
    if lock and conn.dialect.name == "postgresql":
        query = query.with_for_update()
    return conn.execute(query).first()


def update_run(conn: Connection, run_id: str, **values: Any) -> None:
    conn.execute(catalog_runs.update().where(catalog_runs.c.id == run_id).values(**values))


def audit(
    conn: Connection, run_id: str, at: datetime, actor: str, step: str, detail: str | None = None
) -> None:
    a = catalog_audit.c
    last = sa.select(sa.func.coalesce(sa.func.max(a.seq), 0)).where(a.run_id == run_id)
    conn.execute(
        catalog_audit.insert(),
        {
            "id": new_id(),
            "run_id": run_id,
            "at": at,
            "actor": actor,
            "step": step,
            "detail": detail,
            "seq": conn.execute(last).scalar_one() + 1,
        },
    )


def trail(conn: Connection, run_id: str) -> list[Any]:
    a = catalog_audit.c
    return list(
        conn.execute(sa.select(catalog_audit).where(a.run_id == run_id).order_by(a.at, a.seq, a.id))
    )


def erase_runs(conn: Connection, customer_ids: list[str]) -> None:
    query = catalog_runs.update().where(catalog_runs.c.customer_id.in_(customer_ids))
    conn.execute(query.values(email=None, form={}))


def items(conn: Connection) -> list[CatalogItem]:
    rows = conn.execute(sa.select(catalog_items).order_by(catalog_items.c.key))
    return [item_from_dict(r.definition) for r in rows]


def runs(conn: Connection, status: str | None = None, limit: int = 100) -> list[Any]:
    """The latest requests, newest first (``status``: only those)."""
    r = catalog_runs.c
    query = sa.select(catalog_runs).order_by(r.created_at.desc(), r.id.desc()).limit(limit)
    if status:
        query = query.where(r.status == status)
    return list(conn.execute(query))
