"""The scheduler on both stores: each tick runs once, missed ticks run once, failures retry
with back-off and are recorded, lapsed leases are retried, operators can run a job now."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from opencx.core import FixedClock, InvalidInput, NotFound
from opencx.jobs import Job, RunContext, RunStatus, Scheduler, cron, every
from opencx.jobs.store import job_runs

START = datetime(2026, 1, 15, 12, 0, 30, tzinfo=UTC)


class Recorder:
    """A job body that records each call and fails the first ``fail`` times."""

    def __init__(self, fail: int = 0) -> None:
        self.calls: list[RunContext] = []
        self.fail = fail

    def __call__(self, ctx: RunContext) -> str:
        self.calls.append(ctx)
        if len(self.calls) <= self.fail:
            raise RuntimeError(f"boom {len(self.calls)}")
        return f"did {ctx.scheduled_for:%H:%M}"


def runs(engine: Engine) -> list[tuple[str, str, int]]:
    with engine.connect() as conn:
        rows = conn.execute(
            sa.select(job_runs.c.job, job_runs.c.status, job_runs.c.attempts).order_by(
                job_runs.c.scheduled_for
            )
        ).all()
    return [tuple(r) for r in rows]  # type: ignore[misc]


def drain(scheduler: Scheduler) -> int:
    n = 0
    while scheduler.tick() is not None:
        n += 1
    return n


def test_each_tick_runs_once(engine: Engine) -> None:
    clock = FixedClock(START)
    body = Recorder()
    job = Job("test.hourly", every(hours=1), body)
    scheduler = Scheduler(engine, clock, [job])
    assert drain(scheduler) == 1  # 12:00, the latest tick, has not run yet
    assert drain(scheduler) == 0
    clock.advance(timedelta(minutes=40))  # 12:40: still the 12:00 tick
    assert drain(scheduler) == 0
    clock.advance(timedelta(minutes=30))  # 13:10
    assert drain(scheduler) == 1
    assert [c.scheduled_for.hour for c in body.calls] == [12, 13]
    assert runs(engine) == [("test.hourly", "succeeded", 1)] * 2


def test_a_missed_stretch_runs_once_on_restart(engine: Engine) -> None:
    clock = FixedClock(START)
    body = Recorder()
    job = Job("test.quarterly", every(minutes=15), body)
    drain(Scheduler(engine, clock, [job]))
    clock.advance(timedelta(days=2, hours=3))  # every worker was down for two days
    restarted = Scheduler(engine, clock, [job])
    assert drain(restarted) == 1
    assert body.calls[-1].scheduled_for == every(minutes=15).previous(clock.now())
    assert len(body.calls) == 2


def test_failures_retry_with_backoff_then_die_recorded(engine: Engine) -> None:
    clock = FixedClock(START)
    body = Recorder(fail=5)
    job = Job("test.flaky", cron("0 * * * *"), body, max_attempts=3)
    scheduler = Scheduler(engine, clock, [job])
    first = scheduler.tick()
    assert first is not None and first.status is RunStatus.FAILED
    assert first.error == "RuntimeError: boom 1"
    assert scheduler.tick() is None  # not due again before the back-off (30 s)
    clock.advance(timedelta(seconds=31))
    second = scheduler.tick()
    assert second is not None and second.status is RunStatus.FAILED
    clock.advance(timedelta(seconds=59))
    assert scheduler.tick() is None  # the second back-off is 60 s
    clock.advance(timedelta(seconds=2))
    third = scheduler.tick()
    assert third is not None and third.status is RunStatus.DEAD
    clock.advance(timedelta(minutes=10))
    assert scheduler.tick() is None
    assert runs(engine) == [("test.flaky", "dead", 3)]
    [state] = scheduler.states()
    assert state.last_status == "dead" and state.last_error == "RuntimeError: boom 3"


def test_a_retry_gives_way_to_the_next_tick(engine: Engine) -> None:
    clock = FixedClock(START)
    job = Job("test.every_minute", every(minutes=1), Recorder(fail=1), max_attempts=5)
    scheduler = Scheduler(engine, clock, [job])
    assert scheduler.tick().status is RunStatus.FAILED  # type: ignore[union-attr]
    clock.advance(timedelta(minutes=1))
    assert scheduler.tick().status is RunStatus.SUCCEEDED  # type: ignore[union-attr]
    assert scheduler.tick() is None
    assert [s for _, s, _ in runs(engine)] == ["superseded", "succeeded"]


def test_a_lapsed_lease_is_retried_by_another_worker(engine: Engine) -> None:
    clock = FixedClock(START)
    body = Recorder()
    job = Job("test.daily", cron("0 6 * * *"), body, time_limit=timedelta(minutes=1))
    crashed = Scheduler(engine, clock, [job], worker="crashed")
    crashed.schedule_due(clock.now())
    claimed = crashed.claim(clock.now())  # ... and the process dies before running it
    assert claimed is not None
    other = Scheduler(engine, clock, [job], worker="other")
    assert other.tick() is None  # the lease (1 min + 30 s grace) still holds
    clock.advance(timedelta(minutes=2))
    outcome = other.tick()
    assert outcome is not None and outcome.status is RunStatus.SUCCEEDED
    assert body.calls[0].attempt == 2
    assert crashed.execute(claimed).recorded is False  # the late worker's outcome is fenced off
    assert runs(engine) == [("test.daily", "succeeded", 2)]


def test_an_attempt_over_its_time_limit_fails(engine: Engine) -> None:
    release = threading.Event()

    def stuck(_: RunContext) -> None:
        release.wait(5)

    job = Job("test.slow", cron("0 6 * * *"), stuck, time_limit=timedelta(seconds=0.2))
    outcome = Scheduler(engine, FixedClock(START), [job]).tick()
    release.set()
    assert outcome is not None and outcome.status is RunStatus.FAILED
    assert outcome.error == "exceeded its time limit of 0:00:00.200000"


def test_run_now_and_the_listing(engine: Engine) -> None:
    clock = FixedClock(START)
    body = Recorder()
    job = Job("test.weekly", cron("0 6 * * mon"), body, description="weekly digest")
    scheduler = Scheduler(engine, clock, [job])
    drain(scheduler)
    clock.advance(timedelta(hours=1))
    scheduler.request_run("test.weekly", by="user:u1")
    [state] = scheduler.states()
    assert state.next_run_at == clock.now()  # the manual run is due now
    assert drain(scheduler) == 1
    assert body.calls[-1].trigger == "manual"
    [state] = scheduler.states()
    assert state.last_status == "succeeded" and state.last_result == "did 13:00"
    assert state.last_started_at == clock.now() and state.last_duration_ms is not None
    assert state.next_run_at == datetime(2026, 1, 19, 6, 0, tzinfo=UTC)  # next Monday
    assert state.schedule == "cron 0 6 * * mon" and state.description == "weekly digest"
    with pytest.raises(NotFound, match=r"job 'test.nope' is not declared \(declared: test.weekly"):
        scheduler.request_run("test.nope")


def test_declaration_errors_are_named() -> None:
    with pytest.raises(InvalidInput, match=r"expected '<slice>\.<what>'"):
        Job("Expire Points", every(hours=1), Recorder())
    job = Job("loyalty.expire_points", every(hours=1), Recorder())
    with pytest.raises(InvalidInput, match="declared twice"):
        Scheduler(None, FixedClock(START), [job, job])  # type: ignore[arg-type]
