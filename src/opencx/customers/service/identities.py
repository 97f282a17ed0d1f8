"""Who is who: identities indexed and claimed, customers merged and unmerged, a contact (an
email or phone from another slice) resolved to its customer. A merge and an undo publish their
event in the same transaction."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.engine import Connection

from opencx.core import Conflict, EventBus, NotFound, new_id
from opencx.customers.domain import (
    Customer,
    CustomerKey,
    CustomersMerged,
    Merge,
    MergePair,
    MergeUndone,
    claims_of,
    contested,
    normalise_email,
    normalise_phone,
    plan_identities,
    survivor_order,
)
from opencx.customers.store import merging, people
from opencx.customers.store import search as finder
from opencx.customers.store.vault import Vault


@dataclass(frozen=True, slots=True)
class IndexResult:
    identities_added: int
    merge_ids: tuple[str, ...]
    pairs: tuple[tuple[str, str], ...]


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
    created: Sequence[Customer] = (),
) -> IndexResult:
    """Write the identities of ``customer_ids`` and merge customers that share one.

    Set-based: a batch of thousands of ids costs a handful of queries per table. Running it
    again on the same rows adds nothing and merges nothing (idempotent). ``created``: those of
    ``customer_ids`` created in this transaction, as written (an order event's new customer):
    neither their rows nor their search keys or name terms (they have none yet) are read.
    """
    customer_ids = list(customer_ids)
    wanted = set(customer_ids)
    given = {c.id: c for c in created if c.id in wanted}
    others = [i for i in customer_ids if i not in given]
    if vault is None:  # sealed names, emails and phones get no plaintext search keys
        finder.write(conn, others)
        finder.add(conn, given.values())
    fetched = {c.id: c for c in people.customers_by_id(conn, others)}
    fetched.update(given)
    rows = [c for c in fetched.values() if c.erased_at is None]
    if vault is not None:
        rows = vault.reveal(conn, rows)  # names found by their blind terms, rewritten here
        names = {c.id: c.name for c in rows}
        finder.write_names(conn, names, vault.sealer.blind, new=given.keys())
    finals = _finals(conn, [c.id for c in rows], fetched)
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
    owner_finals = _finals(conn, set(owners.values()), fetched)
    owners = {k: owner_finals.get(v, v) for k, v in owners.items()}
    involved = {c.customer_id for c in claims} | set(owners.values())
    since = {i: fetched[i].created_at for i in involved if i in fetched}
    since.update(merging.created_at_of(conn, involved - since.keys()))
    meeting = contested(claims, owners)  # no one else: no merge, no undone merge to read
    apart = merging.kept_apart(conn, meeting) if meeting else frozenset()
    plan = plan_identities(claims, owners, since, apart)
    added = merging.insert_identities(conn, plan.new, now)
    merge_ids = apply_merges(conn, plan.merges, now, bus=bus)
    pairs = tuple((p.survivor_id, p.merged_id) for p in plan.merges)
    return IndexResult(added, tuple(merge_ids), pairs)


def _finals(
    conn: Connection, ids: Iterable[str], fetched: Mapping[str, Customer]
) -> dict[str, str]:
    """Each of ``ids``' final survivor (:func:`people.final_survivors`): one in ``fetched``
    (read in this transaction) and merged into no one is its own, without a query."""
    ids = set(ids)
    own = {i: i for i in ids if i in fetched and fetched[i].merged_into is None}
    return own | people.final_survivors(conn, ids - own.keys())


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


def final_id(conn: Connection, customer_id: str) -> str:
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
    survivor, merged = final_id(conn, survivor_id), final_id(conn, merged_id)
    if survivor == merged:
        return None
    for c in people.customers_by_id(conn, [survivor, merged]):
        if c.erased_at is not None:
            raise Conflict(f"customer {c.id!r} was erased at {c.erased_at.isoformat()}")
    return apply_merges(conn, [MergePair(survivor, merged, rule)], now, bus=bus)[0]


def pick_survivor(conn: Connection, a: str, b: str) -> tuple[str, str]:
    """Apply :data:`SURVIVOR_RULE` (oldest ``created_at``) to two customers' final survivors."""
    first, second = final_id(conn, a), final_id(conn, b)
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
            return final_id(conn, owners[key])
    customer_id = new_id()
    if vault is not None:
        fields = {"name": [name], "email": [email], "phone": [phone]}
        sealed = vault.seal_columns(conn, [customer_id], fields, now)
        name, email, phone = sealed["name"][0], sealed["email"][0], sealed["phone"][0]
    people.insert_contact(
        conn, email=email, phone=phone, name=name, now=now, customer_id=customer_id
    )
    written = Customer(  # as insert_contact wrote it: indexed without reading it back
        id=customer_id,
        source="opencx",
        external_id=customer_id,
        name=name,
        email=email,
        phone=phone,
        language=None,
        country=None,
        created_at=now,
    )
    index_identities(
        conn,
        [customer_id],
        now=now,
        bus=bus,
        default_country=default_country,
        vault=vault,
        created=[written],
    )
    return customer_id
