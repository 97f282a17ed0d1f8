"""customers' email and name indexes hold only customers that have one (customers slice)

An import that creates customers from orders (``create_missing_customers``) gives them neither
name nor email: ``ix_customers_email`` and ``ix_customers_name`` held an entry for each of them.
Partial (``WHERE email IS NOT NULL``, ``WHERE name IS NOT NULL``), they hold only the customers
a lookup by email or name can find; every query that filters customers by those columns asks
for values that are not null, so the planner still uses them. 45,898 new customers of the
import bench: their ``COPY`` 0.31–0.56 s -> 0.25–0.44 s (bench/RESULTS.md, issue 16, ninth
session).

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-07 04:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None

INDEXES = {"ix_customers_email": "email", "ix_customers_name": "name"}


def upgrade() -> None:
    for name, column in INDEXES.items():
        op.drop_index(name, table_name="customers")
        present = sa.text(f"{column} IS NOT NULL")
        op.create_index(name, "customers", [column], sqlite_where=present, postgresql_where=present)


def downgrade() -> None:
    for name, column in INDEXES.items():
        op.drop_index(name, table_name="customers")
        op.create_index(name, "customers", [column])
