"""``opencx worker``: delivers the outbox and runs the periodic jobs until stopped.

The outbox loop runs in the main thread (it owns SIGTERM/SIGINT); the scheduler and a heartbeat
run in two background threads sharing the same stop event. Any number of workers may run
against one database: outbox messages and job runs are each claimed by exactly one of them.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta
from typing import Annotated, Any

import typer

from opencx import __version__
from opencx.jobs.service import Scheduler, beat, forget
from opencx.outbox.service import default_worker_id, run, run_once

log = logging.getLogger("opencx.worker")
HEARTBEAT_SECONDS = 10.0

app = typer.Typer()


@app.command()
def worker(
    ctx: typer.Context,
    once: Annotated[
        bool, typer.Option("--once", help="Deliver one batch, run the due jobs, and exit.")
    ] = False,
    batch: Annotated[int, typer.Option(min=1, help="Messages claimed per batch.")] = 50,
    poll: Annotated[float, typer.Option(min=0.01, help="Seconds between polls when idle.")] = 1.0,
    lease: Annotated[
        float, typer.Option(min=0.1, help="Seconds a claim lasts before others may retry it.")
    ] = 120.0,
    jobs: Annotated[
        bool, typer.Option("--jobs/--no-jobs", help="Run the periodic jobs too.")
    ] = True,
    job_poll: Annotated[
        float, typer.Option(min=0.05, help="Seconds between looks for due jobs.")
    ] = 5.0,
) -> None:
    """Deliver due outbox messages and run due jobs until SIGTERM or Ctrl-C."""
    from opencx.ops.logs import configure_logging

    configure_logging(ctx.obj.settings)
    services = ctx.obj
    engine, clock = services.engine, services.clock
    worker_id = default_worker_id()
    scheduler = Scheduler(engine, clock, services.jobs if jobs else [], worker=worker_id)
    if once:
        _once(services, scheduler, batch=batch, lease=lease)
        return
    stop = threading.Event()
    started = clock.now()
    threads = [
        threading.Thread(
            target=_heartbeat,
            args=(engine, clock, worker_id, started, stop),
            name="heartbeat",
            daemon=True,
        ),
    ]
    if scheduler.jobs:
        threads.append(
            threading.Thread(
                target=scheduler.run,
                args=(stop,),
                kwargs={"poll": job_poll},
                name="scheduler",
                daemon=True,
            )
        )
    for thread in threads:
        thread.start()
    log.info("worker %s started: outbox and %d job(s)", worker_id, len(scheduler.jobs))
    try:
        result = run(
            engine,
            services.outbox.transports(),
            clock=clock,
            batch=batch,
            poll=poll,
            lease=timedelta(seconds=lease),
            stop=stop,
            worker_id=worker_id,
        )
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        _forget(engine, worker_id)
    typer.echo(_summary(result))


def _once(services: Any, scheduler: Scheduler, *, batch: int, lease: float) -> None:
    clock = services.clock
    result = run_once(
        services.engine,
        services.outbox.transports(),
        clock.now(),
        batch,
        lease=timedelta(seconds=lease),
        clock=clock,
    )
    typer.echo(_summary(result))
    if not scheduler.jobs:
        return
    ran = []
    while (outcome := scheduler.tick()) is not None:
        ran.append(f"{outcome.job} {outcome.status.value}")
    typer.echo(f"jobs: {', '.join(ran) if ran else 'none due'}")


def _summary(result: Any) -> str:
    return (
        f"sent {result.sent}, failed {result.failed}, dead {result.dead}, "
        f"given back {result.released} of {result.claimed} claimed"
    )


def _heartbeat(
    engine: Any, clock: Any, worker_id: str, started: Any, stop: threading.Event
) -> None:
    while not stop.is_set():
        try:
            beat(engine, worker_id, now=clock.now(), started_at=started, version=__version__)
        except Exception as exc:  # the database may be restarting; the next beat tries again
            log.warning("worker %s: heartbeat failed: %s", worker_id, exc)
        stop.wait(HEARTBEAT_SECONDS)


def _forget(engine: Any, worker_id: str) -> None:
    try:
        forget(engine, worker_id)
    except Exception as exc:  # stopping anyway; the heartbeat simply goes stale
        log.warning("worker %s: could not remove its heartbeat: %s", worker_id, exc)
