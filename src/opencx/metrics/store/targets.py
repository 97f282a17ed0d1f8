"""The metrics slice's table: targets per metric, with the owner alerts go to."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.core.ids import new_id
from opencx.db.schema import metadata
from opencx.db.types import ID, UtcDateTime
from opencx.metrics.domain.targets import Target

metric_targets = sa.Table(
    "metric_targets",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("metric", sa.String(60), nullable=False),
    sa.Column("comparator", sa.String(2), nullable=False),  # >= or <=
    sa.Column("value", sa.Float, nullable=False),
    sa.Column("due_at", UtcDateTime),
    sa.Column("period", sa.String(10), nullable=False, default="week"),
    sa.Column("filters", sa.JSON, nullable=False, default=dict),
    sa.Column("owner_email", sa.String(320), nullable=False),
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("metric", "owner_email", name="uq_metric_targets_metric"),
)


def _target(row: Any) -> Target:
    return Target(
        id=row.id,
        metric=row.metric,
        comparator=row.comparator,
        value=row.value,
        due_at=row.due_at,
        period=row.period,
        filters=dict(row.filters or {}),
        owner_email=row.owner_email,
    )


def save_target(conn: Connection, target: Target, now: datetime) -> Target:
    """Insert or replace the target of (metric, owner)."""
    t = metric_targets
    old = conn.execute(
        sa.select(t.c.id).where(t.c.metric == target.metric, t.c.owner_email == target.owner_email)
    ).scalar_one_or_none()
    values = {
        "comparator": target.comparator,
        "value": target.value,
        "due_at": target.due_at,
        "period": target.period,
        "filters": dict(target.filters),
    }
    if old is None:
        tid = new_id()
        conn.execute(
            t.insert().values(
                id=tid,
                metric=target.metric,
                owner_email=target.owner_email,
                created_at=now,
                **values,
            )
        )
    else:
        tid = old
        conn.execute(t.update().where(t.c.id == old).values(**values))
    return _target(conn.execute(sa.select(t).where(t.c.id == tid)).one())


def targets(conn: Connection) -> list[Target]:
    t = metric_targets
    return [_target(r) for r in conn.execute(sa.select(t).order_by(t.c.metric, t.c.owner_email))]


def delete_target(conn: Connection, target_id: str) -> bool:
    t = metric_targets
    return conn.execute(t.delete().where(t.c.id == target_id)).rowcount > 0
