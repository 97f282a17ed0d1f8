"""Audit use cases: record a privileged act in the act's own transaction, read and filter the
log, forget an erased customer's pseudonym salt.

The composition root subscribes :meth:`AuditService.on_act` to
:class:`~opencx.core.audit.PrivilegedActDone` and :meth:`AuditService.on_customer_erased` to
:class:`~opencx.core.CustomerErased`; nothing else writes ``audit_log``, and nothing updates or
deletes its rows (on PostgreSQL and SQLite a trigger refuses it as well).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Connection, Engine

from opencx.audit import store
from opencx.audit.domain import AuditFilter, AuditRecord, audit_key, pseudonym
from opencx.core import Clock, CustomerErased, new_id
from opencx.core.audit import Origin, PrivilegedActDone, current_origin


def record(
    conn: Connection, act: PrivilegedActDone, *, origin: Origin, key: bytes, now: datetime
) -> AuditRecord:
    """Append ``act`` done by ``origin`` at ``now``; its customers become pseudonyms."""
    salts = store.salts(conn, act.customers, create=True)
    entry = AuditRecord(
        id=new_id(),
        at=now,
        actor=origin.actor,
        action=act.action,
        subjects=tuple(dict.fromkeys(pseudonym(key, salts[c], c) for c in act.customers)),
        target=act.target,
        detail=dict(act.detail),
        ip=origin.ip,
        request_id=origin.request_id,
    )
    store.append(conn, entry)
    return entry


class AuditService:
    """The audit log on ``engine``; pseudonyms keyed by a key derived from ``secret_key``."""

    def __init__(self, engine: Engine, clock: Clock, *, secret_key: str) -> None:
        self.engine = engine
        self.clock = clock
        self._key = audit_key(secret_key)

    def on_act(self, act: PrivilegedActDone, conn: Connection) -> None:
        """Bus handler: record ``act`` in the transaction that did it."""
        record(conn, act, origin=current_origin(), key=self._key, now=self.clock.now())

    def on_customer_erased(self, event: CustomerErased, conn: Connection) -> None:
        """Record the erasure, then delete the person's salts: no record, this one included,
        can be linked to them any more."""
        act = PrivilegedActDone(
            "customers.erase",
            customers=event.customer_ids,
            detail={"records": len(event.customer_ids)},
        )
        record(conn, act, origin=current_origin(), key=self._key, now=self.clock.now())
        store.forget_subjects(conn, event.customer_ids)

    def record(self, act: PrivilegedActDone) -> AuditRecord:
        """Record an act done outside any transaction of ours (its own transaction)."""
        with self.engine.begin() as conn:
            return record(conn, act, origin=current_origin(), key=self._key, now=self.clock.now())

    def records(self, wanted: AuditFilter) -> list[AuditRecord]:
        with self.engine.connect() as conn:
            return store.records(conn, wanted)

    def pseudonym_of(self, customer_id: str) -> str | None:
        """The pseudonym of ``customer_id`` in the log; None when no record names them (never
        audited, or erased: their salt is gone)."""
        with self.engine.connect() as conn:
            salt = store.salts(conn, [customer_id], create=False).get(customer_id)
        return None if salt is None else pseudonym(self._key, salt, customer_id)
