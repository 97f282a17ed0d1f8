"""Signed member links: a member sees their own balance, statement and rewards without a login.

The same scheme as survey links (:mod:`opencx.core.signed_links`), signed for the purpose
``opencx.loyalty.member_link`` only, so a survey token never opens a member page.
"""

from __future__ import annotations

from datetime import datetime

from opencx.core import signed_links
from opencx.core.errors import PermissionDenied
from opencx.core.signed_links import BadSignedLink, Refusal

LINK_DAYS = 90
PURPOSE = "opencx.loyalty.member_link"
_SAID = {
    Refusal.MALFORMED: "this link is malformed",
    Refusal.FORGED: "this link is not genuine",
    Refusal.EXPIRED: "this link has expired; ask for a new one",
}


class BadLink(PermissionDenied):
    """The link is malformed, forged or expired (the message says which)."""


def issue_link(secret: str, member_id: str, expires_at: datetime) -> str:
    return signed_links.issue(secret, PURPOSE, member_id, expires_at)


def verify_link(secret: str, token: str, now: datetime) -> str:
    """The member id of a genuine, unexpired link token.

    >>> from datetime import UTC
    >>> t = issue_link("k", "m1", datetime(2030, 1, 1, tzinfo=UTC))
    >>> verify_link("k", t, datetime(2029, 1, 1, tzinfo=UTC))
    'm1'
    """
    try:
        return signed_links.verify(secret, PURPOSE, token, now).subject
    except BadSignedLink as exc:
        raise BadLink(_SAID[exc.reason]) from None
