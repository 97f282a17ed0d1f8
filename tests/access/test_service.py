"""Users and API keys through the access service, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from opencx.access.service import AccessService
from opencx.core import Conflict, FixedClock, InvalidInput, NotFound
from opencx.db.schema import api_keys, users


@pytest.fixture
def access(engine: Engine, clock: FixedClock) -> AccessService:
    return AccessService(engine, clock)


def test_user_logs_in_with_the_right_password_only(access: AccessService) -> None:
    user = access.create_user("Ana@Example.org", role="analyst", password="s3cret-pass", name="Ana")
    assert user.email == "ana@example.org" and user.role == "analyst"
    assert access.authenticate("ana@example.org", "s3cret-pass") == user
    assert access.authenticate("ANA@example.org", "s3cret-pass") == user
    assert access.authenticate("ana@example.org", "wrong-pass") is None
    assert access.authenticate("nobody@example.org", "s3cret-pass") is None
    assert access.authenticate("not an email", "s3cret-pass") is None


def test_password_is_stored_only_as_a_salted_hash(access: AccessService, engine: Engine) -> None:
    access.create_user("a@example.org", role="admin", password="same-password")
    access.create_user("b@example.org", role="admin", password="same-password")
    with engine.connect() as conn:
        hashes = conn.execute(sa.select(users.c.password_hash)).scalars().all()
    assert len(set(hashes)) == 2
    assert all("same-password" not in h and h.startswith("scrypt$") for h in hashes)


def test_duplicate_email_is_a_conflict(access: AccessService) -> None:
    access.create_user("a@example.org", role="admin", password="password1")
    with pytest.raises(Conflict, match=r"a@example\.org"):
        access.create_user("A@example.org", role="agent", password="password2")


def test_bad_user_input_is_refused(access: AccessService, engine: Engine) -> None:
    with pytest.raises(InvalidInput, match="role 'root'"):
        access.create_user("a@example.org", role="root", password="password1")
    with pytest.raises(InvalidInput, match="at least 8"):
        access.create_user("a@example.org", role="admin", password="short")
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(users)).scalar() == 0


def test_set_password_replaces_the_old_one_and_voids_older_sessions(
    access: AccessService, clock: FixedClock
) -> None:
    user = access.create_user("a@example.org", role="agent", password="old-password")
    before = clock.now()
    clock.advance(timedelta(minutes=1))
    access.set_password(user.id, "new-password")
    assert access.authenticate("a@example.org", "old-password") is None
    again = access.authenticate("a@example.org", "new-password")
    assert again is not None and again.id == user.id
    assert not again.accepts_session(before) and again.accepts_session(clock.now())
    with pytest.raises(NotFound):
        access.set_password("missing", "new-password")


def test_disabled_users_cannot_log_in_until_enabled(
    access: AccessService, clock: FixedClock
) -> None:
    user = access.create_user("a@example.org", role="agent", password="right-password")
    disabled = access.disable_user("A@example.org")
    assert not disabled.active and not disabled.accepts_session(clock.now())
    assert access.authenticate("a@example.org", "right-password") is None
    assert [u.active for u in access.list_users()] == [False]
    enabled = access.enable_user("a@example.org")
    assert enabled.active
    found = access.authenticate("a@example.org", "right-password")
    assert found is not None and found.id == user.id
    with pytest.raises(NotFound, match=r"nobody@example\.org"):
        access.disable_user("nobody@example.org")


def test_sign_out_everywhere_voids_earlier_sessions_only(
    access: AccessService, clock: FixedClock
) -> None:
    access.create_user("a@example.org", role="agent", password="right-password")
    earlier = clock.now()
    clock.advance(timedelta(seconds=5))
    user = access.sign_out_everywhere("a@example.org")
    assert not user.accepts_session(earlier)
    clock.advance(timedelta(seconds=5))
    assert user.accepts_session(clock.now())


def test_api_key_is_shown_once_and_stored_as_a_hash(access: AccessService, engine: Engine) -> None:
    issued = access.create_api_key("shop", ["customers:read", "events:write", "customers:read"])
    assert issued.key.scopes == ("customers:read", "events:write")
    assert issued.secret.startswith(f"ocx_{issued.key.prefix}_")
    with engine.connect() as conn:
        stored = conn.execute(sa.select(api_keys)).mappings().one()
    assert issued.secret not in str(dict(stored))
    assert access.active_key(issued.secret) == issued.key
    assert access.active_key(issued.secret + "x") is None
    assert access.list_api_keys() == [issued.key]


def test_revoked_key_is_refused_and_revoking_is_idempotent(
    access: AccessService, clock: FixedClock
) -> None:
    issued = access.create_api_key("shop", ["customers:read"])
    clock.advance(timedelta(hours=1))
    revoked = access.revoke_api_key(issued.key.id)
    assert revoked.revoked_at == clock.now()
    assert access.active_key(issued.secret) is None
    clock.advance(timedelta(hours=1))
    assert access.revoke_api_key(issued.key.id).revoked_at == revoked.revoked_at
    with pytest.raises(NotFound):
        access.revoke_api_key("no-such-key")


def test_key_needs_a_name_and_valid_scopes(access: AccessService) -> None:
    with pytest.raises(InvalidInput, match="at least one scope"):
        access.create_api_key("shop", [])
    with pytest.raises(InvalidInput, match="'customers'"):
        access.create_api_key("shop", ["customers"])
    with pytest.raises(InvalidInput, match="name"):
        access.create_api_key("  ", ["customers:read"])
