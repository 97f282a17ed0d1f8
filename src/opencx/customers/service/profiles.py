"""Reading customers: the 360 profile of one (followed through merges), their timeline, and
the search by name, email, phone or id, with its page and position."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.engine import Connection

from opencx.core import InvalidInput
from opencx.customers.domain import (
    Cursor,
    Customer,
    Profile,
    TimelinePage,
    build_profile,
    chosen_kinds,
    known_identities,
    page_timeline,
)
from opencx.customers.domain.search import ListFilter, RiskBand, sealed_hint
from opencx.customers.service.identities import final_id
from opencx.customers.store import merging, people, segments, touchpoints
from opencx.customers.store import search as finder
from opencx.customers.store.vault import Vault

MAX_PAGE = 500


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


def profile(
    conn: Connection,
    customer_id: str,
    *,
    vault: Vault | None = None,
    default_country: str | None = None,
) -> Found:
    """The 360 profile of the person behind ``customer_id`` (a merged id gives its survivor);
    with crypto-shredding on, each hashed email or phone identity carries the value it stands
    for when a customer of the group still holds it."""
    survivor = final_id(conn, customer_id)
    group = people.group_of(conn, survivor)
    customer = people.get_customer(conn, survivor)
    assert customer is not None
    identities = merging.identities_of(conn, group)
    if vault is not None:
        customer = vault.reveal(conn, [customer])[0]
        if any(i.hashed for i in identities):
            merged = people.customers_by_id(conn, group[1:]) if group[1:] else []
            members = [customer, *vault.reveal(conn, merged)]
            blind = vault.sealer.blind
            identities = list(known_identities(identities, members, blind, default_country))
    built = build_profile(
        customer,
        identities=identities,
        merged_ids=group[1:],
        orders=touchpoints.orders_of(conn, group),
        lines=touchpoints.customer_lines(conn, group),
        activity=touchpoints.activity_of(conn, group),
        answers=touchpoints.scored_answers(conn, group),
        scores=touchpoints.model_scores(conn, group),
    )
    return Found(customer_id, built)


def timeline(
    conn: Connection,
    customer_id: str,
    *,
    limit: int = 50,
    before: str | None = None,
    kinds: Sequence[str] | None = None,
) -> TimelinePage:
    """One page of the person's touchpoints, newest first; ``before`` is a page's next_cursor,
    ``kinds`` the kinds of entry to show (:data:`KIND_LABELS`; none given: every kind)."""
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(f"timeline limit {limit}: must be between 1 and {MAX_PAGE}")
    shown = chosen_kinds(kinds)
    cursor = Cursor.parse(before) if before else None
    group = people.group_of(conn, final_id(conn, customer_id))
    sources = touchpoints.timeline_sources(conn, group, limit, cursor, shown)
    return page_timeline(sources, limit, cursor)


def search(
    conn: Connection,
    text: str,
    *,
    limit: int = 25,
    after: str | None = None,
    before: str | None = None,
    default_country: str | None = None,
    vault: Vault | None = None,
    chosen: ListFilter | None = None,
    bands: Sequence[RiskBand] = (),
) -> SearchPage:
    """Customers by name or email (any case, any accents), phone digits, id, external id,
    email, phone or ``source:id``, narrowed by ``chosen`` (segments, churn-risk band among
    ``bands``, country, language); newest first, with the total and both neighbouring pages."""
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(f"search limit {limit}: must be between 1 and {MAX_PAGE}")
    where = segments.conditions(chosen, chosen.band(bands)) if chosen else []
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
        where=where,
    )
    if not found and before:  # the previous page of the first page is the first page
        found = finder.search(
            conn, text, limit=limit, default_country=default_country, blind=blind, where=where
        )
    if vault is not None:
        found = vault.reveal(conn, found)
    page = tuple(found)
    above = page[0].id if page else None
    total, ahead = finder.count_matches(
        conn, text, above=above, default_country=default_country, blind=blind, where=where
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
