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
from opencx.customers.domain.sealing import SEALED_FIELDS, Sealer, is_sealed, seal, unseal
from opencx.customers.store.people import among, chunks
from opencx.db.schema import customer_keys


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
        """``rows`` with their contact fields opened; a shredded key leaves them None."""
        keys = self.keys(conn, [c.id for c in rows])

        def opened(c: Customer) -> Customer:
            if not any(is_sealed(getattr(c, f)) for f in SEALED_FIELDS):
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
