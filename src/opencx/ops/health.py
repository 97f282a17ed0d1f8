"""``/healthz`` (the process answers), ``/readyz`` (it can do its work) and ``/ops/metrics``.

``/readyz`` checks, without login, that the database answers, that its schema is at the latest
migration, that the outbox backlog is within ``OPENCX_READY_OUTBOX_BACKLOG`` and that a worker
was seen within ``OPENCX_READY_WORKER_SECONDS`` (0 turns that check off); it answers 200 or 503
with each check's verdict. ``/ops/metrics`` is the Prometheus exposition, for an API key with the
``ops:read`` scope (``Authorization: Bearer ...`` in the scrape config).
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from sqlalchemy.engine import Connection, Engine

from opencx.db.engine import MIGRATIONS
from opencx.db.schema import imports, outbox
from opencx.jobs.store import job_runs, last_heartbeat
from opencx.web import Principal, require_scope

router = APIRouter(tags=["operations"])


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool
    detail: str


@lru_cache(maxsize=1)
def migration_heads() -> frozenset[str]:
    """The latest revision(s) of the migrations shipped with this code."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return frozenset(ScriptDirectory.from_config(config).get_heads())


def current_revisions(conn: Connection) -> frozenset[str]:
    from alembic.runtime.migration import MigrationContext

    return frozenset(MigrationContext.configure(conn).get_current_heads())


def overdue_messages(conn: Connection, now: datetime) -> int:
    """Outbox messages that should have gone out by now (pending or failed and due)."""
    query = sa.select(sa.func.count()).where(
        outbox.c.status.in_(("pending", "failed")), outbox.c.next_attempt_at <= now
    )
    return int(conn.execute(query).scalar_one())


def readiness(engine: Engine, settings: Any, now: datetime) -> list[Check]:
    """Every readiness check, in order; stops after the database check if it fails."""
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
            current, heads = current_revisions(conn), migration_heads()
            backlog = overdue_messages(conn, now)
            seen = last_heartbeat(conn)
    except Exception as exc:  # any failure to reach the store is "not ready", with the reason
        return [Check("database", False, f"{type(exc).__name__}: {str(exc).splitlines()[0]}")]
    checks = [Check("database", True, engine.dialect.name)]
    migrated = current == heads
    checks.append(
        Check(
            "migrations",
            migrated,
            f"at {','.join(sorted(current)) or 'none'}"
            + ("" if migrated else f", code expects {','.join(sorted(heads))}: run 'opencx init'"),
        )
    )
    limit = settings.ready_outbox_backlog
    checks.append(Check("outbox", backlog <= limit, f"{backlog} overdue (limit {limit})"))
    if settings.ready_worker_seconds > 0:
        fresh = seen is not None and now - seen <= timedelta(seconds=settings.ready_worker_seconds)
        said = (
            "never seen" if seen is None else f"last seen {(now - seen).total_seconds():.0f} s ago"
        )
        checks.append(Check("worker", fresh, said + f" (limit {settings.ready_worker_seconds} s)"))
    return checks


@router.get("/healthz", include_in_schema=False)
def healthz() -> dict[str, str]:
    """The process answers (liveness)."""
    return {"status": "ok"}


@router.get("/readyz", include_in_schema=False)
def readyz(request: Request) -> JSONResponse:
    """The database, the schema, the outbox and the workers are fine (readiness)."""
    services = request.app.state.services
    checks = readiness(services.engine, services.settings, services.clock.now())
    ready = all(c.ok for c in checks)
    body = {"status": "ready" if ready else "not ready", "checks": [asdict(c) for c in checks]}
    return JSONResponse(body, status_code=200 if ready else 503)


class StoreCollector:
    """Gauges read from the store at scrape time, so they agree across processes and workers."""

    def __init__(self, engine: Engine, now: datetime) -> None:
        self.engine, self.now = engine, now

    def collect(self) -> Any:
        with self.engine.connect() as conn:
            messages = conn.execute(
                sa.select(outbox.c.kind, outbox.c.status, sa.func.count()).group_by(
                    outbox.c.kind, outbox.c.status
                )
            ).all()
            overdue = overdue_messages(conn, self.now)
            runs = conn.execute(
                sa.select(
                    job_runs.c.job,
                    job_runs.c.status,
                    sa.func.count(),
                    sa.func.coalesce(sa.func.sum(job_runs.c.duration_ms), 0),
                ).group_by(job_runs.c.job, job_runs.c.status)
            ).all()
            rows = conn.execute(
                sa.select(
                    imports.c.kind,
                    sa.func.coalesce(sa.func.sum(imports.c.rows_loaded), 0),
                    sa.func.coalesce(sa.func.sum(imports.c.rows_rejected), 0),
                ).group_by(imports.c.kind)
            ).all()
            seen = last_heartbeat(conn)
        yield _gauge(
            "opencx_outbox_messages",
            "Outbox messages by kind and status",
            ["kind", "status"],
            [((k, s), n) for k, s, n in messages],
        )
        yield _gauge(
            "opencx_outbox_overdue_messages", "Messages due but not delivered", [], [((), overdue)]
        )
        yield _gauge(
            "opencx_job_runs",
            "Recorded job runs by job and status",
            ["job", "status"],
            [((j, s), n) for j, s, n, _ in runs],
        )
        yield _gauge(
            "opencx_job_run_seconds",
            "Total time spent in job runs by job and status",
            ["job", "status"],
            [((j, s), d / 1000) for j, s, _, d in runs],
        )
        yield _gauge(
            "opencx_import_rows",
            "Rows loaded and rejected by imports, by kind",
            ["kind", "outcome"],
            [((k, "loaded"), a) for k, a, _ in rows] + [((k, "rejected"), b) for k, _, b in rows],
        )
        if seen is not None:
            age = (self.now - seen).total_seconds()
            yield _gauge(
                "opencx_worker_heartbeat_age_seconds",
                "Seconds since a worker was seen",
                [],
                [((), age)],
            )


def _gauge(name: str, doc: str, labels: list[str], samples: list[Any]) -> GaugeMetricFamily:
    family = GaugeMetricFamily(name, doc, labels=labels)
    for values, value in samples:
        family.add_metric(list(values), float(value))
    return family


def exposition(engine: Engine, now: datetime) -> bytes:
    """This process's (or every server process's) request metrics plus the store's gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        process: CollectorRegistry = CollectorRegistry()
        multiprocess.MultiProcessCollector(process)  # type: ignore[no-untyped-call]
    else:
        process = REGISTRY
    store = CollectorRegistry(auto_describe=False)
    store.register(StoreCollector(engine, now))
    return generate_latest(process) + generate_latest(store)


@router.get("/ops/metrics", include_in_schema=False)
def metrics(
    request: Request, _: Annotated[Principal, Depends(require_scope("ops:read"))]
) -> Response:
    """Prometheus exposition (scope ``ops:read``)."""
    services = request.app.state.services
    return Response(
        exposition(services.engine, services.clock.now()), media_type=CONTENT_TYPE_LATEST
    )
