"""The ``opencx users`` and ``opencx apikeys`` commands against a real SQLite store."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from opencx.access.cli import apikeys_app, users_app
from opencx.access.service import AccessService
from opencx.app import Services, build
from opencx.core import FixedClock
from opencx.settings import Settings

runner = CliRunner()


def _services(sqlite_url: str, sqlite_engine: Engine, clock: FixedClock) -> Services:
    return build(Settings(database_url=sqlite_url), clock=clock, engine=sqlite_engine)


def test_create_and_list_users(sqlite_url: str, sqlite_engine: Engine, clock: FixedClock) -> None:
    obj = _services(sqlite_url, sqlite_engine, clock)
    args = ["create", "ana@example.org", "--role", "admin", "--name", "Ana", "--password-stdin"]
    result = runner.invoke(users_app, args, input="pass-word-1\n", obj=obj)
    assert result.exit_code == 0, result.output
    assert "created user ana@example.org (admin)" in result.output
    listed = runner.invoke(users_app, ["list"], obj=obj)
    assert "ana@example.org" in listed.output and "admin" in listed.output
    assert AccessService(sqlite_engine, clock).authenticate("ana@example.org", "pass-word-1")


def test_password_prompt_asks_twice(
    sqlite_url: str, sqlite_engine: Engine, clock: FixedClock
) -> None:
    obj = _services(sqlite_url, sqlite_engine, clock)
    result = runner.invoke(
        users_app,
        ["create", "bo@example.org", "--role", "agent"],
        input="pass-word-2\npass-word-2\n",
        obj=obj,
    )
    assert result.exit_code == 0, result.output
    assert "pass-word-2" not in result.output
    assert AccessService(sqlite_engine, clock).authenticate("bo@example.org", "pass-word-2")


def test_bad_role_exits_with_a_clear_error(
    sqlite_url: str, sqlite_engine: Engine, clock: FixedClock
) -> None:
    obj = _services(sqlite_url, sqlite_engine, clock)
    result = runner.invoke(
        users_app,
        ["create", "x@example.org", "--role", "boss", "--password", "pass-word-3"],
        obj=obj,
    )
    assert result.exit_code == 1
    assert "role 'boss'" in result.output


def test_api_key_lifecycle(sqlite_url: str, sqlite_engine: Engine, clock: FixedClock) -> None:
    obj = _services(sqlite_url, sqlite_engine, clock)
    created = runner.invoke(
        apikeys_app,
        ["create", "shop", "--scope", "customers:read", "--scope", "events:write"],
        obj=obj,
    )
    assert created.exit_code == 0, created.output
    secret = created.output.strip().splitlines()[-1]
    access = AccessService(sqlite_engine, clock)
    key = access.active_key(secret)
    assert key is not None and key.scopes == ("customers:read", "events:write")

    listed = runner.invoke(apikeys_app, ["list"], obj=obj)
    assert key.id in listed.output and "active" in listed.output
    assert secret not in listed.output

    revoked = runner.invoke(apikeys_app, ["revoke", key.id], obj=obj)
    assert revoked.exit_code == 0, revoked.output
    assert access.active_key(secret) is None
    assert "revoked" in runner.invoke(apikeys_app, ["list"], obj=obj).output
    missing = runner.invoke(apikeys_app, ["revoke", "nope"], obj=obj)
    assert missing.exit_code == 1 and "'nope' does not exist" in missing.output


def test_disable_enable_and_sign_out_users(
    sqlite_url: str, sqlite_engine: Engine, clock: FixedClock
) -> None:
    obj = _services(sqlite_url, sqlite_engine, clock)
    access = AccessService(sqlite_engine, clock)
    access.create_user("cy@example.org", role="agent", password="pass-word-3")
    result = runner.invoke(users_app, ["disable", "Cy@example.org"], obj=obj)
    assert result.exit_code == 0 and "disabled cy@example.org" in result.output
    assert "disabled" in runner.invoke(users_app, ["list"], obj=obj).output
    assert access.authenticate("cy@example.org", "pass-word-3") is None
    result = runner.invoke(users_app, ["enable", "cy@example.org"], obj=obj)
    assert result.exit_code == 0 and "enabled cy@example.org" in result.output
    assert access.authenticate("cy@example.org", "pass-word-3") is not None
    result = runner.invoke(users_app, ["sign-out", "cy@example.org"], obj=obj)
    assert result.exit_code == 0 and "signed out cy@example.org everywhere" in result.output
    missing = runner.invoke(users_app, ["disable", "nobody@example.org"], obj=obj)
    assert missing.exit_code == 1 and "nobody@example.org" in missing.output


def test_sessions_are_listed_and_ended_from_the_command_line(
    sqlite_url: str, sqlite_engine: Engine, clock: FixedClock
) -> None:
    obj = _services(sqlite_url, sqlite_engine, clock)
    user = obj.access.create_user("ana@example.org", role="agent", password="pass-word-1")
    session, token = obj.access.start_session(user, ip="198.51.100.7", user_agent="Laptop/1.0")
    listed = runner.invoke(users_app, ["sessions", "ana@example.org"], obj=obj)
    assert listed.exit_code == 0 and session.id in listed.output and "198.51.100.7" in listed.output
    ended = runner.invoke(users_app, ["end-session", session.id], obj=obj)
    assert ended.exit_code == 0 and obj.access.session_user(token) is None
    assert session.id not in runner.invoke(users_app, ["sessions"], obj=obj).output
    missing = runner.invoke(users_app, ["end-session", "no-such-session"], obj=obj)
    assert missing.exit_code == 1 and "no-such-session" in missing.output
