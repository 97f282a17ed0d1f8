"""The journeys slice's own tables (on the shared metadata, so Alembic sees them; migration
0037): experiments, and the customers exposed to them with the variant they were shown."""

from __future__ import annotations

import sqlalchemy as sa

from opencx.db.schema import metadata, owned_by
from opencx.db.types import ID, UtcDateTime

experiments = sa.Table(
    "journey_experiments",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("key", sa.String(60), nullable=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("hypothesis", sa.Text, nullable=False),
    sa.Column("variants", sa.JSON, nullable=False),  # [{"key", "name", "weight"}], control first
    sa.Column("goal", sa.String(20), nullable=False),
    sa.Column("window_days", sa.Integer, nullable=False),
    sa.Column("currency", sa.String(3)),  # the revenue goal's
    sa.Column("starts_on", sa.Date, nullable=False),
    sa.Column("stops_on", sa.Date, nullable=False),
    sa.Column("status", sa.String(10), nullable=False),  # draft | running | stopped
    sa.Column("created_at", UtcDateTime, nullable=False),
    sa.Column("started_at", UtcDateTime),
    sa.Column("stopped_at", UtcDateTime),
    sa.UniqueConstraint("key", name="uq_journey_experiments_key"),
    info=owned_by("journeys"),
)

exposures = sa.Table(
    "journey_exposures",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("experiment_id", ID, sa.ForeignKey("journey_experiments.id"), nullable=False),
    # the person: a merge moves it to the survivor (keeping the earliest of two), erasure deletes
    sa.Column("customer_id", ID, sa.ForeignKey("customers.id"), nullable=False, index=True),
    sa.Column("variant", sa.String(60), nullable=False),
    sa.Column("exposed_at", UtcDateTime, nullable=False),
    sa.UniqueConstraint("experiment_id", "customer_id", name="uq_journey_exposures_experiment_id"),
    info=owned_by("journeys"),
)
