"""Signed links: a subject (an invitation, a member) reachable without a login until an expiry.

A token is ``<subject>.<expiry, unix seconds>.<signature>``; the signature is an HMAC-SHA256
(truncated to 144 bits) over the first two parts, with a key derived from the app secret for
one *purpose* only, so a token issued for one use (a survey link) never opens another (a
member page). The subject is bound to the signature, so nobody can change it; a token dies at
its expiry.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import Enum

from opencx.core.keys import purpose_key


class Refusal(Enum):
    """Why a token was refused."""

    MALFORMED = "malformed"
    FORGED = "forged"
    EXPIRED = "expired"


class BadSignedLink(Exception):
    """The token is malformed, forged or expired (``reason`` says which)."""

    def __init__(self, reason: Refusal) -> None:
        super().__init__(reason.value)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Signed:
    subject: str
    expires_at: datetime


def _sign(secret: str, purpose: str, body: str) -> str:
    mac = hmac.new(purpose_key(secret, purpose), body.encode(), hashlib.sha256).digest()[:18]
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def issue(secret: str, purpose: str, subject: str, expires_at: datetime) -> str:
    """A token for ``subject`` valid until ``expires_at``, for ``purpose`` only."""
    if "." in subject:
        raise ValueError(f"a signed subject has no dots: {subject!r}")
    body = f"{subject}.{int(expires_at.timestamp())}"
    return f"{body}.{_sign(secret, purpose, body)}"


def verify(secret: str, purpose: str, token: str, now: datetime) -> Signed:
    """The subject of a genuine, unexpired token issued for ``purpose``.

    >>> t = issue("k", "demo", "inv1", datetime(2030, 1, 1, tzinfo=UTC))
    >>> verify("k", "demo", t, datetime(2029, 1, 1, tzinfo=UTC)).subject
    'inv1'
    >>> verify("k", "other", t, datetime(2029, 1, 1, tzinfo=UTC))
    Traceback (most recent call last):
    opencx.core.signed_links.BadSignedLink: forged
    """
    parts = token.split(".")
    if len(parts) != 3 or not parts[1].isdigit():
        raise BadSignedLink(Refusal.MALFORMED)
    body = f"{parts[0]}.{parts[1]}"
    if not hmac.compare_digest(_sign(secret, purpose, body), parts[2]):
        raise BadSignedLink(Refusal.FORGED)
    expires = datetime.fromtimestamp(int(parts[1]), UTC)
    if now >= expires:
        raise BadSignedLink(Refusal.EXPIRED)
    return Signed(parts[0], expires)
