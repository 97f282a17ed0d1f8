"""The journeys slice's FastAPI dependency, shared by its routes and pages."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from opencx.journeys.service import JourneysService
from opencx.web.services import provide

JourneysServiceDep = Annotated[JourneysService, Depends(provide("journeys", JourneysService))]
"""The application's :class:`JourneysService`."""
