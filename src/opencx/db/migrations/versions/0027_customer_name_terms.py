"""sealed names' search terms (customers slice): blind indexes of each name word and beginning

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06 10:50:00

The terms are blind indexes under a key only the application holds (opencx.customers.store.search);
customers sealed before this revision get theirs from `opencx init` (or `opencx customers seal`).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "customer_name_terms",
        sa.Column("term", sa.String(length=80), nullable=False),
        sa.Column("customer_id", sa.String(length=26), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_customer_name_terms_customer_id_customers"),
        ),
        sa.PrimaryKeyConstraint("term", "customer_id", name=op.f("pk_customer_name_terms")),
    )
    op.create_index(
        op.f("ix_customer_name_terms_customer_id"), "customer_name_terms", ["customer_id"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_customer_name_terms_customer_id"), table_name="customer_name_terms")
    op.drop_table("customer_name_terms")
