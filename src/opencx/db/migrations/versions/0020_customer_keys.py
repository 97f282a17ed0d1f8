"""customer_keys (customers slice): per-customer data keys for crypto-shredding, wrapped

On PostgreSQL customers' name, email and phone widen to hold sealed values; the downgrade stops,
changing nothing, when a value is longer than the narrower column (``opencx.db.narrowing``).

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 05:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import opencx.db.types
from opencx.db.narrowing import Narrowing, check_values_fit

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


WIDER = {"name": 1000, "email": 1000, "phone": 200}
NARROWER = {"name": 300, "email": 320, "phone": 40}


def upgrade() -> None:
    op.create_table(
        "customer_keys",
        sa.Column("customer_id", sa.String(length=26), nullable=False),
        sa.Column("wrapped", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", opencx.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("customer_id", name=op.f("pk_customer_keys")),
    )
    # a sealed field (enc1: token) is longer than the value; SQLite does not enforce lengths
    if op.get_bind().dialect.name == "postgresql":
        for column, length in WIDER.items():
            op.alter_column("customers", column, type_=sa.String(length=length))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        narrowings = [Narrowing("customers", c, length) for c, length in NARROWER.items()]
        check_values_fit(op.get_bind(), revision, narrowings)
        for column, length in NARROWER.items():
            op.alter_column("customers", column, type_=sa.String(length=length))
    op.drop_table("customer_keys")
