"""Work submitted on request (a model fit from the API) on both stores: it runs outside the
request, once, reports its progress, keeps its output, and bad input is said once, not retried."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine

from opencx.core import FixedClock, InvalidInput, NotFound
from opencx.core.audit import Origin, acting, current_origin
from opencx.jobs import Job, RunContext, RunStatus, Scheduler, every, queue_once
from opencx.jobs.service import Runner

START = datetime(2026, 1, 15, 12, 0, 30, tzinfo=UTC)


def fit(ctx: RunContext) -> dict[str, object]:
    ctx.progress("features", 0.25)
    ctx.progress("fit", 0.75)
    if ctx.params.get("as_of") == "1900-01-01":
        raise InvalidInput("no customer bought before 1900-01-01: nothing to learn from")
    if ctx.params.get("flaky") and ctx.attempt == 1:
        raise RuntimeError("connection reset")
    return {"run_url": f"/api/models/runs/{ctx.params['model']}-1"}


FIT = Job("test.fit", None, fit, max_attempts=2, description="a fit")


def test_a_submitted_run_runs_once_with_its_params_and_keeps_its_output(engine: Engine) -> None:
    queue = Scheduler(engine, FixedClock(START), [FIT])
    run_id = queue.submit("test.fit", {"model": "churn"}, by="api_key:k1")
    pending = queue.status(run_id)
    assert (pending.status, pending.done, pending.progress) == (RunStatus.PENDING, False, None)
    assert pending.params == {"model": "churn"} and pending.requested_by == "api_key:k1"
    outcome = queue.tick()
    assert outcome is not None and outcome.run_id == run_id
    assert queue.tick() is None  # once
    done = queue.status(run_id)
    assert done.status is RunStatus.SUCCEEDED and done.done
    assert done.output == {"run_url": "/api/models/runs/churn-1"}
    assert (done.stage, done.progress, done.attempts) == ("fit", 1.0, 1)


def test_progress_is_visible_while_the_run_works(engine: Engine) -> None:
    seen: list[tuple[str | None, float | None]] = []
    box: dict[str, Scheduler] = {}

    def watched(ctx: RunContext) -> None:
        ctx.progress("halfway", 0.5)
        run = box["queue"].status(ctx.params["me"])
        seen.append((run.stage, run.progress))
        ctx.progress("clipped", 7.0)
        run = box["queue"].status(ctx.params["me"])
        seen.append((run.stage, run.progress))

    queue = box["queue"] = Scheduler(engine, FixedClock(START), [Job("test.watch", None, watched)])
    run_id = queue.submit("test.watch", {})
    with engine.begin() as conn:  # the run learns its own id through its params in this test
        from opencx.jobs.store import job_runs

        conn.execute(job_runs.update().values(params={"me": run_id}))
    queue.tick()
    assert seen == [("halfway", 0.5), ("clipped", 1.0)]


def test_progress_never_waits_for_a_lock_the_work_itself_holds(sqlite_engine: Engine) -> None:
    """On SQLite an import holds the write lock from its first row to its commit: each report
    is shown by this process at once and reaches the store once the lock is free, instead of
    waiting out the busy timeout (30 s) and being lost, as it was at every chunk."""
    engine = sqlite_engine
    seen: list[tuple[str | None, float | None]] = []
    box: dict[str, Scheduler] = {}

    def importing(ctx: RunContext) -> None:
        with engine.connect() as holder:  # the import's own transaction, as the writer does
            holder.exec_driver_sql("BEGIN IMMEDIATE")
            for stage in ("10,000 rows read", "20,000 rows read"):
                ctx.progress(stage, None)
                run = box["queue"].status(ctx.params["me"])
                seen.append((run.stage, run.progress))
            holder.rollback()
        ctx.progress("done", 0.9)

    queue = box["queue"] = Scheduler(engine, FixedClock(START), [Job("test.lock", None, importing)])
    run_id = queue.submit("test.lock", {})
    with engine.begin() as conn:
        from opencx.jobs.store import job_runs

        conn.execute(job_runs.update().values(params={"me": run_id}))
    with engine.connect() as conn:
        timeout = conn.connection.driver_connection.execute("PRAGMA busy_timeout").fetchone()[0]
    queue.tick()
    assert seen == [("10,000 rows read", None), ("20,000 rows read", None)]
    done = queue.status(run_id)
    assert done.status is RunStatus.SUCCEEDED and done.stage == "done"
    with engine.connect() as conn:  # the pooled connections wait for locks again
        assert conn.connection.driver_connection.execute("PRAGMA busy_timeout").fetchone()[0] == (
            timeout
        )
    stranger = Scheduler(engine, FixedClock(START), [])  # another process reads the store
    assert stranger.status(run_id).stage == "done"


def test_a_late_report_of_an_abandoned_attempt_is_not_shown_as_the_next_ones(
    engine: Engine,
) -> None:
    """An attempt past its time limit is abandoned, but its thread runs on and may still report;
    the retry's status must not show that report."""
    clock = FixedClock(START)
    release, reported = threading.Event(), threading.Event()
    seen: list[str | None] = []
    box: dict[str, Scheduler] = {}

    def slow(ctx: RunContext) -> None:
        if ctx.attempt == 1:
            release.wait(30)
            ctx.progress("attempt 1, too late", 0.5)
            reported.set()
            return
        seen.append(box["queue"].status(ctx.params["me"]).stage)

    job = Job("test.slow", None, slow, time_limit=timedelta(seconds=0.2), max_attempts=2)
    queue = box["queue"] = Scheduler(engine, clock, [job])
    run_id = queue.submit("test.slow", {})
    with engine.begin() as conn:
        from opencx.jobs.store import job_runs

        conn.execute(job_runs.update().values(params={"me": run_id}))
    queue.tick()
    assert queue.status(run_id).status is RunStatus.FAILED
    release.set()
    assert reported.wait(30)
    clock.advance(timedelta(seconds=31))
    queue.tick()
    assert seen == [None] and queue.status(run_id).status is RunStatus.SUCCEEDED


def test_bad_input_is_recorded_once_and_not_retried(engine: Engine) -> None:
    queue = Scheduler(engine, FixedClock(START), [FIT])
    run_id = queue.submit("test.fit", {"model": "churn", "as_of": "1900-01-01"})
    queue.tick()
    assert queue.tick() is None
    run = queue.status(run_id)
    assert run.status is RunStatus.DEAD and run.done and run.attempts == 1
    assert run.error == "no customer bought before 1900-01-01: nothing to learn from"


def test_a_failure_is_retried_after_its_backoff(engine: Engine) -> None:
    clock = FixedClock(START)
    queue = Scheduler(engine, clock, [FIT])
    run_id = queue.submit("test.fit", {"model": "churn", "flaky": True})
    queue.tick()
    failed = queue.status(run_id)
    assert failed.status is RunStatus.FAILED and not failed.done
    assert failed.error == "RuntimeError: connection reset"
    clock.advance(timedelta(seconds=31))
    queue.tick()
    assert queue.status(run_id).status is RunStatus.SUCCEEDED


def test_on_request_jobs_are_never_scheduled_nor_run_without_params(engine: Engine) -> None:
    queue = Scheduler(engine, FixedClock(START), [FIT])
    assert queue.schedule_due(START) == 0 and queue.tick() is None
    with pytest.raises(InvalidInput, match="runs on request"):
        queue.request_run("test.fit")
    (state,) = queue.states()
    assert (state.schedule, state.next_run_at, state.on_request) == ("on request", None, True)
    with pytest.raises(NotFound):
        queue.submit("test.nope", {})


def test_a_status_url_shows_only_its_own_slices_jobs(engine: Engine) -> None:
    queue = Scheduler(engine, FixedClock(START), [FIT])
    run_id = queue.submit("test.fit", {"model": "rfm"})
    assert queue.status(run_id, prefix="test.").id == run_id
    with pytest.raises(NotFound):
        queue.status(run_id, prefix="modeling.")
    with pytest.raises(NotFound):
        queue.status("01NOPE")


def test_a_busy_job_does_not_hold_up_the_others(engine: Engine) -> None:
    """One fit runs at a time; meanwhile another job's due run is claimed, not starved."""
    clock = FixedClock(START)
    hourly = Job("test.hourly", every(hours=1), lambda ctx: "ok")
    queue = Scheduler(engine, clock, [FIT, hourly])
    queue.submit("test.fit", {"model": "a"})
    queue.submit("test.fit", {"model": "b"})
    first = queue.claim(clock.now())
    assert first is not None and first.job == "test.fit"
    queue.schedule_due(clock.now())
    other = queue.claim(clock.now())  # the second fit waits; the hourly job goes
    assert other is not None and other.job == "test.hourly"
    assert queue.claim(clock.now()) is None


def test_the_runner_thread_picks_up_a_submitted_run_and_stops(sqlite_engine: Engine) -> None:
    done = threading.Event()

    def body(ctx: RunContext) -> str:
        done.set()
        return "ran"

    queue = Scheduler(sqlite_engine, FixedClock(START), [Job("test.bg", None, body)])
    runner = Runner(queue, poll=60)  # woken by submit(), not by its poll
    runner.start()
    try:
        run_id = queue.submit("test.bg", {})
        assert done.wait(30)
    finally:
        runner.stop()
    assert not any(t.name == "job-runner" for t in threading.enumerate())
    assert queue.status(run_id).status is RunStatus.SUCCEEDED


def test_a_submitted_run_acts_for_whoever_asked(engine: Engine) -> None:
    seen: list[str] = []
    job = Job("test.who", None, lambda ctx: seen.append(current_origin().actor))
    clock = FixedClock(START)
    queue = Scheduler(engine, clock, [job])
    with acting(Origin("user:u-7", "203.0.113.9", "req-9")):  # what a request's edge sets
        asked = queue.submit("test.who", {})
    clock.advance(timedelta(seconds=1))
    queue.submit("test.who", {}, by="api_key:k1")
    clock.advance(timedelta(seconds=1))
    queue.submit("test.who", {})  # nobody asked: the system
    assert queue.status(asked).requested_by == "user:u-7"
    while queue.tick() is not None:
        pass
    assert sorted(seen) == ["api_key:k1", "system", "user:u-7"]


def test_a_run_queued_in_a_transaction_is_shared_only_by_equal_params(engine: Engine) -> None:
    seen: list[dict[str, object]] = []
    job = Job("test.analyze", None, lambda ctx: seen.append(dict(ctx.params)))
    queue = Scheduler(engine, FixedClock(START), [job])
    with engine.begin() as conn:
        assert queue_once(conn, "test.analyze", now=START, params={"tables": ["orders"]})
        assert not queue_once(conn, "test.analyze", now=START, params={"tables": ["orders"]})
        assert queue_once(conn, "test.analyze", now=START, params={"tables": ["customers"]})
    with engine.begin() as conn:  # rolled back with the change it follows
        assert queue_once(conn, "test.analyze", now=START, params={"tables": ["products"]})
        conn.rollback()
    while queue.tick() is not None:
        pass
    assert sorted(seen, key=str) == [{"tables": ["customers"]}, {"tables": ["orders"]}]
