"""The audit log's FastAPI dependency."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from opencx.audit.service import AuditService
from opencx.web import provide

AuditServiceDep = Annotated[AuditService, Depends(provide("audit", AuditService))]
