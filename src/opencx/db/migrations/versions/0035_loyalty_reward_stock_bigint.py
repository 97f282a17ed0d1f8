"""A reward's stock is BIGINT on PostgreSQL (loyalty)

A stock is bounded as points are, 0 to 999,999,999,999 (``loyalty.domain.check_reward``), but
the column was INTEGER: on PostgreSQL a stock of 2^31 or more failed with 'integer out of
range' (a 500 from ``PUT /api/loyalty/rewards/{id}``, a traceback from ``opencx loyalty
reward``). SQLite's INTEGER holds 64 bits already, and its column is left as it is. The downgrade
stops, changing nothing, when a stock does not fit INTEGER (``opencx.db.narrowing``).

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-07 12:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from opencx.db.narrowing import Narrowing, check_values_fit

revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.alter_column("loyalty_rewards", "stock", type_=sa.BigInteger(), existing_type=sa.Integer())


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    check_values_fit(op.get_bind(), revision, [Narrowing("loyalty_rewards", "stock")])
    op.alter_column("loyalty_rewards", "stock", type_=sa.Integer(), existing_type=sa.BigInteger())
