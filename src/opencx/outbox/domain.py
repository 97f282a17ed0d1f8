"""Outbox messages and the retry policy: pure values and rules, no I/O, no clock reads.

A message is something that leaves the system (an email, an SMS, a webhook call). It is written
to the ``outbox`` table in the transaction of the change that caused it and delivered later by
the worker. This module says what a valid message looks like, which states it moves through, how
long to wait before the next attempt, and how the receiver recognises a redelivery.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

from opencx.core.errors import InvalidInput


class Kind(StrEnum):
    """What carries the message out."""

    EMAIL = "email"
    SMS = "sms"
    WEBHOOK = "webhook"
    TASK = "task"  # work OpenCX itself does after the change commits (a handler, not a carrier)


class Status(StrEnum):
    """Life of a message: pending → sending → sent, or → failed → sending … → dead."""

    PENDING = "pending"  # written, never tried
    SENDING = "sending"  # claimed by a worker until ``locked_until``
    FAILED = "failed"  # last attempt failed; due again at ``next_attempt_at``
    SENT = "sent"  # the receiver accepted it
    DEAD = "dead"  # gave up: permanent error or attempts exhausted


#: Payload keys each kind needs (all strings); other keys are kept and passed on.
REQUIRED_KEYS: Mapping[Kind, tuple[str, ...]] = {
    Kind.EMAIL: ("to", "subject", "text"),
    Kind.SMS: ("to", "text"),
    Kind.WEBHOOK: ("url",),
    Kind.TASK: ("task",),
}

MAX_DEDUPE_KEY = 300


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    """One claimed message, as the worker hands it to a transport.

    ``attempts`` counts this attempt too (the claim increments it), so it doubles as the fencing
    token: a worker whose lease ran out and was reclaimed can no longer mark the message.
    """

    id: str
    kind: str
    dedupe_key: str
    payload: Mapping[str, Any]
    attempts: int
    created_at: datetime
    locked_until: datetime

    @property
    def idempotency_key(self) -> str:
        """The key every delivery of this message carries, stable across retries and workers."""
        return self.id


class DeliveryFailed(Exception):
    """A transport could not deliver; ``permanent`` errors are not retried.

    Transports raise this for errors they understand (a 4xx answer, a refused recipient);
    anything else a transport raises is treated as transient.
    """

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.permanent = permanent


class Transport(Protocol):
    """Carries one kind of message out. The seam between the worker and the outside world.

    ``send`` returns when the receiver has accepted the message and raises otherwise
    (:class:`DeliveryFailed` for understood errors). ``close`` releases connections kept
    between the messages of one batch.
    """

    def send(self, message: OutboxMessage) -> None: ...

    def close(self) -> None: ...


def validate_message(kind: str, dedupe_key: str, payload: Mapping[str, Any]) -> Kind:
    """Check a message before it is written; raise :class:`InvalidInput` naming the problem.

    >>> validate_message("sms", "welcome:c1", {"to": "+3161234", "text": "Hi"})
    <Kind.SMS: 'sms'>
    """
    try:
        known = Kind(kind)
    except ValueError:
        choices = ", ".join(k.value for k in Kind)
        raise InvalidInput(f"outbox: kind {kind!r} is not one of {choices}") from None
    if not dedupe_key or len(dedupe_key) > MAX_DEDUPE_KEY:
        raise InvalidInput(
            f"outbox: dedupe_key {dedupe_key[:40]!r} must have 1..{MAX_DEDUPE_KEY} characters"
        )
    for key in REQUIRED_KEYS[known]:
        value = payload.get(key)
        if not isinstance(value, str) or not value:
            raise InvalidInput(
                f"outbox: {kind} payload for {dedupe_key!r} needs a non-empty string {key!r}"
            )
    return known


def email_message_id(message_id: str, sender: str) -> str:
    """The RFC 5322 Message-ID of an outbox email: the same on every delivery attempt.

    The left part is the outbox id, the right part the sender's domain, so a receiver (or a
    person reading headers) can tell a redelivery after a crash from a new message.

    >>> email_message_id("0190abc", "OpenCX <noreply@shop.example>")
    '<outbox.0190abc@shop.example>'
    """
    address = sender.rsplit("<", 1)[-1].rstrip(">").strip()
    domain = address.rsplit("@", 1)[-1] if "@" in address else "opencx.local"
    return f"<outbox.{message_id}@{domain}>"


def signature(secret: bytes, body: bytes) -> str:
    """HMAC-SHA256 of a webhook body, as sent in ``X-OpenCX-Signature: sha256=<hex>``."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff with jitter and a bounded number of attempts.

    The base delay after attempt ``n`` (1-based) is ``min(cap, base * factor ** (n - 1))``; the
    actual delay is drawn from ``[(1 - jitter) * base_delay, base_delay]`` so that many messages
    failing together (an SMTP server down) spread out when it comes back ("equal jitter",
    Brooker 2015, *Exponential Backoff And Jitter*, AWS Architecture Blog).
    """

    base: timedelta = timedelta(seconds=30)
    factor: float = 2.0
    cap: timedelta = timedelta(hours=6)
    max_attempts: int = 10
    jitter: float = 0.5

    def __post_init__(self) -> None:
        if self.base <= timedelta(0) or self.cap < self.base:
            raise InvalidInput(f"RetryPolicy: need 0 < base ≤ cap, got {self.base}, {self.cap}")
        if self.factor < 1.0 or not 0.0 <= self.jitter < 1.0 or self.max_attempts < 1:
            raise InvalidInput(
                "RetryPolicy: need factor ≥ 1, 0 ≤ jitter < 1, max_attempts ≥ 1; got "
                f"{self.factor}, {self.jitter}, {self.max_attempts}"
            )

    def base_delay(self, attempts: int) -> timedelta:
        """Delay before the next try after ``attempts`` failed attempts, before jitter."""
        exponent = max(attempts, 1) - 1
        cap_s = self.cap.total_seconds()
        base_s = self.base.total_seconds()
        # Compare in log space first so a huge exponent cannot overflow the float.
        if exponent * math.log(self.factor) >= math.log(cap_s / base_s):
            return self.cap
        return min(self.cap, timedelta(seconds=base_s * self.factor**exponent))

    def delay(self, attempts: int, draw: float) -> timedelta:
        """Jittered delay; ``draw`` is a uniform number in [0, 1) supplied by the caller."""
        if not 0.0 <= draw < 1.0:
            raise InvalidInput(f"RetryPolicy.delay: draw {draw} is not in [0, 1)")
        full = self.base_delay(attempts)
        return full * (1.0 - self.jitter * draw)

    def after_failure(
        self, attempts: int, failed_at: datetime, draw: float, *, permanent: bool = False
    ) -> tuple[Status, datetime]:
        """Next status and due time after attempt number ``attempts`` failed at ``failed_at``."""
        if permanent or attempts >= self.max_attempts:
            return Status.DEAD, failed_at
        return Status.FAILED, failed_at + self.delay(attempts, draw)
