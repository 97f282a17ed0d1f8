"""erased_keys (customers slice): keyed hashes of erased people's keys, so imports drop their rows

The downgrade stops, changing nothing, while erased_keys holds rows (``opencx.db.narrowing``);
emptied, it downgrades.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 05:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import opencx.db.types
from opencx.db.narrowing import check_nothing_dropped

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

# what the downgrade drops that the store cannot give back (opencx.db.narrowing)
DROPPED = ("erased_keys",)
LOSING = (
    "the keys of erased people, by which an import drops their rows: an erased person could be "
    "imported again"
)


def upgrade() -> None:
    op.create_table(
        "erased_keys",
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("erased_at", opencx.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("digest", name=op.f("pk_erased_keys")),
    )


def downgrade() -> None:
    check_nothing_dropped(op.get_bind(), revision, DROPPED, LOSING)
    op.drop_table("erased_keys")
