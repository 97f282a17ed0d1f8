"""``opencx users ...`` and ``opencx apikeys ...``: manage who can log in and which keys exist."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Annotated

import typer

from opencx.access.domain import ROLES, User
from opencx.access.service import AccessService
from opencx.core import OpenCXError
from opencx.core.services import service_of

users_app = typer.Typer(
    help="Users who log in to the pages (roles: admin, analyst, agent).", no_args_is_help=True
)
apikeys_app = typer.Typer(help="API keys with scopes for the HTTP API.", no_args_is_help=True)
app = users_app


def _access(ctx: typer.Context) -> AccessService:
    return service_of(ctx.obj, "access", AccessService)


def _fail(exc: OpenCXError) -> typer.Exit:
    typer.echo(f"error: {exc}", err=True)
    return typer.Exit(code=1)


@users_app.command("create")
def create_user(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="Login email.")],
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(ROLES)}.")] = "analyst",
    name: Annotated[str | None, typer.Option(help="Display name.")] = None,
    password: Annotated[
        str | None, typer.Option(help="Password (visible in shell history; prefer the prompt).")
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Create a user who can log in to the pages."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif password is None:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = _access(ctx).create_user(email, role=role, password=password, name=name)
    except OpenCXError as exc:
        raise _fail(exc) from exc
    typer.echo(f"created user {user.email} ({user.role}) id={user.id}")


@users_app.command("list")
def list_users(ctx: typer.Context) -> None:
    """List users with their roles (and ``disabled`` for those who cannot log in)."""
    for user in _access(ctx).list_users():
        state = "" if user.active else "  disabled"
        typer.echo(f"{user.id}  {user.email:<32} {user.role:<8} {user.name or ''}{state}")


def _change_user(
    ctx: typer.Context, email: str, change: Callable[[AccessService, str], User], done: str
) -> None:
    try:
        user = change(_access(ctx), email)
    except OpenCXError as exc:
        raise _fail(exc) from exc
    typer.echo(done.format(email=user.email))


EMAIL = Annotated[str, typer.Argument(help="Login email.")]


@users_app.command("set-role")
def set_role(
    ctx: typer.Context,
    email: EMAIL,
    role: Annotated[str, typer.Argument(help=f"One of: {', '.join(ROLES)}.")],
) -> None:
    """Give a user another role (recorded in the audit log)."""
    _change_user(ctx, email, lambda access, e: access.set_role(e, role), f"{{email}} is now {role}")


@users_app.command("sign-out")
def sign_out(ctx: typer.Context, email: EMAIL) -> None:
    """End every session of a user at once (a lost laptop, a shared password)."""
    _change_user(ctx, email, AccessService.sign_out_everywhere, "signed out {email} everywhere")


@users_app.command("sessions")
def sessions(
    ctx: typer.Context,
    email: Annotated[str | None, typer.Argument(help="Only this user's sessions.")] = None,
) -> None:
    """List open sessions (started, last seen, address, browser); end one with end-session."""
    access = _access(ctx)
    try:
        user_id = access.user_by_email(email).id if email else None
    except OpenCXError as exc:
        raise _fail(exc) from exc
    for session, user in access.open_sessions(user_id):
        typer.echo(
            f"{session.id}  {user.email:<32} started {session.created_at:%Y-%m-%d %H:%M}  "
            f"seen {session.last_seen_at:%Y-%m-%d %H:%M}  {session.ip or '-':<15} "
            f"{session.user_agent or ''}"
        )


@users_app.command("end-session")
def end_session(
    ctx: typer.Context,
    session_id: Annotated[str, typer.Argument(help="Session id from 'opencx users sessions'.")],
) -> None:
    """End one session now: its cookie is refused from the next request on."""
    try:
        _access(ctx).end_session(session_id)
    except OpenCXError as exc:
        raise _fail(exc) from exc
    typer.echo(f"ended session {session_id}")


@users_app.command("disable")
def disable(ctx: typer.Context, email: EMAIL) -> None:
    """Refuse a user's logins and end their sessions (their history stays)."""
    _change_user(ctx, email, AccessService.disable_user, "disabled {email}")


@users_app.command("enable")
def enable(ctx: typer.Context, email: EMAIL) -> None:
    """Let a user log in again: lifts a disable and the login throttling of the account."""
    _change_user(ctx, email, AccessService.enable_user, "enabled {email}")


@users_app.command("set-password")
def set_password(
    ctx: typer.Context,
    email: Annotated[str, typer.Argument(help="Login email.")],
    password_stdin: Annotated[bool, typer.Option("--password-stdin")] = False,
) -> None:
    """Set a new password for a user."""
    access = _access(ctx)
    match = [u for u in access.list_users() if u.email == email.strip().lower()]
    if not match:
        typer.echo(f"error: user {email!r} does not exist", err=True)
        raise typer.Exit(code=1)
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    try:
        access.set_password(match[0].id, password)
    except OpenCXError as exc:
        raise _fail(exc) from exc
    typer.echo(f"password changed for {match[0].email}")


@apikeys_app.command("create")
def create_key(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="What the key is for, e.g. 'shop webhook'.")],
    scope: Annotated[
        list[str],
        typer.Option("--scope", help="Scope such as customers:read (repeat for more)."),
    ],
) -> None:
    """Create an API key; the key is printed once and cannot be shown again."""
    try:
        issued = _access(ctx).create_api_key(name, scope)
    except OpenCXError as exc:
        raise _fail(exc) from exc
    typer.echo(
        f"created api key {issued.key.name!r} id={issued.key.id} "
        f"scopes={','.join(issued.key.scopes)}"
    )
    typer.echo("store this key now, it will not be shown again:")
    typer.echo(issued.secret)


@apikeys_app.command("list")
def list_keys(ctx: typer.Context) -> None:
    """List API keys (never the secrets)."""
    for key in _access(ctx).list_api_keys():
        state = "active" if key.active else f"revoked {key.revoked_at:%Y-%m-%d %H:%M}"
        typer.echo(
            f"{key.id}  ocx_{key.prefix}_…  {key.name:<24} {','.join(key.scopes):<40} {state}"
        )


@apikeys_app.command("revoke")
def revoke_key(
    ctx: typer.Context, key_id: Annotated[str, typer.Argument(help="Key id from 'list'.")]
) -> None:
    """Revoke an API key; requests with it are refused from now on."""
    try:
        key = _access(ctx).revoke_api_key(key_id)
    except OpenCXError as exc:
        raise _fail(exc) from exc
    typer.echo(f"revoked api key {key.name!r} id={key.id}")
