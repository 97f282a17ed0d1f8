"""Login throttling that slows guessing without letting anyone lock out someone else.

Three counters, all kept in the database so every server process (``serve --workers N``)
shares them, and all keyed without storing an email address (``account_key`` is a digest):

* **per client address** (any account): a leaky bucket of :attr:`ThrottlePolicy.ip_capacity`
  attempts draining one every :attr:`ThrottlePolicy.ip_drain`. It stops one address spraying
  many accounts (before: 30 accounts in 5 s).
* **per account, from unknown clients** (any address): a bucket of
  :attr:`ThrottlePolicy.account_capacity` draining one every
  :attr:`ThrottlePolicy.account_drain`. It bounds a distributed attack on one account.
  A client that already signed in to this account from this browser carries a *device cookie*
  (OWASP, "Slow Down Online Guessing Attacks with Device Cookies") and is exempt: an attacker
  who fills the bucket cannot keep the owner out.
* **per account and client** (the pair: a device, or else an address): consecutive failures
  bring growing delays, then a lock-out of that pair only (:func:`pair_wait`). A success clears it.

Every attempt is charged before the password is checked (so concurrent guesses cannot slip past
a bucket), and a successful one is refunded: only failures and refused attempts count.

References
----------
OWASP Authentication Cheat Sheet, "Login Throttling" and "Account Lockout" (2024);
OWASP, "Slow Down Online Guessing Attacks with Device Cookies".
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

#: consecutive failures of a pair that are free of any delay
FREE_FAILURES = 2
#: from this many consecutive failures of a pair, it is locked (not merely delayed)
LOCK_AFTER = 10
FIRST_LOCK = timedelta(minutes=15)
LONGEST_LOCK = timedelta(days=1)
#: a pair's failures are forgotten after this long without another one
FORGET_AFTER = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class ThrottlePolicy:
    ip_capacity: int = 20
    ip_drain: timedelta = timedelta(seconds=30)  # 120 failures an hour per address, sustained
    account_capacity: int = 10
    account_drain: timedelta = timedelta(minutes=3)  # 20 an hour, 480 a day per account


@dataclass(frozen=True, slots=True)
class Client:
    """Who is trying: the address, and the device id of a valid device cookie for the account
    being tried (None for a browser that never signed in to it)."""

    ip: str
    device: str | None = None

    @property
    def known(self) -> bool:
        return self.device is not None

    @property
    def key(self) -> str:
        return f"device:{self.device}" if self.device else f"ip:{self.ip}"


@dataclass(frozen=True, slots=True)
class Counter:
    """One stored counter after this attempt was charged: ``level`` (a bucket's fill),
    ``failures`` (a pair's consecutive failures) and when the one before this was charged."""

    level: float = 0.0
    failures: int = 0
    previous_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Refusal:
    reason: str  # "address", "account" or "pair"
    retry_after: timedelta

    @property
    def seconds(self) -> int:
        return max(1, int(-(-self.retry_after.total_seconds() // 1)))


def account_key(email: str) -> str:
    """The counter key of an account (a digest of the normalised email; unknown emails get one
    too, so a refusal never tells whether an account exists)."""
    return hashlib.sha256(("login:" + email.strip().lower()).encode()).hexdigest()[:40]


def pair_key(account: str, client: Client) -> str:
    return "pair:" + hashlib.sha256(f"{account}|{client.key}".encode()).hexdigest()[:40]


def pair_wait(failures: int) -> timedelta:
    """How long a pair waits after its ``failures``-th consecutive failure.

    Free for the first two, then 1 s, 2 s, 4 s ... 64 s (growing delays), and from the tenth a
    lock of 15 minutes doubling with each further failure, up to a day.

    >>> [pair_wait(n).total_seconds() for n in (2, 3, 4, 9)]
    [0.0, 1.0, 2.0, 64.0]
    >>> pair_wait(10), pair_wait(12), pair_wait(40)
    (datetime.timedelta(seconds=900), datetime.timedelta(seconds=3600), datetime.timedelta(days=1))
    """
    if failures <= FREE_FAILURES:
        return timedelta(0)
    if failures < LOCK_AFTER:
        return timedelta(seconds=2 ** (failures - FREE_FAILURES - 1))
    return min(FIRST_LOCK * 2 ** min(failures - LOCK_AFTER, 16), LONGEST_LOCK)


def bucket_refusal(level: float, capacity: int, drain: timedelta) -> timedelta | None:
    """Given a bucket's fill *after* charging this attempt, how long until it would have fit
    (None: it fits)."""
    excess = level - capacity
    return None if excess <= 0 else drain * excess


def decide(
    *,
    now: datetime,
    client: Client,
    ip: Counter,
    account: Counter,
    pair: Counter,
    policy: ThrottlePolicy,
) -> Refusal | None:
    """Whether the attempt just charged may check its password (None) or is refused, and for
    how long. A known device skips the address and account buckets (never its pair)."""
    if not client.known:
        wait = bucket_refusal(ip.level, policy.ip_capacity, policy.ip_drain)
        if wait is not None:
            return Refusal("address", wait)
        wait = bucket_refusal(account.level, policy.account_capacity, policy.account_drain)
        if wait is not None:
            return Refusal("account", wait)
    earlier = pair.failures - 1  # consecutive failures before this attempt
    if earlier > 0 and pair.previous_at is not None:
        ready = pair.previous_at + pair_wait(earlier)
        if now < ready:
            return Refusal("pair", ready - now)
    return None
