"""Signed session cookies and CSRF tokens, with the standard library only.

A session is ``base64url(json).hex(hmac_sha256)``: the server keeps no session table; a cookie
that was altered, or signed with another secret, or past its expiry, is simply not a session.
Each session carries when it was issued, so the user's ``sessions_since`` (set by a password
change, a sign-out everywhere or disabling the user) voids every session issued before it.
CSRF tokens are an HMAC of a per-session random nonce, so a token is tied to one session (or,
before login, to one browser's pre-session nonce) and cannot be forged without the secret key.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

SESSION_COOKIE = "opencx_session"
CSRF_COOKIE = "opencx_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SESSION_SECONDS = 12 * 3600


@dataclass(frozen=True, slots=True)
class Session:
    user_id: str
    expires: int  # unix seconds
    nonce: str  # random, the seed of this session's CSRF token
    issued: int = 0  # microseconds since 1970 on the services' clock (revocation compares it)

    @property
    def issued_at(self) -> datetime:
        return _EPOCH + timedelta(microseconds=self.issued)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def microseconds(at: datetime) -> int:
    """``at`` as whole microseconds since 1970 (exact, unlike ``timestamp() * 1e6``)."""
    return (at - _EPOCH) // timedelta(microseconds=1)


def new_nonce() -> str:
    return secrets.token_urlsafe(18)


def _mac(secret: str, purpose: str, data: bytes) -> str:
    key = hashlib.sha256(f"opencx:{purpose}:{secret}".encode()).digest()
    return hmac.new(key, data, hashlib.sha256).hexdigest()


def encode_session(session: Session, secret: str) -> str:
    body = json.dumps(
        {"u": session.user_id, "e": session.expires, "n": session.nonce, "i": session.issued},
        separators=(",", ":"),
    ).encode()
    payload = base64.urlsafe_b64encode(body).decode("ascii").rstrip("=")
    return f"{payload}.{_mac(secret, 'session', payload.encode('ascii'))}"


def decode_session(value: str, secret: str, *, now: float) -> Session | None:
    """The session in cookie ``value`` if its signature holds and it has not expired."""
    payload, _, signature = value.partition(".")
    expected = _mac(secret, "session", payload.encode("ascii", "replace"))
    if not signature or not hmac.compare_digest(
        signature.encode("utf-8", "replace"), expected.encode("ascii")
    ):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        expires = int(data["e"])
        issued = int(data.get("i", (expires - SESSION_SECONDS) * 1_000_000))  # older cookies
        session = Session(str(data["u"]), expires, str(data["n"]), issued)
    except (ValueError, KeyError, TypeError, binascii.Error):
        return None
    return session if session.expires > now else None


def csrf_token(nonce: str, secret: str) -> str:
    return _mac(secret, "csrf", nonce.encode("utf-8"))


def csrf_valid(token: str | None, nonce: str | None, secret: str) -> bool:
    if not token or not nonce:
        return False
    expected = csrf_token(nonce, secret).encode("ascii")
    return hmac.compare_digest(token.encode("utf-8", "replace"), expected)
