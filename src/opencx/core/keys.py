"""Keys derived from the installation's secret (``OPENCX_SECRET_KEY``), one per purpose.

Every key the code derives from the secret comes from here, so no two uses ever share a key and
a reader sees every purpose in one place. :func:`purpose_key` is HMAC-SHA256 keyed by the secret
over the purpose's name (NIST SP 800-108's KDF in feedback mode, one block). :func:`labelled_key`
is the older construction, SHA-256 of a label and the secret, kept for the purposes whose keys
already stand behind stored values (audit pseudonyms, signed model artifacts) or signed cookies
in flight: changing it would orphan them. New purposes use :func:`purpose_key`.
"""

from __future__ import annotations

import functools
import hashlib
import hmac

ERASED_KEYS = "opencx/erased-keys/v1"  # hashes of erased people's keys (customers)
MASTER_KEY = "opencx/master-key/v1"  # wraps customers' data keys unless OPENCX_MASTER_KEY is set
BLIND_INDEX = "opencx/blind-index/v1"  # blind indexes of sealed emails and phones (customers)
FEEDBACK_ANONYMOUS = "opencx.feedback.anonymous"  # external ids of anonymous responses
FEEDBACK_STAFF_PULSE = "opencx.feedback.staff_pulse"  # one person's pulse, not named
HELPDESK_HELD_EMAIL = "opencx.helpdesk.held_email"  # finds held catalog requests on erasure
OUTBOX_WEBHOOK = "opencx.outbox.webhook"  # signs webhooks unless OPENCX_WEBHOOK_SECRET is set

AUDIT_PSEUDONYM = b"opencx:audit-pseudonym:"  # labelled: stored pseudonyms depend on it
MODEL_ARTIFACT = b"opencx model artifact\0"  # labelled: stored artifact signatures depend on it


@functools.lru_cache(maxsize=64)
def purpose_key(secret: str, purpose: str) -> bytes:
    """The 32-byte key of ``purpose`` (HMAC-SHA256 of the purpose, keyed by the secret);
    derived once per process (every signed link checked or issued needs it).

    >>> purpose_key("s" * 32, ERASED_KEYS) != purpose_key("s" * 32, BLIND_INDEX)
    True
    >>> len(purpose_key("s" * 32, ERASED_KEYS))
    32
    """
    return hmac.new(secret.encode(), purpose.encode(), hashlib.sha256).digest()


def labelled_key(secret: str, label: bytes) -> bytes:
    """The 32-byte key SHA-256(``label`` ‖ secret): the older construction (module docstring).

    >>> labelled_key("s", AUDIT_PSEUDONYM) == hashlib.sha256(b"opencx:audit-pseudonym:s").digest()
    True
    """
    return hashlib.sha256(label + secret.encode()).digest()


def session_label(purpose: str) -> bytes:
    """The label of a signed cookie's key (``session``, ``csrf``, ``device`` ...)."""
    return f"opencx:{purpose}:".encode()
