"""Several workers on PostgreSQL: every run happens once; a killed worker's run is retried.

Three schedulers (one per thread, each its own worker) drain the same ticks at the same time
for twenty minutes of schedule; then a real worker process is SIGKILLed mid-run and another
takes the run over once its lease has lapsed.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from opencx.core import FixedClock
from opencx.jobs import Job, RunContext, RunStatus, Scheduler, cron, every
from opencx.jobs.store import job_runs

WORKERS, JOBS, MINUTES = 3, 6, 20


def test_three_workers_run_each_tick_exactly_once(pg_clean: Engine) -> None:
    clock = FixedClock(datetime(2026, 1, 15, 12, 0, 30, tzinfo=UTC))
    calls: Counter[tuple[str, datetime]] = Counter()
    by_worker: Counter[str] = Counter()
    lock = threading.Lock()

    def body(ctx: RunContext) -> str:
        time.sleep(0.005)  # long enough for the other workers to try the same run
        with lock:
            calls[(ctx.job, ctx.scheduled_for)] += 1
            by_worker[threading.current_thread().name] += 1
        return "ok"

    jobs = [Job(f"test.job{i}", every(minutes=1), body) for i in range(JOBS)]
    start = threading.Barrier(WORKERS + 1, timeout=60)
    done = threading.Barrier(WORKERS + 1, timeout=60)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        scheduler = Scheduler(pg_clean, clock, jobs, worker=f"w{n}")
        try:
            for _ in range(MINUTES):
                start.wait()
                while scheduler.tick() is not None:
                    pass
                done.wait()
        except BaseException as exc:
            errors.append(exc)
            start.abort()
            done.abort()

    threads = [threading.Thread(target=work, args=(n,), name=f"t{n}") for n in range(WORKERS)]
    for t in threads:
        t.start()
    for _ in range(MINUTES):
        start.wait()
        done.wait()
        clock.advance(timedelta(minutes=1))
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert len(calls) == JOBS * MINUTES
    assert set(calls.values()) == {1}
    assert len(by_worker) >= 2  # the work was shared, not done by one lucky worker
    with pg_clean.connect() as conn:
        statuses = Counter(conn.execute(sa.select(job_runs.c.status, job_runs.c.attempts)).all())
    assert statuses == Counter({("succeeded", 1): JOBS * MINUTES})


WORKER_SCRIPT = """
import sys, time, threading
from pathlib import Path
from opencx.core import SystemClock
from opencx.db import create_engine_from_url
from opencx.jobs import Job, Scheduler, cron

def body(ctx):
    Path(sys.argv[2]).write_text(str(ctx.attempt))
    time.sleep(600)  # killed long before this ends

job = Job("test.nightly", cron("0 3 * * *"), body)
Scheduler(create_engine_from_url(sys.argv[1]), SystemClock(), [job], worker="doomed").run(
    threading.Event(), poll=0.1)
"""


def test_a_killed_worker_run_is_taken_over(
    pg_clean: Engine, pg_database_url: str, tmp_path: Path
) -> None:
    marker = tmp_path / "started"
    proc = subprocess.Popen(
        [sys.executable, "-c", WORKER_SCRIPT, pg_database_url, str(marker)],
        env={**os.environ},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert proc.poll() is None, proc.communicate()[0]
            assert time.monotonic() < deadline, "the worker never started the run"
            time.sleep(0.05)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=30)
    with pg_clean.connect() as conn:
        row = conn.execute(sa.select(job_runs)).one()
    assert (row.status, row.attempts, row.worker) == ("running", 1, "doomed")

    later = FixedClock(datetime.now(UTC) + timedelta(minutes=6))  # past 5 min limit + grace
    attempts: list[int] = []
    job = Job("test.nightly", cron("0 3 * * *"), lambda ctx: attempts.append(ctx.attempt))
    survivor = Scheduler(pg_clean, later, [job], worker="survivor")
    outcome = survivor.tick()
    assert outcome is not None and outcome.status is RunStatus.SUCCEEDED
    assert attempts == [2]
    with pg_clean.connect() as conn:
        row = conn.execute(sa.select(job_runs)).one()
    assert (row.status, row.attempts, row.worker) == ("succeeded", 2, "survivor")
