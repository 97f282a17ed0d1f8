"""The ``audit_log`` (insert and read only: there is no update or delete path) and the
per-customer pseudonym salts in ``audit_subjects`` (deleted on erasure)."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from opencx.audit.domain import AuditFilter, AuditRecord
from opencx.db.schema import metadata, owned_by
from opencx.db.types import ID, UtcDateTime

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", ID, primary_key=True),  # time-ordered
    sa.Column("at", UtcDateTime, nullable=False, index=True),
    sa.Column("actor", sa.String(100), nullable=False, index=True),
    sa.Column("action", sa.String(60), nullable=False, index=True),
    sa.Column("subjects", sa.Text, nullable=False, server_default=""),  # " p_… p_… "
    sa.Column("target", sa.String(200)),
    sa.Column("detail", sa.JSON, nullable=False),
    sa.Column("ip", sa.String(64)),
    sa.Column("request_id", sa.String(64), index=True),
    info=owned_by("audit"),
)

audit_subjects = sa.Table(
    "audit_subjects",
    metadata,
    # a customer id (no foreign key: the row must not outlive nor hold back an erasure)
    sa.Column("subject", ID, primary_key=True),
    sa.Column("salt", sa.String(32), nullable=False),
    info=owned_by("audit"),
)


def append(conn: Connection, record: AuditRecord) -> None:
    conn.execute(
        audit_log.insert().values(
            id=record.id,
            at=record.at,
            actor=record.actor,
            action=record.action,
            subjects="".join(f" {s}" for s in record.subjects) + (" " if record.subjects else ""),
            target=record.target,
            detail=dict(record.detail),
            ip=record.ip,
            request_id=record.request_id,
        )
    )


def salts(conn: Connection, customer_ids: Iterable[str], *, create: bool) -> dict[str, str]:
    """The pseudonym salt of each customer (made on first use when ``create``)."""
    wanted = sorted(set(customer_ids))
    if not wanted:
        return {}
    query = sa.select(audit_subjects.c.subject, audit_subjects.c.salt).where(
        audit_subjects.c.subject.in_(wanted)
    )
    found = {row.subject: row.salt for row in conn.execute(query)}
    missing = [c for c in wanted if c not in found]
    if create and missing:
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        rows = [{"subject": c, "salt": secrets.token_hex(16)} for c in missing]
        # a concurrent act on the same new customer made its salt first: keep that one
        conn.execute(dialect.insert(audit_subjects).on_conflict_do_nothing(), rows)
        found.update({row.subject: row.salt for row in conn.execute(query)})
    return found


def forget_subjects(conn: Connection, customer_ids: Iterable[str]) -> int:
    """Delete the salts of erased customers: their pseudonyms can no longer be linked."""
    ids = list(customer_ids)
    if not ids:
        return 0
    stmt = audit_subjects.delete().where(audit_subjects.c.subject.in_(ids))
    return conn.execute(stmt).rowcount


def records(conn: Connection, wanted: AuditFilter) -> list[AuditRecord]:
    """Records matching ``wanted``, newest first."""
    log = audit_log.c
    query = sa.select(audit_log).order_by(log.id.desc()).limit(wanted.limit)
    if wanted.action:
        query = query.where(
            log.action.startswith(wanted.action, autoescape=True)
            if wanted.action.endswith(".")
            else log.action == wanted.action
        )
    conditions: list[tuple[Any, Any]] = [
        (wanted.actor, lambda v: log.actor == v),
        (wanted.subject, lambda v: log.subjects.contains(f" {v} ", autoescape=True)),
        (wanted.request_id, lambda v: log.request_id == v),
        (wanted.since, lambda v: log.at >= v),
        (wanted.until, lambda v: log.at < v),
        (wanted.before, lambda v: log.id < v),
    ]
    for value, condition in conditions:
        if value is not None:
            query = query.where(condition(value))
    return [_record(row) for row in conn.execute(query).mappings()]


def _record(row: Any) -> AuditRecord:
    return AuditRecord(
        id=row["id"],
        at=row["at"],
        actor=row["actor"],
        action=row["action"],
        subjects=tuple(row["subjects"].split()),
        target=row["target"],
        detail=row["detail"] or {},
        ip=row["ip"],
        request_id=row["request_id"],
    )


def count(conn: Connection) -> int:
    return int(conn.execute(sa.select(sa.func.count()).select_from(audit_log)).scalar_one())
