"""Invitations and what the recontact rules read: contact history, reachability, opt-outs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection

from opencx.core import contacts as published
from opencx.core.contacts import ContactsOf
from opencx.db import driver
from opencx.db.schema import customers, invitations, responses, surveys
from opencx.db.types import UtcDateTime
from opencx.feedback.domain.recontact import Contact
from opencx.feedback.store.tables import survey_opt_outs, survey_skips


@dataclass(frozen=True, slots=True)
class Person:
    """What an invitation needs to know of a customer."""

    id: str
    name: str | None
    email: str | None
    phone: str | None
    language: str | None
    consent: bool
    erased: bool
    opted_out: bool


def people(conn: Connection, ids: Iterable[str], contacts: ContactsOf) -> dict[str, Person]:
    """The customers among ``ids``: their contact (name, email, phone, erased) from the
    customers slice's published read ``contacts`` (sealed in the store under crypto-shredding),
    their language and consent from the canonical row, their opt-out from this slice."""
    wanted = list(set(ids))
    found: dict[str, Person] = {}
    c = customers.c
    for start in range(0, len(wanted), 500):
        part = wanted[start : start + 500]
        query = (
            sa.select(
                c.id,
                c.language,
                c.consent_surveys,
                survey_opt_outs.c.customer_id.label("opted"),
            )
            .outerjoin(survey_opt_outs, survey_opt_outs.c.customer_id == c.id)
            .where(c.id.in_(part))
        )
        rows = conn.execute(query).all()
        reach = contacts(conn, [r.id for r in rows])
        for r in rows:
            contact = reach.get(r.id) or published.Contact(r.id, None, None, None)
            found[r.id] = Person(
                r.id,
                contact.name,
                contact.email,
                contact.phone,
                r.language,
                bool(r.consent_surveys),
                contact.erased,
                r.opted is not None,
            )
    return found


def history(conn: Connection, ids: Iterable[str], since: datetime) -> dict[str, list[Contact]]:
    """Each customer's invitations (sent or scheduled) since ``since``, with the survey key."""
    wanted = list(set(ids))
    found: dict[str, list[Contact]] = {}
    i = invitations.c
    at = sa.func.coalesce(i.sent_at, i.scheduled_at)
    for start in range(0, len(wanted), 500):
        query = (
            sa.select(i.customer_id, surveys.c.key, at.label("at"))
            .join(surveys, surveys.c.id == i.survey_id)
            .where(i.customer_id.in_(wanted[start : start + 500]), at >= since)
            .where(i.status != "cancelled")
        )
        for cid, key, when in conn.execute(query):
            found.setdefault(cid, []).append(Contact(key, when))
    return found


def exists(
    conn: Connection, survey_ids: Sequence[str], customer_id: str | None, trigger: str, ref: str
) -> bool:
    i = invitations.c
    query = (
        sa.select(i.id)
        .where(
            i.survey_id.in_(list(survey_ids)),
            i.customer_id.is_(None) if customer_id is None else i.customer_id == customer_id,
            i.trigger == trigger,
            i.trigger_ref == ref,
        )
        .limit(1)
    )
    return conn.execute(query).first() is not None


def insert(conn: Connection, row: dict[str, Any]) -> None:
    conn.execute(invitations.insert().values(**row))


def get(conn: Connection, invitation_id: str) -> dict[str, Any] | None:
    row = conn.execute(sa.select(invitations).where(invitations.c.id == invitation_id)).first()
    return dict(row._mapping) if row is not None else None


def _answering_query() -> sa.Select[Any]:
    i, c, r = invitations.c, customers.c, responses.c
    return (
        sa.select(
            invitations,
            c.language.label("customer_language"),
            r.id.label("response_id"),
            r.completed.label("response_completed"),
        )
        .select_from(
            invitations.outerjoin(customers, c.id == i.customer_id).outerjoin(
                responses, r.invitation_id == i.id
            )
        )
        .where(i.id == sa.bindparam("invitation_id"))
        .limit(1)
    )


# Built once: the answering path runs it on every answer, and building a statement (and its
# cache key) costs more CPU than the database spends on the query.
_ANSWERING = _answering_query()
_UPDATE = invitations.update().where(invitations.c.id == sa.bindparam("invitation_id"))


# the same query compiled once for the driver's connection, in a pipelined unit of work
# (opencx.db.driver): psycopg's placeholders, with the values SQLAlchemy bound (the limit)
_PG_COMPILED = _ANSWERING.compile(dialect=postgresql.psycopg.dialect())  # type: ignore[no-untyped-call]
_PG_ANSWERING = _PG_COMPILED.string
_PG_BOUND = {k: v for k, v in _PG_COMPILED.params.items() if k != "invitation_id"}
_ANSWERING_COLUMNS = tuple(str(c.key) for c in _ANSWERING.selected_columns)
_TIMES = tuple(c.name for c in invitations.columns if isinstance(c.type, UtcDateTime))


def answering(conn: Connection, invitation_id: str) -> dict[str, Any] | None:
    """The invitation with what answering it needs, in one round trip: its customer's language
    (``customer_language``) and its response so far (``response_id``, ``response_completed``;
    None before the first answer)."""
    if driver.in_unit(conn):
        rows = driver.read(conn, _PG_ANSWERING, {**_PG_BOUND, "invitation_id": invitation_id})
        if not rows:
            return None
        found = driver.columns(_ANSWERING_COLUMNS, rows[0])
        for name in _TIMES:
            if found[name] is not None:
                found[name] = found[name].astimezone(UTC)
        return found
    row = conn.execute(_ANSWERING, {"invitation_id": invitation_id}).first()
    return dict(row._mapping) if row is not None else None


def update(conn: Connection, invitation_id: str, **values: Any) -> None:
    conn.execute(_UPDATE, {"invitation_id": invitation_id, **values})


def due(conn: Connection, now: datetime, limit: int) -> list[dict[str, Any]]:
    """Scheduled invitations whose time has come, oldest first."""
    i = invitations.c
    query = (
        sa.select(invitations)
        .where(i.status == "scheduled", i.scheduled_at <= now)
        .order_by(i.scheduled_at, i.id)
        .limit(limit)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def unanswered(
    conn: Connection, sent_before: datetime, sent_after: datetime, limit: int
) -> list[dict[str, Any]]:
    """Sent invitations without an answer in a window: the ones a reminder goes to."""
    i = invitations.c
    query = (
        sa.select(invitations)
        .where(i.status == "sent", i.responded_at.is_(None))  # "reminded" once: no more
        .where(i.sent_at <= sent_before, i.sent_at > sent_after, i.channel != "link")
        .order_by(i.sent_at, i.id)
        .limit(limit)
    )
    return [dict(r) for r in conn.execute(query).mappings()]


def record_skip(conn: Connection, row: dict[str, Any]) -> None:
    conn.execute(survey_skips.insert().values(**row))


def skips(conn: Connection, customer_id: str | None, limit: int) -> list[dict[str, Any]]:
    query = sa.select(survey_skips).order_by(survey_skips.c.at.desc()).limit(limit)
    if customer_id is not None:
        query = query.where(survey_skips.c.customer_id == customer_id)
    return [dict(r) for r in conn.execute(query).mappings()]


def opt_out(conn: Connection, customer_id: str, at: datetime, via: str) -> bool:
    """Record an opt-out; False when the customer had already opted out."""
    known = conn.execute(
        sa.select(survey_opt_outs.c.customer_id).where(survey_opt_outs.c.customer_id == customer_id)
    ).first()
    if known is not None:
        return False
    conn.execute(survey_opt_outs.insert().values(customer_id=customer_id, at=at, via=via))
    return True


def cancel_for(conn: Connection, customer_id: str) -> int:
    """Cancel a customer's invitations not yet sent (an opt-out or an erasure)."""
    i = invitations.c
    result = conn.execute(
        invitations.update()
        .where(i.customer_id == customer_id, i.status == "scheduled")
        .values(status="cancelled")
    )
    return int(result.rowcount)
