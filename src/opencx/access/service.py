"""Access use cases: create users and API keys, authenticate them, revoke keys.

Functions take a connection (the unit of work) and plain values; :class:`AccessService` binds
them to an engine and a clock for the web edge and the CLI.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
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
from opencx.access.domain.sessions import (
    KEEP_ENDED,
    SessionPolicy,
    UserSession,
    new_session_token,
    session_digest,
    short_user_agent,
)
from opencx.access.domain.throttle import (
    FORGET_AFTER,
    Client,
    Counter,
    Refusal,
    ThrottlePolicy,
    account_key,
    decide,
    pair_key,
)
from opencx.core import Clock, Conflict, EventBus, InvalidInput, NotFound, new_id
from opencx.core.audit import PrivilegedActDone

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


@dataclass(frozen=True, slots=True)
class LoginResult:
    """What a login attempt came to: the user (the password matched), or a refusal before the
    password was tried (throttled; ``refusal`` says for how long), or neither (wrong)."""

    user: User | None = None
    refusal: Refusal | None = None


def _charge(
    conn: Connection, account: str, client: Client, now: datetime, policy: ThrottlePolicy
) -> tuple[list[str], Refusal | None]:
    """Charge this attempt to its counters; the bucket keys charged and any refusal."""
    pair = store.charge_pair(
        conn, pair_key(account, client), now=now, forget_after=FORGET_AFTER, account=account
    )
    buckets: list[str] = []
    ip = account_bucket = Counter()
    if not client.known:
        ip = store.charge_bucket(conn, f"ip:{client.ip}", now=now, drain=policy.ip_drain)
        account_bucket = store.charge_bucket(
            conn, f"acct:{account}", now=now, drain=policy.account_drain, account=account
        )
        buckets = [f"ip:{client.ip}", f"acct:{account}"]
    refusal = decide(
        now=now, client=client, ip=ip, account=account_bucket, pair=pair, policy=policy
    )
    return buckets, refusal


def _check_password(conn: Connection, email: str, password: str) -> User | None:
    found = store.login_record(conn, email)
    if found is None or not found[0].active:
        verify_password(password, _DUMMY_HASH)  # same cost as a real check
        return None
    user, stored = found
    return user if verify_password(password, stored) else None


def authenticate(
    engine: Engine,
    email: str,
    password: str,
    client: Client,
    now: datetime,
    policy: ThrottlePolicy,
) -> LoginResult:
    """Try a login from ``client``: throttled first (:mod:`opencx.access.domain.throttle`),
    then the password (same cost whether the email exists or not).

    The attempt is charged to its counters in a short transaction of its own before the
    password is checked, so concurrent guesses from many processes all count; a success is
    refunded and clears the pair's failures. A disabled user is refused like a wrong password.
    """
    try:
        email = check_email(email)
    except InvalidInput:
        email = email.strip().lower()
    account = account_key(email)
    with engine.begin() as conn:
        buckets, refusal = _charge(conn, account, client, now, policy)
    if refusal is not None:  # refused before any hashing: cheap for the server under attack
        return LoginResult(refusal=refusal)
    with engine.connect() as conn:
        user = _check_password(conn, email, password)
    if user is None:
        return LoginResult()
    with engine.begin() as conn:
        for key in buckets:
            store.refund_bucket(conn, key)
        store.forget_keys(conn, [pair_key(account, client)])
    return LoginResult(user=user)


def unlock(conn: Connection, email: str) -> int:
    """Clear the throttle counters of one account (its bucket, all its pairs)."""
    return store.forget_account(conn, account_key(check_email(email)))


# --- sessions ------------------------------------------------------------------------------


def start_session(
    conn: Connection,
    user: User,
    *,
    now: datetime,
    policy: SessionPolicy,
    ip: str | None,
    user_agent: str | None,
) -> tuple[UserSession, str]:
    """Open a session for ``user``; returns it and its token (the browser's only copy)."""
    token = new_session_token()
    session = UserSession(
        id=new_id(),
        user_id=user.id,
        created_at=now,
        last_seen_at=now,
        expires_at=now + policy.max_age,
        ip=ip,
        user_agent=short_user_agent(user_agent),
    )
    store.prune_sessions(conn, user.id, now - KEEP_ENDED)
    store.insert_session(conn, session, session_digest(token))
    return session, token


def session_user(
    conn: Connection, token: str, *, now: datetime, policy: SessionPolicy
) -> tuple[UserSession, User] | None:
    """The open session with ``token`` and its active user, or None (ended, unknown, or the
    user disabled or signed out everywhere since). Marks it seen at most once a
    ``policy.touch_every``."""
    found = store.session_with_user(conn, session_digest(token))
    if found is None:
        return None
    session, user = found
    if not session.active(now, policy) or not user.accepts_session(session.created_at):
        return None
    if session.needs_touch(now, policy):
        store.touch_session(conn, session.id, now)
        session = replace(session, last_seen_at=now)
    return session, user


def end_session_by_token(conn: Connection, token: str, now: datetime) -> int:
    """Logout: the session with ``token`` ends now (0 if it was unknown or already ended)."""
    return store.revoke_sessions(conn, now, token_hash=session_digest(token))


def end_session(conn: Connection, session_id: str, now: datetime, *, user_id: str | None) -> None:
    """End one session by its id; with ``user_id``, only if it is that user's (else NotFound:
    one user cannot learn or end another's session ids)."""
    session = store.session_by_id(conn, session_id)
    if session is None or (user_id is not None and session.user_id != user_id):
        raise NotFound(f"session {session_id!r} does not exist")
    store.revoke_sessions(conn, now, session_id=session_id)


def open_sessions(
    conn: Connection, now: datetime, policy: SessionPolicy, user_id: str | None = None
) -> list[tuple[UserSession, User]]:
    return store.open_sessions(conn, now, policy.idle, user_id)


def set_role(conn: Connection, email: str, role: str) -> tuple[User, str]:
    """Give the user ``role``; returns the user (with it) and the role they had."""
    role_grants(role)
    user = _user_by_email(conn, email)
    store.update_user(conn, user.id, role=role)
    return replace(user, role=role), user.role


def set_password(conn: Connection, user_id: str, password: str, now: datetime) -> None:
    """Replace the password; every session issued before now ends, a lockout is lifted."""
    check_password(password)
    if store.set_password_hash(conn, user_id, hash_password(password)) == 0:
        raise NotFound(f"user {user_id!r} does not exist")
    store.update_user(conn, user_id, sessions_since=now)
    store.revoke_sessions(conn, now, user_id=user_id)


def _user_by_email(conn: Connection, email: str) -> User:
    user = store.user_by_email(conn, check_email(email))
    if user is None:
        raise NotFound(f"user {email!r} does not exist")
    return user


def end_sessions(conn: Connection, user_id: str, now: datetime) -> None:
    """End every session of the user issued before ``now`` (a lost laptop, a shared password)."""
    if store.update_user(conn, user_id, sessions_since=now) == 0:
        raise NotFound(f"user {user_id!r} does not exist")
    store.revoke_sessions(conn, now, user_id=user_id)


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
    store.revoke_sessions(conn, now, user_id=user.id)
    return replace(user, disabled_at=now, sessions_since=now)


def enable_user(conn: Connection, email: str) -> User:
    """Let the user log in again: lifts a disable and any login throttling of the account."""
    user = _user_by_email(conn, email)
    store.update_user(conn, user.id, disabled_at=None)
    unlock(conn, user.email)
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

    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        *,
        sessions: SessionPolicy | None = None,
        throttle: ThrottlePolicy | None = None,
        bus: EventBus | None = None,
    ) -> None:
        """``bus`` receives a :class:`PrivilegedActDone` for every change of users, roles,
        sessions and keys, in the change's transaction (the audit log subscribes to it)."""
        self.engine = engine
        self.clock = clock
        self.bus = bus
        self.sessions = sessions or SessionPolicy()
        self.throttle = throttle or ThrottlePolicy()

    def create_user(self, email: str, *, role: str, password: str, name: str | None = None) -> User:
        with self.engine.begin() as conn:
            try:
                user = create_user(
                    conn,
                    email=email,
                    role=role,
                    password=password,
                    name=name,
                    now=self.clock.now(),
                )
                self._audit(conn, "access.user_create", user.id, role=role)
                return user
            except sa.exc.IntegrityError as exc:  # a concurrent create of the same email
                raise Conflict(f"user {email!r} already exists") from exc

    def login(self, email: str, password: str, client: Client) -> LoginResult:
        """A login attempt from ``client`` (throttled, then the password checked)."""
        return authenticate(self.engine, email, password, client, self.clock.now(), self.throttle)

    def authenticate(self, email: str, password: str, ip: str = "local") -> User | None:
        """The user if the password matches and the attempt is not throttled (CLI, tests)."""
        return self.login(email, password, Client(ip)).user

    def start_session(
        self, user: User, *, ip: str | None = None, user_agent: str | None = None
    ) -> tuple[UserSession, str]:
        with self.engine.begin() as conn:
            return start_session(
                conn,
                user,
                now=self.clock.now(),
                policy=self.sessions,
                ip=ip,
                user_agent=user_agent,
            )

    def session_user(self, token: str) -> tuple[UserSession, User] | None:
        with self.engine.begin() as conn:
            return session_user(conn, token, now=self.clock.now(), policy=self.sessions)

    def end_session_by_token(self, token: str) -> int:
        with self.engine.begin() as conn:
            return end_session_by_token(conn, token, self.clock.now())

    def end_session(self, session_id: str, *, user_id: str | None = None) -> None:
        with self.engine.begin() as conn:
            end_session(conn, session_id, self.clock.now(), user_id=user_id)
            self._audit(conn, "access.session_end", session_id)

    def open_sessions(self, user_id: str | None = None) -> list[tuple[UserSession, User]]:
        with self.engine.connect() as conn:
            return open_sessions(conn, self.clock.now(), self.sessions, user_id)

    def user_by_email(self, email: str) -> User:
        with self.engine.connect() as conn:
            return _user_by_email(conn, email)

    def _audit(self, conn: Connection, action: str, target: str, **detail: str | int) -> None:
        if self.bus is not None:
            self.bus.publish(PrivilegedActDone(action, target=target, detail=detail), conn)

    def set_role(self, email: str, role: str) -> User:
        """Change a user's role (their open sessions get the new grants at the next request)."""
        with self.engine.begin() as conn:
            user, before = set_role(conn, email, role)
            self._audit(conn, "access.role_change", user.id, before=before, after=role)
            return user

    def set_password(self, user_id: str, password: str) -> None:
        with self.engine.begin() as conn:
            set_password(conn, user_id, password, self.clock.now())
            self._audit(conn, "access.password_change", user_id)

    def sign_out_everywhere(self, email: str) -> User:
        with self.engine.begin() as conn:
            user = sign_out_everywhere(conn, email, self.clock.now())
            self._audit(conn, "access.sessions_end", user.id)
            return user

    def end_sessions(self, user_id: str) -> None:
        with self.engine.begin() as conn:
            end_sessions(conn, user_id, self.clock.now())
            self._audit(conn, "access.sessions_end", user_id)

    def disable_user(self, email: str) -> User:
        with self.engine.begin() as conn:
            user = disable_user(conn, email, self.clock.now())
            self._audit(conn, "access.user_disable", user.id)
            return user

    def enable_user(self, email: str) -> User:
        with self.engine.begin() as conn:
            user = enable_user(conn, email)
            self._audit(conn, "access.user_enable", user.id)
            return user

    def get_user(self, user_id: str) -> User | None:
        with self.engine.connect() as conn:
            return get_user(conn, user_id)

    def list_users(self) -> list[User]:
        with self.engine.connect() as conn:
            return list_users(conn)

    def create_api_key(self, name: str, scopes: Iterable[str]) -> IssuedKey:
        with self.engine.begin() as conn:
            issued = create_api_key(conn, name=name, scopes=scopes, now=self.clock.now())
            self._audit(
                conn, "access.key_create", issued.key.id, scopes=",".join(issued.key.scopes)
            )
            return issued

    def active_key(self, token: str) -> ApiKey | None:
        with self.engine.connect() as conn:
            return active_key(conn, token)

    def revoke_api_key(self, key_id: str) -> ApiKey:
        with self.engine.begin() as conn:
            key = revoke_api_key(conn, key_id, self.clock.now())
            self._audit(conn, "access.key_revoke", key.id)
            return key

    def prune_login_throttle(self) -> int:
        """Delete the throttle counters nobody charged for :data:`FORGET_AFTER` (drained
        buckets, forgotten pairs); how many. Run every hour by the ``access.prune_throttle``
        job, so the table stays small whether or not anyone logs in."""
        with self.engine.begin() as conn:
            return store.prune_throttle(conn, self.clock.now() - FORGET_AFTER)

    def list_api_keys(self) -> list[ApiKey]:
        with self.engine.connect() as conn:
            return list_api_keys(conn)
