"""Orders the loyalty ledger took no points for, past the points bound (loyalty)

An order whose points (or whose return's reversal) would pass the points bound is refused
alone: nothing of it is written, its live import or backfill goes on with the other orders, and
this table keeps the refusal with the sentence naming the order until the order earns
(``loyalty.store.refusals``). Before, one such order failed the whole import or backfill.

The downgrade stops, changing nothing, while loyalty_refused_orders holds rows
(``opencx.db.narrowing``); emptied, it downgrades.

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-07 12:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import opencx.db.types
from opencx.db.narrowing import check_nothing_dropped

revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None

# what the downgrade drops that the store cannot give back (opencx.db.narrowing)
DROPPED = ("loyalty_refused_orders",)
LOSING = "the orders the points ledger refused, kept until they earn"


def upgrade() -> None:
    op.create_table(
        "loyalty_refused_orders",
        sa.Column("order_id", sa.String(length=26), nullable=False),
        sa.Column("member_id", sa.String(length=26), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("at", opencx.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("order_id", name=op.f("pk_loyalty_refused_orders")),
    )


def downgrade() -> None:
    check_nothing_dropped(op.get_bind(), revision, DROPPED, LOSING)
    op.drop_table("loyalty_refused_orders")
