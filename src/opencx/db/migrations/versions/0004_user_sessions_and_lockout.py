"""users: revocable sessions, login lockout, disabled users (access slice)

``sessions_since`` voids every session issued before it (password change, sign-out
everywhere); ``failed_logins`` and ``locked_until`` throttle password guessing; ``disabled_at``
keeps a departed user's row (and what it did) while refusing the login.

The downgrade stops, changing nothing, while a user is disabled (``opencx.db.narrowing``): the
older code has no disabled user, so one could sign in again.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 16:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from opencx.db.narrowing import DroppedColumn, check_no_column_dropped
from opencx.db.types import UtcDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# what the downgrade drops that the older schema cannot represent (opencx.db.narrowing); the
# other columns it drops are left unchecked (docs/operations.md, Downgrade): two throttle logins
# (a day at most), sessions_since voids the sessions issued before a sign-out everywhere
DROPPED_COLUMNS = (DroppedColumn("users", "disabled_at"),)
LOSING = "which users are disabled: a disabled user could sign in again with the older code"


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sessions_since", UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("locked_until", UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("disabled_at", UtcDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    check_no_column_dropped(op.get_bind(), revision, DROPPED_COLUMNS, LOSING)
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("disabled_at")
        batch_op.drop_column("locked_until")
        batch_op.drop_column("failed_logins")
        batch_op.drop_column("sessions_since")
