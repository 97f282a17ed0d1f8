"""audit: the append-only log of privileged acts (who, when, what, from where), pseudonymised."""

from opencx.audit.domain import AuditFilter, AuditRecord
from opencx.audit.service import AuditService

__all__ = ["AuditFilter", "AuditRecord", "AuditService"]
