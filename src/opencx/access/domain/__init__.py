"""Users, roles, API keys and scopes: the pure rules of who may do what.

A *scope* is ``<resource>:<action>`` (``customers:read``, ``events:write``, ``customers:erase``).
A grant may use ``*`` for either part (``customers:*``, ``*:read``) or be ``*`` alone. Roles map
to grants in :data:`ROLE_GRANTS`; API keys carry their own list of grants.

Passwords are hashed with scrypt (RFC 7914) and a per-user random salt; API keys are random
tokens shown once and stored only as their SHA-256 digest (a 256-bit random secret needs no
slow hash: there is nothing to brute-force).

References
----------
C. Percival and S. Josefsson, "The scrypt Password-Based Key Derivation Function", RFC 7914, 2016.
OWASP Password Storage Cheat Sheet (scrypt: N=2**17, r=8, p=1 as minimum; we use N=2**15 to keep
a login under ~0.1 s on small servers, with r=8 and p=1).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from opencx.core.errors import InvalidInput

ROLES: tuple[str, ...] = ("admin", "analyst", "agent")

ROLE_GRANTS: dict[str, frozenset[str]] = {
    # everything, including erasure of personal data and user administration
    "admin": frozenset({"*"}),
    # reads everything; works with metrics, models and journey experiments (defines, starts and
    # stops them; journeys:assign records exposures as the app or site would); downloads
    # customer lists (as the churn list) for campaigns
    "analyst": frozenset({"*:read", "metrics:*", "models:*", "journeys:*", "customers:export"}),
    # serves customers: looks them up, works cases and chats, reads feedback, redeems rewards
    # and enrolls members for them (the desk's configuration, incidents, QA scorecards and
    # catalog approvals are helpdesk:admin; point adjustments and programs are loyalty:admin)
    "agent": frozenset(
        {
            "customers:read",
            "helpdesk:read",
            "helpdesk:write",
            "feedback:read",
            "loyalty:read",
            "loyalty:write",
        }
    ),
}

_SCOPE = re.compile(r"^(\*|(\*|[a-z][a-z0-9_-]*):(\*|[a-z][a-z0-9_-]*))$")
_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+$")

SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
_SCRYPT_MAXMEM = 64 * 1024 * 1024
MIN_PASSWORD_LENGTH = 8

KEY_PREFIX = "ocx"


@dataclass(frozen=True, slots=True)
class User:
    id: str
    email: str
    name: str | None
    role: str
    created_at: datetime
    sessions_since: datetime | None = None  # sessions issued before this are void
    disabled_at: datetime | None = None

    @property
    def active(self) -> bool:
        return self.disabled_at is None

    def accepts_session(self, issued_at: datetime) -> bool:
        """Whether a session issued at ``issued_at`` still counts for this user."""
        return self.active and (self.sessions_since is None or issued_at >= self.sessions_since)


@dataclass(frozen=True, slots=True)
class ApiKey:
    id: str
    name: str
    scopes: tuple[str, ...]
    prefix: str
    created_at: datetime
    revoked_at: datetime | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True, slots=True)
class IssuedKey:
    """A freshly created key: ``secret`` is the full token, shown to the user exactly once."""

    key: ApiKey
    secret: str


# --- scopes --------------------------------------------------------------------------------


def check_scope(scope: str) -> str:
    """Return ``scope`` if well formed (``resource:action``, ``*`` wildcards), else raise."""
    if not _SCOPE.match(scope):
        raise InvalidInput(
            f"scope {scope!r}: expected 'resource:action' in lower case, e.g. 'customers:read', "
            "with '*' allowed for either part, or '*' alone"
        )
    return scope


def scope_matches(grant: str, required: str) -> bool:
    """Whether one ``grant`` covers the ``required`` scope.

    >>> scope_matches("customers:*", "customers:erase")
    True
    >>> scope_matches("*:read", "customers:erase")
    False
    """
    if grant == "*" or grant == required:
        return True
    g_res, _, g_act = grant.partition(":")
    r_res, _, r_act = required.partition(":")
    return g_res in ("*", r_res) and g_act in ("*", r_act)


def grants_scope(grants: frozenset[str] | tuple[str, ...], required: str) -> bool:
    """Whether any of ``grants`` covers ``required``."""
    return any(scope_matches(g, required) for g in grants)


def role_grants(role: str) -> frozenset[str]:
    """The grants of ``role``; raises :class:`InvalidInput` for an unknown role."""
    try:
        return ROLE_GRANTS[role]
    except KeyError:
        raise InvalidInput(f"role {role!r}: expected one of {', '.join(ROLES)}") from None


# --- users ---------------------------------------------------------------------------------


def check_email(email: str) -> str:
    """Return the normalised (trimmed, lower-cased) email, or raise :class:`InvalidInput`."""
    cleaned = email.strip().lower()
    if len(cleaned) > 320 or not _EMAIL.match(cleaned):
        raise InvalidInput(f"email {email!r}: not a valid address (expected name@domain.tld)")
    return cleaned


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            f"password: at least {MIN_PASSWORD_LENGTH} characters required, got {len(password)}"
        )
    return password


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """Hash ``password`` with scrypt and a random 16-byte salt (or the given one).

    The result is self-describing, ``scrypt$N$r$p$salt$digest`` (base64), so the cost can be
    raised later without breaking stored hashes.
    """
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = _scrypt(password, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return "$".join(
        ["scrypt", str(SCRYPT_N), str(SCRYPT_R), str(SCRYPT_P), _b64(salt), _b64(digest)]
    )


def verify_password(password: str, stored: str) -> bool:
    """Check ``password`` against a :func:`hash_password` result in constant time."""
    try:
        algo, n, r, p, salt, digest = stored.split("$")
        if algo != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = _scrypt(password, base64.b64decode(salt), int(n), int(r), int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def _scrypt(password: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=_SCRYPT_MAXMEM, dklen=32
    )


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


# --- API keys ------------------------------------------------------------------------------


def new_key_secret() -> tuple[str, str]:
    """Return ``(prefix, token)``: ``token`` is ``ocx_<prefix>_<secret>`` with 256 random bits."""
    prefix = secrets.token_hex(4)
    return prefix, f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"


def key_digest(token: str) -> str:
    """The stored form of an API key: its SHA-256 hex digest."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def looks_like_key(token: str) -> bool:
    """Cheap syntactic check before touching the store."""
    parts = token.split("_", 2)
    return len(parts) == 3 and parts[0] == KEY_PREFIX and len(parts[1]) == 8 and bool(parts[2])


from opencx.access.domain.sessions import SessionPolicy, UserSession  # noqa: E402
from opencx.access.domain.throttle import ThrottlePolicy  # noqa: E402

__all__ = [
    "ROLES",
    "ROLE_GRANTS",
    "ApiKey",
    "IssuedKey",
    "SessionPolicy",
    "ThrottlePolicy",
    "User",
    "UserSession",
    "check_email",
    "check_password",
    "check_scope",
    "grants_scope",
    "hash_password",
    "key_digest",
    "looks_like_key",
    "new_key_secret",
    "role_grants",
    "scope_matches",
    "verify_password",
]
