"""helpdesk proactive incidents (helpdesk slice): incidents and the notice to each customer

The downgrade stops, changing nothing, while either table holds rows (``opencx.db.narrowing``);
emptied, it downgrades.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 03:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import opencx.db.types
from opencx.db.narrowing import check_nothing_dropped

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

# what the downgrade drops that the store cannot give back (opencx.db.narrowing)
DROPPED = ("helpdesk_incidents", "helpdesk_incident_notices")
LOSING = "the incidents and the notices customers were sent about them"


def upgrade() -> None:
    op.create_table(
        "helpdesk_incidents",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("starts_at", opencx.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", opencx.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("scope", sa.JSON(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("voucher_prefix", sa.String(length=40), nullable=True),
        sa.Column("declared_by", sa.String(length=320), nullable=False),
        sa.Column("declared_at", opencx.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("notified_by", sa.String(length=320), nullable=True),
        sa.Column("notified_at", opencx.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_helpdesk_incidents")),
    )
    op.create_table(
        "helpdesk_incident_notices",
        sa.Column("incident_id", sa.String(length=26), nullable=False),
        sa.Column("customer_id", sa.String(length=26), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("email", sa.Boolean(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("voucher", sa.String(length=60), nullable=True),
        sa.Column("at", opencx.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["helpdesk_incidents.id"],
            name=op.f("fk_helpdesk_incident_notices_incident_id_helpdesk_incidents"),
        ),
        sa.PrimaryKeyConstraint(
            "incident_id", "customer_id", name=op.f("pk_helpdesk_incident_notices")
        ),
    )


def downgrade() -> None:
    check_nothing_dropped(op.get_bind(), revision, DROPPED, LOSING)
    op.drop_table("helpdesk_incident_notices")
    op.drop_table("helpdesk_incidents")
