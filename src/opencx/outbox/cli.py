"""``opencx worker``: deliver the outbox (email, SMS, webhooks) until stopped."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Annotated

import typer

from opencx.outbox.service import run, run_once

app = typer.Typer(help="Outbox delivery.")


@app.command()
def worker(
    ctx: typer.Context,
    once: Annotated[bool, typer.Option("--once", help="Deliver one batch and exit.")] = False,
    batch: Annotated[int, typer.Option(min=1, help="Messages claimed per batch.")] = 50,
    poll: Annotated[float, typer.Option(min=0.01, help="Seconds between polls when idle.")] = 1.0,
    lease: Annotated[
        float, typer.Option(min=0.1, help="Seconds a claim lasts before others may retry it.")
    ] = 120.0,
) -> None:
    """Deliver due outbox messages until SIGTERM or Ctrl-C (the message in flight finishes)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    services = ctx.obj
    transports = services.outbox.transports()
    engine, clock = services.engine, services.clock
    if once:
        result = run_once(
            engine, transports, clock.now(), batch, lease=timedelta(seconds=lease), clock=clock
        )
    else:
        result = run(
            engine, transports, clock=clock, batch=batch, poll=poll, lease=timedelta(seconds=lease)
        )
    typer.echo(
        f"sent {result.sent}, failed {result.failed}, dead {result.dead}, "
        f"given back {result.released} of {result.claimed} claimed"
    )
