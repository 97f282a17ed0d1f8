"""metric targets (metrics slice)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 13:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import opencx.db.types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


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
    op.drop_table("metric_targets")
