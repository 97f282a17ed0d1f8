"""The audit log's rules: what a record holds, how customers are pseudonymised, how to filter.

A record says who (``actor``: ``user:<id>``, ``api_key:<id>``, ``cli:<login>``, ``system``),
when (``at``), what (``action`` and a non-personal ``target`` and ``detail``), from where
(``ip``, ``request_id``) and about whom (``subjects``: keyed pseudonyms of customer ids, never a
name, an email or a phone).

A customer's pseudonym is ``HMAC-SHA256(audit key, salt ‖ customer id)`` where the salt is
random, one per customer, kept in ``audit_subjects`` and deleted when the customer is erased:
from then on nobody, not even the holder of the secret key, can tell which records were about
that person (the records stay, their subject becomes anonymous). Before erasure an auditor finds
every record about a customer by computing the pseudonym (``opencx audit list --customer ID``).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from opencx.core.errors import InvalidInput
from opencx.core.keys import AUDIT_PSEUDONYM, labelled_key

PSEUDONYM_PREFIX = "p_"
MAX_LIMIT = 1000
_ACTION = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*\.?$")


@dataclass(frozen=True, slots=True)
class AuditRecord:
    id: str
    at: datetime
    actor: str
    action: str
    subjects: tuple[str, ...] = ()  # pseudonyms of the customers concerned
    target: str | None = None
    detail: Mapping[str, object] = field(default_factory=dict)
    ip: str | None = None
    request_id: str | None = None


@dataclass(frozen=True, slots=True)
class AuditFilter:
    """Which records to read: ``action`` matches exactly, or as a prefix when it ends with
    ``.`` (``customers.``); ``subject`` is a pseudonym; ``before`` a record id (the next page)."""

    action: str | None = None
    actor: str | None = None
    subject: str | None = None
    request_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    before: str | None = None
    limit: int = 100

    def __post_init__(self) -> None:
        if not 1 <= self.limit <= MAX_LIMIT:
            raise InvalidInput(f"limit {self.limit}: expected 1 to {MAX_LIMIT}")
        if self.action is not None and not _ACTION.match(self.action):
            raise InvalidInput(
                f"action {self.action!r}: expected names like 'customers.export', or a prefix "
                "ending with '.' such as 'customers.'"
            )
        if self.since and self.until and self.since > self.until:
            raise InvalidInput("since is after until: nothing can match")


def audit_key(secret_key: str) -> bytes:
    """The key of the pseudonyms, derived from the application's secret for this use only."""
    return labelled_key(secret_key, AUDIT_PSEUDONYM)


def pseudonym(key: bytes, salt: str, customer_id: str) -> str:
    """The customer's pseudonym in the audit log.

    >>> p = pseudonym(b"k", "s1", "c1")
    >>> p.startswith("p_") and len(p) == 26 and p != pseudonym(b"k", "s2", "c1")
    True
    """
    digest = hmac.new(key, f"{salt}:{customer_id}".encode(), hashlib.sha256).hexdigest()
    return PSEUDONYM_PREFIX + digest[:24]
