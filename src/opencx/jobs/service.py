"""Run the declared jobs: schedule ticks, claim runs, execute them, record outcomes.

``tick`` is one pass (what ``opencx worker --once`` does); ``run`` loops until stopped. Every
step opens its own short transaction, and the job itself runs outside any of them, so a worker
killed mid-run leaves a ``running`` row whose lease lapses and which the next worker retries.

Missed ticks are not replayed one by one: each pass only ensures the run of each job's *latest*
tick exists, so a cluster that was down for a day runs an hourly job once when it comes back.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError

from opencx.core.audit import SYSTEM, Origin, acting, current_origin
from opencx.core.clock import Clock
from opencx.core.errors import InvalidInput, NotFound
from opencx.core.ids import new_id
from opencx.jobs import store
from opencx.jobs.domain import (
    Job,
    RunContext,
    RunStatus,
    Trigger,
    after_failure,
    check_unique,
    summary,
)

log = logging.getLogger("opencx.jobs")

LEASE_GRACE = timedelta(seconds=30)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one pass did with the run it claimed (None when nothing was due)."""

    job: str
    run_id: str
    status: RunStatus
    duration_ms: int
    result: str | None = None
    error: str | None = None
    recorded: bool = True


@dataclass(frozen=True, slots=True)
class JobRun:
    """One run as a client polling its status URL sees it."""

    id: str
    job: str
    status: RunStatus
    trigger: str
    requested_by: str | None
    submitted_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    attempts: int
    stage: str | None
    progress: float | None  # 0..1 when the job knows; 1 once it succeeded
    result: str | None
    error: str | None
    params: dict[str, Any] = field(default_factory=dict)
    output: dict[str, Any] = field(default_factory=dict)

    @property
    def done(self) -> bool:
        return self.status in (RunStatus.SUCCEEDED, RunStatus.DEAD, RunStatus.SUPERSEDED)


@dataclass(frozen=True, slots=True)
class JobState:
    """One line of ``opencx jobs list`` and the jobs page."""

    name: str
    schedule: str
    description: str
    last_status: str | None
    last_started_at: datetime | None
    last_duration_ms: int | None
    last_result: str | None
    last_error: str | None
    next_run_at: datetime | None  # None: runs only on request
    on_request: bool = False


@contextmanager
def _write(engine: Engine, *, wait: bool = True) -> Iterator[Connection]:
    """A short write transaction; on SQLite the write lock is taken first (BEGIN IMMEDIATE).

    ``wait=False``: on SQLite, fail at once (``database is locked``) instead of waiting out the
    busy timeout when another connection holds the write lock, as an import does for its whole
    length."""
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        raw = conn.connection.driver_connection if sqlite and not wait else None
        waited = raw.execute("PRAGMA busy_timeout").fetchone()[0] if raw is not None else 0
        if raw is not None:
            raw.execute("PRAGMA busy_timeout = 0")
        try:
            with conn.begin():
                if sqlite:
                    conn.exec_driver_sql("BEGIN IMMEDIATE")
                yield conn
        finally:
            if raw is not None:
                raw.execute(f"PRAGMA busy_timeout = {int(waited)}")


class Scheduler:
    """The jobs of this process and what it has already scheduled.

    Parameters
    ----------
    engine, clock
        The store and the time source.
    jobs
        Every declared job (collected by the composition root).
    worker
        This process's name in the store (host:pid:thread by default).
    """

    def __init__(
        self, engine: Engine, clock: Clock, jobs: Sequence[Job], *, worker: str = "scheduler"
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.jobs: Mapping[str, Job] = check_unique(jobs)
        self.worker = worker
        self._scheduled: dict[str, datetime] = {}
        self._wake = threading.Event()
        # where the runs this process executes have got to (run id -> attempt, stage, fraction):
        # what `status` shows while a run cannot record it, on SQLite while an import holds the
        # write lock
        self._reached: dict[str, tuple[int, str, float | None]] = {}

    # --- scheduling ----------------------------------------------------------------------
    def schedule_due(self, now: datetime) -> int:
        """Make sure the run of each job's latest tick exists; how many this call created."""
        created = 0
        for job in self.jobs.values():
            if job.schedule is None:  # runs only when submitted
                continue
            tick = job.schedule.previous(now)
            if self._scheduled.get(job.name) == tick:
                continue
            with _write(self.engine) as conn:
                if store.insert_run(
                    conn,
                    id=new_id(),
                    job=job.name,
                    scheduled_for=tick,
                    trigger=Trigger.SCHEDULE,
                    max_attempts=job.max_attempts,
                ):
                    created += 1
                    store.supersede_older(conn, job.name, tick)
            self._scheduled[job.name] = tick
        return created

    # --- claiming and running ------------------------------------------------------------
    def claim(self, now: datetime) -> store.ClaimedRun | None:
        """Reap lapsed leases, then claim the most overdue waiting run (or None)."""
        leases = {name: now + job.time_limit + LEASE_GRACE for name, job in self.jobs.items()}
        with self.engine.connect() as conn:
            if not store.any_due(conn, now=now, jobs=sorted(self.jobs)):
                return None
        try:
            with _write(self.engine) as conn:
                store.reap_lapsed(conn, now)
                return store.claim_one(
                    conn, now=now, jobs=sorted(self.jobs), leases=leases, worker=self.worker
                )
        except IntegrityError:  # another run of that job started meanwhile: try later
            return None

    def execute(self, run: store.ClaimedRun) -> Outcome:
        """Run one claimed attempt within the job's time limit and record the outcome."""
        job = self.jobs[run.job]
        started = self.clock.now()
        context = RunContext(
            job=job.name,
            scheduled_for=run.scheduled_for,
            attempt=run.attempts,
            deadline=started + job.time_limit,
            trigger=Trigger(run.trigger),
            params=dict(run.params or {}),
            progress=(reports := _Reports(self, run)),
        )
        began = time.monotonic()
        # the job acts for whoever asked for it (the audit log records them, not `system`)
        origin = Origin(actor=run.requested_by) if run.requested_by else SYSTEM
        try:
            value, error, retry = _call_with_limit(job, context, origin)
        finally:
            reports.close()  # a job abandoned at its time limit may still report: ignored
        duration_ms = int((time.monotonic() - began) * 1000)
        finished = self.clock.now()
        if error is None:
            status, due = RunStatus.SUCCEEDED, None
        else:
            status, due = after_failure(job, run.attempts, finished, retry=retry)
            log.warning("job %s attempt %d failed: %s", job.name, run.attempts, error)
        result = summary(value) if error is None else None
        output = dict(value) if error is None and isinstance(value, Mapping) else None
        with _write(self.engine) as conn:
            recorded = store.record_outcome(
                conn,
                run,
                status=status,
                finished_at=finished,
                duration_ms=duration_ms,
                due_at=due,
                result=result,
                error=error,
                output=output,
            )
        log.info(
            "job %s %s in %d ms",
            job.name,
            status.value,
            duration_ms,
            extra={"job": job.name, "status": status.value, "duration_ms": duration_ms},
        )
        return Outcome(job.name, run.id, status, duration_ms, result, error, recorded)

    def tick(self) -> Outcome | None:
        """One pass: schedule, claim one due run, execute it."""
        now = self.clock.now()
        self.schedule_due(now)
        run = self.claim(now)
        return self.execute(run) if run is not None else None

    def run(self, stop: threading.Event, *, poll: float = 5.0) -> int:
        """Pass until ``stop`` is set; after a run look again at once, else wait ``poll`` s.

        Database errors (a restart, a failover) are logged and retried after ``poll``.
        Returns how many runs this loop executed.
        """
        executed = 0
        while not stop.is_set():
            try:
                outcome = self.tick()
            except DBAPIError as exc:
                log.warning("scheduler %s: database error, retrying: %s", self.worker, exc)
                stop.wait(max(poll, 1.0))
                continue
            if outcome is None:
                self._wake.wait(poll)  # a submit() in this process wakes it at once
                self._wake.clear()
            else:
                executed += 1
        return executed

    def wake(self) -> None:
        """Look for work now (after a submit, or to notice ``stop`` sooner)."""
        self._wake.set()

    # --- operators -----------------------------------------------------------------------
    def request_run(self, name: str, *, by: str | None = None) -> str:
        """Queue a run of ``name`` now (the page's and ``opencx jobs run``'s "run now"), on
        behalf of ``by`` (default: the actor of the edge calling, :func:`current_origin`)."""
        job = self.job(name)
        by = by or _asker()
        if job.on_request:
            raise InvalidInput(f"job {name!r} runs on request with parameters; submit it instead")
        run_id = new_id()
        with _write(self.engine) as conn:
            store.insert_run(
                conn,
                id=run_id,
                job=job.name,
                scheduled_for=self.clock.now(),
                trigger=Trigger.MANUAL,
                max_attempts=job.max_attempts,
                requested_by=by,
            )
        return run_id

    def submit(self, name: str, params: Mapping[str, Any], *, by: str | None = None) -> str:
        """Queue a run of ``name`` with ``params`` for a worker; its id (for :meth:`status`).

        This is how a request hands heavy work (a model fit, an import) to the workers and
        answers 202 at once: ``params`` must be JSON values, and the job reads them from
        ``ctx.params``. A run in this process's loop starts at once; others poll. The run acts
        on behalf of ``by`` (default: the actor of the edge calling): what it records in the
        audit log names them, not ``system``.
        """
        job = self.job(name)
        with _write(self.engine) as conn:
            run_id = _requested(
                conn, job.name, self.clock.now(), job.max_attempts, by or _asker(), dict(params)
            )
        self.wake()
        return run_id

    def status(self, run_id: str, *, prefix: str = "") -> JobRun:
        """The run ``run_id`` (only among jobs named ``prefix…``, so a slice's status URL shows
        its own jobs only); NotFound otherwise."""
        with self.engine.connect() as conn:
            row = store.get_run(conn, run_id)
        if row is None or not str(row["job"]).startswith(prefix):
            raise NotFound(f"job {run_id!r} not found")
        status = RunStatus(row["status"])
        stage, progress = row["stage"], row["progress"]
        reached = self._reached.get(run_id)
        if status is RunStatus.RUNNING and reached is not None and reached[0] == row["attempts"]:
            _, stage, progress = reached  # this process runs this attempt: its latest report
        if status is RunStatus.SUCCEEDED:
            progress = 1.0
        return JobRun(
            id=row["id"],
            job=row["job"],
            status=status,
            trigger=row["trigger"],
            requested_by=row["requested_by"],
            submitted_at=row["scheduled_for"],
            started_at=row["started_at"],
            finished_at=row["finished_at"],
            attempts=row["attempts"],
            stage=stage,
            progress=progress,
            result=row["result"],
            error=row["error"],
            params=dict(row["params"] or {}),
            output=dict(row["output"] or {}),
        )

    def job(self, name: str) -> Job:
        try:
            return self.jobs[name]
        except KeyError:
            known = ", ".join(sorted(self.jobs)) or "none"
            raise NotFound(f"job {name!r} is not declared (declared: {known})") from None

    def states(self) -> list[JobState]:
        """Each job's last run (status, start, duration, result) and its next run."""
        now = self.clock.now()
        names = sorted(self.jobs)
        with self.engine.connect() as conn:
            last = store.latest_runs(conn, names)
            waiting = store.waiting_runs(conn, names)
        out = []
        for name in names:
            job, row = self.jobs[name], last.get(name, {})
            upcoming = job.schedule.next(now) if job.schedule is not None else None
            if name in waiting:
                soonest = max(waiting[name], now)
                upcoming = soonest if upcoming is None else min(upcoming, soonest)
            out.append(
                JobState(
                    name=name,
                    schedule=job.schedule_text,
                    description=job.description,
                    last_status=row.get("status"),
                    last_started_at=row.get("started_at"),
                    last_duration_ms=row.get("duration_ms"),
                    last_result=row.get("result"),
                    last_error=row.get("error"),
                    next_run_at=upcoming,
                    on_request=job.on_request,
                )
            )
        return out

    def history(self, name: str, limit: int = 20) -> list[dict[str, Any]]:
        self.job(name)
        with self.engine.connect() as conn:
            return store.runs_of(conn, name, limit)


class Runner:
    """A background thread running a scheduler's due runs: the web process's own worker for the
    jobs submitted on request (``OPENCX_WEB_RUNS_JOBS``), so a 202 is followed by work even
    where no ``opencx worker`` runs. It runs one job at a time: heavy work queues behind it
    instead of taking the server's request threads."""

    def __init__(self, scheduler: Scheduler, *, poll: float = 2.0) -> None:
        self.scheduler = scheduler
        self.poll = poll
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None and self.scheduler.jobs:
            self._thread = threading.Thread(
                target=self.scheduler.run,
                args=(self._stop,),
                kwargs={"poll": self.poll},
                name="job-runner",
                daemon=True,
            )
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop looking for work; a run in progress finishes (or its lease lapses)."""
        self._stop.set()
        self.scheduler.wake()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None


def queue_once(
    conn: Connection,
    name: str,
    *,
    now: datetime,
    max_attempts: int = 3,
    params: Mapping[str, Any] | None = None,
) -> bool:
    """Queue a run of the on-request job ``name`` in the caller's transaction, unless one is
    already waiting (with equal ``params``, when given: JSON values, read by the job from
    ``ctx.params``): work that must follow a change once it commits (the run commits or rolls
    back with the change; changes made before a waiting run started share it). Whether a run
    was queued. The run acts for the actor of the edge calling."""
    wanted = None if params is None else dict(params)
    if wanted is None and name in store.waiting_runs(conn, [name]):
        return False
    if wanted is not None and wanted in store.waiting_params(conn, name):
        return False
    _requested(conn, name, now, max_attempts, _asker(), wanted)
    return True


def _requested(
    conn: Connection,
    job: str,
    now: datetime,
    max_attempts: int,
    by: str | None,
    params: dict[str, Any] | None,
) -> str:
    """Insert a run asked for now; its id. A run is unique on (job, scheduled_for): two asked
    for in one microsecond (or on a fixed clock) each get theirs, a microsecond apart, never one
    silently dropped; both are due now."""
    run_id, when = new_id(), now
    while not store.insert_run(
        conn,
        id=run_id,
        job=job,
        scheduled_for=when,
        trigger=Trigger.REQUEST,
        max_attempts=max_attempts,
        requested_by=by,
        params=params,
        due_at=now,
    ):
        when += timedelta(microseconds=1)
    return run_id


def _asker() -> str | None:
    """The actor of the edge calling now, if any (``system`` asks for nothing)."""
    actor = current_origin().actor
    return None if actor == SYSTEM.actor else actor


class _Reports:
    """An attempt's ``progress(stage, fraction)``: kept in its scheduler (whose ``status`` shows
    it at once) and written to the store for other processes in one short fenced write that
    never waits for a lock. On SQLite the work itself may hold the write lock (an import holds
    it from its first row to its commit): the write then fails at once and the next report
    tries again. Once the attempt is left (done, failed or abandoned at its time limit), its
    reports are ignored, so a late one never shows as the next attempt's."""

    def __init__(self, scheduler: Scheduler, run: store.ClaimedRun) -> None:
        self.scheduler, self.run = scheduler, run
        self._lock = threading.Lock()
        self._open = True

    def __call__(self, stage: str, fraction: float | None = None) -> None:
        run = self.run
        clipped = None if fraction is None else min(max(float(fraction), 0.0), 1.0)
        with self._lock:
            if not self._open:
                return
            self.scheduler._reached[run.id] = (run.attempts, stage, clipped)
        try:
            with _write(self.scheduler.engine, wait=False) as conn:
                store.record_progress(conn, run, stage=stage, progress=clipped)
        except DBAPIError as exc:  # progress is advisory: never fail the work for it
            locked = "database is locked" in str(exc.orig)  # the next report tries again
            (log.debug if locked else log.warning)(
                "job %s: progress not recorded: %s", run.job, exc
            )

    def close(self) -> None:
        with self._lock:
            self._open = False
            reached = self.scheduler._reached
            if reached.get(self.run.id, (None,))[0] == self.run.attempts:
                del reached[self.run.id]


def _call_with_limit(
    job: Job, context: RunContext, origin: Origin = SYSTEM
) -> tuple[object, str | None, bool]:
    """Call the job in a thread and wait at most its time limit: (value, error or None,
    whether another attempt could help).

    Python cannot kill a thread: a job past its limit is abandoned (its run is recorded as
    failed and retried) and should stop itself by checking ``context.deadline``. Bad input
    (``InvalidInput``, ``NotFound``) is recorded as the error's own message and not retried.
    """
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            with acting(origin):
                box["value"] = job.run(context)
        except (InvalidInput, NotFound) as exc:  # the request was wrong: say so, do not retry
            box["error"], box["final"] = str(exc), True
        except Exception as exc:  # any other error is a failed attempt, recorded with the run
            box["error"] = f"{type(exc).__name__}: {exc}"

    thread = threading.Thread(target=target, name=f"job:{job.name}", daemon=True)
    thread.start()
    thread.join(job.time_limit.total_seconds())
    if thread.is_alive():
        return None, f"exceeded its time limit of {job.time_limit}", True
    return box.get("value"), box.get("error"), not box.get("final", False)


def beat(engine: Engine, worker: str, *, now: datetime, started_at: datetime, version: str) -> None:
    """Tell /readyz this worker process is alive."""
    with _write(engine) as conn:
        store.beat(conn, worker, now=now, started_at=started_at, version=version)


def forget(engine: Engine, worker: str) -> None:
    """A worker stopping cleanly removes its heartbeat."""
    with _write(engine) as conn:
        store.forget_worker(conn, worker)


def last_heartbeat(engine: Engine) -> datetime | None:
    with engine.connect() as conn:
        return store.last_heartbeat(conn)


def run_counts(engine: Engine) -> list[tuple[str, str, int, int]]:
    with engine.connect() as conn:
        return store.run_counts(conn)
