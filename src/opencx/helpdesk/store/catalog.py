"""Catalog items, runs and the audit trail of every step."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.core.ids import new_id
from opencx.helpdesk.domain.catalog import CatalogItem, item_from_dict, item_to_dict
from opencx.helpdesk.store.tables import catalog_audit, catalog_items, catalog_runs


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


def insert_run(conn: Connection, **values: Any) -> str:
    run_id = new_id()
    conn.execute(catalog_runs.insert(), {"id": run_id, "approvers": [], **values})
    return run_id


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
    conn.execute(
        catalog_audit.insert(),
        {
            "id": new_id(),
            "run_id": run_id,
            "at": at,
            "actor": actor,
            "step": step,
            "detail": detail,
        },
    )


def trail(conn: Connection, run_id: str) -> list[Any]:
    a = catalog_audit.c
    return list(
        conn.execute(sa.select(catalog_audit).where(a.run_id == run_id).order_by(a.at, a.id))
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
