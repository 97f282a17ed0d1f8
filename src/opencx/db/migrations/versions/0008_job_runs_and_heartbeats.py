"""job runs and worker heartbeats (jobs platform module)

The downgrade stops, changing nothing, while ``job_runs`` holds rows (``opencx.db.narrowing``):
they are the run history operators read (``opencx jobs history``, /admin/jobs: who ran a job,
when, its result or why it failed), never pruned nor rebuilt from what stays, and the runs
submitted on request still waiting, with their parameters. The heartbeats, rewritten every 10
seconds by each live worker, are dropped as they are.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 01:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from opencx.db.narrowing import check_nothing_dropped
from opencx.db.types import UtcDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# what the downgrade drops that the store cannot give back (opencx.db.narrowing)
DROPPED = ("job_runs",)
LOSING = (
    "the history of job runs (who ran each job, when, its result or why it failed) and the"
    " runs submitted on request still waiting"
)


def upgrade() -> None:
    op.create_table(
        "job_runs",
        sa.Column("id", sa.String(length=26), nullable=False),
        sa.Column("job", sa.String(length=100), nullable=False),
        sa.Column("scheduled_for", UtcDateTime(timezone=True), nullable=False),
        sa.Column("trigger", sa.String(length=20), nullable=False),
        sa.Column("requested_by", sa.String(length=320), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("due_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("lease_until", UtcDateTime(timezone=True), nullable=True),
        sa.Column("worker", sa.String(length=200), nullable=True),
        sa.Column("started_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("finished_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_job_runs")),
        sa.UniqueConstraint("job", "scheduled_for", name="uq_job_runs_job"),
    )
    op.create_index("ix_job_runs_status_due_at", "job_runs", ["status", "due_at"])
    op.create_index(
        "uq_job_runs_one_running",
        "job_runs",
        ["job"],
        unique=True,
        postgresql_where=sa.text("status = 'running'"),
        sqlite_where=sa.text("status = 'running'"),
    )
    op.create_table(
        "worker_heartbeats",
        sa.Column("worker", sa.String(length=200), nullable=False),
        sa.Column("started_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("seen_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("worker", name=op.f("pk_worker_heartbeats")),
    )


def downgrade() -> None:
    check_nothing_dropped(op.get_bind(), revision, DROPPED, LOSING)
    op.drop_table("worker_heartbeats")
    op.drop_index("uq_job_runs_one_running", table_name="job_runs")
    op.drop_index("ix_job_runs_status_due_at", table_name="job_runs")
    op.drop_table("job_runs")
