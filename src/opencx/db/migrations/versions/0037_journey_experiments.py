"""journey_experiments and journey_exposures: experiments and the customers exposed (journeys)

An experiment (a hypothesis, 2-4 weighted variants, a goal read from the data already held,
start and stop dates, draft/running/stopped) and, once per customer and experiment, the variant
the customer was shown and when (``opencx.journeys.store.tables``). Exposures name customers:
a merge moves them to the survivor, an erasure deletes them (``journeys.store.customer_rows``).

The downgrade stops, changing nothing, while either table holds rows (``opencx.db.narrowing``);
emptied, it drops them.

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-08 01:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import opencx.db.types
from opencx.db.narrowing import check_nothing_dropped

revision = "0037"
down_revision = "0036"
branch_labels = None
depends_on = None

# what the downgrade drops that the store cannot give back (opencx.db.narrowing)
DROPPED = ("journey_experiments", "journey_exposures")
LOSING = "the experiments and which customer was shown which variant, and when"


def upgrade() -> None:
    op.create_table(
        "journey_experiments",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("key", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("hypothesis", sa.Text(), nullable=False),
        sa.Column("variants", sa.JSON(), nullable=False),
        sa.Column("goal", sa.String(length=20), nullable=False),
        sa.Column("window_days", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("stops_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", opencx.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.Column("started_at", opencx.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.Column("stopped_at", opencx.db.types.UtcDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journey_experiments")),
        sa.UniqueConstraint("key", name="uq_journey_experiments_key"),
    )
    op.create_table(
        "journey_exposures",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("experiment_id", sa.String(length=26), nullable=False),
        sa.Column("customer_id", sa.String(length=26), nullable=False),
        sa.Column("variant", sa.String(length=60), nullable=False),
        sa.Column("exposed_at", opencx.db.types.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["experiment_id"],
            ["journey_experiments.id"],
            name=op.f("fk_journey_exposures_experiment_id_journey_experiments"),
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_journey_exposures_customer_id_customers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_journey_exposures")),
        sa.UniqueConstraint(
            "experiment_id", "customer_id", name="uq_journey_exposures_experiment_id"
        ),
    )
    op.create_index(op.f("ix_journey_exposures_customer_id"), "journey_exposures", ["customer_id"])


def downgrade() -> None:
    check_nothing_dropped(op.get_bind(), revision, DROPPED, LOSING)
    op.drop_index(op.f("ix_journey_exposures_customer_id"), table_name="journey_exposures")
    op.drop_table("journey_exposures")
    op.drop_table("journey_experiments")
