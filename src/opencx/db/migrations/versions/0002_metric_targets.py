"""metric targets (metrics slice)

The downgrade stops, changing nothing, while metric_targets holds rows (``opencx.db.narrowing``):
the targets users set, and who their alerts go to, would go.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 13:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import opencx.db.types
from opencx.db.narrowing import check_nothing_dropped

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# what the downgrade drops that the store cannot give back (opencx.db.narrowing)
DROPPED = ("metric_targets",)
LOSING = "the targets users set on metrics, and who their alerts go to"


def upgrade() -> None:
    op.create_table(
        "metric_targets",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("metric", sa.String(length=60), nullable=False),
        sa.Column("comparator", sa.String(length=2), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("due_at", opencx.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("filters", sa.JSON(), nullable=False),
        sa.Column("owner_email", sa.String(length=320), nullable=False),
        sa.Column("created_at", opencx.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_metric_targets")),
        sa.UniqueConstraint("metric", "owner_email", name="uq_metric_targets_metric"),
    )


def downgrade() -> None:
    check_nothing_dropped(op.get_bind(), revision, DROPPED, LOSING)
    op.drop_table("metric_targets")
