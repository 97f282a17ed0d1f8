"""Reads and writes of the ``users`` and ``api_keys`` tables (SQLAlchemy Core)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, RowMapping

from opencx.access.domain import ApiKey, User
from opencx.db.schema import api_keys, users


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


def login_record(conn: Connection, email: str) -> tuple[User, str, datetime | None] | None:
    """The user with ``email``, the stored password hash and the end of a lockout, or None."""
    row = conn.execute(sa.select(users).where(users.c.email == email)).mappings().first()
    return None if row is None else (_user(row), row["password_hash"], row["locked_until"])


def user_by_email(conn: Connection, email: str) -> User | None:
    found = login_record(conn, email)
    return None if found is None else found[0]


def count_failed_login(conn: Connection, user_id: str) -> int:
    """Add one failed login (atomically, so concurrent guesses all count); the new count."""
    conn.execute(
        users.update().where(users.c.id == user_id).values(failed_logins=users.c.failed_logins + 1)
    )
    count = conn.execute(sa.select(users.c.failed_logins).where(users.c.id == user_id))
    return int(count.scalar_one())


def clear_failed_logins(conn: Connection, user_id: str) -> None:
    conn.execute(
        users.update()
        .where(users.c.id == user_id, users.c.failed_logins != 0)
        .values(failed_logins=0, locked_until=None)
    )


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
