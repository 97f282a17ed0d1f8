"""customer_keys (customers slice): per-customer data keys for crypto-shredding, wrapped

On PostgreSQL customers' name, email and phone widen to hold sealed values; the downgrade stops,
changing nothing, when a value is longer than the narrower column (``opencx.db.narrowing``).
On both stores the downgrade also stops, changing nothing, while ``customer_keys`` holds a key or
a customer holds a sealed field: dropping the keys would leave those fields unreadable for good.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-06 05:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.engine import Connection

import opencx.db.types
from opencx.db.narrowing import DowngradeRefused, Narrowing, check_values_fit, rows

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


WIDER = {"name": 1000, "email": 1000, "phone": 200}
NARROWER = {"name": 300, "email": 320, "phone": 40}
SEALED_PREFIX = "enc1:"  # opencx.customers.domain.sealing, as of this revision


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
    _check_nothing_sealed(op.get_bind())
    if op.get_bind().dialect.name == "postgresql":
        narrowings = [Narrowing("customers", c, length) for c, length in NARROWER.items()]
        check_values_fit(op.get_bind(), revision, narrowings)
        for column, length in NARROWER.items():
            op.alter_column("customers", column, type_=sa.String(length=length))
    op.drop_table("customer_keys")


def _check_nothing_sealed(bind: Connection) -> None:
    """Raise :class:`DowngradeRefused` while a data key is stored or a customer's name, email or
    phone is sealed: the tokens open only with those keys, which nothing but this table holds,
    and OpenCX has no command that unseals. Counts rows, never shows a value (personal data)."""
    keys = bind.execute(
        sa.select(sa.func.count()).select_from(sa.table("customer_keys"))
    ).scalar_one()
    fields = [sa.column(f, sa.String) for f in NARROWER]
    sealed = bind.execute(
        sa.select(sa.func.count())
        .select_from(sa.table("customers", *fields))
        .where(sa.or_(*(f.startswith(SEALED_PREFIX, autoescape=True) for f in fields)))
    ).scalar_one()
    found = [f"customer_keys: {rows(keys)} (customers' data keys)"] if keys else []
    found += [f"customers: {rows(sealed)} with a sealed name, email or phone"] if sealed else []
    if found:
        raise DowngradeRefused(
            f"cannot undo migration {revision}: {'; '.join(found)}; dropping customer_keys "
            "would leave every sealed field unreadable for good. Nothing was changed: stay at "
            f"revision {revision} or later (OpenCX has no command that unseals), or restore the "
            f"backup taken before the upgrade to {revision}"
        )
