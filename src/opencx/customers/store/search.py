"""Searching customers, and the search keys it reads: name and email folded (any case, no
accents) and the phone's digits, written by Python (:mod:`opencx.customers.domain.search`) so
SQLite, whose ``lower()`` knows only ASCII, and PostgreSQL find the same people, with a plain
``LIKE`` on both (a SQL function folding every row at query time measured 6x slower on SQLite
and, as ``translate``, 300x slower on PostgreSQL: bench/customer_search.py).

A row is (re)written whenever this slice indexes a customer (imports and the event API publish
``CustomersUpserted``; new contacts; erasure), and any customer still without one (rows the
demo or a test wrote directly) gets it before a search (:func:`add_missing`).

With crypto-shredding on, names are sealed and have no row here; ``customer_name_terms`` holds
the blind indexes of their terms instead (:func:`write_names`, deleted on erasure): a query's
words must each find one of a customer's terms.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from opencx.customers.domain import (
    Customer,
    normalise_email,
    normalise_external,
    normalise_phone,
)
from opencx.customers.domain.search import (
    digits,
    fold,
    fold_like,
    name_terms,
    phone_digits,
    query_terms,
)
from opencx.customers.store.people import among, chunks, to_customer
from opencx.db.id_lists import among_ids, ids_value
from opencx.db.schema import customers, identities, metadata, owned_by
from opencx.db.types import ID

Blind = Callable[[str, str], str]  # (kind, value) -> blind index (crypto-shredding)

customer_search = sa.Table(
    "customer_search",
    metadata,
    sa.Column("customer_id", ID, sa.ForeignKey("customers.id"), primary_key=True),
    sa.Column("name_key", sa.String(300)),
    sa.Column("email_key", sa.String(320)),
    sa.Column("phone_digits", sa.String(40)),
    info=owned_by("customers"),
)

customer_name_terms = sa.Table(
    "customer_name_terms",
    metadata,
    sa.Column("term", sa.String(80), primary_key=True),  # blind index of a name term
    sa.Column("customer_id", ID, sa.ForeignKey("customers.id"), primary_key=True, index=True),
    info=owned_by("customers"),
)

NAME_TERM = "name"  # the blind-index kind of name terms


def write(conn: Connection, customer_ids: Iterable[str]) -> int:
    """(Re)write the keys of ``customer_ids`` from their current rows; returns rows written."""
    written = 0
    for batch in chunks(sorted(set(customer_ids))):
        conn.execute(
            customer_search.delete().where(among(conn, customer_search.c.customer_id, batch))
        )
        people = conn.execute(
            sa.select(customers.c.id, customers.c.name, customers.c.email, customers.c.phone).where(
                among(conn, customers.c.id, batch)
            )
        ).all()
        written += _insert(conn, people)
    return written


def add(conn: Connection, created: Iterable[Customer]) -> int:
    """Write the keys of customers created in this transaction (:func:`write` without the
    delete and the read: they have no keys yet, and their rows are given); rows written."""
    return _insert(conn, created)


def forget(conn: Connection, customer_ids: Iterable[str]) -> None:
    """Delete the keys of ``customer_ids`` (their contact fields are sealed: no plaintext copy)."""
    for batch in chunks(sorted(set(customer_ids))):
        conn.execute(
            customer_search.delete().where(among(conn, customer_search.c.customer_id, batch))
        )


@cache
def _terms_of(dialect: str) -> sa.Select[Any]:
    t = customer_name_terms.c
    return sa.select(t.term, t.customer_id).where(among_ids(t.customer_id, dialect))


def write_names(
    conn: Connection,
    names: Mapping[str, str | None],
    blind: Blind,
    *,
    new: Collection[str] = (),
) -> int:
    """Bring the blind name terms of the customers in ``names`` (id -> opened name; None or an
    empty name leaves them none) up to date: only terms that changed are deleted or inserted,
    so indexing the same people again (a re-import) writes nothing. ``new``: customers created
    in this transaction, who have no terms yet (not read). Returns the rows inserted."""
    t = customer_name_terms.c
    wanted = {
        (blind(NAME_TERM, term), cid) for cid, name in names.items() for term in name_terms(name)
    }
    have: set[tuple[str, str]] = set()
    query = _terms_of(conn.dialect.name)
    for batch in chunks(sorted(names.keys() - set(new))):
        have.update(
            (term, cid) for term, cid in conn.execute(query, {"ids": ids_value(conn, batch)})
        )
    gone = sorted(have - wanted)
    if gone:
        conn.execute(
            customer_name_terms.delete().where(
                t.term == sa.bindparam("b_term"), t.customer_id == sa.bindparam("b_id")
            ),
            [{"b_term": term, "b_id": cid} for term, cid in gone],
        )
    rows = [{"term": term, "customer_id": cid} for term, cid in sorted(wanted - have)]
    for batch in chunks(rows, 20_000):  # in key order: 20-35% faster
        conn.execute(customer_name_terms.insert(), batch)
    return len(rows)


def forget_names(conn: Connection, customer_ids: Iterable[str]) -> None:
    """Delete the name terms of ``customer_ids`` (erasure, a name rewritten)."""
    t = customer_name_terms.c
    for batch in chunks(sorted(set(customer_ids))):
        conn.execute(customer_name_terms.delete().where(among(conn, t.customer_id, batch)))


def unnamed(conn: Connection, limit: int | None = None) -> list[str]:
    """Customers with a (sealed) name and no name terms: sealed before terms existed."""
    c, t = customers.c, customer_name_terms.c
    query = sa.select(c.id).where(
        c.erased_at.is_(None),
        c.name.is_not(None),
        ~sa.exists().where(t.customer_id == c.id),
    )
    return list(conn.execute(query.order_by(c.id).limit(limit)).scalars())


def missing(conn: Connection) -> bool:
    """Whether some customer has no keys yet (an anti-join on the primary keys)."""
    s = customer_search.c
    query = sa.select(customers.c.id).where(~sa.exists().where(s.customer_id == customers.c.id))
    return conn.execute(query.limit(1)).first() is not None


def add_missing(conn: Connection) -> int:
    """Write the keys of every customer without them; returns how many."""
    s = customer_search.c
    query = sa.select(customers.c.id, customers.c.name, customers.c.email, customers.c.phone).where(
        ~sa.exists().where(s.customer_id == customers.c.id)
    )
    written = 0
    for batch in chunks(conn.execute(query).all()):
        written += _insert(conn, batch)
    return written


def _insert(conn: Connection, people: Iterable[Any]) -> int:
    rows = [
        {
            "customer_id": p.id,
            "name_key": (fold(p.name) or "")[:300] or None,
            "email_key": (fold(p.email) or "")[:320] or None,
            "phone_digits": (digits(p.phone) or "")[:40] or None,
        }
        for p in people
    ]
    if rows:
        conn.execute(customer_search.insert(), rows)
    return len(rows)


def search(
    conn: Connection,
    text: str,
    *,
    limit: int,
    after: str | None = None,
    before: str | None = None,
    default_country: str | None = None,
    blind: Blind | None = None,
    where: Sequence[sa.ColumnElement[bool]] = (),
) -> list[Customer]:
    """Surviving customers matching ``text`` (:func:`matching`) and every condition of
    ``where``, newest first: the ``limit`` after the id ``after`` (the next page), or the
    ``limit`` just before the id ``before`` (the previous page)."""
    query = sa.select(customers).where(matching(text, default_country, blind), *where)
    if before:
        rows = conn.execute(
            query.where(customers.c.id > before).order_by(customers.c.id.asc()).limit(limit)
        )
        return [to_customer(r) for r in reversed(rows.all())]
    if after:
        query = query.where(customers.c.id < after)
    rows = conn.execute(query.order_by(customers.c.id.desc()).limit(limit))
    return [to_customer(r) for r in rows]


def count_matches(
    conn: Connection,
    text: str,
    *,
    above: str | None,
    default_country: str | None = None,
    blind: Blind | None = None,
    where: Sequence[sa.ColumnElement[bool]] = (),
) -> tuple[int, int]:
    """How many surviving customers match ``text`` (and ``where``), and how many of them come
    before the id ``above`` in the list (newest first): the total and the position of a page."""
    ahead = (
        sa.func.coalesce(sa.func.sum(sa.case((customers.c.id > above, 1), else_=0)), 0)
        if above is not None
        else sa.literal(0)
    )
    row = conn.execute(
        sa.select(sa.func.count(), ahead).where(matching(text, default_country, blind), *where)
    )
    total, before = row.one()
    return int(total), int(before)


def matching(
    text: str, default_country: str | None = None, blind: Blind | None = None
) -> sa.ColumnElement[bool]:
    """Surviving customers matching ``text``: the name or email containing it in any case and
    with or without accents, a phone containing its digits ("07425 689202"), an exact id or
    external id or ``source:id`` (a merged customer's gives its survivor), or a normalised
    email or phone identity. With ``blind`` (crypto-shredding) emails and phones are found by
    their blind index only, names by the blind indexes of their terms (every word of the
    query starting a word of the name)."""
    text = text.strip()
    alive = customers.c.merged_into.is_(None)
    if not text:
        return alive
    c, i = customers.c, identities.c
    source, _, external = text.partition(":")
    keys = [
        (kind, value)
        for kind, value in (
            ("email", normalise_email(text)),
            ("phone", normalise_phone(text, default_country)),
            ("external", normalise_external(source, external)),
        )
        if value
    ]
    if blind is not None:
        keys = [(k, blind(k, v) if k in ("email", "phone") else v) for k, v in keys]
    by_identity = sa.select(i.customer_id).where(
        sa.or_(sa.false(), *(sa.and_(i.kind == k, i.value == v) for k, v in keys))
    )
    named = sa.or_(
        c.id == text,
        c.external_id == text,
        sa.and_(c.source == source.strip(), c.external_id == external.strip()),
    )
    by_merged = sa.select(c.merged_into).where(named)
    found = [named, c.id.in_(by_merged), c.id.in_(by_identity)]
    if blind is None:
        found.append(c.id.in_(_by_keys(fold_like(text), phone_digits(text))))
    elif terms := query_terms(text):
        found.append(sa.and_(*(c.id.in_(_by_term(blind(NAME_TERM, t))) for t in terms)))
    return sa.and_(alive, sa.or_(*found))


def _by_term(term: str) -> sa.Select[tuple[str]]:
    """The surviving customer of every customer with the blind name term ``term``."""
    t = customer_name_terms.c
    merged = customers.alias("merged")
    return (
        sa.select(sa.func.coalesce(merged.c.merged_into, t.customer_id))
        .select_from(customer_name_terms.join(merged, merged.c.id == t.customer_id))
        .where(t.term == term)
    )


def _by_keys(pattern: str, phone: str | None) -> sa.Select[tuple[str]]:
    """The surviving customer of every customer whose folded name or email is ``LIKE
    pattern`` (escape ``\\``), or whose phone digits contain ``phone``: searching a merged
    customer's name finds the person they were merged into."""
    s = customer_search.c
    merged = customers.alias("merged")
    found = [s.name_key.like(pattern, escape="\\"), s.email_key.like(pattern, escape="\\")]
    if phone:
        found.append(s.phone_digits.like(f"%{phone}%"))
    return (
        sa.select(sa.func.coalesce(merged.c.merged_into, s.customer_id))
        .select_from(customer_search.join(merged, merged.c.id == s.customer_id))
        .where(sa.or_(*found))
    )
