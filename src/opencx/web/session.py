"""Signed session and device cookies and CSRF tokens, with the standard library only.

The session cookie is ``base64url(json).hex(hmac_sha256)`` carrying the session's random token
(the server keeps its SHA-256 in ``user_sessions`` and checks it on every request, so logout,
"end this session", idle and age limits end it on the server) and the CSRF nonce. A cookie that
was altered or signed with another secret is refused before the store is asked.
The device cookie (OWASP "device cookies") marks a browser that signed in to an account before,
so login throttling aimed at that account from elsewhere does not lock it out.
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
from typing import Any

from opencx.core.keys import labelled_key, session_label

SESSION_COOKIE = "opencx_session"
DEVICE_COOKIE = "opencx_device"
CSRF_COOKIE = "opencx_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
PRE_LOGIN_SECONDS = 12 * 3600  # the pre-login CSRF cookie
DEVICE_SECONDS = 365 * 24 * 3600


@dataclass(frozen=True, slots=True)
class Session:
    token: str  # the server-side session's secret (user_sessions.token_hash is its SHA-256)
    nonce: str  # random, the seed of this session's CSRF token


@dataclass(frozen=True, slots=True)
class Device:
    account: str  # opencx.access.domain.throttle.account_key of the email that signed in
    id: str  # random


def new_nonce() -> str:
    return secrets.token_urlsafe(18)


def _mac(secret: str, purpose: str, data: bytes) -> str:
    key = labelled_key(secret, session_label(purpose))
    return hmac.new(key, data, hashlib.sha256).hexdigest()


def _sign(data: dict[str, Any], secret: str, purpose: str) -> str:
    body = json.dumps(data, separators=(",", ":")).encode()
    payload = base64.urlsafe_b64encode(body).decode("ascii").rstrip("=")
    return f"{payload}.{_mac(secret, purpose, payload.encode('ascii'))}"


def _verified(value: str, secret: str, purpose: str) -> dict[str, Any] | None:
    payload, _, signature = value.partition(".")
    expected = _mac(secret, purpose, payload.encode("ascii", "replace"))
    if not signature or not hmac.compare_digest(
        signature.encode("utf-8", "replace"), expected.encode("ascii")
    ):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (ValueError, TypeError, binascii.Error):
        return None
    return data if isinstance(data, dict) else None


def encode_session(session: Session, secret: str) -> str:
    return _sign({"t": session.token, "n": session.nonce}, secret, "session")


def decode_session(value: str, secret: str) -> Session | None:
    """The session in cookie ``value`` if its signature holds (the store decides if it is
    still open)."""
    data = _verified(value, secret, "session")
    token, nonce = (data or {}).get("t"), (data or {}).get("n")
    if not isinstance(token, str) or not isinstance(nonce, str) or not token or not nonce:
        return None
    return Session(token, nonce)


def encode_device(device: Device, secret: str) -> str:
    return _sign({"a": device.account, "d": device.id}, secret, "device")


def decode_device(value: str, secret: str) -> Device | None:
    data = _verified(value, secret, "device")
    account, ident = (data or {}).get("a"), (data or {}).get("d")
    if not isinstance(account, str) or not isinstance(ident, str) or not account or not ident:
        return None
    return Device(account, ident)


def csrf_token(nonce: str, secret: str) -> str:
    return _mac(secret, "csrf", nonce.encode("utf-8"))


def csrf_valid(token: str | None, nonce: str | None, secret: str) -> bool:
    if not token or not nonce:
        return False
    expected = csrf_token(nonce, secret).encode("ascii")
    return hmac.compare_digest(token.encode("utf-8", "replace"), expected)
