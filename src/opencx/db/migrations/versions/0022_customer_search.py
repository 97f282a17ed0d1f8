"""customer search keys (customers slice): folded name and email, phone digits

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 05:10:00

The keys are written by Python (opencx.customers.domain.search.fold); customers that exist
before this revision get theirs before the first search (opencx.customers.store.search).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "customer_search",
        sa.Column("customer_id", sa.String(length=26), nullable=False),
        sa.Column("name_key", sa.String(length=300), nullable=True),
        sa.Column("email_key", sa.String(length=320), nullable=True),
        sa.Column("phone_digits", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_customer_search_customer_id_customers"),
        ),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_customer_search")),
    )


def downgrade() -> None:
    op.drop_table("customer_search")
