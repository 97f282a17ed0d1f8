"""Customer use cases: resolve identities, merge and unmerge, the 360 profile, search, privacy.

Functions take a connection (the caller's unit of work), the event bus and plain values; the
:class:`CustomerService` object wraps them in transactions for the edges and the event bus.
A merge, an undo and an erasure always publish their event in the same transaction: the other
slices move or erase their own rows in reaction (this slice writes only its own tables).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection, Engine

from opencx.core import Clock, Conflict, EventBus, InvalidInput, NotFound, new_id
from opencx.core.audit import PrivilegedActDone
from opencx.core.contacts import Contact
from opencx.core.keys import ERASED_KEYS, purpose_key
from opencx.core.tombstone import KeysOfRows
from opencx.customers.domain import (
    Cursor,
    Customer,
    CustomerErased,
    CustomerKey,
    CustomersMerged,
    Merge,
    MergePair,
    MergeUndone,
    Profile,
    TimelinePage,
    build_profile,
    claims_of,
    normalise_email,
    normalise_phone,
    page_timeline,
    plan_identities,
    survivor_order,
)
from opencx.customers.domain.sealing import SEALED_FIELDS, Sealer, master_key_from
from opencx.customers.domain.search import sealed_hint
from opencx.customers.domain.tombstones import digests_of_rows
from opencx.customers.store import merging, people, privacy, tombstones, touchpoints
from opencx.customers.store import search as finder
from opencx.customers.store import vault as vault_store
from opencx.customers.store.vault import Vault
from opencx.db.engine import scrub_after_erasure
from opencx.db.schema import metadata
from opencx.jobs import queue_once

MAX_PAGE = 500
SCRUB_JOB = "customers.scrub_after_erasure"


@dataclass(frozen=True, slots=True)
class IndexResult:
    identities_added: int
    merge_ids: tuple[str, ...]
    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class Found:
    """A profile looked up by ``requested_id``; ``merged`` when that id now lives on in another."""

    requested_id: str
    profile: Profile

    @property
    def merged(self) -> bool:
        return self.requested_id != self.profile.customer.id


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of a customer search: its rows, where it sits among ``total`` matches (``first``
    is the 1-based position of its first row) and the cursors of the pages on either side."""

    customers: tuple[Customer, ...]
    next_after: str | None
    total: int = 0
    first: int = 1
    prev_before: str | None = None
    hint: str | None = None
    """Why nothing was found, when the query could not find a sealed name (too short a word)."""

    @property
    def last(self) -> int:
        return self.first + len(self.customers) - 1


def _key(c: Customer) -> CustomerKey:
    return CustomerKey(
        c.id, c.source, c.external_id, c.email, c.phone, c.country, c.created_at, c.attributes
    )


def index_identities(
    conn: Connection,
    customer_ids: Iterable[str],
    *,
    now: datetime,
    bus: EventBus,
    default_country: str | None = None,
    vault: Vault | None = None,
) -> IndexResult:
    """Write the identities of ``customer_ids`` and merge customers that share one.

    Set-based: a batch of thousands of ids costs a handful of queries per table. Running it
    again on the same rows adds nothing and merges nothing (idempotent).
    """
    customer_ids = list(customer_ids)
    if vault is None:  # sealed names, emails and phones get no plaintext search keys
        finder.write(conn, customer_ids)
    fetched = {c.id: c for c in people.customers_by_id(conn, customer_ids)}
    rows = [c for c in fetched.values() if c.erased_at is None]
    if vault is not None:
        rows = vault.reveal(conn, rows)  # names found by their blind terms, rewritten here
        finder.write_names(conn, {c.id: c.name for c in rows}, vault.sealer.blind)
    finals = people.final_survivors(conn, [c.id for c in rows])
    missing = set(finals.values()) - fetched.keys()
    fetched.update({c.id: c for c in people.customers_by_id(conn, missing)})
    erased = {i for i, c in fetched.items() if c.erased_at is not None}
    claims = [
        replace(claim, customer_id=finals[c.id])
        for c in rows
        if finals[c.id] not in erased
        for claim in claims_of(_key(c), default_country)
    ]
    if vault is not None:  # emails and phones are matched by their blind index only
        claims = [
            replace(c, value=vault.sealer.blind(c.kind, c.value))
            if c.kind in ("email", "phone")
            else c
            for c in claims
        ]
    if not claims:
        return IndexResult(0, (), ())
    owners = merging.owners_of(conn, {c.key for c in claims})
    owner_finals = people.final_survivors(conn, set(owners.values()))
    owners = {k: owner_finals.get(v, v) for k, v in owners.items()}
    involved = {c.customer_id for c in claims} | set(owners.values())
    created = {i: fetched[i].created_at for i in involved if i in fetched}
    created.update(merging.created_at_of(conn, involved - created.keys()))
    plan = plan_identities(claims, owners, created, merging.kept_apart(conn, involved))
    added = merging.insert_identities(conn, plan.new, now)
    merge_ids = apply_merges(conn, plan.merges, now, bus=bus)
    pairs = tuple((p.survivor_id, p.merged_id) for p in plan.merges)
    return IndexResult(added, tuple(merge_ids), pairs)


def apply_merges(
    conn: Connection, pairs: Iterable[MergePair], now: datetime, *, bus: EventBus
) -> list[str]:
    """Merge flat pairs (no survivor merged in the same batch); return the merge ids.

    Publishes :class:`CustomersMerged` listing the other slices' rows that move."""
    batch = list(pairs)
    if not batch:
        return []
    merging.lock_customers(conn, {p.survivor_id for p in batch} | {p.merged_id for p in batch})
    moved = merging.move_to_survivors(conn, batch)
    merge_ids = merging.record_merges(conn, batch, moved, now)
    merges = tuple(
        merging.published(i, p.survivor_id, p.merged_id, moved.get(p.merged_id, {}))
        for i, p in zip(merge_ids, batch, strict=True)
    )
    bus.publish(CustomersMerged(merges), conn)
    return merge_ids


def _final(conn: Connection, customer_id: str) -> str:
    survivor = people.resolve(conn, customer_id)
    if survivor is None:
        raise NotFound(f"customer {customer_id!r} does not exist")
    return survivor


def merge(
    conn: Connection, survivor_id: str, merged_id: str, rule: str, *, now: datetime, bus: EventBus
) -> str | None:
    """Merge ``merged_id`` into ``survivor_id`` (each first resolved along merge chains).

    Returns the new merge id, or ``None`` when both already are one person (idempotent).
    """
    survivor, merged = _final(conn, survivor_id), _final(conn, merged_id)
    if survivor == merged:
        return None
    for c in people.customers_by_id(conn, [survivor, merged]):
        if c.erased_at is not None:
            raise Conflict(f"customer {c.id!r} was erased at {c.erased_at.isoformat()}")
    return apply_merges(conn, [MergePair(survivor, merged, rule)], now, bus=bus)[0]


def pick_survivor(conn: Connection, a: str, b: str) -> tuple[str, str]:
    """Apply :data:`SURVIVOR_RULE` (oldest ``created_at``) to two customers' final survivors."""
    first, second = _final(conn, a), _final(conn, b)
    created = merging.created_at_of(conn, [first, second])
    ordered = sorted({first, second}, key=lambda i: survivor_order(created[i], i))
    return (ordered[0], ordered[-1])


def undo_merge(conn: Connection, merge_id: str, *, now: datetime, bus: EventBus) -> Merge:
    """Restore exactly the rows a merge moved. Undoing twice is a no-op.

    A survivor later merged into another customer (A→B, then B→C) must have that later merge
    undone first, so every row goes back to where it was, in order.
    """
    record = merging.get_merge(conn, merge_id)
    if record is None:
        raise NotFound(f"merge {merge_id!r} does not exist")
    if record.undone_at is not None:
        return record
    merging.lock_customers(conn, [record.survivor_id, record.merged_id])
    rows = {c.id: c for c in people.customers_by_id(conn, [record.survivor_id, record.merged_id])}
    survivor, merged = rows[record.survivor_id], rows[record.merged_id]
    if survivor.merged_into is not None:
        later = merging.active_merge_of(conn, survivor.id)
        raise Conflict(
            f"merge {merge_id}: survivor {survivor.id} was since merged into "
            f"{survivor.merged_into}; undo merge {later.id if later else '?'} first"
        )
    if merged.merged_into != survivor.id:
        raise Conflict(f"merge {merge_id}: {merged.id} is no longer merged into {survivor.id}")
    if merged.erased_at is not None or survivor.erased_at is not None:
        raise Conflict(f"merge {merge_id}: the person was erased; identities cannot come back")
    merging.restore(conn, record, now)
    moved = dict(record.moved)
    bus.publish(MergeUndone(merging.published(record.id, survivor.id, merged.id, moved)), conn)
    restored = merging.get_merge(conn, merge_id)
    assert restored is not None
    return restored


def profile(conn: Connection, customer_id: str, *, vault: Vault | None = None) -> Found:
    """The 360 profile of the person behind ``customer_id`` (a merged id gives its survivor)."""
    survivor = _final(conn, customer_id)
    group = people.group_of(conn, survivor)
    customer = people.get_customer(conn, survivor)
    assert customer is not None
    if vault is not None:
        customer = vault.reveal(conn, [customer])[0]
    built = build_profile(
        customer,
        identities=merging.identities_of(conn, group),
        merged_ids=group[1:],
        orders=touchpoints.orders_of(conn, group),
        lines=touchpoints.customer_lines(conn, group),
        activity=touchpoints.activity_of(conn, group),
        answers=touchpoints.scored_answers(conn, group),
        scores=touchpoints.model_scores(conn, group),
    )
    return Found(customer_id, built)


def timeline(
    conn: Connection, customer_id: str, *, limit: int = 50, before: str | None = None
) -> TimelinePage:
    """One page of the person's touchpoints, newest first; ``before`` is a page's next_cursor."""
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(f"timeline limit {limit}: must be between 1 and {MAX_PAGE}")
    cursor = Cursor.parse(before) if before else None
    group = people.group_of(conn, _final(conn, customer_id))
    return page_timeline(touchpoints.timeline_sources(conn, group, limit, cursor), limit, cursor)


def search(
    conn: Connection,
    text: str,
    *,
    limit: int = 25,
    after: str | None = None,
    before: str | None = None,
    default_country: str | None = None,
    vault: Vault | None = None,
) -> SearchPage:
    """Customers by name or email (any case, any accents), phone digits, id, external id,
    email, phone or ``source:id``; newest first, with the total and both neighbouring pages."""
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(f"search limit {limit}: must be between 1 and {MAX_PAGE}")
    blind = vault.sealer.blind if vault is not None else None
    if blind is None and finder.missing(conn):  # rows written without keys (the service
        finder.add_missing(conn)  # commits them first)
    found = finder.search(
        conn,
        text,
        limit=limit,
        after=after,
        before=before,
        default_country=default_country,
        blind=blind,
    )
    if not found and before:  # the previous page of the first page is the first page
        found = finder.search(conn, text, limit=limit, default_country=default_country, blind=blind)
    if vault is not None:
        found = vault.reveal(conn, found)
    page = tuple(found)
    above = page[0].id if page else None
    total, ahead = finder.count_matches(
        conn, text, above=above, default_country=default_country, blind=blind
    )
    if not page:
        hint = sealed_hint(text) if blind is not None and not total else None
        return SearchPage(
            (), None, total, total + 1 if after else 1, after if total else None, hint
        )
    first = ahead + 1
    last = first + len(page) - 1
    return SearchPage(
        page,
        page[-1].id if last < total else None,
        total,
        first,
        page[0].id if first > 1 else None,
    )


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
    survivor = _final(conn, customer_id)
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
    group = tuple(people.group_of(conn, _final(conn, customer_id)))
    personal = privacy.erase_rows(
        conn, group, now, key=key, default_country=default_country, vault=vault
    )
    if personal is None:
        return ()
    finder.write(conn, group)  # the keys of the erased name, email and phone go too
    finder.forget_names(conn, group)
    bus.publish(CustomerErased(group, personal), conn)
    return group


def identify_contact(
    conn: Connection,
    *,
    email: str | None,
    phone: str | None,
    name: str | None,
    now: datetime,
    bus: EventBus,
    default_country: str | None = None,
    vault: Vault | None = None,
) -> str | None:
    """The customer behind an email address or phone number (the survivor, when merged).

    Someone the store does not know yet becomes a new customer (``source='opencx'``) whose
    identities are indexed at once, so their next message finds them. ``None`` when neither
    ``email`` nor ``phone`` is usable. Used by the helpdesk (through the composition root) for
    mail, chat and phone contacts.
    """
    keys = [
        (kind, value)
        for kind, value in (
            ("email", normalise_email(email)),
            ("phone", normalise_phone(phone, default_country)),
        )
        if value is not None
    ]
    if not keys:
        return None
    if vault is not None:
        keys = [(kind, vault.sealer.blind(kind, value)) for kind, value in keys]
    owners = merging.owners_of(conn, keys)
    for key in keys:
        if key in owners:
            return _final(conn, owners[key])
    customer_id = new_id()
    if vault is not None:
        fields = {"name": [name], "email": [email], "phone": [phone]}
        sealed = vault.seal_columns(conn, [customer_id], fields, now)
        name, email, phone = sealed["name"][0], sealed["email"][0], sealed["phone"][0]
    people.insert_contact(
        conn, email=email, phone=phone, name=name, now=now, customer_id=customer_id
    )
    index_identities(
        conn, [customer_id], now=now, bus=bus, default_country=default_country, vault=vault
    )
    return customer_id


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

    def index(self, conn: Connection, customer_ids: Iterable[str]) -> IndexResult:
        return index_identities(
            conn,
            customer_ids,
            now=self.clock.now(),
            bus=self.bus,
            default_country=self.default_country,
            vault=self.vault,
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
            return _final(conn, customer_id)

    def merge_record(self, merge_id: str) -> Merge:
        with self.engine.connect() as conn:
            found = merging.get_merge(conn, merge_id)
        if found is None:
            raise NotFound(f"merge {merge_id!r} does not exist")
        return found

    def show(self, customer_id: str) -> Found:
        with self.engine.connect() as conn:
            return profile(conn, customer_id, vault=self.vault)

    def timeline(self, customer_id: str, *, limit: int = 50, before: str | None = None) -> Any:
        with self.engine.connect() as conn:
            return timeline(conn, customer_id, limit=limit, before=before)

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
        self, text: str, *, limit: int = 25, after: str | None = None, before: str | None = None
    ) -> SearchPage:
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
            )

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
        scrub_after_erasure(self.engine, [t.name for t in metadata.sorted_tables])
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
