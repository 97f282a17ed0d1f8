"""The ingest slice's FastAPI dependencies, shared by its routes and pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from opencx.ingest.service import IngestService
from opencx.web.services import provide

IngestServiceDep = Annotated[IngestService, Depends(provide("ingest", IngestService))]
"""The application's :class:`IngestService`."""
