"""A challenge's points and a draw's points per ticket are BIGINT on PostgreSQL (loyalty)

Both hold points, which the ledger bounds at 999,999,999,999 (``loyalty.domain.POINTS_LIMIT``);
they were INTEGER, so on PostgreSQL a challenge of 2^31 points or more, or a draw of that many
points per ticket, failed with 'integer out of range' (SQLite's INTEGER holds 64 bits already,
and its column is left as it is). The downgrade stops, changing nothing, when a value does not fit
INTEGER (``opencx.db.narrowing``).

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-07 10:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from opencx.db.narrowing import Narrowing, check_values_fit

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None

COLUMNS = (("loyalty_challenges", "points"), ("loyalty_draws", "points_per_ticket"))


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in COLUMNS:
        op.alter_column(table, column, type_=sa.BigInteger(), existing_type=sa.Integer())


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    check_values_fit(op.get_bind(), revision, [Narrowing(t, c) for t, c in COLUMNS])
    for table, column in COLUMNS:
        op.alter_column(table, column, type_=sa.Integer(), existing_type=sa.BigInteger())
