"""``opencx feedback ...``: create and edit surveys, triggers, invite, run the time-driven jobs,
see why an invitation was not sent, and work the closed-loop queue."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from opencx.core import OpenCXError
from opencx.core.services import service_of
from opencx.core.text import JsonRefused, json_document, json_kind
from opencx.feedback.domain import SUPPORTED, parse_definition, to_definition
from opencx.feedback.service import FeedbackService

app = typer.Typer(
    help="Feedback: surveys, invitations, responses, the closed loop.", no_args_is_help=True
)


def _service(ctx: typer.Context) -> FeedbackService:
    return service_of(ctx.obj, "feedback", FeedbackService)


def _fail(exc: OpenCXError) -> typer.Exit:
    typer.echo(f"error: {exc}", err=True)
    return typer.Exit(code=1)


def _read(path: Path) -> dict[str, object]:
    """The survey definition in ``path``, read as the API reads a body
    (:func:`~opencx.core.text.json_document`: UTF-8, nested at most 800 levels, no lone
    surrogate), and an object; else one line naming the file and what is wrong, exit 2,
    before anything is stored."""
    try:
        raw = json_document(path.read_bytes())
    except OSError as exc:
        _refuse(path, f"cannot read it ({exc.strerror})")
    except JsonRefused as exc:
        _refuse(path, str(exc))
    if not isinstance(raw, dict):
        _refuse(path, f"expected a JSON object (a survey definition), not {json_kind(raw)}")
    return raw


def _refuse(path: Path, problem: str) -> NoReturn:
    typer.echo(f"error: {path}: {problem}", err=True)
    raise typer.Exit(code=2)


@app.command("surveys")
def surveys(ctx: typer.Context) -> None:
    """List surveys (latest versions) with their response counts."""
    for s in _service(ctx).surveys():
        langs = ",".join(s["languages"] or [])
        typer.echo(
            f"{s['key']:<24} {s['kind']:<7} v{s['version']:<3} {langs:<12} "
            f"{s['responses']:>7} responses  {s['name']}"
        )


@app.command("create")
def create(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="Stable key, e.g. nps-after-delivery.")],
    template: Annotated[str | None, typer.Option(help="nps, csat, ces, enps or custom.")] = None,
    name: Annotated[str | None, typer.Option(help="Name shown to respondents.")] = None,
    lang: Annotated[list[str] | None, typer.Option(help="Languages (repeat).")] = None,
    file: Annotated[Path | None, typer.Option(help="A JSON definition instead.")] = None,
) -> None:
    """Create a survey from a template or a JSON definition."""
    service = _service(ctx)
    try:
        if file is not None:
            raw = {**_read(file), "key": key}
            survey = service.create_survey(parse_definition(raw))
        else:
            survey = service.create_from_template(
                template or "nps", key, name or key, list(lang or SUPPORTED)
            )
    except OpenCXError as exc:
        raise _fail(exc) from None
    typer.echo(
        f"created {survey.key} version {survey.version} ({survey.kind}, "
        f"{', '.join(survey.languages)})"
    )


@app.command("show")
def show(ctx: typer.Context, key: str) -> None:
    """Print a survey's definition (JSON): edit it and pass it to ``edit --file``."""
    try:
        survey = _service(ctx).survey(key)
    except OpenCXError as exc:
        raise _fail(exc) from None
    typer.echo(json.dumps(to_definition(survey), ensure_ascii=False, indent=2))


@app.command("edit")
def edit(
    ctx: typer.Context,
    key: str,
    file: Annotated[Path, typer.Option(help="The edited JSON definition.")],
) -> None:
    """Store an edited definition as the survey's next version."""
    try:
        before = _service(ctx).survey(key).version
        survey = _service(ctx).edit_survey(key, parse_definition({**_read(file), "key": key}))
    except OpenCXError as exc:
        raise _fail(exc) from None
    if survey.version == before:
        typer.echo(f"no change: {survey.key} stays at version {survey.version}")
    else:
        typer.echo(f"saved {survey.key} version {survey.version}")


@app.command("invite")
def invite(
    ctx: typer.Context,
    key: str,
    customers: Annotated[list[str], typer.Argument(help="Customer ids.")],
    channel: Annotated[str, typer.Option(help="email, sms or link.")] = "email",
) -> None:
    """Invite customers now; each refusal is printed with its reason."""
    try:
        result = _service(ctx).invite(key, customers, channel=channel)
    except OpenCXError as exc:
        raise _fail(exc) from None
    for i in result.invited:
        typer.echo(f"{i.customer_id}: sent{f' {i.url}' if i.url else ''}")
    for i in result.skipped:
        typer.echo(f"{i.customer_id}: {i.decision.reason}")
    typer.echo(f"sent {result.sent}, scheduled {result.scheduled}, not sent {len(result.skipped)}")


@app.command("trigger")
def trigger(
    ctx: typer.Context,
    event: Annotated[
        str,
        typer.Argument(
            help="case_resolved, order_delivered, chat_ended, days_after_purchase, schedule "
            "or staff_pulse (an anonymous survey to the helpdesk agents)."
        ),
    ],
    survey: Annotated[str, typer.Argument(help="Survey key.")],
    channel: Annotated[str, typer.Option(help="email, sms or link.")] = "email",
    delay_hours: Annotated[float, typer.Option(min=0)] = 0.0,
    sample: Annotated[float, typer.Option(min=0, max=100, help="Percent of events.")] = 100.0,
    every_days: Annotated[
        int | None, typer.Option(min=1, max=3660, help="Schedules: the cadence.")
    ] = None,
) -> None:
    """Invite on an event (live events only) or on a schedule (relationship NPS: 91 days; the
    agents' eNPS pulse: staff_pulse every 30 days)."""
    try:
        t = _service(ctx).add_trigger(
            event=event,
            survey_key=survey,
            channel=channel,
            delay=timedelta(hours=delay_hours),
            sample_pct=sample,
            every_days=every_days,
        )
    except OpenCXError as exc:
        raise _fail(exc) from None
    typer.echo(f"trigger {t.id}: {t.event} -> {t.survey_key} by {t.channel}")


@app.command("triggers")
def triggers(ctx: typer.Context) -> None:
    """List triggers."""
    for t in _service(ctx).triggers():
        typer.echo(
            f"{t.id}  {t.event:<20} {t.survey_key:<20} {t.channel:<6} "
            f"delay={t.delay} sample={t.sample_pct:g}% "
            f"{'active' if t.active else 'paused'}"
        )


@app.command("jobs")
def jobs(ctx: typer.Context) -> None:
    """Run the time-driven work once: schedules, due invitations, reminders."""
    done = _service(ctx).run_jobs()
    typer.echo(", ".join(f"{k} {v}" for k, v in done.items()))


@app.command("skips")
def skips(ctx: typer.Context, customer: Annotated[str | None, typer.Option()] = None) -> None:
    """Invitations not sent, newest first, with the rule that stopped them."""
    for s in _service(ctx).skips(customer):
        typer.echo(
            f"{s['at']:%Y-%m-%d %H:%M}  {s['customer_id'] or '-'}  {s['survey_key']}: {s['reason']}"
        )


@app.command("followups")
def followups(ctx: typer.Context, all_: Annotated[bool, typer.Option("--all")] = False) -> None:
    """The closed-loop queue (open ones unless --all), with loop-closure rate and time."""
    service = _service(ctx)
    for f in service.followups(open_only=not all_):
        state = (
            f"closed {f['closed_at']:%Y-%m-%d}"
            if f["closed_at"]
            else f"due {f['due_at']:%Y-%m-%d %H:%M}"
        )
        typer.echo(
            f"{f['id']}  {f['customer_id'] or '-'}  {f['survey_key']}: {f['reason']}  {state}"
        )
    s = service.loop_stats()
    median = f", median {s.median_hours:.1f} h" if s.closed else ""
    typer.echo(f"loop: {s.closed}/{s.opened} closed ({s.rate:.0%}){median}")


@app.command("analyse")
def analyse(
    ctx: typer.Context,
    rediscover: Annotated[bool, typer.Option(help="Find themes afresh.")] = False,
    k: Annotated[int, typer.Option(min=2, max=40, help="Themes to find.")] = 8,
) -> None:
    """Text analytics: learn sentiment from scored comments, tag themes, refresh answer_topics."""
    done = _service(ctx).analyse(rediscover=rediscover, k=k)
    learned = f"learned from {done.learned_from}" if done.sentiment else "too few scored to learn"
    typer.echo(f"{done.comments} comments ({learned}), {done.themes} themes, {done.rows} rows")


@app.command("themes")
def themes(
    ctx: typer.Context,
    name: Annotated[
        list[str] | None, typer.Option(help="KEY=NAME (repeat); equal names merge.")
    ] = None,
) -> None:
    """List discovered themes, or name them (``--name t3=delivery``)."""
    service = _service(ctx)
    for item in name or []:
        key, _, title = item.partition("=")
        if not service.name_theme(key.strip(), title.strip() or None):
            typer.echo(f"error: no theme {key!r}", err=True)
            raise typer.Exit(code=1)
    for t in service.themes():
        typer.echo(f"{t.key:<4} {t.title:<24} {', '.join(list(t.terms)[:8])}")


@app.command("drivers")
def drivers(
    ctx: typer.Context, question: Annotated[str, typer.Option(help="nps, csat, ces …")] = "nps"
) -> None:
    """Key drivers: each theme's effect on the score in points, with its p-value."""
    for d in _service(ctx).drivers(question):
        effect = f"effect {d.effect:+.2f} ± {d.std_error:.2f}"
        typer.echo(f"{d.theme:<24} n={d.responses:<6} {effect}  p={d.p_value:.3g}")


@app.command("trends")
def trends(ctx: typer.Context, days: Annotated[int, typer.Option(min=1, max=365)] = 30) -> None:
    """Themes rising or falling: the last DAYS against the DAYS before."""
    for t in _service(ctx).trends(days):
        shares = f"{t.before_share:6.1%} → {t.recent_share:6.1%}"
        typer.echo(f"{t.theme:<24} {shares}  z={t.z:+.2f}  p={t.p_value:.3g}")


webhooks_app = typer.Typer(
    help="Webhook subscriptions: URLs that receive response events.", no_args_is_help=True
)
app.add_typer(webhooks_app, name="webhooks")


@webhooks_app.command("list")
def webhooks_list(ctx: typer.Context) -> None:
    """List subscriptions (secrets are never shown again)."""
    hooks = _service(ctx).webhooks()
    if not hooks:
        typer.echo("no webhook subscriptions")
    for h in hooks:
        typer.echo(f"{h.id}  {h.url}  {','.join(h.events)}  since {h.created_at:%Y-%m-%d}")


@webhooks_app.command("add")
def webhooks_add(
    ctx: typer.Context,
    url: Annotated[str, typer.Argument(help="Where to POST the events (http or https).")],
    event: Annotated[
        list[str] | None,
        typer.Option(help="response.created or response.completed (repeat); default: both."),
    ] = None,
    secret: Annotated[
        str | None, typer.Option(help="Signing secret (≥ 16 characters); default: generated.")
    ] = None,
) -> None:
    """Subscribe URL to response events; prints its signing secret once."""
    try:
        sub, key = _service(ctx).add_webhook(url, event or (), secret=secret, by="cli")
    except OpenCXError as exc:
        raise _fail(exc) from None
    typer.echo(f"subscribed {sub.id}: {sub.url} ({', '.join(sub.events)})")
    typer.echo(f"signing secret (shown once): {key}")


@webhooks_app.command("remove")
def webhooks_remove(ctx: typer.Context, subscription_id: str) -> None:
    """Remove a subscription; its deliveries still queued are dropped."""
    if not _service(ctx).remove_webhook(subscription_id):
        typer.echo(f"error: no webhook subscription {subscription_id!r}", err=True)
        raise typer.Exit(code=1)
    typer.echo(f"removed {subscription_id}")
