"""index order_lines.returns_line_id (ingest slice): find the returns of an order's lines

Without it, finding the return lines that reverse given lines scanned every order line (the
demo's loyalty program asked that once per member: 80 s of a 20,000-customer demo). Partial:
only return lines carry the column.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 04:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

_WHERE = sa.text("returns_line_id IS NOT NULL")


def upgrade() -> None:
    op.create_index(
        "ix_order_lines_returns_line_id",
        "order_lines",
        ["returns_line_id"],
        unique=False,
        sqlite_where=_WHERE,
        postgresql_where=_WHERE,
    )


def downgrade() -> None:
    op.drop_index("ix_order_lines_returns_line_id", table_name="order_lines")
