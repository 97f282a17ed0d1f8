"""feedback: discovered themes, nameable (feedback slice)

``feedback_themes`` keeps each theme text analytics found (its strongest terms and weights), and
the name a person gave it; equal names merge themes in ``answer_topics``.

The downgrade stops, changing nothing, while feedback_themes holds rows (``opencx.db.narrowing``);
emptied, it downgrades.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 02:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from opencx.db.narrowing import check_nothing_dropped
from opencx.db.types import UtcDateTime

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# what the downgrade drops that the store cannot give back (opencx.db.narrowing)
DROPPED = ("feedback_themes",)
LOSING = "the themes found in comments and the names given to them"


def upgrade() -> None:
    op.create_table(
        "feedback_themes",
        sa.Column("key", sa.String(20), nullable=False),
        sa.Column("label", sa.String(300), nullable=False),
        sa.Column("name", sa.String(100)),
        sa.Column("terms", sa.JSON, nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_feedback_themes"),
    )


def downgrade() -> None:
    check_nothing_dropped(op.get_bind(), revision, DROPPED, LOSING)
    op.drop_table("feedback_themes")
