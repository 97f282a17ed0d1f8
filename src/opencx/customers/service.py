"""Customer use cases: resolve identities, merge and unmerge, the 360 profile, search, privacy.

Functions take a connection (the caller's unit of work) and plain values; the
:class:`CustomerService` object wraps them in transactions for the edges and the event bus.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Connection, Engine

from opencx.core import Clock, Conflict, EventBus, InvalidInput, NotFound
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
    page_timeline,
    plan_identities,
    survivor_order,
)
from opencx.customers.store import merging, people, privacy, touchpoints

MAX_PAGE = 500


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
    customers: tuple[Customer, ...]
    next_after: str | None


def _key(c: Customer) -> CustomerKey:
    return CustomerKey(
        c.id, c.source, c.external_id, c.email, c.phone, c.country, c.created_at, c.attributes
    )


def index_identities(
    conn: Connection,
    customer_ids: Iterable[str],
    *,
    now: datetime,
    default_country: str | None = None,
) -> IndexResult:
    """Write the identities of ``customer_ids`` and merge customers that share one.

    Set-based: a batch of thousands of ids costs a handful of queries per table. Running it
    again on the same rows adds nothing and merges nothing (idempotent).
    """
    fetched = {c.id: c for c in people.customers_by_id(conn, customer_ids)}
    rows = [c for c in fetched.values() if c.erased_at is None]
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
    merge_ids = apply_merges(conn, plan.merges, now)
    pairs = tuple((p.survivor_id, p.merged_id) for p in plan.merges)
    return IndexResult(added, tuple(merge_ids), pairs)


def apply_merges(conn: Connection, pairs: Iterable[MergePair], now: datetime) -> list[str]:
    """Merge flat pairs (no survivor merged in the same batch); return the merge ids."""
    batch = list(pairs)
    if not batch:
        return []
    merging.lock_customers(conn, {p.survivor_id for p in batch} | {p.merged_id for p in batch})
    moved = merging.move_to_survivors(conn, batch)
    return merging.record_merges(conn, batch, moved, now)


def _final(conn: Connection, customer_id: str) -> str:
    survivor = people.resolve(conn, customer_id)
    if survivor is None:
        raise NotFound(f"customer {customer_id!r} does not exist")
    return survivor


def merge(
    conn: Connection, survivor_id: str, merged_id: str, rule: str, *, now: datetime
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
    return apply_merges(conn, [MergePair(survivor, merged, rule)], now)[0]


def pick_survivor(conn: Connection, a: str, b: str) -> tuple[str, str]:
    """Apply :data:`SURVIVOR_RULE` (oldest ``created_at``) to two customers' final survivors."""
    first, second = _final(conn, a), _final(conn, b)
    created = merging.created_at_of(conn, [first, second])
    ordered = sorted({first, second}, key=lambda i: survivor_order(created[i], i))
    return (ordered[0], ordered[-1])


def undo_merge(conn: Connection, merge_id: str, *, now: datetime) -> Merge:
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
    restored = merging.get_merge(conn, merge_id)
    assert restored is not None
    return restored


def profile(conn: Connection, customer_id: str) -> Found:
    """The 360 profile of the person behind ``customer_id`` (a merged id gives its survivor)."""
    survivor = _final(conn, customer_id)
    group = people.group_of(conn, survivor)
    customer = people.get_customer(conn, survivor)
    assert customer is not None
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
    default_country: str | None = None,
) -> SearchPage:
    """Customers by name or email substring, id, external id, email, phone or ``source:id``."""
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(f"search limit {limit}: must be between 1 and {MAX_PAGE}")
    found = people.search(conn, text, limit=limit + 1, after=after, default_country=default_country)
    more = len(found) > limit
    page = tuple(found[:limit])
    return SearchPage(page, page[-1].id if more else None)


def export(conn: Connection, customer_id: str, *, now: datetime) -> dict[str, Any]:
    """Everything held about the person behind ``customer_id``, as JSON-able data (GDPR art. 15
    and 20)."""
    survivor = _final(conn, customer_id)
    rows = privacy.export_rows(conn, people.group_of(conn, survivor))
    return {"format": "opencx-customer-export/1", "customer_id": survivor,
            "requested_id": customer_id, "exported_at": now.isoformat(), **rows}  # fmt: skip


def erase(conn: Connection, customer_id: str, *, now: datetime) -> tuple[str, ...]:
    """Erase the personal data of the person behind ``customer_id`` and of every customer
    merged into them (GDPR art. 17). Returns the ids erased; empty when already erased."""
    group = people.group_of(conn, _final(conn, customer_id))
    return tuple(group) if privacy.erase_rows(conn, group, now) else ()


@dataclass
class CustomerService:
    """The customers slice for edges and event handlers: one transaction per call."""

    engine: Engine
    clock: Clock
    bus: EventBus | None = None
    default_country: str | None = None

    def _publish(self, event: Any, conn: Connection) -> None:
        if self.bus is not None:
            self.bus.publish(event, conn)

    def on_customers_upserted(self, event: Any, conn: Connection) -> None:
        """Handler of ingest's ``CustomersUpserted``: index identities, merge duplicates."""
        self.index(conn, event.customer_ids)

    def index(self, conn: Connection, customer_ids: Iterable[str]) -> IndexResult:
        result = index_identities(
            conn, customer_ids, now=self.clock.now(), default_country=self.default_country
        )
        if result.merge_ids:
            self._publish(CustomersMerged(result.pairs, result.merge_ids), conn)
        return result

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
            return profile(conn, customer_id)

    def timeline(self, customer_id: str, *, limit: int = 50, before: str | None = None) -> Any:
        with self.engine.connect() as conn:
            return timeline(conn, customer_id, limit=limit, before=before)

    def search(self, text: str, *, limit: int = 25, after: str | None = None) -> SearchPage:
        with self.engine.connect() as conn:
            return search(
                conn, text, limit=limit, after=after, default_country=self.default_country
            )

    def export(self, customer_id: str) -> dict[str, Any]:
        with self.engine.connect() as conn:
            return export(conn, customer_id, now=self.clock.now())

    def erase(self, customer_id: str) -> tuple[str, ...]:
        with self.engine.begin() as conn:
            erased = erase(conn, customer_id, now=self.clock.now())
            if erased:
                self._publish(CustomerErased(erased), conn)
            return erased

    def merge(self, a: str, b: str) -> tuple[str | None, str, str]:
        """Merge two customers, the survivor chosen by :data:`SURVIVOR_RULE`."""
        with self.engine.begin() as conn:
            survivor, merged = pick_survivor(conn, a, b)
            merge_id = merge(conn, survivor, merged, "manual", now=self.clock.now())
            if merge_id is not None:
                self._publish(CustomersMerged(((survivor, merged),), (merge_id,)), conn)
            return merge_id, survivor, merged

    def unmerge(self, merge_id: str) -> Merge:
        with self.engine.begin() as conn:
            before = merging.get_merge(conn, merge_id)
            record = undo_merge(conn, merge_id, now=self.clock.now())
            if before is not None and before.undone_at is None:
                self._publish(MergeUndone(merge_id, record.survivor_id, record.merged_id), conn)
            return record
