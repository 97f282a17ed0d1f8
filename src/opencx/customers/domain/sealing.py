"""Crypto-shredding of a customer's contact fields: AES-GCM under a per-customer data key.

Each customer gets a random 256-bit data key, stored only wrapped (AES-GCM under the master key,
bound to the customer's id) in ``customer_keys``. Their name, email and phone are stored as
``enc1:`` tokens: AES-GCM under the data key, bound to the customer's id and the field's name,
so a token moved to another row or column does not open. Erasure deletes the wrapped key: every
copy of the tokens (backups, dead tuples, warehouse exports) is then unreadable at once.
Equality lookups (identity resolution, search by email or phone) use a blind index: a keyed
hash of the normalised value, never the value.

Pure computation: keys are passed in; the store keeps them (``customers.store.vault``).

References
----------
NIST SP 800-38D, *Galois/Counter Mode (GCM) and GMAC* (2007): 96-bit random nonces, 128-bit tags.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from opencx.core.errors import Conflict, InvalidInput
from opencx.core.tombstone import keyed_hash

SEALED_PREFIX = "enc1:"
BLIND_PREFIX = "bi1:"
SEALED_FIELDS = ("name", "email", "phone")
NONCE = 12


class Unreadable(Conflict):
    """A token or wrapped key that does not open (wrong key, another row's, tampered, shredded):
    a conflict between the data and the configured keys, said in one line (409), never a 500."""


def master_key_from(text: str, name: str = "OPENCX_MASTER_KEY") -> bytes:
    """A master key from its base64 (standard or URL-safe, padding optional): 32 bytes.

    >>> len(master_key_from(base64.urlsafe_b64encode(bytes(32)).decode()))
    32
    """
    try:
        key = base64.urlsafe_b64decode(
            text.strip().replace("+", "-").replace("/", "_") + "=" * (-len(text.strip()) % 4)
        )
    except ValueError:
        key = b""
    if len(key) != 32:
        raise InvalidInput(f"{name}: must be the base64 of 32 random bytes")
    return key


def is_sealed(value: object) -> bool:
    return isinstance(value, str) and value.startswith(SEALED_PREFIX)


@dataclass(frozen=True, slots=True)
class Sealer:
    """The master key (wraps data keys) and the blind-index key (exact lookups)."""

    master_key: bytes
    blind_key: bytes

    def new_data_key(self) -> bytes:
        return AESGCM.generate_key(bit_length=256)

    def wrap(self, customer_id: str, data_key: bytes) -> bytes:
        nonce = os.urandom(NONCE)
        aad = f"opencx/customer-key/{customer_id}".encode()
        return nonce + AESGCM(self.master_key).encrypt(nonce, data_key, aad)

    def unwrap(self, customer_id: str, wrapped: bytes) -> bytes:
        aad = f"opencx/customer-key/{customer_id}".encode()
        try:
            return AESGCM(self.master_key).decrypt(wrapped[:NONCE], wrapped[NONCE:], aad)
        except InvalidTag:
            raise Unreadable(f"the data key of customer {customer_id} does not open") from None

    def blind(self, kind: str, normalised: str) -> str:
        """The blind index of a normalised email or phone: equal values, equal indexes."""
        return BLIND_PREFIX + keyed_hash(self.blind_key, kind, normalised)


def seal(data_key: bytes, customer_id: str, field: str, value: str | None) -> str | None:
    """``value`` as an ``enc1:`` token bound to the customer and the field (None stays None).

    >>> k = AESGCM.generate_key(bit_length=256)
    >>> unseal(k, "c1", "email", seal(k, "c1", "email", "ann@example.com"))
    'ann@example.com'
    """
    if value is None or is_sealed(value):
        return value
    nonce = os.urandom(NONCE)
    body = AESGCM(data_key).encrypt(nonce, value.encode(), f"{customer_id}/{field}".encode())
    return SEALED_PREFIX + base64.urlsafe_b64encode(nonce + body).decode().rstrip("=")


def unseal(data_key: bytes, customer_id: str, field: str, token: str | None) -> str | None:
    """The value of an ``enc1:`` token (a value that is not one is returned as it is)."""
    if token is None or not is_sealed(token):
        return token
    raw = token[len(SEALED_PREFIX) :]
    blob = base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4))
    try:
        plain = AESGCM(data_key).decrypt(
            blob[:NONCE], blob[NONCE:], f"{customer_id}/{field}".encode()
        )
    except InvalidTag:
        raise Unreadable(f"customer {customer_id}: the {field} does not open") from None
    return plain.decode()
