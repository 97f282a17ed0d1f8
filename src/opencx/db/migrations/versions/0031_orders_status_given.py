"""orders.status_given: whether an order's status is the one its file or event gave (ingest)

An import computes an order's status from its lines (``completed``, ``returned``,
``partly_returned``) unless the file gives one; a return linked to the order later marks it
``partly_returned``, and a re-import that moves that return elsewhere sets it back to
``completed``. Those marks must leave a status the file gave alone, which the store could not
tell from a computed one: an order given ``partly_returned`` became ``completed`` when the
return linked to it moved (docs/import.md, "Order specifics"). Existing orders are taken as
computed (``false``), as every import so far treated them.

The downgrade stops, changing nothing, while an order's status is one its file gave
(``status_given`` true, ``opencx.db.narrowing``): the older code takes it as computed.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-07 07:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from opencx.db.narrowing import DroppedColumn, check_no_column_dropped

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None

# what the downgrade drops that the older schema cannot represent (opencx.db.narrowing)
DROPPED_COLUMNS = (DroppedColumn("orders", "status_given", absent=False),)
LOSING = (
    "which orders' statuses their files gave: the older code takes them as computed, and a "
    "return linked or moved later changes them"
)


def upgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status_given", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    check_no_column_dropped(op.get_bind(), revision, DROPPED_COLUMNS, LOSING)
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_column("status_given")
