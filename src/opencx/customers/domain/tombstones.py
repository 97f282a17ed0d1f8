"""The keys that named an erased person, as keyed hashes (:mod:`opencx.core.tombstone`).

Pure code: the same normalisation as identity resolution (so ``Ann@Example.com`` and
``ann@example.com``, ``+31 20 555 0101`` and ``020 555 0101`` in NL, hash alike), then HMAC.
"""

from __future__ import annotations

from collections.abc import Iterable

from opencx.core.tombstone import KeysOfRows, keyed_hash
from opencx.customers.domain.identity import normalise_email, normalise_external, normalise_phone

ERASED_PREFIX = "erased:"
"""An erased customer's external id becomes this prefix and the keyed hash of the old one."""


def external_digest(key: bytes, source: str, external_id: str | None) -> str | None:
    value = normalise_external(source, external_id or "")
    return keyed_hash(key, "external", value) if value else None


def email_digest(key: bytes, email: str | None) -> str | None:
    value = normalise_email(email)
    return keyed_hash(key, "email", value) if value else None


def phone_digest(key: bytes, phone: str | None, country: str | None) -> str | None:
    value = normalise_phone(phone, country)
    return keyed_hash(key, "phone", value) if value else None


def erased_external_id(key: bytes, source: str, external_id: str) -> str:
    """The external id an erased customer keeps: a keyed hash of the old one, unique per
    source as the old one was, and useless to anyone without the app secret."""
    digest = external_digest(key, source, external_id) or keyed_hash(key, "external", "")
    return ERASED_PREFIX + digest


def digests_of_person(
    key: bytes,
    *,
    externals: Iterable[tuple[str, str]],
    emails: Iterable[str | None],
    phones: Iterable[tuple[str | None, str | None]],
) -> dict[str, str]:
    """Every key of one erased person as ``{digest: kind}``: ``(source, external id)`` pairs,
    emails, and ``(phone, country)`` pairs (identity values already in E.164 need none)."""
    found: dict[str, str] = {}
    for source, external_id in externals:
        if not external_id.startswith(ERASED_PREFIX):
            found[external_digest(key, source, external_id) or ""] = "external"
    for email in emails:
        found[email_digest(key, email) or ""] = "email"
    for phone, country in phones:
        found[phone_digest(key, phone, country) or ""] = "phone"
    found.pop("", None)
    return found


def digests_of_rows(
    key: bytes, rows: KeysOfRows, default_country: str | None = None
) -> list[tuple[str, ...]]:
    """Per row, the digests of the keys it carries (see :class:`KeysOfRows`)."""
    n = len(rows.external_ids)
    emails = list(rows.emails) or [None] * n
    phones = list(rows.phones) or [None] * n
    countries = list(rows.countries) or [None] * n
    out: list[tuple[str, ...]] = []
    for ext, email, phone, country in zip(
        rows.external_ids, emails, phones, countries, strict=True
    ):
        found = (
            external_digest(key, rows.source, ext),
            email_digest(key, email),
            phone_digest(key, phone, country or default_country),
        )
        out.append(tuple(d for d in found if d))
    return out
