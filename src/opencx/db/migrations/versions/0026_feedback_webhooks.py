"""feedback webhook subscriptions (feedback slice): URL, signing secret and event types each

The downgrade stops, changing nothing, while feedback_webhooks holds rows
(``opencx.db.narrowing``); emptied, it downgrades.

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06 08:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from opencx.db.narrowing import check_nothing_dropped
from opencx.db.types import UtcDateTime

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

# what the downgrade drops that the store cannot give back (opencx.db.narrowing)
DROPPED = ("feedback_webhooks",)
LOSING = "the feedback webhook subscriptions"


def upgrade() -> None:
    op.create_table(
        "feedback_webhooks",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("secret", sa.String(length=200), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_feedback_webhooks"),
    )


def downgrade() -> None:
    check_nothing_dropped(op.get_bind(), revision, DROPPED, LOSING)
    op.drop_table("feedback_webhooks")
