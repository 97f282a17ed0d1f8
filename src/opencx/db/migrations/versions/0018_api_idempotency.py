"""web: Idempotency-Key records of the API (the answer replayed on a retry)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 05:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import opencx.db.types

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "api_idempotency",
        sa.Column("caller", sa.String(length=120), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("request_digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", opencx.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("claimed_until", opencx.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("media_type", sa.String(length=100), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("caller", "key", name=op.f("pk_api_idempotency")),
    )
    op.create_index(
        "ix_api_idempotency_created_at", "api_idempotency", ["created_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_api_idempotency_created_at", table_name="api_idempotency")
    op.drop_table("api_idempotency")
