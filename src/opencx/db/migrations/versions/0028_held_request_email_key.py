"""held catalog requests' email key (helpdesk slice): erasure finds them by address

A held (unconfirmed) self-service request keeps the visitor's address until its link is
followed or expires. ``email_key`` is a keyed hash (HMAC-SHA256 with a key derived from the
secret) of the address, case-folded, so an erasure finds the person's held requests by an
indexed lookup, whatever the case or script of the address, whether contacts are sealed or not.
Rows held before this migration have no key; erasure compares their address in Python (they
expire within a day).

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-06 10:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

TABLE = "helpdesk_catalog_unconfirmed"


def upgrade() -> None:
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.add_column(sa.Column("email_key", sa.String(length=64), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_helpdesk_catalog_unconfirmed_email_key"), ["email_key"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table(TABLE, schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_helpdesk_catalog_unconfirmed_email_key"))
        batch_op.drop_column("email_key")
