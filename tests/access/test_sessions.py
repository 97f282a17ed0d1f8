"""Server-side sessions through the access service, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from opencx.access.domain.sessions import SessionPolicy
from opencx.access.service import AccessService
from opencx.core import FixedClock, NotFound
from opencx.db.schema import user_sessions

POLICY = SessionPolicy(idle=timedelta(minutes=30), max_age=timedelta(hours=8))


@pytest.fixture
def access(engine: Engine, clock: FixedClock) -> AccessService:
    return AccessService(engine, clock, sessions=POLICY)


def test_a_session_is_found_by_its_token_and_stored_only_as_a_digest(
    access: AccessService, engine: Engine
) -> None:
    user = access.create_user("a@example.org", role="agent", password="right-password")
    session, token = access.start_session(user, ip="198.51.100.7", user_agent="Firefox  150")
    found = access.session_user(token)
    assert found is not None and found[0].id == session.id and found[1].id == user.id
    assert found[0].user_agent == "Firefox 150" and found[0].ip == "198.51.100.7"
    assert access.session_user(token + "x") is None
    with engine.connect() as conn:
        stored = conn.execute(sa.select(user_sessions)).mappings().one()
    assert token not in str(dict(stored))


def test_a_session_ends_after_idle_time_and_is_kept_alive_by_use(
    access: AccessService, clock: FixedClock
) -> None:
    user = access.create_user("a@example.org", role="agent", password="right-password")
    _, token = access.start_session(user)
    for _ in range(10):  # used every 29 minutes: alive for 4 h 50 min
        clock.advance(timedelta(minutes=29))
        assert access.session_user(token) is not None
    clock.advance(timedelta(minutes=30))
    assert access.session_user(token) is None  # 30 minutes without a request


def test_a_session_ends_at_its_age_limit_however_busy(
    access: AccessService, clock: FixedClock
) -> None:
    user = access.create_user("a@example.org", role="agent", password="right-password")
    _, token = access.start_session(user)
    for _ in range(47):
        clock.advance(timedelta(minutes=10))
        assert access.session_user(token) is not None
    clock.advance(timedelta(minutes=10))  # 8 h after login
    assert access.session_user(token) is None


def test_last_seen_is_written_at_most_once_a_minute(
    access: AccessService, clock: FixedClock, engine: Engine
) -> None:
    user = access.create_user("a@example.org", role="agent", password="right-password")
    session, token = access.start_session(user)
    clock.advance(timedelta(seconds=30))
    access.session_user(token)
    with engine.connect() as conn:
        seen = conn.execute(sa.select(user_sessions.c.last_seen_at)).scalar_one()
    assert seen == session.created_at
    clock.advance(timedelta(seconds=31))
    access.session_user(token)
    with engine.connect() as conn:
        seen = conn.execute(sa.select(user_sessions.c.last_seen_at)).scalar_one()
    assert seen == clock.now()


def test_sessions_are_listed_per_user_and_ended_one_by_one(access: AccessService) -> None:
    ana = access.create_user("ana@example.org", role="agent", password="right-password")
    bo = access.create_user("bo@example.org", role="agent", password="right-password")
    laptop, laptop_token = access.start_session(ana, ip="198.51.100.7")
    phone, phone_token = access.start_session(ana, ip="198.51.100.8")
    bos, _ = access.start_session(bo)
    assert {s.id for s, _ in access.open_sessions(ana.id)} == {laptop.id, phone.id}
    assert {s.id for s, _ in access.open_sessions()} == {laptop.id, phone.id, bos.id}
    with pytest.raises(NotFound):  # Bo cannot end (or probe) Ana's session
        access.end_session(laptop.id, user_id=bo.id)
    access.end_session(laptop.id, user_id=ana.id)
    assert access.session_user(laptop_token) is None
    assert access.session_user(phone_token) is not None
    access.end_session(phone.id)  # an admin ends anyone's
    assert access.open_sessions(ana.id) == []


def test_logout_password_change_sign_out_and_disable_end_sessions_on_the_server(
    access: AccessService,
) -> None:
    user = access.create_user("a@example.org", role="agent", password="right-password")
    _, token = access.start_session(user)
    assert access.end_session_by_token(token) == 1
    assert access.session_user(token) is None
    for end in (
        lambda: access.set_password(user.id, "other-password"),
        lambda: access.sign_out_everywhere("a@example.org"),
        lambda: access.disable_user("a@example.org"),
    ):
        _, token = access.start_session(user)
        assert access.session_user(token) is not None
        end()
        assert access.session_user(token) is None
