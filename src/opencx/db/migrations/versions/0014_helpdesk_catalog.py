"""helpdesk self-service catalog (helpdesk slice): items, runs and their audit trail

The downgrade stops, changing nothing, while any of these tables holds rows
(``opencx.db.narrowing``); emptied, it downgrades.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 03:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import opencx.db.types
from opencx.db.narrowing import check_nothing_dropped

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# what the downgrade drops that the store cannot give back (opencx.db.narrowing)
DROPPED = ("helpdesk_catalog_items", "helpdesk_catalog_runs", "helpdesk_catalog_audit")
LOSING = "the self-service catalog, the requests made through it and their audit trail"


def upgrade() -> None:
    op.create_table(
        "helpdesk_catalog_items",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_helpdesk_catalog_items")),
    )
    op.create_table(
        "helpdesk_catalog_runs",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("item", sa.String(length=100), nullable=False),
        sa.Column("customer_id", sa.String(length=26), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("form", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("approvers", sa.JSON(), nullable=False),
        sa.Column("case_id", sa.String(length=26), nullable=True),
        sa.Column("created_at", opencx.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", opencx.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_helpdesk_catalog_runs")),
    )
    with op.batch_alter_table("helpdesk_catalog_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_helpdesk_catalog_runs_customer_id"), ["customer_id"])
    op.create_table(
        "helpdesk_catalog_audit",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("run_id", sa.String(length=26), nullable=False),
        sa.Column("at", opencx.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=320), nullable=False),
        sa.Column("step", sa.String(length=40), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["helpdesk_catalog_runs.id"],
            name=op.f("fk_helpdesk_catalog_audit_run_id_helpdesk_catalog_runs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_helpdesk_catalog_audit")),
    )
    with op.batch_alter_table("helpdesk_catalog_audit", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_helpdesk_catalog_audit_run_id"), ["run_id"])


def downgrade() -> None:
    check_nothing_dropped(op.get_bind(), revision, DROPPED, LOSING)
    with op.batch_alter_table("helpdesk_catalog_audit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_helpdesk_catalog_audit_run_id"))
    op.drop_table("helpdesk_catalog_audit")
    with op.batch_alter_table("helpdesk_catalog_runs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_helpdesk_catalog_runs_customer_id"))
    op.drop_table("helpdesk_catalog_runs")
    op.drop_table("helpdesk_catalog_items")
