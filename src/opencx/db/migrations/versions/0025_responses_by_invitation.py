"""an index on responses.invitation_id (feedback slice): answering a survey link finds the
invitation's response without scanning every response

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06 08:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        op.f("ix_responses_invitation_id"), "responses", ["invitation_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_responses_invitation_id"), table_name="responses")
