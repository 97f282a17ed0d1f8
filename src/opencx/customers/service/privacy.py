"""Personal data: contacts opened for other slices, sealing plaintext that predates
crypto-shredding, the GDPR export and erasure (its event published in the same transaction)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection

from opencx.core import EventBus
from opencx.core.contacts import Contact
from opencx.customers.domain import (
    CustomerErased,
)
from opencx.customers.domain.sealing import SEALED_FIELDS
from opencx.customers.service.identities import final_id, index_identities
from opencx.customers.store import people, privacy
from opencx.customers.store import search as finder
from opencx.customers.store import vault as vault_store
from opencx.customers.store.vault import Vault


def contacts(
    conn: Connection, ids: Iterable[str], *, vault: Vault | None = None
) -> dict[str, Contact]:
    """The name, email and phone of those of ``ids`` that exist, opened (the slice's published
    read for the others: :class:`opencx.core.contacts.ContactsOf`); an erased person's are
    None, whether their key is shredded or their row blanked."""
    rows = people.contact_rows(conn, ids)
    keys = vault.keys(conn, [r.id for r in rows]) if vault is not None else {}

    def opened(cid: str, field: str, value: str | None) -> str | None:
        return Vault.open(keys.get(cid), cid, field, value) if vault is not None else value

    return {
        r.id: Contact(
            r.id,
            opened(r.id, "name", r.name),
            opened(r.id, "email", r.email),
            opened(r.id, "phone", r.phone),
        )
        if r.erased_at is None
        else Contact(r.id, None, None, None, erased=True)
        for r in rows
    }


def seal_existing(
    conn: Connection,
    vault: Vault,
    *,
    now: datetime,
    bus: EventBus,
    default_country: str | None = None,
) -> int:
    """Seal every customer still stored in plaintext (crypto-shredding turned on over an
    existing store, or rows the demo wrote): their name, email and phone become tokens under a
    new data key, their email and phone identities blind indexes, their plaintext search keys
    go and their names get blind terms (so do names sealed before terms existed).
    Returns how many customers were sealed; running it again seals nothing."""
    ids = vault_store.unsealed(conn)
    for batch in people.chunks(ids, 5000):
        vault_store.seal_rows(conn, vault, batch, now)
        finder.forget(conn, batch)
    for batch in people.chunks(finder.unnamed(conn), 5000):  # sealed names get blind terms
        named = vault.reveal(conn, people.customers_by_id(conn, batch))
        finder.write_names(conn, {c.id: c.name for c in named}, vault.sealer.blind)
    # an address sealed meanwhile under another customer (one person: merged now), and rows
    # written without identities (never indexed: found by email or phone from now on)
    again = vault_store.blind_identities(conn, vault) + vault_store.without_identities(conn, ids)
    if again:
        index_identities(
            conn, again, now=now, bus=bus, default_country=default_country, vault=vault
        )
    return len(ids)


def export(
    conn: Connection, customer_id: str, *, now: datetime, vault: Vault | None = None
) -> dict[str, Any]:
    """Everything held about the person behind ``customer_id``, as JSON-able data (GDPR art. 15
    and 20)."""
    survivor = final_id(conn, customer_id)
    rows = privacy.export_rows(conn, people.group_of(conn, survivor))
    if vault is not None:
        keys = vault.keys(conn, [c["id"] for c in rows["customers"]])
        for c in rows["customers"]:
            for f in SEALED_FIELDS:
                c[f] = vault.open(keys.get(c["id"]), c["id"], f, c[f])
    return {
        "format": "opencx-customer-export/1",
        "customer_id": survivor,
        "requested_id": customer_id,
        "exported_at": now.isoformat(),
        **rows,
    }


def erase(
    conn: Connection,
    customer_id: str,
    *,
    now: datetime,
    bus: EventBus,
    key: bytes,
    default_country: str | None = None,
    vault: Vault | None = None,
) -> tuple[str, ...]:
    """Erase the personal data of the person behind ``customer_id`` and of every customer
    merged into them (GDPR art. 17). Returns the ids erased; empty when already erased.

    ``key`` hashes the person's keys (:mod:`opencx.core.tombstone`): their external ids are
    replaced by the hashes and remembered, with their emails and phones, so no later import
    brings them back. Publishes :class:`CustomerErased`: every slice erases its own copies in
    this transaction.
    """
    group = tuple(people.group_of(conn, final_id(conn, customer_id)))
    personal = privacy.erase_rows(
        conn, group, now, key=key, default_country=default_country, vault=vault
    )
    if personal is None:
        return ()
    finder.write(conn, group)  # the keys of the erased name, email and phone go too
    finder.forget_names(conn, group)
    bus.publish(CustomerErased(group, personal), conn)
    return group
