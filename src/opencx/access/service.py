"""Access use cases: create users and API keys, authenticate them, revoke keys.

Functions take a connection (the unit of work) and plain values; :class:`AccessService` binds
them to an engine and a clock for the web edge and the CLI.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
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
    lock_until,
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


def authenticate(conn: Connection, email: str, password: str, now: datetime) -> User | None:
    """The user whose email and password match, or None (same cost either way).

    A disabled user, or one locked after :data:`~opencx.access.domain.LOCK_AFTER_FAILURES`
    consecutive failures, is refused without trying the password; each failure counts, and
    the lock grows with them (:func:`~opencx.access.domain.lock_until`). A success clears them.
    """
    try:
        email = check_email(email)
    except InvalidInput:
        verify_password(password, _DUMMY_HASH)
        return None
    found = store.login_record(conn, email)
    if found is None:
        verify_password(password, _DUMMY_HASH)
        return None
    user, stored, locked = found
    if not user.active or (locked is not None and locked > now):
        verify_password(password, _DUMMY_HASH)
        return None
    if not verify_password(password, stored):
        failures = store.count_failed_login(conn, user.id)
        store.update_user(conn, user.id, locked_until=lock_until(failures, now))
        return None
    store.clear_failed_logins(conn, user.id)
    return user


def set_password(conn: Connection, user_id: str, password: str, now: datetime) -> None:
    """Replace the password; every session issued before now ends, a lockout is lifted."""
    check_password(password)
    if store.set_password_hash(conn, user_id, hash_password(password)) == 0:
        raise NotFound(f"user {user_id!r} does not exist")
    store.update_user(conn, user_id, sessions_since=now, failed_logins=0, locked_until=None)


def _user_by_email(conn: Connection, email: str) -> User:
    user = store.user_by_email(conn, check_email(email))
    if user is None:
        raise NotFound(f"user {email!r} does not exist")
    return user


def end_sessions(conn: Connection, user_id: str, now: datetime) -> None:
    """End every session of the user issued before ``now`` (a lost laptop, a shared password)."""
    if store.update_user(conn, user_id, sessions_since=now) == 0:
        raise NotFound(f"user {user_id!r} does not exist")


def sign_out_everywhere(conn: Connection, email: str, now: datetime) -> User:
    """:func:`end_sessions` of the user with ``email``."""
    user = _user_by_email(conn, email)
    end_sessions(conn, user.id, now)
    return replace(user, sessions_since=now)


def disable_user(conn: Connection, email: str, now: datetime) -> User:
    """Refuse the user's logins and end their sessions; the row and its history stay."""
    user = _user_by_email(conn, email)
    if user.disabled_at is not None:
        return user
    store.update_user(conn, user.id, disabled_at=now, sessions_since=now)
    return replace(user, disabled_at=now, sessions_since=now)


def enable_user(conn: Connection, email: str) -> User:
    """Let the user log in again: lifts a disable and a lockout."""
    user = _user_by_email(conn, email)
    store.update_user(conn, user.id, disabled_at=None, failed_logins=0, locked_until=None)
    return replace(user, disabled_at=None)


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
        with self.engine.begin() as conn:
            return authenticate(conn, email, password, self.clock.now())

    def set_password(self, user_id: str, password: str) -> None:
        with self.engine.begin() as conn:
            set_password(conn, user_id, password, self.clock.now())

    def sign_out_everywhere(self, email: str) -> User:
        with self.engine.begin() as conn:
            return sign_out_everywhere(conn, email, self.clock.now())

    def end_sessions(self, user_id: str) -> None:
        with self.engine.begin() as conn:
            end_sessions(conn, user_id, self.clock.now())

    def disable_user(self, email: str) -> User:
        with self.engine.begin() as conn:
            return disable_user(conn, email, self.clock.now())

    def enable_user(self, email: str) -> User:
        with self.engine.begin() as conn:
            return enable_user(conn, email)

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
