"""Signed survey tokens: who may answer which invitation, until when.

A token is a signed link (:mod:`opencx.core.signed_links`) whose subject is the invitation id,
signed for the purpose ``opencx.feedback.token``. Nobody can answer
for someone else (the id is bound to the signature), a token dies at its expiry, and the store
keeps only the token's SHA-256 (``invitations.token_hash``), never the token. "Single use" is
enforced by the invitation: once its response is completed, the token answers nothing more.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from opencx.core import signed_links
from opencx.core.signed_links import BadSignedLink, Refusal

DEFAULT_DAYS = 30
PURPOSE = "opencx.feedback.token"
_SAID = {Refusal.MALFORMED: "malformed token", Refusal.FORGED: "bad signature"}


@dataclass(frozen=True, slots=True)
class TokenClaims:
    invitation_id: str
    expires_at: datetime


class BadToken(Exception):
    """The token is malformed, forged or expired (the message says which)."""


def issue(secret: str, invitation_id: str, expires_at: datetime) -> str:
    """A token for ``invitation_id`` valid until ``expires_at``."""
    return signed_links.issue(secret, PURPOSE, invitation_id, expires_at)


def verify(secret: str, token: str, now: datetime) -> TokenClaims:
    """The claims of a genuine, unexpired token; :class:`BadToken` otherwise.

    >>> from datetime import UTC
    >>> t = issue("k", "inv1", datetime(2030, 1, 1, tzinfo=UTC))
    >>> verify("k", t, datetime(2029, 1, 1, tzinfo=UTC)).invitation_id
    'inv1'
    """
    try:
        signed = signed_links.verify(secret, PURPOSE, token, now)
    except BadSignedLink as exc:
        raise BadToken(_SAID.get(exc.reason, exc.reason.value)) from None
    return TokenClaims(signed.subject, signed.expires_at)


def token_hash(token: str) -> str:
    """What the store keeps of a token."""
    return hashlib.sha256(token.encode()).hexdigest()
