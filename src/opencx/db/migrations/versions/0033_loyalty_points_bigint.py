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

from opencx.db.narrowing import Narrowing, narrow_to_integer, widen_to_bigint

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None

COLUMNS = (
    Narrowing("loyalty_challenges", "points"),
    Narrowing("loyalty_draws", "points_per_ticket"),
)


def upgrade() -> None:
    widen_to_bigint(COLUMNS)


def downgrade() -> None:
    narrow_to_integer(revision, COLUMNS)
