"""A challenge's target and a draw's winners are BIGINT on PostgreSQL (loyalty)

Both are bounded when they are set as the other loyalty numbers are, 1 to 999,999,999,999
(``loyalty.service.status.add_challenge``, ``create_draw``), but the columns were INTEGER: on
PostgreSQL a target or a number of winners of 2^31 or more failed with 'integer out of range'
(a DataError from ``LoyaltyService.add_challenge``, a traceback from ``opencx loyalty
draw-create --winners 2147483648``). SQLite's INTEGER holds 64 bits already, and its columns
are left as they are, as 0033 and 0035 did. The downgrade stops, changing nothing, when a value
does not fit INTEGER (``opencx.db.narrowing``).

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-07 13:30:00
"""

from __future__ import annotations

from opencx.db.narrowing import Narrowing, narrow_to_integer, widen_to_bigint

revision = "0036"
down_revision = "0035"
branch_labels = None
depends_on = None

COLUMNS = (
    Narrowing("loyalty_challenges", "target"),
    Narrowing("loyalty_draws", "winners"),
)


def upgrade() -> None:
    widen_to_bigint(COLUMNS)


def downgrade() -> None:
    narrow_to_integer(revision, COLUMNS)
