"""The ``customer_keys`` table and the sealing of contact fields as rows are written and read.

A :class:`Vault` exists only when crypto-shredding is on (``OPENCX_CRYPTO_SHREDDING``); every
function of the slice takes ``vault=None`` for the plaintext path.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.customers.domain import Customer
from opencx.customers.domain.sealing import (
    BLIND_PREFIX,
    SEALED_FIELDS,
    SEALED_PREFIX,
    Sealer,
    is_sealed,
    seal,
    unseal,
)
from opencx.customers.store.people import among, chunks
from opencx.db.schema import customer_keys, customers, identities


@dataclass(frozen=True, slots=True)
class Vault:
    sealer: Sealer

    def keys(self, conn: Connection, ids: Iterable[str]) -> dict[str, bytes]:
        """The data keys of ``ids`` that exist (an erased customer's does not)."""
        found: dict[str, bytes] = {}
        for batch in chunks(sorted(set(ids))):
            query = sa.select(customer_keys.c.customer_id, customer_keys.c.wrapped).where(
                among(conn, customer_keys.c.customer_id, batch)
            )
            for cid, wrapped in conn.execute(query):
                found[cid] = self.sealer.unwrap(cid, bytes(wrapped))
        return found

    def keys_for(self, conn: Connection, ids: Sequence[str], now: datetime) -> dict[str, bytes]:
        """The data keys of ``ids``, created (and stored wrapped) for those without one."""
        found = self.keys(conn, ids)
        fresh = {i: self.sealer.new_data_key() for i in set(ids) - found.keys()}
        if fresh:
            conn.execute(
                customer_keys.insert(),
                [
                    {"customer_id": i, "wrapped": self.sealer.wrap(i, k), "created_at": now}
                    for i, k in sorted(fresh.items())
                ],
            )
        return found | fresh

    def seal_columns(
        self,
        conn: Connection,
        ids: Sequence[str],
        columns: Mapping[str, Sequence[str | None]],
        now: datetime,
    ) -> dict[str, list[str | None]]:
        """``columns`` (one value per id) with the contact fields sealed under each id's key."""
        keys = self.keys_for(conn, ids, now)
        return {
            name: [
                seal(keys[i], i, name, v) if name in SEALED_FIELDS else v
                for i, v in zip(ids, values, strict=True)
            ]
            for name, values in columns.items()
        }

    def reveal(self, conn: Connection, rows: Sequence[Customer]) -> list[Customer]:
        """``rows`` with their contact fields opened; a shredded key leaves them None. Only the
        keys of rows holding a sealed field are read (none for a customer known by an id)."""

        def sealed(c: Customer) -> bool:
            return any(is_sealed(getattr(c, f)) for f in SEALED_FIELDS)

        keys = self.keys(conn, [c.id for c in rows if sealed(c)])

        def opened(c: Customer) -> Customer:
            if not sealed(c):
                return c  # written before crypto-shredding was on (or by the demo)
            k = keys.get(c.id)
            return replace(
                c,
                name=self.open(k, c.id, "name", c.name),
                email=self.open(k, c.id, "email", c.email),
                phone=self.open(k, c.id, "phone", c.phone),
            )

        return [opened(c) for c in rows]

    @staticmethod
    def open(key: bytes | None, customer_id: str, field: str, value: str | None) -> str | None:
        """A field's value; a sealed one whose key is shredded is None."""
        if not is_sealed(value):
            return value
        return unseal(key, customer_id, field, value) if key else None

    def rewrap(self, conn: Connection, old: Sealer) -> int:
        """Re-wrap every data key stored under ``old``'s master key with this vault's; the
        number re-wrapped. Once the old master key is destroyed, the data keys in backups taken
        before (and so every token of a customer erased since) open for no one."""
        rows = conn.execute(sa.select(customer_keys.c.customer_id, customer_keys.c.wrapped)).all()
        changed = [
            {"b_id": cid, "b_wrapped": self.sealer.wrap(cid, old.unwrap(cid, bytes(wrapped)))}
            for cid, wrapped in rows
        ]
        if changed:
            conn.execute(
                customer_keys.update()
                .where(customer_keys.c.customer_id == sa.bindparam("b_id"))
                .values(wrapped=sa.bindparam("b_wrapped")),
                changed,
            )
        return len(changed)

    def forget(self, conn: Connection, ids: Iterable[str]) -> None:
        """Shred: delete the data keys of ``ids``; their tokens never open again."""
        conn.execute(customer_keys.delete().where(customer_keys.c.customer_id.in_(list(ids))))


def _plaintext() -> sa.ColumnElement[bool]:
    c = customers.c
    fields = (c.name, c.email, c.phone)
    plain = [sa.and_(f.is_not(None), ~f.startswith(SEALED_PREFIX)) for f in fields]
    return sa.and_(c.erased_at.is_(None), sa.or_(*plain))


def unsealed(conn: Connection, limit: int | None = None) -> list[str]:
    """Customers (not erased) with a name, email or phone stored in plaintext: written before
    crypto-shredding was turned on, or by a writer that does not seal (the demo)."""
    query = sa.select(customers.c.id).where(_plaintext()).order_by(customers.c.id)
    return list(conn.execute(query.limit(limit)).scalars())


def seal_rows(conn: Connection, vault: Vault, ids: Sequence[str], now: datetime) -> None:
    """Seal the stored name, email and phone of ``ids`` in place (their data keys created)."""
    rows = conn.execute(
        sa.select(customers.c.id, customers.c.name, customers.c.email, customers.c.phone).where(
            among(conn, customers.c.id, list(ids))
        )
    ).all()
    order = [r.id for r in rows]
    columns = {f: [getattr(r, f) for r in rows] for f in SEALED_FIELDS}
    sealed = vault.seal_columns(conn, order, columns, now)
    if order:
        conn.execute(
            customers.update()
            .where(customers.c.id == sa.bindparam("b_id"))
            .values({f: sa.bindparam(f"b_{f}") for f in SEALED_FIELDS}),
            [
                {"b_id": cid, **{f"b_{f}": sealed[f][n] for f in SEALED_FIELDS}}
                for n, cid in enumerate(order)
            ],
        )


def blind_identities(conn: Connection, vault: Vault) -> list[str]:
    """Replace every plaintext email and phone identity by its blind index, in place (ids
    kept, so merges recorded before still undo). One whose blind index is already taken
    (another customer sealed since with the same address) is deleted instead: the customers
    whose ids are returned must be indexed again to be merged with that owner."""
    i = identities.c
    rows = conn.execute(
        sa.select(i.id, i.customer_id, i.kind, i.value).where(
            i.kind.in_(("email", "phone")), ~i.value.startswith(BLIND_PREFIX)
        )
    ).all()
    blinded = {r.id: vault.sealer.blind(r.kind, r.value) for r in rows}
    taken: set[tuple[str, str]] = set()
    for batch in chunks(sorted({(r.kind, blinded[r.id]) for r in rows})):
        for kind in ("email", "phone"):
            values = [v for k, v in batch if k == kind]
            if values:
                query = sa.select(i.value).where(i.kind == kind, among(conn, i.value, values))
                taken.update((kind, v) for v in conn.execute(query).scalars())
    clash = [r for r in rows if (r.kind, blinded[r.id]) in taken]
    keep = [r for r in rows if (r.kind, blinded[r.id]) not in taken]
    if clash:
        conn.execute(identities.delete().where(i.id.in_([r.id for r in clash])))
    if keep:
        conn.execute(
            identities.update()
            .where(i.id == sa.bindparam("b_id"))
            .values(value=sa.bindparam("b_value")),
            [{"b_id": r.id, "b_value": blinded[r.id]} for r in keep],
        )
    return sorted({r.customer_id for r in clash})


def without_identities(conn: Connection, ids: Sequence[str]) -> list[str]:
    """Those of ``ids`` that have no identity at all (rows written directly, never indexed)."""
    known: set[str] = set()
    for batch in chunks(sorted(set(ids))):
        query = sa.select(identities.c.customer_id).where(
            among(conn, identities.c.customer_id, batch)
        )
        known.update(conn.execute(query.distinct()).scalars())
    return sorted(set(ids) - known)
