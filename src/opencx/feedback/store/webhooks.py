"""Webhook subscriptions (``feedback_webhooks``): add, list, read one with its secret, remove."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.feedback.domain.webhooks import Subscription
from opencx.feedback.store.tables import feedback_webhooks

W = feedback_webhooks.c


def _subscription(row: Any) -> Subscription:
    return Subscription(
        row.id, row.url, tuple(row.events), bool(row.active), row.created_at, row.created_by
    )


def insert(conn: Connection, sub: Subscription, secret: str) -> None:
    conn.execute(
        feedback_webhooks.insert().values(
            id=sub.id,
            url=sub.url,
            secret=secret,
            events=list(sub.events),
            active=sub.active,
            created_at=sub.created_at,
            created_by=sub.created_by,
        )
    )


def subscriptions(conn: Connection, *, active_only: bool = False) -> list[Subscription]:
    query = sa.select(feedback_webhooks).order_by(W.created_at, W.id)
    if active_only:
        query = query.where(W.active.is_(True))
    return [_subscription(r) for r in conn.execute(query)]


def with_secret(conn: Connection, subscription_id: str) -> tuple[Subscription, str] | None:
    row = conn.execute(sa.select(feedback_webhooks).where(W.id == subscription_id)).first()
    return (_subscription(row), str(row.secret)) if row is not None else None


def remove(conn: Connection, subscription_id: str) -> bool:
    result = conn.execute(feedback_webhooks.delete().where(W.id == subscription_id))
    return bool(result.rowcount)
