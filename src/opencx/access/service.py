"""Access use cases: create users and API keys, authenticate them, revoke keys.

Functions take a connection (the unit of work) and plain values; :class:`AccessService` binds
them to an engine and a clock for the web edge and the CLI.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from opencx.access import store
from opencx.access.domain import (
    ApiKey,
    IssuedKey,
    User,
    check_email,
    check_password,
    check_scope,
    hash_password,
    key_digest,
    looks_like_key,
    new_key_secret,
    role_grants,
    verify_password,
)
from opencx.core import Clock, Conflict, InvalidInput, NotFound, new_id

# verified against when the email is unknown, so a miss costs as much time as a hit
_DUMMY_HASH = (
    "scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
)


def create_user(
    conn: Connection, *, email: str, role: str, password: str, name: str | None, now: datetime
) -> User:
    """Create a user; :class:`Conflict` if the email is taken, :class:`InvalidInput` if bad."""
    email = check_email(email)
    role_grants(role)
    check_password(password)
    if store.user_exists(conn, email):
        raise Conflict(f"user {email!r} already exists")
    user = User(
        id=new_id(), email=email, name=(name or "").strip() or None, role=role, created_at=now
    )
    store.insert_user(conn, user, hash_password(password))
    return user


def authenticate(conn: Connection, email: str, password: str) -> User | None:
    """The user whose email and password match, or None (same cost either way)."""
    try:
        email = check_email(email)
    except InvalidInput:
        verify_password(password, _DUMMY_HASH)
        return None
    found = store.user_with_hash(conn, email)
    if found is None:
        verify_password(password, _DUMMY_HASH)
        return None
    user, stored = found
    return user if verify_password(password, stored) else None


def set_password(conn: Connection, user_id: str, password: str) -> None:
    check_password(password)
    if store.set_password_hash(conn, user_id, hash_password(password)) == 0:
        raise NotFound(f"user {user_id!r} does not exist")


def get_user(conn: Connection, user_id: str) -> User | None:
    return store.user_by_id(conn, user_id)


def list_users(conn: Connection) -> list[User]:
    return store.all_users(conn)


def create_api_key(
    conn: Connection, *, name: str, scopes: Iterable[str], now: datetime
) -> IssuedKey:
    """Issue a key with ``scopes``; the returned ``secret`` is the only copy of the token."""
    name = name.strip()
    if not name:
        raise InvalidInput("api key name: must not be empty")
    checked = tuple(dict.fromkeys(check_scope(s.strip()) for s in scopes))
    if not checked:
        raise InvalidInput(f"api key {name!r}: give at least one scope, e.g. customers:read")
    prefix, token = new_key_secret()
    key = ApiKey(
        id=new_id(), name=name, scopes=checked, prefix=prefix, created_at=now, revoked_at=None
    )
    store.insert_key(conn, key, key_digest(token))
    return IssuedKey(key=key, secret=token)


def active_key(conn: Connection, token: str) -> ApiKey | None:
    """The unrevoked key behind ``token``, or None."""
    if not looks_like_key(token):
        return None
    key = store.key_by_hash(conn, key_digest(token))
    return key if key is not None and key.active else None


def revoke_api_key(conn: Connection, key_id: str, now: datetime) -> ApiKey:
    """Revoke a key (idempotent: revoking twice keeps the first time)."""
    store.mark_revoked(conn, key_id, now)
    key = store.key_by_id(conn, key_id)
    if key is None:
        raise NotFound(f"api key {key_id!r} does not exist")
    return key


def list_api_keys(conn: Connection) -> list[ApiKey]:
    return store.all_keys(conn)


class AccessService:
    """The use cases above, each in its own transaction on ``engine`` with time from ``clock``."""

    def __init__(self, engine: Engine, clock: Clock) -> None:
        self.engine = engine
        self.clock = clock

    def create_user(self, email: str, *, role: str, password: str, name: str | None = None) -> User:
        with self.engine.begin() as conn:
            try:
                return create_user(
                    conn,
                    email=email,
                    role=role,
                    password=password,
                    name=name,
                    now=self.clock.now(),
                )
            except sa.exc.IntegrityError as exc:  # a concurrent create of the same email
                raise Conflict(f"user {email!r} already exists") from exc

    def authenticate(self, email: str, password: str) -> User | None:
        with self.engine.connect() as conn:
            return authenticate(conn, email, password)

    def set_password(self, user_id: str, password: str) -> None:
        with self.engine.begin() as conn:
            set_password(conn, user_id, password)

    def get_user(self, user_id: str) -> User | None:
        with self.engine.connect() as conn:
            return get_user(conn, user_id)

    def list_users(self) -> list[User]:
        with self.engine.connect() as conn:
            return list_users(conn)

    def create_api_key(self, name: str, scopes: Iterable[str]) -> IssuedKey:
        with self.engine.begin() as conn:
            return create_api_key(conn, name=name, scopes=scopes, now=self.clock.now())

    def active_key(self, token: str) -> ApiKey | None:
        with self.engine.connect() as conn:
            return active_key(conn, token)

    def revoke_api_key(self, key_id: str) -> ApiKey:
        with self.engine.begin() as conn:
            return revoke_api_key(conn, key_id, self.clock.now())

    def list_api_keys(self) -> list[ApiKey]:
        with self.engine.connect() as conn:
            return list_api_keys(conn)
