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

from opencx.db.narrowing import Narrowing, narrow_to_integer, widen_to_bigint

revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None

COLUMNS = (Narrowing("loyalty_rewards", "stock"),)


def upgrade() -> None:
    widen_to_bigint(COLUMNS)


def downgrade() -> None:
    narrow_to_integer(revision, COLUMNS)
