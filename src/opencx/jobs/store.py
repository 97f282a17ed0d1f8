"""The scheduler's tables and queries: one row per run, one per live worker process.

``job_runs`` is unique on (job, scheduled_for): every worker that sees a tick tries to insert
its run and all but one insert nothing. A partial unique index on ``job`` where the status is
``running`` means one job never runs twice at once, whatever the interleaving. Claiming is::

    SELECT id, job FROM job_runs WHERE <due> ORDER BY due_at LIMIT 1 FOR UPDATE SKIP LOCKED
    UPDATE job_runs SET status='running', attempts=attempts+1, lease_until=... WHERE id=...

in one short transaction (``BEGIN IMMEDIATE`` on SQLite, which has no row locks). Outcomes are
fenced on ``attempts``: a worker whose lease lapsed and whose run was taken over records nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from opencx.db.schema import metadata
from opencx.db.types import ID, UtcDateTime
from opencx.jobs.domain import RunStatus, Trigger

MAX_ERROR_CHARS = 4000
WAITING = (RunStatus.PENDING.value, RunStatus.FAILED.value)

job_runs = sa.Table(
    "job_runs",
    metadata,
    sa.Column("id", ID, primary_key=True),
    sa.Column("job", sa.String(100), nullable=False),
    sa.Column("scheduled_for", UtcDateTime, nullable=False),
    sa.Column("trigger", sa.String(20), nullable=False),  # schedule, manual
    sa.Column("requested_by", sa.String(320)),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("max_attempts", sa.Integer, nullable=False),
    sa.Column("due_at", UtcDateTime, nullable=False),
    sa.Column("lease_until", UtcDateTime),
    sa.Column("worker", sa.String(200)),
    sa.Column("started_at", UtcDateTime),
    sa.Column("finished_at", UtcDateTime),
    sa.Column("duration_ms", sa.Integer),
    sa.Column("result", sa.Text),
    sa.Column("error", sa.Text),
    # work submitted on request (trigger 'request'): its parameters, where it has got to, and
    # what it produced (e.g. the model run it saved), for the client polling its status URL
    sa.Column("params", sa.JSON),
    sa.Column("stage", sa.String(200)),
    sa.Column("progress", sa.Float),
    sa.Column("output", sa.JSON),
    sa.UniqueConstraint("job", "scheduled_for", name="uq_job_runs_job"),
    sa.Index("ix_job_runs_status_due_at", "status", "due_at"),
    sa.Index(
        "uq_job_runs_one_running",
        "job",
        unique=True,
        postgresql_where=sa.text("status = 'running'"),
        sqlite_where=sa.text("status = 'running'"),
    ),
)

running = job_runs.alias("running")

worker_heartbeats = sa.Table(
    "worker_heartbeats",
    metadata,
    sa.Column("worker", sa.String(200), primary_key=True),
    sa.Column("started_at", UtcDateTime, nullable=False),
    sa.Column("seen_at", UtcDateTime, nullable=False),
    sa.Column("version", sa.String(40)),
)


@dataclass(frozen=True, slots=True)
class ClaimedRun:
    id: str
    job: str
    scheduled_for: datetime
    trigger: str
    attempts: int
    lease_until: datetime
    params: dict[str, Any] | None = None
    requested_by: str | None = None  # the actor who asked (user:…, api_key:…, cli:…)


def _insert(conn: Connection) -> Any:
    if conn.dialect.name == "postgresql":
        return postgresql.insert(job_runs)
    return sqlite.insert(job_runs)


def insert_run(
    conn: Connection,
    *,
    id: str,
    job: str,
    scheduled_for: datetime,
    trigger: Trigger,
    max_attempts: int,
    requested_by: str | None = None,
    params: dict[str, Any] | None = None,
    due_at: datetime | None = None,
) -> bool:
    """Insert a pending run (due at ``due_at``, default ``scheduled_for``) unless (job,
    scheduled_for) exists; whether this call inserted it."""
    stmt = (
        _insert(conn)
        .values(
            id=id,
            job=job,
            scheduled_for=scheduled_for,
            trigger=trigger.value,
            requested_by=requested_by,
            params=params,
            status=RunStatus.PENDING.value,
            attempts=0,
            max_attempts=max_attempts,
            due_at=due_at or scheduled_for,
        )
        .on_conflict_do_nothing(index_elements=["job", "scheduled_for"])
        .returning(job_runs.c.id)  # rowcount is -1 here with psycopg and SQLAlchemy 2.1
    )
    return conn.execute(stmt).first() is not None


def supersede_older(conn: Connection, job: str, scheduled_for: datetime) -> int:
    """Scheduled runs of ``job`` still waiting from an earlier tick give way to the new one."""
    result = conn.execute(
        job_runs.update()
        .where(
            job_runs.c.job == job,
            job_runs.c.trigger == Trigger.SCHEDULE.value,
            job_runs.c.status.in_(WAITING),
            job_runs.c.scheduled_for < scheduled_for,
        )
        .values(status=RunStatus.SUPERSEDED.value)
    )
    return int(result.rowcount)


def reap_lapsed(conn: Connection, now: datetime) -> int:
    """Runs whose worker's lease lapsed (killed, or over its time limit) count as failed attempts:
    due again now, or dead after their last attempt."""
    lapsed = sa.and_(job_runs.c.status == RunStatus.RUNNING.value, job_runs.c.lease_until <= now)
    message = "the worker stopped or exceeded the time limit (lease lapsed)"
    result = conn.execute(
        job_runs.update()
        .where(lapsed)
        .values(
            status=sa.case(
                (job_runs.c.attempts >= job_runs.c.max_attempts, RunStatus.DEAD.value),
                else_=RunStatus.FAILED.value,
            ),
            due_at=now,
            lease_until=None,
            finished_at=now,
            error=message,
        )
    )
    return int(result.rowcount)


def claim_one(
    conn: Connection,
    *,
    now: datetime,
    jobs: Sequence[str],
    leases: dict[str, datetime],
    worker: str,
) -> ClaimedRun | None:
    """Take the most overdue waiting run of one of ``jobs`` (leases: lease end per job).

    A job with a run in progress is passed over (it never runs twice at once), so its queue
    does not hold up the other jobs' runs."""
    busy = sa.select(running.c.job).where(running.c.status == RunStatus.RUNNING.value)
    picked = conn.execute(
        sa.select(job_runs.c.id, job_runs.c.job)
        .where(
            job_runs.c.status.in_(WAITING),
            job_runs.c.due_at <= now,
            job_runs.c.job.in_(list(jobs)),
            job_runs.c.job.not_in(busy.scalar_subquery()),
        )
        .order_by(job_runs.c.due_at, job_runs.c.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    ).first()
    if picked is None:
        return None
    row = conn.execute(
        job_runs.update()
        .where(job_runs.c.id == picked.id)
        .values(
            status=RunStatus.RUNNING.value,
            attempts=job_runs.c.attempts + 1,
            lease_until=leases[picked.job],
            worker=worker,
            started_at=now,
            finished_at=None,
        )
        .returning(
            job_runs.c.id,
            job_runs.c.job,
            job_runs.c.scheduled_for,
            job_runs.c.trigger,
            job_runs.c.attempts,
            job_runs.c.lease_until,
            job_runs.c.params,
            job_runs.c.requested_by,
        )
    ).one()
    return ClaimedRun(
        id=row.id,
        job=row.job,
        scheduled_for=row.scheduled_for,
        trigger=row.trigger,
        attempts=row.attempts,
        lease_until=row.lease_until,
        params=row.params,
        requested_by=row.requested_by,
    )


def any_due(conn: Connection, *, now: datetime, jobs: Sequence[str]) -> bool:
    """Whether a run of ``jobs`` is due or has a lapsed lease (a read, so an idle poller never
    takes SQLite's write lock)."""
    c = job_runs.c
    due = sa.and_(c.status.in_(WAITING), c.due_at <= now)
    lapsed = sa.and_(c.status == RunStatus.RUNNING.value, c.lease_until <= now)
    found = conn.execute(
        sa.select(c.id).where(sa.or_(due, lapsed), c.job.in_(list(jobs))).limit(1)
    ).first()
    return found is not None


def record_progress(
    conn: Connection, run: ClaimedRun, *, stage: str, progress: float | None
) -> bool:
    """Where an attempt has got to; fenced like an outcome (a lost claim records nothing)."""
    updated = conn.execute(
        job_runs.update()
        .where(
            job_runs.c.id == run.id,
            job_runs.c.status == RunStatus.RUNNING.value,
            job_runs.c.attempts == run.attempts,
        )
        .values(stage=stage[:200], progress=progress)
    )
    return bool(updated.rowcount)


def get_run(conn: Connection, run_id: str) -> dict[str, Any] | None:
    row = conn.execute(sa.select(job_runs).where(job_runs.c.id == run_id)).mappings().first()
    return dict(row) if row is not None else None


def record_outcome(
    conn: Connection,
    run: ClaimedRun,
    *,
    status: RunStatus,
    finished_at: datetime,
    duration_ms: int,
    due_at: datetime | None = None,
    result: str | None = None,
    error: str | None = None,
    output: dict[str, Any] | None = None,
) -> bool:
    """Record how an attempt ended; False when the claim was lost meanwhile (lease lapsed)."""
    values: dict[str, Any] = {
        "output": output,
        "status": status.value,
        "finished_at": finished_at,
        "duration_ms": duration_ms,
        "lease_until": None,
        "result": result,
        "error": error[:MAX_ERROR_CHARS] if error else None,
    }
    if due_at is not None:
        values["due_at"] = due_at
    updated = conn.execute(
        job_runs.update()
        .where(
            job_runs.c.id == run.id,
            job_runs.c.status == RunStatus.RUNNING.value,
            job_runs.c.attempts == run.attempts,
        )
        .values(**values)
    )
    return bool(updated.rowcount)


def latest_runs(conn: Connection, jobs: Sequence[str]) -> dict[str, dict[str, Any]]:
    """The most recent run of each job that has started at least once, by job name."""
    ranked = (
        sa.select(
            job_runs,
            sa.func.row_number()
            .over(
                partition_by=job_runs.c.job,
                order_by=(job_runs.c.started_at.desc(), job_runs.c.id.desc()),
            )
            .label("rank"),
        )
        .where(job_runs.c.job.in_(list(jobs)), job_runs.c.started_at.is_not(None))
        .subquery()
    )
    rows = conn.execute(sa.select(ranked).where(ranked.c.rank == 1)).mappings()
    return {str(row["job"]): dict(row) for row in rows}


def waiting_runs(conn: Connection, jobs: Sequence[str]) -> dict[str, datetime]:
    """The earliest due time of each job's waiting runs."""
    rows = conn.execute(
        sa.select(job_runs.c.job, sa.func.min(job_runs.c.due_at))
        .where(job_runs.c.job.in_(list(jobs)), job_runs.c.status.in_(WAITING))
        .group_by(job_runs.c.job)
    ).all()
    return {str(job): due for job, due in rows}


def waiting_params(conn: Connection, job: str) -> list[dict[str, Any]]:
    """The parameters of ``job``'s waiting runs (``{}`` for a run without)."""
    query = sa.select(job_runs.c.params).where(
        job_runs.c.job == job, job_runs.c.status.in_(WAITING)
    )
    return [dict(params or {}) for params in conn.execute(query).scalars()]


def runs_of(conn: Connection, job: str, limit: int) -> list[dict[str, Any]]:
    """The last ``limit`` runs of ``job``, newest first."""
    query = (
        sa.select(job_runs)
        .where(job_runs.c.job == job)
        .order_by(job_runs.c.scheduled_for.desc(), job_runs.c.id.desc())
        .limit(limit)
    )
    return [dict(row) for row in conn.execute(query).mappings()]


def beat(
    conn: Connection, worker: str, *, now: datetime, started_at: datetime, version: str
) -> None:
    """Record that ``worker`` is alive at ``now``."""
    stmt = _heartbeat_insert(conn).values(
        worker=worker, started_at=started_at, seen_at=now, version=version
    )
    conn.execute(stmt.on_conflict_do_update(index_elements=["worker"], set_={"seen_at": now}))


def _heartbeat_insert(conn: Connection) -> Any:
    if conn.dialect.name == "postgresql":
        return postgresql.insert(worker_heartbeats)
    return sqlite.insert(worker_heartbeats)


def forget_worker(conn: Connection, worker: str) -> None:
    conn.execute(worker_heartbeats.delete().where(worker_heartbeats.c.worker == worker))


def last_heartbeat(conn: Connection) -> datetime | None:
    """When any worker was last seen alive."""
    seen: datetime | None = conn.execute(
        sa.select(sa.func.max(worker_heartbeats.c.seen_at))
    ).scalar()
    return seen


def live_workers(conn: Connection, since: datetime) -> list[dict[str, Any]]:
    query = sa.select(worker_heartbeats).where(worker_heartbeats.c.seen_at >= since)
    return [
        dict(row) for row in conn.execute(query.order_by(worker_heartbeats.c.worker)).mappings()
    ]


def run_counts(conn: Connection) -> list[tuple[str, str, int, int]]:
    """(job, status, runs, total duration ms) over all recorded runs, for /metrics."""
    rows = conn.execute(
        sa.select(
            job_runs.c.job,
            job_runs.c.status,
            sa.func.count(),
            sa.func.coalesce(sa.func.sum(job_runs.c.duration_ms), 0),
        ).group_by(job_runs.c.job, job_runs.c.status)
    ).all()
    return [(str(j), str(s), int(n), int(d)) for j, s, n, d in rows]
