"""The metrics slice's FastAPI dependencies, shared by its routes and pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from opencx.metrics.service import MetricsService
from opencx.web.services import provide

MetricsServiceDep = Annotated[MetricsService, Depends(provide("metrics", MetricsService))]
"""The application's :class:`MetricsService`."""
