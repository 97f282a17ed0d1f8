"""The customers slice for edges and event handlers: :class:`CustomerService` runs each use case
of :mod:`.identities`, :mod:`.profiles` and :mod:`.privacy` in a transaction of its own, with
the event bus, the vault (crypto-shredding) and the audit of privileged acts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Connection, Engine

from opencx.core import Clock, EventBus, InvalidInput, NotFound
from opencx.core.audit import PrivilegedActDone
from opencx.core.contacts import Contact
from opencx.core.keys import ERASED_KEYS, purpose_key
from opencx.core.tombstone import KeysOfRows
from opencx.customers.domain import (
    Customer,
    Merge,
    TimelinePage,
)
from opencx.customers.domain.sealing import Sealer, master_key_from
from opencx.customers.domain.search import ListFilter, RiskBand
from opencx.customers.domain.tombstones import digests_of_rows
from opencx.customers.service.identities import (
    IndexResult,
    final_id,
    identify_contact,
    index_identities,
    merge,
    pick_survivor,
    undo_merge,
)
from opencx.customers.service.listing import list_csv
from opencx.customers.service.privacy import contacts, erase, export, seal_existing
from opencx.customers.service.profiles import Found, SearchPage, profile, search, timeline
from opencx.customers.store import merging, segments, tombstones
from opencx.customers.store import search as finder
from opencx.customers.store import vault as vault_store
from opencx.customers.store.vault import Vault
from opencx.db.engine import scrub_after_erasure
from opencx.db.schema import every_table
from opencx.jobs import queue_once

SCRUB_JOB = "customers.scrub_after_erasure"


@dataclass
class CustomerService:
    """The customers slice for edges and event handlers: one transaction per call."""

    engine: Engine
    clock: Clock
    bus: EventBus
    default_country: str | None = None
    # OPENCX_SECRET_KEY: keys the erased people's hashes (no default: a store hashed under a
    # default key would forget its tombstones once the real key is set)
    secret_key: str = field(kw_only=True)
    vault: Vault | None = None  # crypto-shredding of contact fields (OPENCX_CRYPTO_SHREDDING)
    # the modeling slice's churn-risk bands, for the list's filter (given by the composition root)
    churn_bands: tuple[RiskBand, ...] = ()

    def rewrap_keys(self, old_master_key: str) -> int:
        """Re-wrap every customer's data key from ``old_master_key`` (base64) to the current
        master key, in one transaction (docs/security.md, rotating the master key)."""
        if self.vault is None:
            raise InvalidInput("crypto-shredding is off (OPENCX_CRYPTO_SHREDDING): no keys")
        old = Sealer(master_key_from(old_master_key, "old master key"), self.vault.sealer.blind_key)
        with self.engine.begin() as conn:
            return self.vault.rewrap(conn, old)

    def seal_contacts(
        self, conn: Connection, ids: Sequence[str], columns: dict[str, Sequence[str | None]]
    ) -> dict[str, list[str | None]]:
        """``columns`` of customer rows ``ids`` about to be written, their contact fields
        sealed when crypto-shredding is on (given to the importers by the composition root)."""
        if self.vault is None:
            return {k: list(v) for k, v in columns.items()}
        return self.vault.seal_columns(conn, ids, columns, self.clock.now())

    @property
    def erasure_key(self) -> bytes:
        """The key of the erased people's keyed hashes (derived for this one purpose)."""
        return purpose_key(self.secret_key, ERASED_KEYS)

    def erased_among(self, conn: Connection, rows: KeysOfRows) -> list[bool]:
        """Which ``rows`` carry a key of an erased person (:class:`opencx.core.tombstone.
        ErasedKeys`, given to the importers by the composition root), in ``conn``."""
        per_row = digests_of_rows(self.erasure_key, rows, self.default_country)
        found = tombstones.known(conn, {d for row in per_row for d in row})
        return [any(d in found for d in row) for row in per_row]

    def contacts(self, conn: Connection, ids: Iterable[str]) -> dict[str, Contact]:
        """:func:`contacts` in the caller's transaction: the slice's published read of names,
        emails and phones (:class:`opencx.core.contacts.ContactsOf`, given to the feedback,
        modeling and helpdesk slices by the composition root)."""
        return contacts(conn, ids, vault=self.vault)

    def on_customers_upserted(self, event: Any, conn: Connection) -> None:
        """Handler of ingest's ``CustomersUpserted``: index identities, merge duplicates."""
        self.index(conn, event.customer_ids)

    def index(
        self, conn: Connection, customer_ids: Iterable[str], *, created: Sequence[Customer] = ()
    ) -> IndexResult:
        """:func:`index_identities` in the caller's transaction; ``created``: those of
        ``customer_ids`` the caller created in it, as written (not read back)."""
        return index_identities(
            conn,
            customer_ids,
            now=self.clock.now(),
            bus=self.bus,
            default_country=self.default_country,
            vault=self.vault,
            created=created,
        )

    def identify_contact(
        self, conn: Connection, email: str | None, phone: str | None, name: str | None
    ) -> str | None:
        """:func:`identify_contact` in the caller's transaction (the helpdesk's unit of work)."""
        return identify_contact(
            conn,
            email=email,
            phone=phone,
            name=name,
            now=self.clock.now(),
            bus=self.bus,
            default_country=self.default_country,
            vault=self.vault,
        )

    def resolve(self, customer_id: str) -> str:
        """The survivor behind ``customer_id`` (NotFound when there is no such customer)."""
        with self.engine.connect() as conn:
            return final_id(conn, customer_id)

    def merge_record(self, merge_id: str) -> Merge:
        with self.engine.connect() as conn:
            found = merging.get_merge(conn, merge_id)
        if found is None:
            raise NotFound(f"merge {merge_id!r} does not exist")
        return found

    def show(self, customer_id: str) -> Found:
        with self.engine.connect() as conn:
            return profile(
                conn, customer_id, vault=self.vault, default_country=self.default_country
            )

    def timeline(
        self,
        customer_id: str,
        *,
        limit: int = 50,
        before: str | None = None,
        kinds: Sequence[str] | None = None,
    ) -> TimelinePage:
        """:func:`timeline`: a page of the person's touchpoints of ``kinds`` (none: all)."""
        with self.engine.connect() as conn:
            return timeline(conn, customer_id, limit=limit, before=before, kinds=kinds)

    def seal_existing(self, conn: Connection | None = None, *, thorough: bool = False) -> int:
        """:func:`seal_existing` (in ``conn``, else in a transaction of its own); 0 when
        crypto-shredding is off. Without ``conn`` it runs only when a plaintext row exists, or
        (``thorough``: ``opencx init``, ``customers seal``) a sealed name lacks its terms."""
        if self.vault is None:
            return 0
        if conn is None:
            with self.engine.connect() as probe:
                if not vault_store.unsealed(probe, limit=1) and not (
                    thorough and finder.unnamed(probe, limit=1)
                ):
                    return 0
            with self.engine.begin() as tx:
                return self.seal_existing(tx, thorough=thorough)
        return seal_existing(
            conn,
            self.vault,
            now=self.clock.now(),
            bus=self.bus,
            default_country=self.default_country,
        )

    def add_search_keys(self, conn: Connection | None = None) -> int:
        """Search keys for every customer written without them (the demo, direct loads);
        with crypto-shredding on, those customers are sealed instead (no plaintext copies):
        returns how many were keyed or sealed."""
        if self.vault is not None:
            return self.seal_existing(conn)
        if conn is not None:
            return finder.add_missing(conn)
        with self.engine.connect() as probe:
            if not finder.missing(probe):
                return 0
        with self.engine.begin() as tx:
            return finder.add_missing(tx)

    def search(
        self,
        text: str,
        *,
        limit: int = 25,
        after: str | None = None,
        before: str | None = None,
        chosen: ListFilter | None = None,
    ) -> SearchPage:
        """:func:`search`, narrowed by ``chosen`` (segments, churn-risk band, country,
        language)."""
        self.add_search_keys()
        with self.engine.connect() as conn:
            return search(
                conn,
                text,
                limit=limit,
                after=after,
                before=before,
                default_country=self.default_country,
                vault=self.vault,
                chosen=chosen,
                bands=self.churn_bands,
            )

    def list_choices(self) -> dict[str, list[str]]:
        """What each filter of the list offers (:func:`segments.choices`), and the churn-risk
        bands by name (``churn_band``)."""
        with self.engine.connect() as conn:
            found = segments.choices(conn)
        return {**found, "churn_band": [b[0] for b in self.churn_bands]}

    def list_csv(self, text: str, chosen: ListFilter) -> str:
        """:func:`list_csv`: personal data, recorded in the audit log as a download with the
        number of customers, not who they are."""
        self.add_search_keys()
        with self.engine.begin() as conn:
            found, rows = list_csv(
                conn,
                text,
                chosen,
                bands=self.churn_bands,
                default_country=self.default_country,
                vault=self.vault,
            )
            act = PrivilegedActDone("customers.list_download", detail={"rows": rows})
            self.bus.publish(act, conn)
            return found

    def export(self, customer_id: str) -> dict[str, Any]:
        """:func:`export`, recorded in the audit log (a download of personal data)."""
        with self.engine.begin() as conn:
            found = export(conn, customer_id, now=self.clock.now(), vault=self.vault)
            act = PrivilegedActDone("customers.export", customers=(found["customer_id"],))
            self.bus.publish(act, conn)
            return found

    def erase(self, customer_id: str) -> tuple[str, ...]:
        """Erase the person (see :func:`erase`) and, in the same transaction, queue the job
        that scrubs the store's files of the old values afterwards (:meth:`scrub`; one run
        for every erasure committed before it starts), so no request waits for a VACUUM."""
        with self.engine.begin() as conn:
            erased = erase(
                conn,
                customer_id,
                now=self.clock.now(),
                bus=self.bus,
                key=self.erasure_key,
                default_country=self.default_country,
                vault=self.vault,
            )
            if erased:
                queue_once(conn, SCRUB_JOB, now=self.clock.now())
        return erased

    def scrub(self) -> str:
        """Scrub the store's files of the values erasures left (:func:`opencx.db.
        scrub_after_erasure`: SQLite's WAL checkpointed, PostgreSQL's tables vacuumed): the
        job :data:`SCRUB_JOB` an erasure queues, run by a worker once it committed."""
        scrub_after_erasure(self.engine, [t.name for t in every_table()])
        return "store scrubbed"

    def merge(self, a: str, b: str) -> tuple[str | None, str, str]:
        """Merge two customers, the survivor chosen by :data:`SURVIVOR_RULE`."""
        with self.engine.begin() as conn:
            survivor, merged = pick_survivor(conn, a, b)
            merge_id = merge(conn, survivor, merged, "manual", now=self.clock.now(), bus=self.bus)
            act = PrivilegedActDone(
                "customers.merge", customers=(survivor, merged), target=merge_id
            )
            self.bus.publish(act, conn)
            return merge_id, survivor, merged

    def unmerge(self, merge_id: str) -> Merge:
        with self.engine.begin() as conn:
            undone = undo_merge(conn, merge_id, now=self.clock.now(), bus=self.bus)
            act = PrivilegedActDone(
                "customers.unmerge",
                customers=(undone.survivor_id, undone.merged_id),
                target=merge_id,
            )
            self.bus.publish(act, conn)
            return undone
