"""Reads and writes of ``users``, ``api_keys``, ``user_sessions`` and ``login_throttle``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, RowMapping

from opencx.access.domain import ApiKey, User
from opencx.access.domain.sessions import UserSession
from opencx.access.domain.throttle import Counter
from opencx.db.schema import api_keys, login_throttle, user_sessions, users


def insert_user(conn: Connection, user: User, password_hash: str) -> None:
    conn.execute(
        users.insert().values(
            id=user.id,
            email=user.email,
            name=user.name,
            role=user.role,
            password_hash=password_hash,
            created_at=user.created_at,
        )
    )


def login_record(conn: Connection, email: str) -> tuple[User, str] | None:
    """The user with ``email`` and the stored password hash, or None."""
    row = conn.execute(sa.select(users).where(users.c.email == email)).mappings().first()
    return None if row is None else (_user(row), row["password_hash"])


def user_by_email(conn: Connection, email: str) -> User | None:
    found = login_record(conn, email)
    return None if found is None else found[0]


def update_user(conn: Connection, user_id: str, **values: object) -> int:
    """Set ``values`` (sessions_since, disabled_at, ...) on one user; rows changed (0 or 1)."""
    return conn.execute(users.update().where(users.c.id == user_id).values(**values)).rowcount


def user_by_id(conn: Connection, user_id: str) -> User | None:
    row = conn.execute(sa.select(users).where(users.c.id == user_id)).mappings().first()
    return None if row is None else _user(row)


def user_exists(conn: Connection, email: str) -> bool:
    return conn.execute(sa.select(users.c.id).where(users.c.email == email)).first() is not None


def all_users(conn: Connection) -> list[User]:
    rows = conn.execute(sa.select(users).order_by(users.c.email)).mappings()
    return [_user(r) for r in rows]


def set_password_hash(conn: Connection, user_id: str, password_hash: str) -> int:
    result = conn.execute(
        users.update().where(users.c.id == user_id).values(password_hash=password_hash)
    )
    return result.rowcount


def insert_key(conn: Connection, key: ApiKey, key_hash: str) -> None:
    conn.execute(
        api_keys.insert().values(
            id=key.id,
            name=key.name,
            scopes=list(key.scopes),
            key_hash=key_hash,
            prefix=key.prefix,
            created_at=key.created_at,
            revoked_at=key.revoked_at,
        )
    )


def key_by_hash(conn: Connection, key_hash: str) -> ApiKey | None:
    row = conn.execute(sa.select(api_keys).where(api_keys.c.key_hash == key_hash)).mappings()
    found = row.first()
    return None if found is None else _key(found)


def key_by_id(conn: Connection, key_id: str) -> ApiKey | None:
    row = conn.execute(sa.select(api_keys).where(api_keys.c.id == key_id)).mappings().first()
    return None if row is None else _key(row)


def all_keys(conn: Connection) -> list[ApiKey]:
    rows = conn.execute(sa.select(api_keys).order_by(api_keys.c.created_at, api_keys.c.id))
    return [_key(r) for r in rows.mappings()]


def mark_revoked(conn: Connection, key_id: str, at: datetime) -> int:
    result = conn.execute(
        api_keys.update()
        .where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None))
        .values(revoked_at=at)
    )
    return result.rowcount


def _user(row: RowMapping) -> User:
    return User(
        id=row["id"],
        email=row["email"],
        name=row["name"],
        role=row["role"],
        created_at=row["created_at"],
        sessions_since=row["sessions_since"],
        disabled_at=row["disabled_at"],
    )


def _key(row: RowMapping) -> ApiKey:
    return ApiKey(
        id=row["id"],
        name=row["name"],
        scopes=tuple(row["scopes"]),
        prefix=row["prefix"],
        created_at=row["created_at"],
        revoked_at=row["revoked_at"],
    )


# --- sessions ------------------------------------------------------------------------------


def insert_session(conn: Connection, session: UserSession, token_hash: str) -> None:
    conn.execute(
        user_sessions.insert().values(
            id=session.id,
            token_hash=token_hash,
            user_id=session.user_id,
            created_at=session.created_at,
            last_seen_at=session.last_seen_at,
            expires_at=session.expires_at,
            revoked_at=session.revoked_at,
            ip=session.ip,
            user_agent=session.user_agent,
        )
    )


def session_with_user(conn: Connection, token_hash: str) -> tuple[UserSession, User] | None:
    """The session with this token and its user: one indexed read (the unique token index)."""
    query = (
        sa.select(
            *[c.label(f"s_{c.name}") for c in user_sessions.c if c.name != "token_hash"],
            *[c for c in users.c if c.name != "password_hash"],
        )
        .join_from(user_sessions, users, user_sessions.c.user_id == users.c.id)
        .where(user_sessions.c.token_hash == token_hash)
    )
    row = conn.execute(query).mappings().first()
    if row is None:
        return None
    return _session({k[2:]: v for k, v in row.items() if k.startswith("s_")}), _user(row)


def touch_session(conn: Connection, session_id: str, at: datetime) -> None:
    conn.execute(
        user_sessions.update()
        .where(user_sessions.c.id == session_id, user_sessions.c.revoked_at.is_(None))
        .values(last_seen_at=at)
    )


def session_by_id(conn: Connection, session_id: str) -> UserSession | None:
    row = conn.execute(sa.select(user_sessions).where(user_sessions.c.id == session_id))
    found = row.mappings().first()
    return None if found is None else _session(found)


def revoke_sessions(
    conn: Connection,
    at: datetime,
    *,
    session_id: str | None = None,
    token_hash: str | None = None,
    user_id: str | None = None,
) -> int:
    """Revoke the sessions matching every given filter (not yet revoked ones); how many."""
    where: list[sa.ColumnElement[bool]] = [user_sessions.c.revoked_at.is_(None)]
    if session_id is not None:
        where.append(user_sessions.c.id == session_id)
    if token_hash is not None:
        where.append(user_sessions.c.token_hash == token_hash)
    if user_id is not None:
        where.append(user_sessions.c.user_id == user_id)
    return conn.execute(user_sessions.update().where(*where).values(revoked_at=at)).rowcount


def open_sessions(
    conn: Connection, now: datetime, idle: timedelta, user_id: str | None = None
) -> list[tuple[UserSession, User]]:
    """Sessions not revoked, expired or idle at ``now`` (of one user, or all), newest first."""
    query = (
        sa.select(
            *[c.label(f"s_{c.name}") for c in user_sessions.c if c.name != "token_hash"],
            *[c for c in users.c if c.name != "password_hash"],
        )
        .join_from(user_sessions, users, user_sessions.c.user_id == users.c.id)
        .where(
            user_sessions.c.revoked_at.is_(None),
            user_sessions.c.expires_at > now,
            user_sessions.c.last_seen_at > now - idle,
        )
        .order_by(user_sessions.c.last_seen_at.desc(), user_sessions.c.id)
    )
    if user_id is not None:
        query = query.where(user_sessions.c.user_id == user_id)
    found = []
    for row in conn.execute(query).mappings():
        found.append(
            (_session({k[2:]: v for k, v in row.items() if k.startswith("s_")}), _user(row))
        )
    return found


def prune_sessions(conn: Connection, user_id: str, before: datetime) -> int:
    """Delete the user's sessions that ended (expired, or were revoked) before ``before``."""
    ended = sa.or_(user_sessions.c.expires_at < before, user_sessions.c.revoked_at < before)
    stmt = user_sessions.delete().where(user_sessions.c.user_id == user_id, ended)
    return conn.execute(stmt).rowcount


# --- login throttle ------------------------------------------------------------------------


def _upsert(conn: Connection) -> Any:
    return (postgresql if conn.dialect.name == "postgresql" else sqlite).insert(login_throttle)


def _unix(at: datetime) -> float:
    return at.timestamp()


def charge_bucket(
    conn: Connection, key: str, *, now: datetime, drain: timedelta, account: str | None = None
) -> Counter:
    """Add one attempt to the leaky bucket ``key`` (drained by one per ``drain`` since its last
    charge), atomically; the bucket after the charge."""
    t, rate = _unix(now), 1.0 / drain.total_seconds()
    row = login_throttle.c
    drained = row.level - (t - row.at) * rate
    stmt = _upsert(conn).values(key=key, account=account, level=1.0, failures=0, at=t)
    stmt = stmt.on_conflict_do_update(
        index_elements=["key"],
        set_={
            "level": sa.case((drained > 0, drained), else_=sa.literal(0.0)) + 1.0,
            "previous_at": row.at,
            "at": t,
        },
    )
    conn.execute(stmt)
    return _counter(conn, key)


def charge_pair(
    conn: Connection, key: str, *, now: datetime, forget_after: timedelta, account: str
) -> Counter:
    """Add one consecutive failure to the pair ``key`` (restarting at 1 when the last one is
    older than ``forget_after``), atomically; the pair after the charge."""
    t, row = _unix(now), login_throttle.c
    stmt = _upsert(conn).values(key=key, account=account, level=0.0, failures=1, at=t)
    stmt = stmt.on_conflict_do_update(
        index_elements=["key"],
        set_={
            "failures": sa.case(
                (t - row.at > forget_after.total_seconds(), 1), else_=row.failures + 1
            ),
            "previous_at": row.at,
            "at": t,
        },
    )
    conn.execute(stmt)
    return _counter(conn, key)


def refund_bucket(conn: Connection, key: str) -> None:
    """Take back one charge (a successful login does not count against its buckets)."""
    level = login_throttle.c.level
    conn.execute(
        login_throttle.update()
        .where(login_throttle.c.key == key)
        .values(level=sa.case((level > 1, level - 1), else_=sa.literal(0.0)))
    )


def forget_keys(conn: Connection, keys: Iterable[str]) -> None:
    conn.execute(login_throttle.delete().where(login_throttle.c.key.in_(list(keys))))


def forget_account(conn: Connection, account: str) -> int:
    """Clear every counter of one account (its bucket and all its pairs): an admin's unlock."""
    return conn.execute(login_throttle.delete().where(login_throttle.c.account == account)).rowcount


def prune_throttle(conn: Connection, before: datetime) -> int:
    """Delete counters not charged since ``before`` (drained buckets, forgotten pairs)."""
    stmt = login_throttle.delete().where(login_throttle.c.at < _unix(before))
    return conn.execute(stmt).rowcount


def _counter(conn: Connection, key: str) -> Counter:
    row = conn.execute(sa.select(login_throttle).where(login_throttle.c.key == key)).one()
    previous = row.previous_at
    return Counter(
        level=float(row.level),
        failures=int(row.failures),
        previous_at=None if previous is None else datetime.fromtimestamp(previous, UTC),
    )


def _session(row: Any) -> UserSession:
    return UserSession(
        id=row["id"],
        user_id=row["user_id"],
        created_at=row["created_at"],
        last_seen_at=row["last_seen_at"],
        expires_at=row["expires_at"],
        revoked_at=row["revoked_at"],
        ip=row["ip"],
        user_agent=row["user_agent"],
    )
