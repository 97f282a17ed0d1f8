"""An erased person's keys, remembered as keyed hashes, so no later import brings them back.

On an erasure the customers slice stores a keyed hash (HMAC-SHA256 under a key derived from the
app secret for this one purpose) of each key that named the person: their ``source`` and
external id, their email addresses and phone numbers. A hash is not reversible without the
secret, and an attacker holding the database alone cannot test guesses against it. Importers
ask, through :class:`ErasedKeys` (wired in ``opencx.app``), which rows of a batch carry such a
key, and drop them.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from opencx.core.keys import ERASED_KEYS, purpose_key

__all__ = ["ERASED_KEYS", "ErasedKeys", "KeysOfRows", "keyed_hash", "nothing_erased", "purpose_key"]


def keyed_hash(key: bytes, kind: str, value: str) -> str:
    """The hex HMAC-SHA256 of ``kind`` and ``value`` (a normalised key of that kind).

    >>> k = purpose_key("s" * 32, ERASED_KEYS)
    >>> keyed_hash(k, "email", "a@b.c") == keyed_hash(k, "email", "a@b.c")
    True
    >>> keyed_hash(k, "email", "a@b.c") == keyed_hash(k, "phone", "a@b.c")
    False
    """
    return hmac.new(key, f"{kind}\x1f{value}".encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class KeysOfRows:
    """The keys that may name a person, one entry per row of a batch (None: the row has none).

    ``external_ids`` are customer ids in ``source`` (a customer row's own id, or another row's
    reference to its customer); ``emails``, ``phones`` and ``countries`` (which a national phone
    number needs) are given for customer rows only.
    """

    source: str
    external_ids: Sequence[str | None]
    emails: Sequence[str | None] = ()
    phones: Sequence[str | None] = ()
    countries: Sequence[str | None] = ()


class ErasedKeys(Protocol):
    """Which rows of a batch carry a key of an erased person (one bool per row), read in the
    caller's unit of work ``conn``."""

    def __call__(self, conn: Any, rows: KeysOfRows) -> list[bool]: ...


def nothing_erased(conn: Any, rows: KeysOfRows) -> list[bool]:
    """An :class:`ErasedKeys` for a store without the customers slice wired (tests, benches)."""
    return [False] * len(rows.external_ids)
