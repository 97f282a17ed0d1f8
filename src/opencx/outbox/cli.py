"""``opencx outbox dead`` lists the messages the worker gave up on and ``opencx outbox retry``
queues them again. ``opencx worker`` itself lives in ``opencx.ops.worker`` (outbox and jobs)."""

from __future__ import annotations

from typing import Annotated

import typer

from opencx.outbox.service import dead_letters, retry_dead

outbox_app = typer.Typer(help="The outbox: dead letters and re-sending them.", no_args_is_help=True)


@outbox_app.command("dead")
def dead(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(min=1, max=500, help="Show at most this many.")] = 50,
) -> None:
    """List messages the worker gave up on, newest first, with their last error."""
    letters = dead_letters(ctx.obj.engine, limit)
    if not letters:
        typer.echo("no dead messages")
    for m in letters:
        error = " ".join(str(m["last_error"] or "").split())[:120]
        typer.echo(
            f"{m['id']}  {m['kind']:<7} {m['dedupe_key'][:40]:<40} "
            f"attempts={m['attempts']}  {error}"
        )


@outbox_app.command("retry")
def retry(
    ctx: typer.Context,
    ids: Annotated[list[str] | None, typer.Argument(help="Message ids from 'dead'.")] = None,
    all_dead: Annotated[bool, typer.Option("--all", help="Every dead message.")] = False,
) -> None:
    """Queue dead messages again with a fresh set of attempts (after fixing the cause)."""
    if bool(ids) == all_dead:
        typer.echo("error: give message ids or --all (not both)", err=True)
        raise typer.Exit(code=2)
    queued = retry_dead(ctx.obj.engine, None if all_dead else ids, ctx.obj.clock.now())
    missing = 0 if all_dead else len(set(ids or ())) - queued
    typer.echo(
        f"queued {queued} dead message(s) again"
        + (f"; {missing} id(s) were not dead messages" if missing else "")
    )
    if missing:
        raise typer.Exit(code=1)
