"""Limits on what an anonymous visitor can make the help desk send.

A public form that mails whatever address it is given is an open relay: anyone can make the
company's mail server write to anyone. So a self-service request from an unauthenticated visitor
is *held* and only a confirmation mail with a signed link goes out; and two leaky buckets bound
how many of those go out:

* **per client address**: :attr:`CatalogLimits.per_client` confirmations (any recipient)
  draining one every ``drain``: one machine cannot mail many people;
* **per recipient**: :attr:`CatalogLimits.per_address` confirmations to one address (from any
  client) draining one every ``drain``: many machines cannot flood one person.

The contact form and the chat's offline form send no mail, but each opens a case and finds or
creates a customer for the address typed: :data:`CONTACT_PER_CLIENT` bounds those per client
address, so one machine cannot fill the desk and the customer list. Every chat a visitor starts
waits in the agents' queue: :data:`CHAT_PER_CLIENT` bounds those (a chat that gives an email
is charged to both buckets).

Buckets are keyed by an HMAC of the address or e-mail (with the app's secret), so the counters
hold neither. A client is counted by its network (:func:`client_network`): an IPv6 host has a
whole /64 of addresses to send from, so one bucket per address would not limit it. A
bucket's fill after charging one more mail above its capacity means refusal,
with the time until it would have fitted (``Retry-After``).

References
----------
OWASP, "Forgot Password Cheat Sheet" and "Denial of Service Cheat Sheet" (rate limits on
mail-sending endpoints); RFC 6585 section 4 (429 Too Many Requests, ``Retry-After``).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import unicodedata
from dataclasses import dataclass, field
from datetime import timedelta

from opencx.core.errors import OpenCXError

#: the purpose a confirmation link is signed for (it opens nothing else)
CONFIRM_PURPOSE = "helpdesk-catalog-confirm"


@dataclass(frozen=True, slots=True)
class Bucket:
    """A leaky bucket: ``capacity`` charges, draining one every ``drain``."""

    capacity: int
    drain: timedelta

    def __post_init__(self) -> None:
        if self.capacity < 1 or self.drain <= timedelta(0):
            raise ValueError("a bucket holds at least one charge and drains over a positive time")

    def wait(self, level: float) -> timedelta | None:
        """Given the fill *after* charging one more, how long until it would have fitted
        (None: it fits).

        >>> b = Bucket(3, timedelta(minutes=20))
        >>> b.wait(3.0) is None, b.wait(3.5)
        (True, datetime.timedelta(seconds=600))
        """
        excess = level - self.capacity
        return None if excess <= 0 else self.drain * excess


@dataclass(frozen=True, slots=True)
class CatalogLimits:
    """How anonymous self-service requests are held and limited."""

    per_client: Bucket = field(default_factory=lambda: Bucket(10, timedelta(minutes=6)))
    per_address: Bucket = field(default_factory=lambda: Bucket(3, timedelta(minutes=20)))
    link_valid: timedelta = timedelta(hours=24)


#: cases an anonymous visitor opens from one network address (the ``/help`` contact form and
#: the chat's offline form): each creates a customer and a case for the address typed
CONTACT_PER_CLIENT = Bucket(5, timedelta(minutes=12))

#: chats an anonymous visitor starts from one network address, with or without an email: each
#: waits in every agent's queue, so a script starting chats would bury the real ones; looser
#: than the forms' bucket (an office behind one address chats more than it fills forms)
CHAT_PER_CLIENT = Bucket(20, timedelta(seconds=90))


class TooManyRequests(OpenCXError):
    """A limit refused the request; ``retry_after`` says when it would fit (HTTP 429)."""

    def __init__(self, what: str, retry_after: timedelta) -> None:
        self.seconds = max(1, int(-(-retry_after.total_seconds() // 1)))
        minutes = -(-self.seconds // 60)
        super().__init__(
            f"too many requests {what}: try again in {minutes} minute{'s' * (minutes != 1)}"
        )
        self.what = what


class LinkExpired(OpenCXError):
    """A confirmation link past its expiry (HTTP 410): the visitor sends the form again."""


def bucket_key(secret: str, kind: str, value: str) -> str:
    """The counter key of a client address (``kind='client'``) or a recipient (``'to'``): an
    HMAC, so the table of counters names no address.

    >>> bucket_key("k", "to", "Ana@X.nl") == bucket_key("k", "to", " ana@x.nl")
    True
    """
    normal = value.strip().casefold()
    mac = hmac.new(secret.encode(), f"{kind}:{normal}".encode(), hashlib.sha256).hexdigest()
    return f"{kind}:{mac[:40]}"


IPV6_NETWORK = 64  # prefix length a client's IPv6 address is counted by (one site's subnet)


def client_network(address: str) -> str:
    """What a client is counted by: an IPv4 address itself, an IPv6 address its /64 network
    (a host picks any address of it), anything else (no address known) as given.

    >>> client_network("2001:db8:0:1::a"), client_network("2001:DB8:0:1:ffff::9")
    ('2001:db8:0:1::/64', '2001:db8:0:1::/64')
    >>> client_network("203.0.113.7"), client_network("::ffff:203.0.113.7")
    ('203.0.113.7', '203.0.113.7')
    """
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, IPV6_NETWORK), strict=False))
    return str(ip)


def held_email_key(key: bytes, email: str) -> str:
    """The keyed hash a held request carries for its address (``key``: the purpose key
    ``HELPDESK_HELD_EMAIL``), so an erasure finds it by the person's address in an index.

    >>> held_email_key(b"k" * 32, " Élodie@X.nl") == held_email_key(b"k" * 32, "élodie@x.NL")
    True
    """
    normal = value_folded(email)
    return hmac.new(key, normal.encode(), hashlib.sha256).hexdigest()


def value_folded(value: str) -> str:
    """An address as compared: Unicode NFC, case-folded, without surrounding blanks."""
    return unicodedata.normalize("NFC", value.strip()).casefold()


def confirmation_text(title: str, link: str, valid: timedelta) -> str:
    """The confirmation mail: the item's title (set by the company) and the link, nothing the
    visitor typed, so the mail carries no text of a stranger's choosing."""
    hours = int(valid.total_seconds() // 3600)
    return (
        f"Someone, we hope you, asked us for: {title}.\n\n"
        f"To go ahead, open this link within {hours} hours and confirm:\n{link}\n\n"
        "If this was not you, ignore this message: nothing happens without the confirmation.\n"
    )
