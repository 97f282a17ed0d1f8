"""Webhook subscriptions: who hears about responses, which events, and how bodies are signed.

A subscription is a URL, a secret and the event types it wants. Each response event goes to
each active subscription that wants it, once (outbox dedupe key), as canonical JSON signed
``X-OpenCX-Signature: sha256=HMAC-SHA256(secret, body)`` with the subscription's own secret.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from opencx.core.errors import InvalidInput

WEBHOOK_EVENTS: tuple[str, ...] = ("response.created", "response.completed")
MIN_SECRET = 16


@dataclass(frozen=True, slots=True)
class Subscription:
    """A webhook subscriber; ``secret`` is shown once, when it is created."""

    id: str
    url: str
    events: tuple[str, ...]
    active: bool
    created_at: datetime
    created_by: str | None = None

    def wants(self, event: str) -> bool:
        return self.active and event in self.events


def check_url(url: str) -> str:
    """An absolute http(s) URL with a host, or :class:`InvalidInput` saying what is wrong."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(f"webhook url {url!r}: expected an absolute http:// or https:// URL")
    if len(url) > 2000:
        raise InvalidInput(f"webhook url {url[:40]!r}…: longer than 2000 characters")
    return url


def check_events(events: Sequence[str]) -> tuple[str, ...]:
    """The event types, deduplicated in the order of :data:`WEBHOOK_EVENTS`; all when empty."""
    unknown = [e for e in events if e not in WEBHOOK_EVENTS]
    if unknown:
        raise InvalidInput(f"webhook events {unknown}: expected any of {', '.join(WEBHOOK_EVENTS)}")
    return tuple(e for e in WEBHOOK_EVENTS if e in events or not events)


def check_secret(secret: str | None) -> str:
    """The given secret (at least 16 characters), or a new random one."""
    if secret is None:
        return "whsec_" + secrets.token_urlsafe(32)
    if len(secret) < MIN_SECRET or len(secret) > 200:
        raise InvalidInput(f"webhook secret: expected {MIN_SECRET} to 200 characters")
    return secret
