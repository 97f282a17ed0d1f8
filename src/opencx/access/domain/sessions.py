"""Server-side sessions: each login is a row the server can end, listed per user.

The browser holds a random 256-bit token (inside the signed cookie); the store keeps only its
SHA-256, so a copy of the database cannot be replayed as a cookie. A session ends when it is
revoked (logout, "end this session", sign-out everywhere, a password change, disabling the
user), when it was not used for :attr:`SessionPolicy.idle`, or :attr:`SessionPolicy.max_age`
after it began, whichever comes first (OWASP Session Management Cheat Sheet: idle and absolute
timeouts, server-side invalidation on logout).

``last_seen_at`` is written at most once per :attr:`SessionPolicy.touch_every`, so a busy page
costs one indexed read per request and one write per minute, not one write per request.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

#: ends after this long without a request (OWASP: 15-30 minutes for applications of this risk)
DEFAULT_IDLE = timedelta(minutes=30)
#: ends this long after login whatever the activity (OWASP: 4-8 hours for a working day)
DEFAULT_MAX_AGE = timedelta(hours=8)
#: how stale ``last_seen_at`` may get before a request writes it again
DEFAULT_TOUCH_EVERY = timedelta(minutes=1)
#: ended sessions are kept this long (for the user's list and investigations), then pruned
KEEP_ENDED = timedelta(days=30)
USER_AGENT_LENGTH = 300


@dataclass(frozen=True, slots=True)
class SessionPolicy:
    idle: timedelta = DEFAULT_IDLE
    max_age: timedelta = DEFAULT_MAX_AGE
    touch_every: timedelta = DEFAULT_TOUCH_EVERY

    def __post_init__(self) -> None:
        if self.idle <= timedelta(0) or self.max_age <= timedelta(0):
            raise ValueError("session idle and max age must be positive")


@dataclass(frozen=True, slots=True)
class UserSession:
    id: str  # public handle (listing, ending one); never the token
    user_id: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime  # created_at + max_age
    revoked_at: datetime | None = None
    ip: str | None = None
    user_agent: str | None = None

    def end_reason(self, now: datetime, policy: SessionPolicy) -> str | None:
        """Why the session no longer counts at ``now`` (``revoked``, ``expired``, ``idle``)."""
        if self.revoked_at is not None and self.revoked_at <= now:
            return "revoked"
        if now >= self.expires_at:
            return "expired"
        if now - self.last_seen_at >= policy.idle:
            return "idle"
        return None

    def active(self, now: datetime, policy: SessionPolicy) -> bool:
        return self.end_reason(now, policy) is None

    def idle_until(self, policy: SessionPolicy) -> datetime:
        """When the session ends if no request comes before (never after ``expires_at``)."""
        return min(self.last_seen_at + policy.idle, self.expires_at)

    def needs_touch(self, now: datetime, policy: SessionPolicy) -> bool:
        return now - self.last_seen_at >= policy.touch_every


def new_session_token() -> str:
    """A fresh session token: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def session_digest(token: str) -> str:
    """The stored form of a session token: its SHA-256 hex digest (a 256-bit random secret
    needs no slow hash)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def short_user_agent(value: str | None) -> str | None:
    """The browser's User-Agent, trimmed to what the sessions list shows."""
    cleaned = " ".join((value or "").split())
    return cleaned[:USER_AGENT_LENGTH] or None
