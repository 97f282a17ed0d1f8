"""helpdesk self-service: unconfirmed requests and rate buckets (helpdesk slice)

The downgrade stops, changing nothing, while a request is held (``opencx.db.narrowing``); the rate
buckets, which expire, are dropped as they are.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-06 08:00:00

An anonymous visitor's catalog request is held in helpdesk_catalog_unconfirmed until its signed
confirmation link is followed; helpdesk_rate_buckets limit the confirmation mails per client
address and per recipient (opencx.helpdesk.domain.limits). helpdesk_catalog_audit gets seq, the
step's place in its run's trail, so steps recorded at one instant keep their order.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import opencx.db.types
from opencx.db.narrowing import check_nothing_dropped

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

# what the downgrade drops that the store cannot give back (opencx.db.narrowing)
DROPPED = ("helpdesk_catalog_unconfirmed",)
LOSING = "the self-service requests waiting for their confirmation link"


def upgrade() -> None:
    with op.batch_alter_table("helpdesk_catalog_audit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.Integer(), server_default="0", nullable=False))
    op.create_table(
        "helpdesk_catalog_unconfirmed",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("item", sa.String(length=100), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("form", sa.JSON(), nullable=False),
        sa.Column("created_at", opencx.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", opencx.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_helpdesk_catalog_unconfirmed")),
    )
    with op.batch_alter_table("helpdesk_catalog_unconfirmed", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_helpdesk_catalog_unconfirmed_expires_at"), ["expires_at"]
        )
    op.create_table(
        "helpdesk_rate_buckets",
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("level", sa.Float(), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_helpdesk_rate_buckets")),
    )
    with op.batch_alter_table("helpdesk_rate_buckets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_helpdesk_rate_buckets_at"), ["at"])


def downgrade() -> None:
    check_nothing_dropped(op.get_bind(), revision, DROPPED, LOSING)
    with op.batch_alter_table("helpdesk_rate_buckets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_helpdesk_rate_buckets_at"))
    op.drop_table("helpdesk_rate_buckets")
    with op.batch_alter_table("helpdesk_catalog_unconfirmed", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_helpdesk_catalog_unconfirmed_expires_at"))
    op.drop_table("helpdesk_catalog_unconfirmed")
    with op.batch_alter_table("helpdesk_catalog_audit", schema=None) as batch_op:
        batch_op.drop_column("seq")
